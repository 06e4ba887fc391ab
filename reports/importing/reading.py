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
from openpyxl.utils import get_column_letter

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


def _xlsx_cell(value, row: int, column: int):
    """XLSX cells keep their types: dates stay dates and whole numbers lose their ".0"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        if len(value) > MAX_CELL:
            # The CSV reader refuses such a cell too (csv.field_size_limit).
            raise FileError(
                _("Row %(row)d, column %(column)s: a cell holds at most %(limit)d characters.")
                % {"row": row, "column": get_column_letter(column), "limit": MAX_CELL}
            )
        return clean(value)
    return value


# An XLSX file is a zip archive: a 1 MB upload can unpack to gigabytes. Before openpyxl
# parses anything, the archive's directory is checked against the limits in settings
# (IMPORT_XLSX_*); the sheet is then read by `_xlsx_rows`, which holds one cell's XML at a
# time whatever the sheet's size, and counts what it unpacks.
SHEET_PREFIX = "xl/worksheets/"
SHARED_STRINGS = "xl/sharedStrings.xml"
# A ratio above the limit is only suspicious in a part of some size (a tiny part of repeated
# tags compresses well too).
RATIO_FLOOR = 1 << 20
# Excel's own limits: a row beyond them is not from a spreadsheet.
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
# Text between two tags: a cell's value (MAX_CELL characters, up to 4 bytes each and
# "&amp;" for "&") or the spaces between tags. A longer run is padding.
MAX_RUN = 8 * MAX_CELL
DOCTYPE = b"<!DOCTYPE"
# Elements inside one cell (rich-text runs): the cell's XML is held whole while it is read.
MAX_CELL_ELEMENTS = 1000


def _size_text(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)


def _check_count(count: int) -> None:
    from django.conf import settings

    if count > settings.IMPORT_XLSX_MAX_PARTS:
        raise FileError(
            _(
                "The workbook cannot be read safely: it has %(count)d parts "
                "(the limit is %(limit)d)."
            )
            % {"count": count, "limit": settings.IMPORT_XLSX_MAX_PARTS}
        )


def _part_limit(name: str) -> int | None:
    """The unpacked size allowed to a part that openpyxl reads whole: the XML parts, the
    sheets aside (streamed by `_xlsx_rows`); pictures and other binary parts are never read."""
    from django.conf import settings

    if name == SHARED_STRINGS:
        return settings.IMPORT_XLSX_MAX_STRINGS
    if name.endswith((".xml", ".rels")) and not name.startswith(SHEET_PREFIX):
        return settings.IMPORT_XLSX_MAX_PART
    return None


def _check_archive(binary) -> None:
    """Refuse an archive whose directory promises more than the limits (a zip bomb)."""
    import zipfile
    import zlib

    binary.seek(0)
    # zipfile reads the whole central directory into memory: count it before.
    end = zipfile._EndRecData(binary)  # the end record zipfile itself reads first
    binary.seek(0)
    if end is None:
        raise FileError(_("The file is not a readable XLSX workbook."))
    _check_count(end[zipfile._ECD_ENTRIES_TOTAL])
    try:
        with zipfile.ZipFile(binary) as archive:
            _check_parts(archive)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        ValueError,
        OSError,
        EOFError,
    ) as exc:
        raise FileError(_("The file is not a readable XLSX workbook.")) from exc
    finally:
        binary.seek(0)


def _check_parts(archive) -> None:
    from django.conf import settings

    infos = archive.infolist()
    _check_count(len(infos))
    total = sum(info.file_size for info in infos)
    if total > settings.IMPORT_XLSX_MAX_UNCOMPRESSED:
        raise FileError(
            _(
                "The workbook cannot be read safely: it unpacks to %(size)s (the limit is "
                "%(limit)s). Save it again in Excel, or as CSV."
            )
            % {
                "size": _size_text(total),
                "limit": _size_text(settings.IMPORT_XLSX_MAX_UNCOMPRESSED),
            }
        )
    for info in infos:
        name, size = info.filename, info.file_size
        limit = _part_limit(name)
        if limit is not None and size > limit:
            raise FileError(
                _(
                    "The workbook cannot be read safely: its part “%(part)s” unpacks to "
                    "%(size)s (the limit is %(limit)s). Save it again in Excel, or as CSV."
                )
                % {"part": name, "size": _size_text(size), "limit": _size_text(limit)}
            )
        ratio = size / max(info.compress_size, 1)
        if size > RATIO_FLOOR and ratio > settings.IMPORT_XLSX_MAX_RATIO:
            raise FileError(
                _(
                    "The workbook cannot be read safely: its part “%(part)s” unpacks to "
                    "%(ratio)d times its packed size (the limit is %(limit)d)."
                )
                % {"part": name, "ratio": ratio, "limit": settings.IMPORT_XLSX_MAX_RATIO}
            )
    for info in infos:
        if _part_limit(info.filename) is not None:
            # Within its limit: read once, in chunks, for a document type declaration.
            with archive.open(info) as part:
                _refuse_entities(iter(lambda part=part: part.read(CHUNK), b""))


def _refuse_entities(chunks) -> None:
    """Refuse a part with a document type declaration: entities declared there expand,
    inside the parser, far beyond the bytes read (expat stops at 100 times the input only).
    Spreadsheet programs never write one."""
    tail = b""
    for chunk in chunks:
        if DOCTYPE in tail + chunk[: len(DOCTYPE)] or DOCTYPE in chunk:
            raise FileError(_("The file is not a readable XLSX workbook."))
        tail = chunk[-len(DOCTYPE) :]


class _CountedPart:
    """A part of the archive read in chunks: never more than its declared size (zipfile
    stops there and checks the CRC), never a text run longer than MAX_RUN between tags, no
    document type declaration (`_refuse_entities`)."""

    def __init__(self, raw, declared: int):
        self.raw, self.declared, self.read_bytes, self.run, self.tail = raw, declared, 0, 0, b""

    def read(self, size=-1):
        data = self.raw.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.read_bytes += len(data)
        if self.read_bytes > self.declared:
            raise FileError(_("The file is not a readable XLSX workbook."))
        _refuse_entities([self.tail + data])
        self.tail = data[-len(DOCTYPE) :]
        pieces = data.split(b"<")
        self.run += len(pieces[0])
        longest = max(self.run, *map(len, pieces[1:-1])) if len(pieces) > 2 else self.run
        if len(pieces) > 1:
            self.run = len(pieces[-1])
            longest = max(longest, self.run)
        if longest > MAX_RUN:
            raise FileError(
                _(
                    "The workbook cannot be read safely: its sheet holds a text of more than "
                    "%(limit)d characters between two cells."
                )
                % {"limit": MAX_RUN}
            )
        return data

    def close(self):
        self.raw.close()


def _row_number(text: str) -> int:
    number = float(text)
    if not number.is_integer():
        raise FileError(_("The file is not a readable XLSX workbook."))
    return int(number)


def _xlsx_rows(parser, source) -> Iterator[tuple[int, list]]:
    """The rows of a sheet as (number, values), read as a stream.

    openpyxl's own reader keeps every row element it has read (cleared, but attached to the
    sheet) and the text between them: a sheet of millions of tiny rows or of padding took
    gigabytes. Here each element leaves the tree as soon as it ends, and only the open cell's
    subtree is kept; `parser` (openpyxl's WorkSheetParser) reads the values, so types, dates
    and shared strings are openpyxl's."""
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    row_tag, cell_tag = f"{{{SHEET_MAIN_NS}}}row", f"{{{SHEET_MAIN_NS}}}c"
    stack, cells = [], []
    depth = elements = 0  # inside a cell: how deep, and how many elements so far
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            if depth:
                depth, elements = depth + 1, elements + 1
                if elements > MAX_CELL_ELEMENTS:
                    raise FileError(_("The file is not a readable XLSX workbook."))
                continue
            stack.append(element)
            if element.tag == cell_tag:
                depth = elements = 1
            elif element.tag == row_tag:
                # As openpyxl's parse_row numbers rows (its cells read `col_counter`).
                number = element.get("r")
                parser.row_counter = _row_number(number) if number else parser.row_counter + 1
                parser.col_counter = 0
                if not 1 <= parser.row_counter <= MAX_ROWS:
                    raise FileError(_("The file is not a readable XLSX workbook."))
                cells = []
            continue
        if depth > 1:
            depth -= 1
            continue  # inside a cell: kept until the cell ends
        stack.pop()
        if depth == 1:
            depth = 0
            cell = parser.parse_cell(element)
            if cell["column"] > MAX_COLUMNS or len(cells) >= MAX_COLUMNS:
                raise FileError(_("The file is not a readable XLSX workbook."))
            cells.append(cell)
        elif element.tag == row_tag:
            values = [None] * max((cell["column"] for cell in cells), default=0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield parser.row_counter, values
            cells = []
        if stack:
            del stack[-1][:]  # the element (and its subtree) leaves the tree


def _first_sheet(binary):
    """openpyxl's reader up to the first sheet, without reading any sheet; and that sheet's
    declared size. The workbook's parts were checked by `_check_archive`."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    reader = ExcelReader(binary, read_only=True, data_only=True, keep_links=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            book = reader.wb
            parser = WorkSheetParser(
                None,
                reader.shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            declared = reader.archive.getinfo(rel.target).file_size
            return reader.archive, rel.target, parser, declared
    reader.archive.close()
    return None


def _xlsx_sheet(binary) -> Sheet:
    _check_archive(binary)
    try:
        found = _first_sheet(binary)
        if found is None:
            raise FileError(_("The file is empty: it has no header row."))
        archive, path, parser, declared = found
        source = _CountedPart(archive.open(path), declared)
        values = _xlsx_rows(parser, source)
        first = next(values, None)
    except FileError:
        raise
    # A damaged workbook fails in openpyxl, zipfile, zlib or the XML parser in many ways
    # (BadZipFile, zlib.error, ParseError, EOFError, IndexError, NotImplementedError...).
    except Exception as exc:
        raise FileError(_("The file is not a readable XLSX workbook.")) from exc
    # The header is the sheet's first row (as openpyxl's reader gave it).
    if first is None or first[0] != 1 or all(cell is None for cell in first[1]):
        archive.close()
        raise FileError(_("The file is empty: it has no header row."))
    header = [clean(_xlsx_cell(cell, 1, column)) for column, cell in enumerate(first[1], 1)]
    while header and header[-1] == "":
        header.pop()

    def rows():
        try:
            for number, cells in values:
                yield (
                    number,
                    [_xlsx_cell(cell, number, column) for column, cell in enumerate(cells, 1)],
                )
        except FileError:
            raise
        except Exception as exc:  # damaged further down the sheet: see `_xlsx_sheet`
            raise FileError(_("The file is not a readable XLSX workbook.")) from exc
        finally:
            archive.close()

    return Sheet(header, rows(), "xlsx", lambda: min(source.read_bytes / max(declared, 1), 1.0))


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
