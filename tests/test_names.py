"""Vietnamese names as offices search and sort them (config/names.py), on the database the
suite runs on (SQLite by default, PostgreSQL in CI): the folded search key, the collation key,
and that every way a name is written keeps them."""

import datetime

import pytest
from django.urls import reverse

from config.names import fold, name_keys, sort_key
from config.versioning import with_version
from members import services
from members.models import Candidate, Member
from organizations.models import PartyOrganization
from tests.factories import admitted

pytestmark = pytest.mark.django_db
LIST = reverse("members:member_list")

# A Vietnamese list's order: by given name (a ă â b … đ … tones none, huyền, hỏi, ngã, sắc,
# nặng), then the rest of the name.
IN_ORDER = [
    "Vũ Văn An",
    "Nguyễn Thị Anh",
    "Trần Thị Ánh",
    "Lê Văn Ăn",
    "Phạm Thị Ân",
    "Đặng Thị Bình",
    "Đinh Văn Cường",
    "Lê Văn Dũng",
    "Đỗ Văn Đức",
    "Lê Thị Ha",
    "Bùi Hồng Hà",
    "Đỗ Thị Hà",
    "Lê Thị Hả",
    "Lê Thị Hã",
    "Lê Thị Há",
    "Lê Thị Hạ",
    "Bùi Hồng Huyền",
    "Ông Văn Ơn",
    "Hồ Thị Yến",
]


def test_fold_drops_case_tones_and_marks_and_reads_d_for_đ():
    assert fold("  NGUYỄN  Thị Đặng ") == "nguyen thi dang"
    assert fold("Hồ") == fold("ho") == fold("HỒ") == "ho"
    assert fold("Ưng Ơn Ăn Ân Ê Ô") == "ung on an an e o"


def test_the_sort_key_orders_by_given_name_in_the_vietnamese_alphabet():
    shuffled = sorted(IN_ORDER, key=lambda name: name[::-1])
    assert sorted(shuffled, key=sort_key) == IN_ORDER
    # The alphabet's own letters, not the character codes: Đ after D, not after Z.
    assert sort_key("Đ") > sort_key("Dz") and sort_key("Đ") < sort_key("E")
    # A shorter given name first; the same given name, then the family name.
    assert sort_key("Lê Văn Ha") < sort_key("Lê Văn Hai")
    assert sort_key("Bùi Văn Hà") < sort_key("Lê Văn Hà")


def test_the_name_keys_of_bulk_writers_are_those_of_a_save():
    assert name_keys("Nguyễn Thị Đặng") == (fold("Nguyễn Thị Đặng"), sort_key("Nguyễn Thị Đặng"))


@pytest.fixture
def named(hanoi):
    """Hanoi members named IN_ORDER, in one cell."""
    cell = PartyOrganization.objects.get(code="HN-001")
    members = []
    for name in IN_ORDER:
        members.append(admitted(cell, datetime.date(2024, 3, 1), full_name=name))
    return members


def test_the_database_orders_by_the_key_as_python_does(named):
    ids = [member.pk for member in named]
    ordered = Member.objects.filter(pk__in=ids).order_by("sort_key", "pk")
    assert [member.full_name for member in ordered] == IN_ORDER
    # Backwards too (the list's "-full_name").
    backwards = Member.objects.filter(pk__in=ids).order_by("-sort_key", "-pk")
    assert [member.full_name for member in backwards] == IN_ORDER[::-1]


def test_every_save_keeps_the_keys(named):
    member = named[0]
    member.full_name = "Đàm Văn Lực"
    member.save(update_fields=with_version(["full_name"]))
    member.refresh_from_db()
    assert (member.search_key, member.sort_key) == name_keys("Đàm Văn Lực")
    assert Member.objects.filter(search_key="dam van luc").get() == member


def test_a_correction_keeps_the_keys(named):
    member = named[1]
    services.member_correct(member=member, reason="Sai chính tả", full_name="Ngô Thị Ngọc")
    member.refresh_from_db()
    assert member.sort_key == sort_key("Ngô Thị Ngọc") and member.search_key == "ngo thi ngoc"


def test_candidates_keep_the_keys():
    candidate = Candidate.objects.filter(organization__code__startswith="HN-").first()
    assert (candidate.search_key, candidate.sort_key) == name_keys(candidate.full_name)


def test_every_demo_member_has_its_keys():
    for full_name, search, key in Member.objects.values_list("full_name", "search_key", "sort_key"):
        assert (search, key) == name_keys(full_name)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("nguyen", "Nguyễn"), ("NGUYEN", "Nguyễn"), ("dang", "Đặng"), ("đặng", "Đặng")],
)
def test_the_members_list_finds_names_typed_without_diacritics(login, typed, expected):
    response = login("canbo").get(LIST, {"q": typed, "per_page": 200})
    found = [row.record.full_name for row in response.context["table"].page.object_list]
    assert found
    assert all(name.startswith(expected) for name in found), found


def test_ho_finds_ho_and_hong_and_lan_finds_a_given_name(login, named):
    client = login("canbo")
    found = [
        row.record.full_name
        for row in client.get(LIST, {"q": "ho", "per_page": 200}).context["table"].page.object_list
    ]
    assert "Hồ Thị Yến" in found
    assert all(fold(name).startswith("ho") for name in found)
    anywhere = client.get(LIST, {"q": "huyen", "per_page": 200}).context["table"].page
    assert "Bùi Hồng Huyền" in [row.record.full_name for row in anywhere.object_list]


def test_the_list_shows_names_in_vietnamese_order(login, named):
    response = login("canbo").get(LIST, {"q": "", "organization": named[0].organization_id})
    shown = [row.record.full_name for row in response.context["table"].page.object_list]
    ours = [name for name in shown if name in IN_ORDER]
    assert ours == [name for name in IN_ORDER if name in ours]
    assert shown == sorted(shown, key=sort_key)


def test_the_candidates_list_finds_names_without_diacritics(login):
    candidate = Candidate.objects.filter(organization__code__startswith="HN-").first()
    response = login("canbo").get(
        reverse("members:candidate_list"), {"q": fold(candidate.full_name).upper()}
    )
    assert candidate in [row.record for row in response.context["table"].page.object_list]


def test_the_organization_autocomplete_finds_names_without_diacritics(login, user):
    organization = next(
        organization
        for organization in PartyOrganization.objects.for_user(user("canbo")).filter(is_active=True)
        if fold(organization.name) != organization.name.lower()
    )
    client = login("canbo")
    url = reverse("organizations:organization_autocomplete")
    texts = [r["text"] for r in client.get(url, {"q": fold(organization.name)}).json()["results"]]
    assert any(organization.name in text for text in texts), texts
    # A word of it, typed without marks: every name found holds it.
    word = next(word for word in organization.name.split() if fold(word) != word.lower())
    results = client.get(url, {"q": fold(word)[:3]}).json()["results"]
    assert results
    assert all(fold(word)[:3] in fold(result["text"]) for result in results)
