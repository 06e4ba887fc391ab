"""Write many rows at once: PostgreSQL's COPY, or executemany elsewhere (SQLite).

COPY streams a chunk of rows in PostgreSQL's text format in one round trip, which is what
makes a members import of hundreds of thousands of rows take seconds rather than minutes.
"""

import contextlib
import datetime
import io
import re
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar

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
    # copy_expert goes around Django's execute wrappers: wait here for the COPYs still
    # running in the background, as every other query does.
    copies = _BACKGROUND.get()
    if copies is not None:
        copies.wait()
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    # copy_expert bypasses Django's cursor wrapper: translate psycopg2's errors into Django's,
    # so that the engine reports a refused COPY like any other refused write.
    with connection.wrap_database_errors:
        cursor.copy_expert(_copy_sql(table, columns), buffer)


def _copy_sql(table: str, columns: list[str]) -> str:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    return f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"


class BackgroundCopies:
    """COPY in a thread of its own while the import goes on reading the file.

    On a machine of two cores, the import's Python (reading and checking rows, making their
    COPY text) and PostgreSQL's work on them (the tables, their indexes and constraints) would
    otherwise take turns, each waiting for the other: here they overlap. The COPYs run one
    after the other, in the order given, on the run's own connection and so in its
    transaction. Every query the caller sends meanwhile through Django first waits for them
    (an execute wrapper), and so does a COPY of its own (`_copy`): one connection must never
    carry two statements at once, and a lookup must see the rows written before it. Leaving
    the block waits too, so that the transaction ends after the last COPY; a COPY's error is
    raised where the caller waits. The thread starts with the first COPY.
    """

    def __init__(self):
        self.pool: ThreadPoolExecutor | None = None
        self.pending: list[Future] = []

    def submit(self, sql: str, text: str) -> None:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-copy")
            _quick_switching(True)
        data = text.encode()
        self.pending.append(self.pool.submit(_copy_raw, connection.connection, sql, data))

    def wait(self) -> None:
        pending, self.pending = self.pending, []
        errors = [future.exception() for future in pending]
        error = next((error for error in errors if error is not None), None)
        if error is not None:
            with connection.wrap_database_errors:  # psycopg2's error as Django's
                raise error

    def close(self) -> None:
        """After `wait`, or with the caller's own error: let the last COPY end, then stop."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            _quick_switching(False)
            self.pool = None

    def _before_query(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)


# Python hands the interpreter lock to a waiting thread after its switch interval (5 ms by
# default): the COPY thread needs it briefly between its network calls, and would otherwise
# wait 5 ms each time while the import's Python runs. Lowered while any COPY thread of the
# process runs (two imports at once in a threaded server count as two), restored after.
QUICK_SWITCH_INTERVAL = 0.0002
_switching = {"users": 0, "saved": None}
_switching_lock = threading.Lock()


def _quick_switching(on: bool) -> None:
    with _switching_lock:
        if on:
            if _switching["users"] == 0:
                _switching["saved"] = sys.getswitchinterval()
                sys.setswitchinterval(QUICK_SWITCH_INTERVAL)
            _switching["users"] += 1
        else:
            _switching["users"] -= 1
            if _switching["users"] == 0:
                sys.setswitchinterval(_switching["saved"])


def _copy_raw(raw_connection, sql: str, data: bytes) -> None:
    """One COPY on the psycopg2 connection (in the COPY thread): the data in one read."""
    with raw_connection.cursor() as cursor:
        cursor.copy_expert(sql, io.BytesIO(data), size=len(data) + 1)


_BACKGROUND: ContextVar[BackgroundCopies | None] = ContextVar("background_copies", default=None)


@contextlib.contextmanager
def background_copies():
    """Run the COPYs of `insert_with_history(..., background=True)` and
    `insert_into(..., background=True)` in a thread (see BackgroundCopies); elsewhere than on
    PostgreSQL, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    copies = BackgroundCopies()
    token = _BACKGROUND.set(copies)
    try:
        with connection.execute_wrapper(copies._before_query):
            try:
                yield
            except BaseException:
                pending, copies.pending = copies.pending, []
                for future in pending:
                    future.exception()  # finished, its own error superseded by this one
                raise
            copies.wait()
    finally:
        _BACKGROUND.reset(token)
        copies.close()


def _insert(cursor, table: str, columns: list[str], rows) -> None:
    marks = ", ".join(["%s"] * len(columns))
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    cursor.executemany(
        f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",
        [tuple(map(_adapt, row)) for row in rows],
    )


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (values in the order of `columns`) into `model`'s table."""
    insert_into(model._meta.db_table, columns, rows)


def insert_into(table: str, columns: list[str], rows: list[tuple], *, background=False) -> None:
    """Insert `rows` (values in the order of `columns`) into `table`; with `background`,
    inside `background_copies()`, the COPY runs in its thread and this returns at once."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            _insert(cursor, table, columns, rows)
        return
    _send(table, columns, [_copy_line(row) for row in rows], background)


def _send(table: str, columns: list[str], lines: list[str], background: bool) -> None:
    """COPY `lines` into `table`: in the background thread if asked and there is one."""
    copies = _BACKGROUND.get() if background else None
    if copies is not None:
        copies.submit(_copy_sql(table, columns), "".join(lines))
        return
    with connection.cursor() as cursor:
        _copy(cursor, table, columns, lines)


def insert_with_history(
    model, columns: list[str], rows: list[tuple], history: tuple, *, background: bool = False
) -> None:
    """Insert `rows` into `model`'s table and, with the same values plus `history` (date,
    reason, type, user, source: HISTORY_COLUMNS), into its simple-history table.

    Each row's COPY text is made once and serves both tables: the history row is the same line
    with the history columns appended. With `background`, inside `background_copies()`, the
    COPYs run in its thread and this returns at once.
    """
    if not rows:
        return
    table, history_table = model._meta.db_table, model.history.model._meta.db_table
    if connection.vendor == "postgresql":
        lines = [_copy_line(row) for row in rows]
        suffix = "\t" + _copy_line(history)
        _send(table, columns, lines, background)
        history_lines = [line[:-1] + suffix for line in lines]
        _send(history_table, columns + HISTORY_COLUMNS, history_lines, background)
        return
    with connection.cursor() as cursor:
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
