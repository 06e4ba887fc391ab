"""Read an uploaded CSV or XLSX file as a header and a stream of rows, never whole.

CSV files come from Excel and older systems in several encodings. The encoding is decided by
the byte-order mark, else by one streaming pass that checks the bytes are valid UTF-8, else
Windows-1258 (the Vietnamese Windows code page). Windows-1258 writes most accented letters as
a base letter plus a combining mark, so every text is normalised to NFC: "Nguyễn" typed in
Excel and "Nguyễn" in a UTF-8 file then compare equal.
"""

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

CHUNK = 1 << 16
# A single cell longer than this is not a spreadsheet cell; csv's default limit is 128 KB.
MAX_CELL = 10_000
XLSX_MAGIC = b"PK\x03\x04"


class FileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Sheet:
    """A file opened for reading: its header and an iterator of (row number, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    # How much of the file has been read, from 0 to 1 (for the progress bar).
    done: Callable[[], float] = lambda: 0.0


def _is_utf8(binary) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := binary.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(binary) -> str:
    """The encoding of a CSV file, read in chunks; the file is rewound afterwards."""
    binary.seek(0)
    start = binary.read(4)
    binary.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    encoding = "utf-8" if _is_utf8(binary) else "cp1258"
    binary.seek(0)
    return encoding


def clean(value) -> str:
    """A cell as NFC text without surrounding spaces (None is the empty string)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def _size(binary) -> int:
    position = binary.tell()
    binary.seek(0, io.SEEK_END)
    size = binary.tell()
    binary.seek(position)
    return max(size, 1)


def _csv_sheet(binary) -> Sheet:
    encoding = detect_encoding(binary)
    # NUL bytes do not occur in text (UTF-16 aside): an image, a PDF or an .xls file.
    if encoding != "utf-16" and b"\x00" in binary.read(CHUNK):
        raise FileError(_("The file is not a CSV or XLSX spreadsheet."))
    binary.seek(0)
    if encoding == "cp1258":
        # Decoded line by line, so that a byte Windows-1258 does not define is reported at
        # its own row (a text wrapper decodes kilobytes ahead of the row being read).
        text = None
        lines = (line.decode(encoding) for line in binary)
    else:
        # UTF-8 was checked whole by detect_encoding; a wrapper is faster.
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        lines = text
    try:
        # Blank lines above the header (an export with a title row removed) are skipped.
        first = next(lines, "")
        skipped = 0
        while first and not first.strip():
            first, skipped = next(lines, ""), skipped + 1
    except UnicodeDecodeError as exc:
        raise FileError(
            _("Row %(row)d is not valid text in %(encoding)s.") % {"row": 1, "encoding": encoding}
        ) from exc
    if not first.strip():
        raise FileError(_("The file is empty: it has no header row."))
    if "\x00" in first:
        raise FileError(_("The file is not a CSV or XLSX spreadsheet."))
    # Excel in Vietnamese locales writes semicolons; count the separators in the header only.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    csv.field_size_limit(MAX_CELL)
    try:
        # A second byte-order mark (a file saved twice with one) is not part of the name.
        first = first.lstrip("\ufeff")
        header = [clean(cell) for cell in next(csv.reader([first], delimiter=delimiter))]
    except csv.Error as exc:
        raise FileError(
            _("Row %(row)d cannot be read as CSV (%(reason)s).") % {"row": 1, "reason": exc}
        ) from exc

    def rows():
        reader = csv.reader(lines, delimiter=delimiter)
        number = 1 + skipped
        try:
            for cells in reader:
                number += 1
                yield number, [clean(cell) for cell in cells]
        except UnicodeDecodeError as exc:
            raise FileError(
                _("Row %(row)d is not valid text in %(encoding)s.")
                % {"row": number + 1, "encoding": encoding}
            ) from exc
        except csv.Error as exc:
            raise FileError(
                _("Row %(row)d cannot be read as CSV (%(reason)s).")
                % {"row": number + 1, "reason": exc}
            ) from exc
        finally:
            # Hand the file back to its owner open: the wrapper would close it when dropped.
            if text is not None:
                text.detach()

    size = _size(binary)
    return Sheet(
        header, rows(), encoding, lambda: 1.0 if binary.closed else min(binary.tell() / size, 1.0)
    )


def _xlsx_cell(value):
    """XLSX cells keep their types: dates stay dates and whole numbers lose their ".0"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return clean(value)
    return value


def _xlsx_sheet(binary) -> Sheet:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet's XML instead of building the whole workbook.
        book = load_workbook(binary, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
    # A damaged workbook fails in openpyxl, zipfile, zlib or the XML parser in many ways
    # (BadZipFile, zlib.error, ParseError, EOFError, IndexError, NotImplementedError...).
    except Exception as exc:
        raise FileError(_("The file is not a readable XLSX workbook.")) from exc
    if first is None or all(cell is None for cell in first):
        book.close()
        raise FileError(_("The file is empty: it has no header row."))
    header = [clean(cell) for cell in first]
    while header and header[-1] == "":
        header.pop()

    state = {"row": 1}

    def rows():
        try:
            for number, cells in enumerate(values, start=2):
                state["row"] = number
                yield number, [_xlsx_cell(cell) for cell in cells]
        except Exception as exc:  # damaged further down the sheet: see `_xlsx_sheet`
            raise FileError(_("The file is not a readable XLSX workbook.")) from exc
        finally:
            book.close()

    total = max(sheet.max_row or 1, 1)
    return Sheet(header, rows(), "xlsx", lambda: min(state["row"] / total, 1.0))


def open_sheet(binary) -> Sheet:
    """Open a binary file object (seekable) as CSV or XLSX, by its content, not its name."""
    binary.seek(0)
    start = binary.read(4)
    binary.seek(0)
    if not start:
        raise FileError(_("The file is empty: it has no header row."))
    if start == XLSX_MAGIC:
        return _xlsx_sheet(binary)
    return _csv_sheet(binary)
