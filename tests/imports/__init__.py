"""Tests of the import engine, its formats and commands; helpers the modules share."""

import hashlib
import io

from django.db import connection

from reports.importing.engine import run_import
from reports.importing.registry import format_class


def ledger_models():
    """The tables an import may write: the ledgers, figures, targets and their histories."""
    from members.models import Member, MemberEvent
    from organizations.models import OrganizationEvent, PartyOrganization
    from reports.models import Summary, Target, YearlyFigure

    for model in (
        PartyOrganization,
        OrganizationEvent,
        YearlyFigure,
        Target,
        Member,
        MemberEvent,
        Summary,
    ):
        yield model
        if hasattr(model, "history"):
            yield model.history.model


def snapshot() -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 of all its rows (every column), in id order."""
    found = {}
    with connection.cursor() as cursor:
        for model in ledger_models():
            table = model._meta.db_table
            primary_key = model._meta.pk.column
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(table)} "
                f"ORDER BY {connection.ops.quote_name(primary_key)}"
            )
            digest, count = hashlib.sha256(), 0
            for row in cursor:
                digest.update(repr(row).encode())
                count += 1
            found[table] = (count, digest.hexdigest())
    return found


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for model in ledger_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            found[model._meta.db_table] = cursor.fetchone()[0]
        return found


_DEMO: dict[str, dict] = {}


def demo_snapshot() -> dict[str, tuple[int, str]]:
    """`snapshot()` of the demo as every test starts with it, taken once per database.

    Each test runs in a transaction that is rolled back, so the tables hold the demo at the
    start of every test; the row counts are checked each time to be sure.
    """
    name = connection.settings_dict["NAME"]
    cached = _DEMO.get(name)
    if cached is None or {table: count for table, (count, _) in cached.items()} != counts():
        cached = _DEMO[name] = snapshot()
    return cached


def run(format_name: str, user, data, *, commit: bool = True, **kwargs):
    """Import `data` (bytes or a binary file) as `format_name` for `user`."""
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    fmt = format_class(format_name)(user, reason=f"Test import {format_name}")
    return run_import(fmt, binary, commit=commit, **kwargs)


def messages(summary, row) -> list[str]:
    """The messages about `row` (None: about the whole file)."""
    return [message for number, _column, message in summary.messages if number == row]
