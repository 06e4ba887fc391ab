"""Write many rows at once: PostgreSQL's COPY, or executemany elsewhere (SQLite).

COPY streams a chunk of rows in PostgreSQL's text format in one round trip, which is what
makes a members import of hundreds of thousands of rows take seconds rather than minutes.
"""

import contextlib
import datetime
import io
import re

from django.db import connection

# The columns simple-history adds to a model's own in its history table.
HISTORY_COLUMNS = [
    "history_date", "history_change_reason", "history_type", "history_user_id", "history_source",
]  # fmt: skip
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _copy_text(text: str) -> str:
    return text.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return _copy_text(str(value))


# The exact types rows hold, each with its converter: one dictionary lookup per value instead
# of a chain of isinstance calls (the text of 3.5 million values for 200,000 members). Other
# types, subclasses such as TextChoices members included, go through _copy_value.
_BY_TYPE = {
    str: _copy_text,
    int: int.__str__,
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
}


def _copy_line(row) -> str:
    get = _BY_TYPE.get
    return "\t".join([get(value.__class__, _copy_value)(value) for value in row]) + "\n"


def _adapt(value):
    """A value as Django itself would store it, so that ORM lookups find it again."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _copy(cursor, table: str, columns: list[str], lines) -> None:
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    # copy_expert bypasses Django's cursor wrapper: translate psycopg2's errors into Django's,
    # so that the engine reports a refused COPY like any other refused write.
    with connection.wrap_database_errors:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer)


def _insert(cursor, table: str, columns: list[str], rows) -> None:
    marks = ", ".join(["%s"] * len(columns))
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    cursor.executemany(
        f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",
        [tuple(map(_adapt, row)) for row in rows],
    )


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (values in the order of `columns`) into `model`'s table."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, model._meta.db_table, columns, [_copy_line(row) for row in rows])
        else:
            _insert(cursor, model._meta.db_table, columns, rows)


def insert_with_history(model, columns: list[str], rows: list[tuple], history: tuple) -> None:
    """Insert `rows` into `model`'s table and, with the same values plus `history` (date,
    reason, type, user, source: HISTORY_COLUMNS), into its simple-history table.

    Each row's COPY text is made once and serves both tables: the history row is the same line
    with the history columns appended.
    """
    if not rows:
        return
    table, history_table = model._meta.db_table, model.history.model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            lines = [_copy_line(row) for row in rows]
            _copy(cursor, table, columns, lines)
            suffix = "\t" + _copy_line(history)
            _copy(cursor, history_table, columns + HISTORY_COLUMNS, [
                line[:-1] + suffix for line in lines
            ])  # fmt: skip
        else:
            _insert(cursor, table, columns, rows)
            _insert(cursor, history_table, columns + HISTORY_COLUMNS, [r + history for r in rows])


def reserve_ids(model, count: int) -> list[int]:
    """`count` primary keys for `model` that no other insert will take.

    PostgreSQL hands them out from the table's sequence; SQLite has one writer at a time, and
    the transaction already holds its write lock when this is called after a write.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


@contextlib.contextmanager
def index_scans():
    """Look rows up by index even where the planner's statistics say the table is small.

    An import grows the members table inside one transaction; the statistics still describe
    it as it was before, so PostgreSQL would read the whole table for every chunk's lookup and
    the import would slow down as it goes. The setting lasts for the block only.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")
