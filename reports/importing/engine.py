"""Validate every row of a file and write all of it or nothing.

A run reads the file once, as a stream, in chunks of rows. Each row is parsed cell by cell
(`ImportFormat.parse`), then each chunk is compared with the database in a few queries
(`ImportFormat.classify`) and, when it has no errors, written (`ImportFormat.write`). The
whole run is one transaction, rolled back at the end unless the caller asked to commit and
no row failed: a preview is the same run as the import, so it finds every error the import
would find (a parent created three rows earlier included), and a failed import leaves the
database exactly as it was.
"""

import dataclasses
import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import audit
from config.dates import dmy
from config.text import CONTROL_MESSAGE, has_control
from reports.importing.bulk import background_copies
from reports.importing.reading import FileError, open_sheet
from reports.importing.values import CellError, choice_lookup, parse_choice

CHUNK_ROWS = 2000
MAX_MESSAGES = 1000
# Columns that carry a database id: never trusted, ignored with a notice.
ID_COLUMNS = {"id", "pk", "mã số bản ghi"}
# A column with an empty header: its cells must be empty too.
UNNAMED = ""
# A message about the header names this many of its columns, each cut to NAME_SHOWN characters.
NAMES_SHOWN = 20
NAME_SHOWN = 50


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        NEW: gettext_lazy("New"),
        CHANGED: gettext_lazy("Changed"),
        UNCHANGED: gettext_lazy("Unchanged"),
        ERROR: gettext_lazy("Error"),
    }


@dataclass(frozen=True)
class Column:
    """One column of a format: its English header (the key) and its Vietnamese header."""

    key: str
    vi: str
    required: bool = False
    example: str = ""
    # For a column of coded values: (value, label) pairs. A cell may hold the value or its
    # English or Vietnamese label (or one of `aliases`: (text, value) pairs); the preview
    # shows the label.
    choices: tuple = ()
    aliases: tuple = ()

    @cached_property
    def lookup(self) -> dict[str, str]:
        # Built on first use, not when the module loads: it runs the translation machinery.
        return choice_lookup(self.choices) | dict(self.aliases)

    def display(self, value) -> str:
        if self.choices and value:
            return str(dict(self.choices).get(value, value))
        return display(value)


@dataclass
class Row:
    """One data row of the file as parsed, and what the import does with it.

    Formats keep what they looked up for a row on it as plain attributes (`committee`,
    `found`, ...) between their hooks.
    """

    number: int
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)
    action: str = ""
    changes: list[str] = field(default_factory=list)

    def fail(self, column: str, message: str) -> None:
        self.errors.append((column, str(message)))
        self.action = Action.ERROR


@dataclass
class Summary:
    """What a run found: counts per action, the first messages, and whether it wrote."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    rows: int = 0
    # (row number or None for the whole file, column or "", message)
    messages: list[tuple[int | None, str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    committed: bool = False
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.file_errors

    @property
    def file_errors(self) -> list[str]:
        return [message for row, _column, message in self.messages if row is None]

    def file_error(self, message: str) -> None:
        """An error about the file as a whole (its encoding, header, or the database)."""
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append((None, "", str(message)))

    def count(self, row: Row) -> None:
        self.rows += 1
        if row.action == Action.ERROR:
            self.failed += 1
            for column, message in row.errors:
                if len(self.messages) < MAX_MESSAGES:
                    self.messages.append((row.number, column, message))
        elif row.action == Action.NEW:
            self.new += 1
        elif row.action == Action.CHANGED:
            self.changed += 1
        else:
            self.unchanged += 1

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


class ImportFormat:
    """One file format. Subclasses declare `columns` and implement the three hooks.

    An instance serves one run for one user: lookups it caches (the user's organizations by
    code, say) are scoped to that user.
    """

    name: str = ""
    columns: tuple[Column, ...] = ()
    # Values that identify a row; the same key twice in a file is an error.
    key: tuple[str, ...] = ()

    def __init__(self, user, *, reason: str = "", source: str = ""):
        self.user = user
        # History keeps at most 100 characters of a change reason.
        self.reason = reason[:100]
        # The history source of what the run writes: "import #<id>", "command <name>"; empty
        # keeps the source of the caller (config/audit.py).
        self.source = source
        self.seen_keys: dict[tuple, int] = {}
        self.by_key = {column.key: column for column in self.columns}
        # Whether the run means to keep what it writes (set by Run): a preview or a dry run
        # is rolled back, so it need not prepare the summary rows.
        self.commit = False

    # Hooks --------------------------------------------------------------------------------

    def parse(self, row: Row, cells: dict) -> None:
        """Turn the raw cells into `row.values`, calling `row.fail` for each bad cell."""
        raise NotImplementedError

    def classify(self, rows: list[Row]) -> None:
        """Compare a chunk of parsed rows with the database: set each row's action."""
        raise NotImplementedError

    def write(self, rows: list[Row]) -> None:
        """Write the new and changed rows of a chunk (inside the run's transaction)."""
        raise NotImplementedError

    def finish(self) -> None:
        """After the last chunk of an import that will be kept, in its transaction."""

    # Shared helpers -------------------------------------------------------------------------

    def cell(self, row: Row, cells: dict, key: str, parser: Callable, **kwargs):
        """Parse one cell with `parser`, recording its error on the row.

        Every cell comes through here: a text with a control character is refused whatever
        the column (config.text), as the forms refuse it."""
        value = cells.get(key)
        if isinstance(value, str) and has_control(value):
            row.fail(key, str(CONTROL_MESSAGE))
            return None
        try:
            return parser(value, **kwargs)
        except CellError as exc:
            row.fail(key, str(exc))
            return None

    def choice(self, row: Row, cells: dict, key: str):
        """Parse a coded cell against its column's choices."""
        return self.cell(row, cells, key, parse_choice, lookup=self.by_key[key].lookup)

    def require(self, row: Row, key: str, value) -> None:
        # A cell that failed to parse is already reported; "required" would only repeat it.
        if value in (None, "") and all(column != key for column, _m in row.errors):
            row.fail(key, _("This cell is required."))

    def check_duplicate(self, row: Row) -> None:
        if not self.key:
            return
        key = tuple(row.values.get(part) for part in self.key)
        if any(part in (None, "") for part in key):
            return
        first = self.seen_keys.get(key)
        if first is not None:
            row.fail(
                ", ".join(self.key),
                _("The same row is already in the file at row %(row)d.") % {"row": first},
            )
        else:
            self.seen_keys[key] = row.number

    # Header ---------------------------------------------------------------------------------

    def map_header(self, header: list[str], summary: Summary) -> list[str | None] | None:
        """The column key of each header cell (None: ignored), or None when it is unusable."""
        known = {}
        for column in self.columns:
            known[_header_key(column.key)] = column.key
            known[_header_key(column.vi)] = column.key
        mapping, seen, unknown = [], set(), []
        # Each id column and each column named twice is told once, however often it recurs.
        noticed, twice = set(), set()
        for text in header:
            wanted = _header_key(text)
            if wanted in ID_COLUMNS:
                if wanted not in noticed:
                    noticed.add(wanted)
                    summary.notices.append(
                        _("The column “%(column)s” holds record ids; they are ignored.")
                        % {"column": shortened(text)}
                    )
                mapping.append(None)
                continue
            key = known.get(wanted)
            if key is None:
                if text:
                    unknown.append(text)
                mapping.append(None if text else UNNAMED)
                continue
            if key in seen and key not in twice:
                twice.add(key)
                summary.file_error(
                    _("The column “%(column)s” appears twice.") % {"column": shortened(text)}
                )
            seen.add(key)
            mapping.append(key)
        if unknown:
            summary.file_error(
                _("Unknown columns: %(unknown)s. The columns of this format are: %(known)s.")
                % {
                    "unknown": some_names(unknown),
                    "known": ", ".join(column.key for column in self.columns),
                },
            )
        missing = [c.key for c in self.columns if c.required and c.key not in seen]
        if missing:
            summary.file_error(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})
        return None if summary.file_errors else mapping


def shortened(text: str, limit: int = NAME_SHOWN) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def some_names(names: list[str]) -> str:
    """The first NAMES_SHOWN names, each shortened, and how many more there are: a file with
    a million unknown columns made a message of 8.9 MB, stored and shown."""
    shown = ", ".join(shortened(name) for name in names[:NAMES_SHOWN])
    if len(names) <= NAMES_SHOWN:
        return shown
    more = len(names) - NAMES_SHOWN
    return _("%(names)s and %(count)s more") % {
        "names": shown,
        "count": number_format(more, force_grouping=True),
    }


class Rollback(Exception):
    """Raised inside the transaction to undo a preview or a failed import."""


@dataclass
class Run:
    """One pass over a file with one format; `run()` returns the summary."""

    format: ImportFormat
    binary: object
    commit: bool = False
    # Called with each chunk of rows once classified (the preview keeps them).
    on_rows: Callable[[list[Row]], None] | None = None
    # Called with the fraction of the file read, after each chunk.
    on_progress: Callable[[float], None] | None = None
    chunk_rows: int = CHUNK_ROWS

    def run(self) -> Summary:
        summary = Summary()
        self.format.commit = self.commit
        try:
            with audit.source(self.format.source or audit.current_source()), transaction.atomic():
                with background_copies():
                    self._run(summary)
                if not (self.commit and summary.ok):
                    raise Rollback
                summary.committed = True
        except Rollback:
            pass
        except FileError as exc:
            summary.file_error(str(exc))
        except (IntegrityError, DatabaseError) as exc:
            # A constraint the checks above did not foresee (a concurrent change, say).
            summary.file_error(
                _("The database refused the import; nothing was written (%(reason)s).")
                % {"reason": str(exc).splitlines()[0][:200]},
            )
        return summary

    def _run(self, summary: Summary) -> None:
        try:
            sheet = open_sheet(self.binary)
        except FileError as exc:
            summary.file_error(str(exc))
            return
        summary.encoding = sheet.encoding
        mapping = self.format.map_header(sheet.header, summary)
        if mapping is None:
            return
        width = len(mapping)
        chunk: list[Row] = []
        for number, cells in sheet.rows:
            if all(cell in ("", None) for cell in cells):
                continue
            row = Row(number, {})
            # XLSX rows end where their last filled cell is; a CSV row must be complete.
            ragged = any(cell not in ("", None) for cell in cells[width:]) or (
                len(cells) < width and sheet.encoding != "xlsx"
            )
            unnamed = any(
                cell not in ("", None)
                for key, cell in zip(mapping, cells, strict=False)
                if key == UNNAMED
            )
            if unnamed:
                row.fail("", _("A cell stands under a column without a header."))
            elif ragged:
                row.fail(
                    "",
                    _("The row has %(cells)d cells but the header has %(columns)d.")
                    % {"cells": len(cells), "columns": width},
                )
            else:
                self.format.parse(row, {k: c for k, c in zip(mapping, cells, strict=False) if k})
                if not row.errors:
                    self.format.check_duplicate(row)
            chunk.append(row)
            if len(chunk) >= self.chunk_rows:
                self._chunk(chunk, summary, sheet)
                chunk = []
        if chunk:
            self._chunk(chunk, summary, sheet)
        if summary.rows == 0 and not summary.file_errors:
            summary.file_error(_("The file has a header but no rows."))
        if self.commit and summary.ok:
            self.format.finish()

    def _chunk(self, rows: list[Row], summary: Summary, sheet) -> None:
        valid = [row for row in rows if not row.errors]
        if valid:
            self.format.classify(valid)
        writable = [row for row in rows if row.action in (Action.NEW, Action.CHANGED)]
        # Once a row has failed nothing will be kept: writing more only costs time, except
        # in a preview, where later rows may depend on earlier ones (a parent, say).
        if writable and (summary.ok or not self.commit):
            self.format.write(writable)
        for row in rows:
            summary.count(row)
        if self.on_rows:
            self.on_rows(rows)
        if self.on_progress:
            self.on_progress(sheet.done())


def run_import(fmt: ImportFormat, binary, *, commit: bool, **kwargs) -> Summary:
    return Run(fmt, binary, commit=commit, **kwargs).run()


def display(value) -> str:
    """A parsed value as the preview shows it: dates dd/mm/yyyy, numbers with separators."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return dmy(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        from django.utils.formats import number_format

        return number_format(value, force_grouping=True)
    return str(value)
