"""The members list is remembered under the data's version (config.views.RememberedListMixin):
every way a member or an organization changes shows at once on a page remembered just before,
and a page is never shown to another user or for another scope."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from members import services
from members.models import Member
from organizations.models import PartyOrganization
from tests.factories import admitted
from tests.imports import run

pytestmark = pytest.mark.django_db
LIST = reverse("members:member_list")


@pytest.fixture
def remembered(login):
    """A client of canbo (HN-KCNCX) whose first page of members is remembered."""
    cache.clear()
    client = login("canbo")
    client.get(LIST)
    return client


def hanoi_cell() -> PartyOrganization:
    return PartyOrganization.objects.get(code="HN-001")


def test_an_admitted_member_shows_at_once(remembered):
    # The given name "A" sorts before every demo name: the new member is on the first page.
    admitted(hanoi_cell(), datetime.date(2024, 3, 1), full_name="Người Mới A")
    assert "Người Mới A" in remembered.get(LIST).text


def test_an_imported_member_shows_at_once(remembered, user):
    data = (
        "full_name,gender,organization,card_number,admitted_on\n"
        "Nhập Từ Tệp A,female,HN-001,T7777777,15/01/2024\n"
    ).encode()
    assert run("members", user("canbo"), data).committed
    assert "Nhập Từ Tệp A" in remembered.get(LIST).text


def test_an_erased_member_name_is_gone_at_once(remembered, user):
    member = admitted(hanoi_cell(), datetime.date(2024, 3, 1), full_name="Sẽ Bị Xóa A")
    assert "Sẽ Bị Xóa A" in remembered.get(LIST).text
    services.member_erase(member=member, user=user("admin"), reason="Đơn yêu cầu số 1/2026")
    assert "Sẽ Bị Xóa A" not in remembered.get(LIST).text


def test_a_corrected_name_shows_at_once(remembered):
    member = Member.objects.filter(organization=hanoi_cell(), status="official").first()
    member.full_name = "Tên Đã Sửa A"
    member.save(update_fields=["full_name"])
    assert "Tên Đã Sửa A" in remembered.get(LIST).text


def test_a_user_moved_to_another_committee_sees_the_new_scope(remembered, user):
    hanoi = remembered.get(LIST).context["table"].page.object_list[0].record.card_number
    profile = user("canbo").profile
    profile.committee = PartyOrganization.objects.get(code="HP-KKT")
    profile.save()
    page = remembered.get(LIST)
    # The stamp holds the scope: the page is computed again, with Hải Phòng's members.
    rows = page.context["table"].page.object_list
    path = profile.committee.path
    assert rows and all(row.record.organization.path.startswith(path) for row in rows)
    assert hanoi not in page.text


def test_another_user_never_gets_a_page_remembered_for_someone_else(remembered, login):
    rows = remembered.get(LIST).context["table"].page.object_list
    hanoi = [row.record.card_number for row in rows]  # names repeat, card numbers do not
    hai_phong = login("canbo.hp").get(LIST)
    assert hanoi and not any(number in hai_phong.text for number in hanoi)


def test_an_export_is_never_remembered(remembered):
    member = Member.objects.filter(organization=hanoi_cell()).first()
    member.card_number = "Z1234567"
    member.save(update_fields=["card_number"])
    remembered.get(LIST, {"q": "Z1234567"})  # remembered with the new number
    export = remembered.get(LIST, {"q": "Z1234567", "_export": "csv"})
    assert "Z1234567" in export.content.decode("utf-8-sig")


def test_an_unknown_export_format_is_a_remembered_page_under_the_version(remembered):
    """`?_export=pdf` is no export (django-tables2 renders the page): it is remembered under
    the version like any page, so a change shows at once."""
    remembered.get(LIST, {"_export": "pdf"})
    admitted(hanoi_cell(), datetime.date(2024, 3, 1), full_name="Sau Bản Xuất A")
    assert "Sau Bản Xuất A" in remembered.get(LIST, {"_export": "pdf"}).text


def test_a_remembered_page_filtered_by_organization_reads_no_organization(
    remembered, django_assert_num_queries
):
    query = {"organization": hanoi_cell().pk}
    remembered.get(LIST, query)
    with django_assert_num_queries(3):  # session, user, version: the filter is not built
        assert remembered.get(LIST, query).status_code == 200
