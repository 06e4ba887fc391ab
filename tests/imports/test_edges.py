"""Edges of the file layout that real spreadsheets produce."""

import pytest

from reports.models import Target
from tests.imports import messages, run, snapshot

pytestmark = pytest.mark.django_db
HEADER = "committee,period,metric,kind,value"
ROW = "HN-KCNCX,2027,members_admitted,plan,77"


def test_blank_lines_above_the_header_are_skipped_and_rows_keep_their_numbers(user, english):
    data = f"\n\n{HEADER}\n{ROW}\nHN-KCNCX,2027,members_admitted,congress,-1\n".encode()
    summary = run("targets", user("canbo"), data, commit=False)
    assert summary.rows == 2
    assert messages(summary, 5) == ["A count cannot be negative (“-1”)."]


def test_a_second_byte_order_mark_is_not_part_of_the_first_column(user):
    data = "\ufeff\ufeff" + f"{HEADER}\n{ROW}\n"
    summary = run("targets", user("canbo"), data.encode("utf-8"))
    assert summary.ok, summary.messages
    assert Target.objects.get(start_year=2027).value == 77


def test_a_value_under_a_column_without_a_header_is_an_error(user, english):
    before = snapshot()
    summary = run("targets", user("canbo"), f"{HEADER},\n{ROW},surprise\n".encode())
    assert messages(summary, 2) == ["A cell stands under a column without a header."]
    assert snapshot() == before
    # An empty column without a header, as Excel leaves after a deleted column, is fine.
    assert run("targets", user("canbo"), f"{HEADER},\n{ROW},\n".encode(), commit=False).ok


def test_an_organization_founded_in_the_future_names_its_column(user, english):
    data = (
        "code,name,kind,parent,zone,enterprise,established_on,decision_number\n"
        "HN-NEW-1,Chi bộ mới,grassroots_cell,HN-KCNCX,,,01/01/2099,\n"
    ).encode()
    summary = run("organizations", user("canbo"), data, commit=False)
    assert [column for _row, column, _m in summary.messages] == ["established_on"]


def test_member_text_with_backslashes_survives_the_bulk_load(user):
    from members.models import Member

    name = "Nguyễn Văn A\\B\\tC"  # a backslash, and one before a "t": COPY escapes
    data = (
        "full_name,gender,organization,card_number,admitted_on\n"
        f'"{name}",male,HN-001,88800001,02/03/2020\n'
    ).encode()
    summary = run("members", user("canbo"), data)
    assert summary.ok, summary.messages
    member = Member.objects.get(card_number="88800001")
    assert member.full_name == name
    assert member.history.get().history_change_reason == "Test import members"
    assert [event.kind for event in member.events.all()] == ["admitted"]


def test_the_targets_import_takes_only_the_metrics_a_target_can_have(user, english):
    """Issue 17.6: `party_members` was imported although the target form does not offer it."""
    before = snapshot()
    data = f"{HEADER}\n{ROW}\nHN-KCNCX,2027,party_members,plan,900\n".encode()
    summary = run("targets", user("canbo"), data)
    assert not summary.ok
    assert messages(summary, 3) == [
        "“party_members” is not one of: members_admitted, organizations_established."
    ]
    assert messages(summary, 2) == []
    assert snapshot() == before


def test_the_targets_import_message_is_vietnamese_by_default(user):
    data = f"{HEADER}\nHN-KCNCX,2027,Đảng viên,plan,900\n".encode()
    summary = run("targets", user("canbo"), data)
    assert messages(summary, 2) == [
        "“Đảng viên” không thuộc các giá trị: members_admitted, organizations_established."
    ]
