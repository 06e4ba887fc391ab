import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.versioning import version_of
from members.models import AccessLog, Member, MemberEvent, Status
from organizations.models import PartyOrganization
from tests.helpers import unbounded_counts

pytestmark = pytest.mark.django_db
LIST = reverse("members:member_list")


@pytest.fixture
def hanoi_member():
    return Member.objects.filter(
        organization__path__startswith=PartyOrganization.objects.get(code="HN-KCNCX").path,
        status=Status.PROBATIONARY,
    ).first()


@pytest.fixture
def hanoi_cell():
    return PartyOrganization.objects.get(code="HN-001")


def test_member_list_is_scoped_and_paginated(login):
    response = login("canbo.hp").get(LIST)
    assert response.status_code == 200
    names = {
        row.record.organization.path.split("/")[2]
        for row in response.context["table"].page.object_list
    }
    hai_phong = PartyOrganization.objects.get(code="HP-KKT")
    assert names == {str(hai_phong.pk)}
    assert len(response.context["table"].page.object_list) == 50


def test_member_list_search_by_card_number(login, hanoi_member):
    response = login("canbo").get(LIST, {"q": hanoi_member.card_number})
    records = [row.record for row in response.context["table"].page.object_list]
    assert records == [hanoi_member]


def test_member_list_search_does_not_cross_committees(login, hanoi_member):
    response = login("canbo.hp").get(LIST, {"q": hanoi_member.card_number})
    assert list(response.context["table"].page.object_list) == []
    assert hanoi_member.full_name not in response.text


def test_member_list_filters_by_organization_subtree(login):
    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    response = login("canbo").get(LIST, {"organization": quang_minh.pk, "status": ""})
    table = response.context["table"]
    paths = {row.record.organization.path for row in table.page.object_list}
    assert paths and all(path.startswith(quang_minh.path) for path in paths)


@pytest.mark.parametrize("query", [{}, {"q": "Nguyễn", "status": "official"}, {"page": 3}])
def test_member_list_query_count_is_pinned(login, django_assert_num_queries, query):
    client = login("canbo")
    client.get(reverse("home"))  # warm the session
    cache.clear()
    # session, user (with its profile and committee: the scope), the data's version, one
    # page of members, the total (the committee's summary row, or a count that stops at the
    # list's limit): never a COUNT(*) of the whole list
    with django_assert_num_queries(5) as captured:
        response = client.get(LIST, query)
    assert response.status_code == 200
    assert not unbounded_counts(q["sql"] for q in captured.captured_queries)
    # Remembered under the version (config.views.RememberedListMixin): no members read.
    names = [row.record.full_name for row in response.context["table"].page.object_list]
    with django_assert_num_queries(3):
        remembered = client.get(LIST, query).content.decode()
    assert names and all(name in remembered for name in names)


def test_export_is_scoped_neutralized_and_logged(login):
    hai_phong_member = Member.objects.filter(organization__code__startswith="HP-").first()
    hai_phong_member.full_name = '=HYPERLINK("http://x")'
    hai_phong_member.save()
    before = AccessLog.objects.count()
    response = login("canbo.hp").get(LIST, {"_export": "csv", "q": "HYPERLINK"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0].startswith("'=")
    assert AccessLog.objects.count() == before + 1
    hanoi = login("canbo.hp").get(LIST, {"_export": "csv"}).content.decode()
    assert "HN-" not in hanoi and "Hà Nội" not in hanoi.split("\n", 1)[1]


def test_member_detail_of_another_committee_is_404(login, hanoi_member):
    assert login("canbo.hp").get(hanoi_member.get_absolute_url()).status_code == 404


def test_member_detail_shows_timeline_and_logs_the_view(login, hanoi_member, user):
    before = AccessLog.objects.filter(member=hanoi_member).count()
    response = login("lanhdao").get(hanoi_member.get_absolute_url())
    assert response.status_code == 200
    assert "Kết nạp" in response.text
    access = AccessLog.objects.filter(member=hanoi_member).latest("at")
    assert AccessLog.objects.filter(member=hanoi_member).count() == before + 1
    assert access.user == user("lanhdao")


def admission(cell, **overrides):
    data = {
        "organization": cell.pk,
        "date": "15/03/2024",
        "decision_number": "12-QĐ/ĐU",
        "full_name": "Trần Thị Mới",
        "gender": "female",
        "birth_date": "02/01/1998",
        "ethnicity": "Kinh",
        "education": "12/12",
        "position": "worker",
        "card_number": "",
        "national_id": "001198000777",
    }
    data.update(overrides)
    return data


def test_staff_admits_a_member_and_history_names_them(login, hanoi_cell, user):
    response = login("canbo").post(reverse("members:member_admit"), admission(hanoi_cell))
    member = Member.objects.get(national_id="001198000777")
    assert response.status_code == 302 and response["Location"] == member.get_absolute_url()
    assert member.status == Status.PROBATIONARY and member.organization == hanoi_cell
    assert member.history.first().history_user == user("canbo")


def test_service_errors_come_back_next_to_the_field(login, hanoi_cell):
    before = Member.objects.count()
    response = login("canbo").post(
        reverse("members:member_admit"), admission(hanoi_cell, date="15/03/2099")
    )
    assert response.status_code == 200
    assert "trong tương lai" in str(response.context["form"].errors["date"])
    assert 'value="Trần Thị Mới"' in response.text  # what was typed is kept
    assert Member.objects.count() == before


def test_admission_into_another_committee_is_refused(login, hanoi_cell):
    before = Member.objects.count()
    response = login("canbo.hp").post(reverse("members:member_admit"), admission(hanoi_cell))
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert Member.objects.count() == before


def test_leaders_cannot_write(login, hanoi_cell, hanoi_member):
    client = login("lanhdao")
    before = MemberEvent.objects.count()
    assert client.post(reverse("members:member_admit"), admission(hanoi_cell)).status_code == 403
    url = reverse("members:member_make_official", args=[hanoi_member.pk])
    assert client.post(url, {"date": "01/01/2024"}).status_code == 403
    assert MemberEvent.objects.count() == before


def test_make_official_from_the_due_list(login):
    client = login("canbo")
    due = client.get(reverse("members:due_list"))
    member = next(row.record for row in due.context["table"].page.object_list)
    assert member.status == Status.PROBATIONARY
    url = reverse("members:member_make_official", args=[member.pk])
    assert url in due.text
    response = client.post(url, {"date": member.official_due_on.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == Status.OFFICIAL


def test_make_official_too_early_is_explained(login):
    member = Member.objects.filter(
        organization__code__startswith="HP-", status=Status.PROBATIONARY
    ).latest("admitted_on")
    response = login("canbo.hp").post(
        reverse("members:member_make_official", args=[member.pk]),
        {"date": member.admitted_on.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 200
    assert "12 tháng" in str(response.context["form"].errors["date"])


@pytest.mark.parametrize("name", ["member_make_official", "member_transfer_out", "member_remove"])
def test_actions_on_another_committees_member_are_404(login, hanoi_member, name):
    client = login("canbo.hp")
    url = reverse(f"members:{name}", args=[hanoi_member.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"date": "01/01/2024", "to_unit": "x", "kind": "died"}).status_code == 404
    )
    hanoi_member.refresh_from_db()
    assert hanoi_member.status == Status.PROBATIONARY


def test_autocomplete_offers_only_scoped_organizations(login):
    response = login("canbo.hp").get(
        reverse("organizations:organization_autocomplete"), {"q": "Chi bộ"}
    )
    codes = {item["text"] for item in response.json()["results"]}
    assert codes and not any("Hà Nội" in text for text in codes)
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert not PartyOrganization.objects.filter(pk__in=ids, code__startswith="HN").exists()


def test_history_tab_names_the_user_and_what_changed(login):
    client = login("canbo")
    due = client.get(reverse("members:due_list"))
    member = next(row.record for row in due.context["table"].page.object_list)
    client.post(
        reverse("members:member_make_official", args=[member.pk]),
        {"date": member.official_due_on.strftime("%d/%m/%Y")},
    )
    rows = client.get(member.get_absolute_url()).context["history"]
    latest = rows[0]
    assert latest.user.username == "canbo"
    changes = {str(label): (old, new) for label, old, new in latest.changes}
    assert changes["tình trạng"] == ("Đảng viên dự bị", "Đảng viên chính thức"), changes


def test_a_double_submit_admits_once(login, hanoi_cell):
    client = login("canbo")
    token = client.get(reverse("members:member_admit")).context["submission_token"]
    data = admission(hanoi_cell, national_id="", submission_token=token)
    first = client.post(reverse("members:member_admit"), data)
    second = client.post(reverse("members:member_admit"), data)
    assert Member.objects.filter(full_name="Trần Thị Mới").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_a_corrected_form_can_be_sent_with_the_same_token(login, hanoi_cell):
    client = login("canbo")
    data = admission(hanoi_cell, date="15/03/2099", submission_token="t-1")
    assert client.post(reverse("members:member_admit"), data).status_code == 200
    data["date"] = "15/03/2024"
    assert client.post(reverse("members:member_admit"), data).status_code == 302
    assert Member.objects.filter(national_id="001198000777").count() == 1


def test_correcting_an_event_keeps_the_old_value_in_history(login, hanoi_member):
    admitted = hanoi_member.events.get(kind="admitted")
    later = hanoi_member.events.filter(date__gt=admitted.date).order_by("date").first()
    new_date = admitted.date.replace(day=1) if admitted.date.day > 1 else admitted.date
    client = login("canbo")
    response = client.post(
        reverse("members:event_correct", args=[admitted.pk]),
        {
            "date": new_date.strftime("%d/%m/%Y"),
            "decision_number": "SỬA-1",
            "other_unit": "",
            "reason": "Nhập nhầm số quyết định",
            "version": version_of(admitted),
        },
    )
    assert response.status_code == 302
    admitted.refresh_from_db()
    hanoi_member.refresh_from_db()
    assert (admitted.date, admitted.decision_number) == (new_date, "SỬA-1")
    assert hanoi_member.admitted_on == new_date
    record = admitted.history.first()
    assert record.history_user.username == "canbo"
    assert record.history_change_reason == "Nhập nhầm số quyết định"
    assert record.prev_record.decision_number != "SỬA-1"
    if later is not None:
        assert later.date >= new_date


def test_a_correction_cannot_reorder_events(login, hanoi_member):
    admitted = hanoi_member.events.get(kind="admitted")
    response = login("canbo").post(
        reverse("members:event_correct", args=[admitted.pk]),
        {
            "date": "01/01/2026",
            "decision_number": "",
            "other_unit": "",
            "reason": "thử",
            "version": version_of(admitted),
        },
    )
    if hanoi_member.events.count() > 1:
        assert response.status_code == 200
        assert response.context["form"].errors["date"]


@pytest.mark.parametrize("year", ["0", "-5", "10000", "2020.5"])
def test_a_year_of_admission_that_no_date_has_is_refused_with_a_message(login, year):
    """Year 0 was a server error ("year 0 is out of range"), found by the form fuzzing."""
    client = login("canbo")
    response = client.get(reverse("members:member_list"), {"admitted_year": year})
    assert response.status_code == 200
    assert "admitted_year" in response.context["filter"].form.errors
