"""COPY in the background (reports.importing.bulk.background_copies): the next query sees the
rows, a refused COPY is raised as Django's error, and the run's transaction stays whole."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members.imports import MEMBER_COLUMNS
from members.models import Member
from reports.importing.bulk import background_copies, insert_with_history, reserve_ids

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def member_row(**changes) -> tuple:
    """A copy of a demo member's row, with `changes`, in MEMBER_COLUMNS' order."""
    values = Member.objects.values(*MEMBER_COLUMNS).first()
    values.update(changes)
    return tuple(values[column] for column in MEMBER_COLUMNS)


def history() -> tuple:
    return (timezone.now(), "Test", "+", None, "")


def test_the_next_query_waits_for_the_rows_and_sees_them():
    (new_id,) = reserve_ids(Member, 1)
    row = member_row(id=new_id, card_number="B0000001", national_id="", full_name="Nhập Nền")
    with background_copies():
        insert_with_history(Member, MEMBER_COLUMNS, [row], history(), background=True)
        assert Member.objects.get(pk=new_id).full_name == "Nhập Nền"
        assert Member.history.filter(id=new_id, history_type="+").count() == 1


def test_a_refused_copy_is_raised_where_the_caller_waits_and_nothing_is_kept():
    before = Member.objects.count()
    taken = Member.objects.values_list("pk", flat=True).first()
    (new_id,) = reserve_ids(Member, 1)
    rows = [
        member_row(id=new_id, card_number="B0000002", national_id=""),
        member_row(id=taken, card_number="B0000003", national_id=""),  # a primary key taken
    ]
    with pytest.raises(IntegrityError), transaction.atomic(), background_copies():
        insert_with_history(Member, MEMBER_COLUMNS, rows, history(), background=True)
    assert Member.objects.count() == before  # the savepoint undid the COPY
    assert not Member.objects.filter(card_number="B0000002").exists()


def test_an_error_of_the_caller_waits_for_the_copy_before_the_rollback():
    (new_id,) = reserve_ids(Member, 1)
    row = member_row(id=new_id, card_number="B0000004", national_id="")
    with pytest.raises(ZeroDivisionError), transaction.atomic(), background_copies():
        insert_with_history(Member, MEMBER_COLUMNS, [row], history(), background=True)
        _ = 1 / 0
    # The connection is usable: the COPY ended before the savepoint was rolled back.
    assert not Member.objects.filter(pk=new_id).exists()
    assert Member.objects.filter(admitted_on__lte=datetime.date.today()).exists()
