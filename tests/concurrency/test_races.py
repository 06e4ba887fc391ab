"""Issue 7.4: the same write sent many times at once, on PostgreSQL, where requests really run
side by side (SQLite has one writer at a time, so these races cannot happen there).

Each test commits for real (`transaction=True`): threads each open their own connection and
see only what others committed, as requests of several web workers do. pytest-django runs
transactional tests after the others and empties the database after each, so these tests
build their own small tree rather than use the demo.
"""

import datetime
import io
import threading
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from members import services as member_services
from members.models import Member, MemberEvent, Status
from organizations import services as org_services
from organizations.models import PartyOrganization, Profile
from reports import summaries
from reports.importing.engine import run_import
from reports.importing.registry import format_class
from reports.models import SUMMARY_FIELDS, Summary
from tests.imports.make_corpus import MEMBERS, utf8

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency needs PostgreSQL: SQLite serializes every write, so the races "
        "these tests provoke cannot happen (CI runs the suite on PostgreSQL too)",
    ),
    pytest.mark.django_db(transaction=True),
]
D = datetime.date
THREADS = 20


def together(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at the same moment; each result or the
    exception it raised, in order. Each thread closes its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def body(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test looks at each outcome
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def tree():
    """A zone committee with two cells and a staff user of it, made through the services."""
    suffix = uuid.uuid4().hex[:6].upper()
    zone = org_services.organization_establish(
        code=f"C-ZONE-{suffix}", name="Đảng bộ thử đồng thời",
        kind=PartyOrganization.Kind.ZONE_COMMITTEE, parent=None, date=D(2015, 1, 1),
    )  # fmt: skip
    cells = [
        org_services.organization_establish(
            code=f"C-CELL-{suffix}-{n}",
            name=f"Chi bộ thử {n}",
            kind=PartyOrganization.Kind.GRASSROOTS_CELL,
            parent=zone,
            date=D(2015, 2, 1),
        )  # fmt: skip
        for n in (1, 2)
    ]
    users = []
    for n in (1, 2):
        staff = get_user_model().objects.create_user(f"c-staff-{suffix}-{n}", password="x" * 16)
        Profile.objects.create(user=staff, committee=zone, role=Profile.Role.STAFF)
        users.append(staff)
    return zone, cells, users


def person(cell, **extra):
    return {
        "organization": cell, "date": D(2023, 3, 1), "full_name": "Nguyễn Văn Đồng",
        "gender": "male", "birth_date": D(1995, 1, 1), "national_id": "001095000001", **extra,
    }  # fmt: skip


def canonical_rows() -> dict:
    return summaries.canonical(
        {
            (node, day): tuple(values)
            for node, day, *values in Summary.objects.values_list(
                "organization_id", "date", *SUMMARY_FIELDS
            )
        }
    )


def assert_summaries_equal_a_rebuild():
    kept = canonical_rows()
    call_command("rebuild_summaries", stdout=io.StringIO())
    assert canonical_rows() == kept


def assert_ledger_consistent(members):
    """Each member has one open event, and its derived status and organization follow it."""
    for member in Member.objects.filter(pk__in=[m.pk for m in members]):
        events = list(member.events.order_by("date", "pk"))
        open_events = [event for event in events if event.ended_on is None]
        assert open_events == [events[-1]], member
        assert (member.status, member.organization_id) == (
            events[-1].status_after, events[-1].organization_id
        )  # fmt: skip


def test_twenty_admissions_of_one_person_give_one_member(tree):
    _zone, (cell, _other), _users = tree
    results = together(THREADS, lambda i: member_services.member_admit(**person(cell)))
    members = [r for r in results if isinstance(r, Member)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(members) == 1, results
    assert len(refused) == THREADS - 1, [r for r in results if not isinstance(r, Member)]
    assert Member.objects.filter(national_id="001095000001").count() == 1
    assert MemberEvent.objects.filter(member=members[0]).count() == 1
    assert_summaries_equal_a_rebuild()


def test_twenty_admission_forms_at_once_answer_without_a_server_error(tree):
    _zone, (cell, _other), users = tree
    data = {
        "organization": cell.pk, "date": "01/03/2023", "full_name": "Nguyễn Văn Đồng",
        "gender": "male", "birth_date": "01/01/1995", "national_id": "001095000002",
        "ethnicity": "Kinh",
    }  # fmt: skip

    def post(i):
        client = Client(raise_request_exception=False)
        client.force_login(users[i % 2])
        token = uuid.uuid4().hex  # twenty different forms, not one form sent twenty times
        return client.post(reverse("members:member_admit"), {**data, "submission_token": token})

    statuses = [getattr(r, "status_code", r) for r in together(THREADS, post)]
    assert all(status in (200, 302) for status in statuses), statuses
    assert statuses.count(302) == 1, statuses
    assert Member.objects.filter(national_id="001095000002").count() == 1
    assert_summaries_equal_a_rebuild()


def test_two_staff_making_one_member_official_at_once_give_one_event(tree):
    _zone, (cell, _other), users = tree
    member = member_services.member_admit(**person(cell, date=D(2022, 1, 10)))
    results = together(
        2, lambda i: member_services.member_make_official(member=member, date=D(2023, 1, 10))
    )
    assert sum(isinstance(r, MemberEvent) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert member.events.filter(kind=MemberEvent.Kind.MADE_OFFICIAL).count() == 1
    member.refresh_from_db()
    assert (member.status, member.official_on) == (Status.OFFICIAL, D(2023, 1, 10))
    assert_ledger_consistent([member])
    assert_summaries_equal_a_rebuild()

    # The same through the form, by two users at once.
    other = member_services.member_admit(
        **person(cell, date=D(2022, 1, 10), national_id="001095000003")
    )

    def post(i):
        client = Client(raise_request_exception=False)
        client.force_login(users[i])
        return client.post(
            reverse("members:member_make_official", args=[other.pk]), {"date": "10/01/2023"}
        )

    statuses = sorted(r.status_code for r in together(2, post))
    assert statuses == [200, 302], statuses
    assert other.events.filter(kind=MemberEvent.Kind.MADE_OFFICIAL).count() == 1
    assert_summaries_equal_a_rebuild()


def test_an_import_while_staff_edit_leaves_both_consistent(tree):
    """A members import into a cell runs while staff admit, make official and transfer out
    members of the same cell, and correct one the file updates: everything is kept and the
    summary rows equal a rebuild."""
    _zone, (cell, other), users = tree
    staff = users[0]
    updated = member_services.member_admit(
        **person(cell, date=D(2021, 5, 1), national_id="001095000010", education="9/12")
    )
    probationary = member_services.member_admit(
        **person(other, date=D(2021, 5, 1), national_id="001095000011")
    )
    leaving = member_services.member_admit(
        **person(other, date=D(2021, 5, 1), national_id="001095000012")
    )
    rows = [
        [f"Người nhập {n}", "female", "01/01/1990", cell.code, "", f"0010900{n:05d}",
         "01/02/2020", "", "probationary"]
        for n in range(400)
    ]  # fmt: skip
    # The file also renames a member already on record, whose admission date staff correct
    # meanwhile: the file leaves the Party data empty (unknown), so both changes are kept.
    rows.append(["Nguyễn Văn Đồng Mới", "male", "", cell.code, "", "001095000010", "", "", ""])
    content = utf8([MEMBERS, *rows])
    # Staff act once the import has written its first chunk, inside its open transaction.
    import_started = threading.Event()

    def work(i):
        if i == 0:
            fmt = format_class("members")(staff, reason="Concurrent import", source="import #0")
            try:
                return run_import(
                    fmt, io.BytesIO(content), commit=True, chunk_rows=50,
                    on_progress=lambda fraction: import_started.set(),
                )  # fmt: skip
            finally:
                import_started.set()
        assert import_started.wait(timeout=60)
        if i == 1:
            return member_services.member_make_official(member=probationary, date=D(2022, 5, 2))
        if i == 2:
            return member_services.member_transfer_out(member=leaving, date=D(2022, 6, 1))
        if i == 3:
            return member_services.member_admit(
                **person(cell, date=D(2022, 7, 1), national_id="001095000013")
            )
        return member_services.member_event_correct(
            event=updated.events.get(), date=D(2021, 5, 2), decision_number="9-QĐ",
            other_unit="", reason="Sửa ngày",
        )  # fmt: skip

    results = together(5, work)
    summary = results[0]
    assert not isinstance(summary, Exception), summary
    assert summary.committed, summary.messages
    assert (summary.new, summary.changed) == (400, 1)
    assert all(not isinstance(r, Exception) for r in results[1:]), results
    assert Member.objects.filter(national_id__startswith="0010900").count() == 400
    updated.refresh_from_db()
    assert updated.admitted_on == D(2021, 5, 2)  # the correction
    assert updated.full_name == "Nguyễn Văn Đồng Mới"  # the import
    members = list(Member.objects.filter(organization__in=[cell, other]))
    members += [leaving]
    assert_ledger_consistent(members)
    assert_summaries_equal_a_rebuild()
