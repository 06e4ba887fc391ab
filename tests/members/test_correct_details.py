"""Issue 18, item 4: staff correct a member's personal details, with a reason the history
keeps; the checks of an admission hold; another committee cannot."""

import pytest
from django.urls import reverse

from config.versioning import version_of
from members import services
from members.models import Member
from tests.helpers import ledger_counts
from tests.reports.test_composition_summaries import assert_rows_equal_a_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(hanoi):
    return (
        Member.objects.active()
        .filter(organization__path__startswith=hanoi.path)
        .exclude(birth_date=None)
        .order_by("pk")
        .first()
    )


def form_data(member, **changes):
    data = {name: getattr(member, name) for name in services.PERSONAL_DETAILS}
    data["birth_date"] = member.birth_date.strftime("%d/%m/%Y")
    data["from_pipeline"] = {True: "true", False: "false", None: "unknown"}[member.from_pipeline]
    data = {key: "" if value is None else value for key, value in data.items()}
    data.update(version=version_of(member), reason="Nhập sai họ tên")
    data.update(changes)
    return data


def test_a_clerk_corrects_the_name_and_the_history_shows_old_new_who_why(login, member):
    url = reverse("members:member_correct", args=[member.pk])
    client = login("canbo")
    assert client.get(member.get_absolute_url()).content.decode().count(url) == 1
    old = member.full_name
    response = client.post(url, form_data(member, full_name="Nguyễn Thị Sửa Tên"))
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).full_name == "Nguyễn Thị Sửa Tên"
    page = client.get(member.get_absolute_url()).content.decode()
    assert f"{old} → Nguyễn Thị Sửa Tên" in page
    assert "Nhập sai họ tên" in page and "canbo" in page
    assert "cập nhật lúc" not in page  # the version is no detail of the person


def test_a_correction_keeps_the_checks_of_an_admission(login, member, hanoi):
    other = (
        Member.objects.filter(organization__path__startswith=hanoi.path)
        .exclude(pk=member.pk)
        .exclude(national_id="")
        .first()
    )
    first_event = member.events.order_by("date").first().date
    too_young = first_event.replace(year=first_event.year - 17)
    url = reverse("members:member_correct", args=[member.pk])
    client = login("canbo")
    before = (Member.objects.get(pk=member.pk).national_id, ledger_counts())
    for changes, text in (
        ({"national_id": other.national_id}, "Đã có đảng viên mang số định danh cá nhân này"),
        ({"birth_date": too_young.strftime("%d/%m/%Y")}, "phải đủ 18 tuổi"),
        ({"birth_date": "31/02/1990"}, "Ngày không hợp lệ"),
        ({"reason": " "}, None),
    ):
        response = client.post(url, form_data(member, **changes))
        assert response.status_code == 200, changes
        if text:
            assert text in response.content.decode(), changes
    assert (Member.objects.get(pk=member.pk).national_id, ledger_counts()) == before


def test_nothing_changed_is_said_so(login, member):
    url = reverse("members:member_correct", args=[member.pk])
    response = login("canbo").post(url, form_data(member))
    assert "Không có gì thay đổi" in response.content.decode()


def test_another_committee_and_a_leader_cannot_correct(login, member):
    url = reverse("members:member_correct", args=[member.pk])
    assert login("canbo.hp").post(url, form_data(member, full_name="X")).status_code == 404
    assert login("lanhdao").post(url, form_data(member, full_name="X")).status_code == 403
    assert Member.objects.get(pk=member.pk).full_name == member.full_name


def test_the_summary_rows_follow_a_corrected_gender(member):
    """The composition counts gender from the summary rows: kept in step, they equal a
    rebuild from the ledger after the correction."""
    flipped = "female" if member.gender == "male" else "male"
    services.member_correct(member=member, reason="Nhập nhầm giới tính", gender=flipped)
    assert Member.objects.get(pk=member.pk).gender == flipped
    assert_rows_equal_a_rebuild()


def test_a_second_person_with_a_members_name_and_birth_date_needs_a_confirmation(login, member):
    from members.models import MemberEvent

    cell = member.organization
    data = {
        "organization": cell.pk,
        "date": "01/12/2026",
        "full_name": "  " + member.full_name.replace(" ", "  ") + " ",
        "gender": member.gender,
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "ethnicity": "",
    }
    client = login("canbo")
    before = Member.objects.count()
    response = client.post(reverse("members:member_admit"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "đã là đảng viên" in page and member.organization.name in page
    assert Member.objects.count() == before
    response = client.post(reverse("members:member_admit"), {**data, "different_person": "on"})
    assert response.status_code == 302, response.content.decode()[:300]
    assert Member.objects.count() == before + 1
    assert MemberEvent.objects.filter(member__pk=Member.objects.latest("pk").pk).count() == 1
