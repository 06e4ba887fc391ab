"""Write the corpus of import files that `test_malformed.py` feeds to the import engine.

    .venv/bin/python tests/imports/make_corpus.py

Every file is built here, byte for byte, so that the binary ones (UTF-16, Windows-1258, XLSX,
an .xls header, a PNG) can be regenerated and reviewed as code. `MALFORMED` lists the files
that must be refused, each with the row and the part of the English message the engine must
give; `GOOD` lists files that must import (their tests check what was stored). Running this
module rewrites `corpus/` and removes files no case names; `test_corpus_is_up_to_date` fails
when the files on disk and this module disagree.

The codes and dates are those of the demo: HN-KCNCX and its grassroots committee HN-QM are
the scope of the user canbo; HP-KKT and its organizations (HP-001...) belong to Hải Phòng.
"""

import codecs
import csv
import datetime
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
# Zip entries get this timestamp, and the workbook's properties this date, so that the bytes
# of an XLSX file do not depend on when it was written.
FIXED_TIME = (2024, 1, 1, 0, 0, 0)

FIGURES = [
    "committee", "as_of", "party_organizations", "party_members", "organizations_established",
    "organizations_received", "members_admitted", "trade_unions", "trade_union_members",
    "youth_unions", "youth_union_members",
]  # fmt: skip
FIGURES_VI = [
    "Đơn vị", "Tính đến ngày", "Số tổ chức đảng", "Số đảng viên", "Tổ chức đảng thành lập mới",
    "Tổ chức đảng tiếp nhận", "Kết nạp đảng viên", "Công đoàn cơ sở", "Đoàn viên công đoàn",
    "Tổ chức Đoàn cơ sở", "Đoàn viên thanh niên",
]  # fmt: skip
# The short header most figures cases use.
FIG = ["committee", "as_of", "party_organizations", "party_members"]
TARGETS = ["committee", "period", "metric", "kind", "value"]
ORGANIZATIONS = [
    "code", "name", "kind", "parent", "zone", "enterprise", "established_on", "decision_number",
]  # fmt: skip
MEMBERS = [
    "full_name", "gender", "birth_date", "organization", "card_number", "national_id",
    "admitted_on", "official_on", "status",
]  # fmt: skip

# A new grassroots cell of HN-KCNCX, valid in every column: malformed cases change one cell.
CELL = ["HN-T01", "Chi bộ Công ty TNHH Thử Nghiệm", "grassroots_cell", "HN-KCNCX",
        "KCN-QUANGMINH", "", "15/03/2013", "12-QĐ/ĐU"]  # fmt: skip
# A new probationary member of HN-001 (card and national ID numbers unused by the demo).
MEMBER = ["Nguyễn Thị Lan", "female", "12/05/1990", "HN-001", "98000001", "001190980001",
          "03/02/2021", "", "probationary"]  # fmt: skip
# Organizations whose names look like formulas: they must be stored as the text they are.
FORMULA_NAMES = [
    '=HYPERLINK("http://example.com/?q="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "=1+1",
]


# Builders -----------------------------------------------------------------------------------


def csv_text(rows, *, delimiter=",") -> str:
    """Rows as Excel writes them: CRLF line ends, quotes only where needed."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def utf8(rows, **kwargs) -> bytes:
    return csv_text(rows, **kwargs).encode("utf-8")


# Windows-1258 has precomposed letters with a breve, circumflex or horn (ă â ê ô ơ ư) and đ,
# but writes the five tones as combining marks after the letter, as Windows converts text.
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """`text` as Windows writes it in code page 1258: decomposed (NFD), tones kept apart."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        marks = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in TONES))
        out.append(base + "".join(c for c in marks if c in TONES))
    return "".join(out).encode("cp1258")


def _stored_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of `entries`, uncompressed and with fixed timestamps: the same bytes every time."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), content)
    return out.getvalue()


def xlsx(rows, *, edit=None) -> bytes:
    """An XLSX workbook with `rows` on its only sheet, written by openpyxl.

    A string starting with "=" becomes a formula cell, as in Excel (openpyxl stores no cached
    value for it). `edit(name, content)` may change an entry of the zip before it is written.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    book.properties.creator = "make_corpus"
    buffer = io.BytesIO()
    book.save(buffer)
    entries = []
    with zipfile.ZipFile(buffer) as archive:
        for info in archive.infolist():
            content = archive.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", content
                )
            if edit:
                content = edit(info.filename, content)
            entries.append((info.filename, content))
    return _stored_zip(entries)


def png() -> bytes:
    """A valid 8x8 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    pixels = b"".join(
        b"\x00" + bytes((x * 31 + y * 17) % 256 for x in range(8 * 3)) for y in range(8)
    )
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels, 9))
        + chunk(b"IEND", b"")
    )


def xls() -> bytes:
    """The start of an Excel 97-2003 workbook: an OLE compound file header."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 0x03, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIII", 0, 1, 1, 0, 0x1000, 2, 1, 0xFFFFFFFE)
    header = header.ljust(512, b"\xff")
    directory = "Workbook".encode("utf-16-le").ljust(64, b"\x00")
    return header + directory.ljust(512, b"\x00") + b"\x09\x08\x10\x00\x00\x06\x05\x00" * 32


def _truncate_sheet(name: str, content: bytes) -> bytes:
    if name == "xl/worksheets/sheet1.xml":
        return content[: len(content) * 3 // 5]
    return content


# Cases --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str  # file name in corpus/
    format: str  # figures, targets, organizations or members
    row: int | None  # the row the message is about; None: the file as a whole
    expect: str  # part of the English message
    data: bytes
    user: str = "canbo"
    why: str = ""


GOOD_ROW = ["HN-KCNCX", "31/12/2023", "97", "1300"]

MALFORMED = [
    # The file as a whole: not a spreadsheet, not text, nothing in it.
    Case("empty.csv", "figures", None, "The file is empty", b"", why="0 bytes"),
    Case("blank-lines.csv", "figures", None, "The file is empty", b"\r\n\r\n   \r\n\r\n"),
    Case("header-only.csv", "figures", None, "has a header but no rows", utf8([FIG])),
    Case(
        "header-and-empty-rows.csv",
        "figures",
        None,
        "has a header but no rows",
        utf8([FIG, ["", "", "", ""], ["", "", "", ""], [" ", "", " ", ""]]),
        why="Excel writes formatted but empty rows as separators only",
    ),
    Case("header-only.xlsx", "figures", None, "has a header but no rows", xlsx([FIG])),
    Case("empty-workbook.xlsx", "figures", None, "The file is empty", xlsx([])),
    Case("excel-97.xls", "figures", None, "not a CSV or XLSX spreadsheet", xls()),
    Case("picture.png", "figures", None, "not a CSV or XLSX spreadsheet", png()),
    Case(
        "zip-not-workbook.xlsx",
        "figures",
        None,
        "not a readable XLSX workbook",
        _stored_zip([("bao-cao.txt", "Báo cáo".encode())]),
    ),
    Case(
        "truncated.xlsx",
        "figures",
        None,
        "not a readable XLSX workbook",
        xlsx([FIG, GOOD_ROW])[:1500],
        why="a download cut short",
    ),
    Case(
        "damaged-sheet.xlsx",
        "figures",
        None,
        "not a readable XLSX workbook",
        xlsx(
            [FIG] + [["HN-KCNCX", datetime.date(2000 + n, 12, 31), n, 100 + n] for n in range(20)],
            edit=_truncate_sheet,
        ),
        why="a valid zip whose sheet XML stops in the middle",
    ),
    # Encodings that are not ours.
    Case(
        "cp1252-not-vietnamese.csv",
        "figures",
        None,
        "not valid text in cp1258",
        utf8([FIG, GOOD_ROW])
        + csv_text([["Škoda Žilina", "31/12/2023", "1", "2"]]).encode("cp1252"),
        why="Š and Ž are bytes Windows-1258 does not define",
    ),
    Case(
        "latin1-lossy-vietnamese-header.csv",
        "figures",
        None,
        "Unknown columns: ??n v?",
        csv_text([FIGURES_VI[:4], GOOD_ROW]).encode("latin-1", errors="replace"),
        why="Vietnamese headers saved in Latin-1 became question marks",
    ),
    Case(
        "bom-utf8-but-cp1258.csv",
        "figures",
        None,
        "not valid text in utf-8-sig",
        codecs.BOM_UTF8 + windows_1258(csv_text([FIGURES_VI[:4], GOOD_ROW])),
    ),
    Case(
        "utf-32.csv",
        "figures",
        None,
        "not a CSV or XLSX spreadsheet",
        csv_text([FIG, GOOD_ROW]).encode("utf-32"),
    ),
    Case(
        "utf-16-without-bom.csv",
        "figures",
        None,
        "not a CSV or XLSX spreadsheet",
        csv_text([FIG, GOOD_ROW]).encode("utf-16-le"),
    ),
    # Headers.
    Case(
        "title-above-header.csv",
        "figures",
        None,
        "Missing columns: committee, as_of",
        utf8([["BÁO CÁO SỐ LIỆU NĂM 2023", "", "", ""], FIG, GOOD_ROW]),
        why="a title row above the header, as in printed reports",
    ),
    Case(
        "missing-column.csv",
        "figures",
        None,
        "Missing columns: as_of.",
        utf8([["committee", "party_members"], ["HN-KCNCX", "1300"]]),
    ),
    Case(
        "unknown-column.csv",
        "figures",
        None,
        "Unknown columns: ghi_chu.",
        utf8([[*FIG, "ghi_chu"], [*GOOD_ROW, "đã duyệt"]]),
    ),
    Case(
        "duplicate-column.csv",
        "figures",
        None,
        "The column “party_members” appears twice.",
        utf8([[*FIG, "party_members"], [*GOOD_ROW, "1400"]]),
    ),
    Case(
        "duplicate-column-english-and-vietnamese.csv",
        "figures",
        None,
        "The column “Số đảng viên” appears twice.",
        utf8([[*FIG, "Số đảng viên"], [*GOOD_ROW, "1400"]]),
    ),
    Case(
        "header-cell-too-large.csv",
        "figures",
        None,
        "Row 1 cannot be read as CSV",
        b'committee,"' + b"x" * 12_000 + b"\r\nHN-KCNCX\r\n",
        why="an unclosed quote in the header swallows the line",
    ),
    # Rows that do not fit the header.
    Case(
        "row-too-long.csv",
        "figures",
        3,
        "The row has 5 cells but the header has 4.",
        utf8([FIG, GOOD_ROW, ["HN-KCNCX", "31/12/2022", "96", "1250", "12"]]),
    ),
    Case(
        "row-too-short.csv",
        "figures",
        2,
        "The row has 3 cells but the header has 4.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "97"]]),
    ),
    Case(
        "mixed-separators.csv",
        "figures",
        2,
        "The row has 1 cells but the header has 4.",
        utf8([FIG], delimiter=";") + utf8([GOOD_ROW]),
        why="header written with semicolons, rows with commas",
    ),
    Case(
        "unclosed-quote.csv",
        "figures",
        2,
        "The row has 3 cells but the header has 4.",
        ",".join(FIG).encode() + b'\r\nHN-KCNCX,31/12/2023,"97,1300\r\nHN-QM,31/12/2023,9,120\r\n',
        why="the quote swallows the rest of the file into one cell",
    ),
    Case(
        "cell-too-large.csv",
        "figures",
        None,
        "Row 3 cannot be read as CSV",
        utf8([FIG, GOOD_ROW, ["HN-QM", "31/12/2023", "9", "1" * 12_000]]),
    ),
    Case(
        "duplicate-rows.csv",
        "figures",
        4,
        "The same row is already in the file at row 2.",
        utf8(
            [
                FIG,
                GOOD_ROW,
                ["HN-QM", "31/12/2023", "9", "120"],
                ["HN-KCNCX", "2023-12-31", "", "1301"],
            ]
        ),
        why="the same committee and date, written another way",
    ),
    Case(
        "no-figure.csv",
        "figures",
        2,
        "The row has no figure",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "", ""]]),
    ),
    # Dates.
    Case(
        "date-31-february.csv",
        "figures",
        3,
        "“31/02/2022” is not a real date.",
        utf8([FIG, GOOD_ROW, ["HN-KCNCX", "31/02/2022", "96", "1250"]]),
    ),
    Case(
        "date-month-13.csv",
        "figures",
        2,
        "“2022-13-01” is not a real date.",
        utf8([FIG, ["HN-KCNCX", "2022-13-01", "96", "1250"]]),
    ),
    Case(
        "date-in-words.csv",
        "figures",
        2,
        "“hôm qua” is not a date: write dd/mm/yyyy or yyyy-mm-dd.",
        utf8([FIG, ["HN-KCNCX", "hôm qua", "96", "1250"]]),
    ),
    Case(
        "date-american.csv",
        "figures",
        2,
        "“12/31/2023” is not a real date.",
        utf8([FIG, ["HN-KCNCX", "12/31/2023", "96", "1250"]]),
    ),
    Case(
        "date-in-future.csv",
        "figures",
        2,
        "The date is in the future.",
        utf8([FIG, ["HN-KCNCX", "31/12/2099", "96", "1250"]]),
    ),
    # Counts.
    Case(
        "count-negative.csv",
        "figures",
        2,
        "A count cannot be negative (“-5”).",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "-5", "1300"]]),
    ),
    Case(
        "count-in-words.csv",
        "figures",
        2,
        "“mười” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "mười", "1300"]]),
    ),
    Case(
        "count-decimal-comma.csv",
        "figures",
        2,
        "“12,5” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "12,5", "1300"]]),
        why="12,5 must not silently become 125",
    ),
    Case(
        "count-decimal-point.csv",
        "figures",
        2,
        "“1.5” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "97", "1.5"]]),
    ),
    Case(
        "count-with-unit.csv",
        "figures",
        2,
        "“1.300 người” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "97", "1.300 người"]]),
    ),
    Case(
        "count-formula.csv",
        "figures",
        2,
        "“=1+1” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "=1+1", "1300"]]),
    ),
    Case(
        "count-formula-plus.csv",
        "figures",
        2,
        "“+5” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "+5", "1300"]]),
    ),
    Case(
        "count-formula-minus.csv",
        "figures",
        2,
        "“-2+3” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "-2+3", "1300"]]),
    ),
    Case(
        "count-formula-at.csv",
        "figures",
        2,
        "“@SUM(A1:A9)” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "@SUM(A1:A9)", "1300"]]),
    ),
    Case(
        "count-escaped-formula.csv",
        "figures",
        2,
        "“'=1+1” is not a whole number.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "'=1+1", "1300"]]),
        why="our exports' apostrophe makes a formula text, never a number",
    ),
    Case(
        "count-too-large.csv",
        "figures",
        2,
        "“3.000.000.000” is too large.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "97", "3.000.000.000"]]),
    ),
    Case(
        "count-five-thousand-digits.csv",
        "figures",
        2,
        "is too large.",
        utf8([FIG, ["HN-KCNCX", "31/12/2023", "97", "9" * 5000]]),
        why="int() refuses over 4300 digits with a ValueError",
    ),
    # Scope: codes and record ids of another committee.
    Case(
        "other-committee.csv",
        "figures",
        3,
        "No committee with the code “HP-KKT” in your scope.",
        utf8([FIG, GOOD_ROW, ["HP-KKT", "31/12/2020", "31", "640"]]),
    ),
    Case(
        "id-column-other-committee.csv",
        "figures",
        2,
        "No committee with the code “HP-KKT” in your scope.",
        # 7 and 8 are the ids the demo gives HP-KKT's figures of 31/12/2020.
        utf8([["id", *FIG], ["7", "HP-KKT", "31/12/2020", "31", "640"], ["8", *GOOD_ROW]]),
    ),
    Case(
        "committee-code-too-long.csv",
        "figures",
        2,
        "At most 32 characters (this one has 33).",
        utf8([FIG, ["HN-KCNCX-" + "X" * 24, "31/12/2023", "97", "1300"]]),
    ),
    # XLSX cells.
    Case(
        "xlsx-date-text-31-february.xlsx",
        "figures",
        2,
        "“31/02/2022” is not a real date.",
        xlsx([FIG, ["HN-KCNCX", "31/02/2022", 96, 1250]]),
    ),
    Case(
        "xlsx-decimal-count.xlsx",
        "figures",
        2,
        "“12.5” is not a whole number.",
        xlsx([FIG, ["HN-KCNCX", datetime.date(2023, 12, 31), 12.5, 1300]]),
    ),
    Case(
        "xlsx-negative-count.xlsx",
        "figures",
        2,
        "A count cannot be negative",
        xlsx([FIG, ["HN-KCNCX", datetime.date(2023, 12, 31), -3, 1300]]),
    ),
    Case(
        "xlsx-date-in-count.xlsx",
        "figures",
        2,
        "“2023-05-01 00:00:00” is not a whole number.",
        xlsx([FIG, ["HN-KCNCX", datetime.date(2023, 12, 31), datetime.date(2023, 5, 1), 1300]]),
        why="a count cell Excel formatted as a date",
    ),
    Case(
        "xlsx-formula-committee.xlsx",
        "figures",
        2,
        "This cell is required.",
        xlsx([FIG, ['="HN-"&"KCNCX"', datetime.date(2023, 12, 31), 97, 1300]]),
        why="a formula without a cached value is read as an empty cell",
    ),
    Case(
        "xlsx-other-committee.xlsx",
        "figures",
        2,
        "No committee with the code “HP-KKT” in your scope.",
        xlsx([FIG, ["HP-KKT", datetime.date(2020, 12, 31), 31, 640]]),
    ),
    # Targets.
    Case(
        "targets-missing-value.csv",
        "targets",
        None,
        "Missing columns: value.",
        utf8([TARGETS[:4], ["HN-KCNCX", "2024", "members_admitted", "plan"]]),
    ),
    Case(
        "targets-term-reversed.csv",
        "targets",
        2,
        "A term cannot end before it starts.",
        utf8([TARGETS, ["HN-KCNCX", "2025-2020", "members_admitted", "congress", "450"]]),
    ),
    Case(
        "targets-year-implausible.csv",
        "targets",
        2,
        "“1800” is not a plausible year.",
        utf8([TARGETS, ["HN-KCNCX", "1800", "members_admitted", "plan", "90"]]),
    ),
    Case(
        "targets-unknown-metric.csv",
        "targets",
        2,
        "“đảng viên mới” is not one of:",
        utf8([TARGETS, ["HN-KCNCX", "2024", "đảng viên mới", "plan", "90"]]),
    ),
    Case(
        "targets-other-committee.csv",
        "targets",
        3,
        "No committee with the code “HP-KKT” in your scope.",
        utf8(
            [
                TARGETS,
                ["HN-KCNCX", "2024", "members_admitted", "plan", "95"],
                ["HP-KKT", "2022", "members_admitted", "plan", "1"],
            ]
        ),
    ),
    Case(
        "targets-duplicate-rows.csv",
        "targets",
        3,
        "The same row is already in the file at row 2.",
        utf8(
            [
                TARGETS,
                ["HN-KCNCX", "2024", "members_admitted", "plan", "95"],
                ["HN-KCNCX", "2024", "Kết nạp đảng viên", "", "96"],
            ]
        ),
        why="the same target with the metric's label and the default kind",
    ),
    Case(
        "targets-value-decimal.csv",
        "targets",
        2,
        "“90,5” is not a whole number.",
        utf8([TARGETS, ["HN-KCNCX", "2024", "members_admitted", "plan", "90,5"]]),
    ),
    # Organizations.
    Case(
        "organizations-name-too-long.csv",
        "organizations",
        2,
        "At most 255 characters (this one has 256).",
        utf8([ORGANIZATIONS, [CELL[0], ("Chi bộ Điện tử Hòa Khánh " * 11)[:256], *CELL[2:]]]),
    ),
    Case(
        "organizations-parent-other-committee.csv",
        "organizations",
        2,
        "No organization with the code “HP-KKT” in your scope.",
        utf8([ORGANIZATIONS, [*CELL[:3], "HP-KKT", "KKT-HAIPHONG", *CELL[5:]]]),
    ),
    Case(
        "organizations-code-of-other-committee.csv",
        "organizations",
        2,
        "The code HP-001 is already used.",
        utf8(
            [
                ORGANIZATIONS,
                ["HP-001", "Tên mới", "grassroots_cell", "HP-KKT", "", "", "01/01/2015", ""],
            ]
        ),
    ),
    Case(
        "organizations-id-column-other-committee.csv",
        "organizations",
        2,
        "The code HP-001 is already used.",
        # 129 is the id the demo gives HP-001.
        utf8(
            [
                ["id", *ORGANIZATIONS],
                ["129", "HP-001", "Tên mới", "grassroots_cell", "HP-KKT", "", "", "01/01/2015", ""],
            ]
        ),
    ),
    Case(
        "organizations-unknown-kind.csv",
        "organizations",
        2,
        "“chi bo” is not one of:",
        utf8([ORGANIZATIONS, [*CELL[:2], "chi bo", *CELL[3:]]]),
    ),
    Case(
        "organizations-founded-in-future.csv",
        "organizations",
        2,
        "The date 01/01/2099 is in the future.",
        utf8([ORGANIZATIONS, [*CELL[:6], "01/01/2099", CELL[7]]]),
    ),
    Case(
        "organizations-formula-names-then-bad-date.csv",
        "organizations",
        7,
        "“31/02/2022” is not a real date.",
        utf8(
            [ORGANIZATIONS]
            + [[f"HN-F0{n}", name, *CELL[2:]] for n, name in enumerate(FORMULA_NAMES, start=1)]
            + [["HN-F09", "Chi bộ cuối", *CELL[2:6], "31/02/2022", ""]]
        ),
        why="formula-like names are plain text, and nothing is kept when a later row fails",
    ),
    Case(
        "organizations-vietnamese-header-missing-kind.csv",
        "organizations",
        None,
        "Missing columns: kind.",
        utf8(
            [
                ["Mã", "Tên", "Trực thuộc", "Ngày thành lập"],
                ["HN-T01", "Chi bộ", "HN-KCNCX", "15/03/2013"],
            ]
        ),
    ),
    # Members.
    Case(
        "members-organization-other-committee.csv",
        "members",
        2,
        "No organization with the code “HP-001” in your scope.",
        utf8([MEMBERS, [*MEMBER[:3], "HP-001", *MEMBER[4:]]]),
    ),
    Case(
        "members-national-id-wrong-length.csv",
        "members",
        2,
        "A national ID number has 9 or 12 digits.",
        utf8([MEMBERS, [*MEMBER[:5], "0011909800", *MEMBER[6:]]]),
    ),
    Case(
        "members-born-in-future.csv",
        "members",
        2,
        "The date is in the future.",
        utf8([MEMBERS, [*MEMBER[:2], "12/05/2099", *MEMBER[3:]]]),
    ),
    Case(
        "members-official-before-probation-ends.csv",
        "members",
        2,
        "Official membership comes no earlier than 03/02/2022",
        utf8([MEMBERS, [*MEMBER[:7], "01/06/2021", "official"]]),
    ),
    Case(
        "members-duplicate-card.csv",
        "members",
        3,
        "The same member is already in the file at row 2.",
        utf8(
            [
                MEMBERS,
                MEMBER,
                ["Trần Văn Nam", "male", "", "HN-002", MEMBER[4], "", "03/02/2021", "", ""],
            ]
        ),
    ),
    Case(
        "members-card-of-other-committee.csv",
        "members",
        2,
        "already on record in another committee",
        # 3000471 stands for a Hai Phong card; the test puts in a real one (random in the demo).
        utf8([MEMBERS, [*MEMBER[:4], "3000471", "", *MEMBER[6:]]]),
    ),
]

THOUSANDS = ["135.460", "135,460", "135 460", "135\u00a0460"]

GOOD = {
    "good-utf8-bom.csv": codecs.BOM_UTF8 + utf8([FIG, GOOD_ROW]),
    "good-utf16-le.csv": codecs.BOM_UTF16_LE
    + csv_text([FIGURES_VI[:4], GOOD_ROW]).encode("utf-16-le"),
    "good-utf16-be.csv": codecs.BOM_UTF16_BE + csv_text([FIG, GOOD_ROW]).encode("utf-16-be"),
    "good-semicolons.csv": utf8(
        [FIGURES_VI[:4], ["HN-KCNCX", "31/12/2023", "97", "1.300"]], delimiter=";"
    ),
    "good-thousands.csv": utf8(
        [["committee", "as_of", "trade_union_members"]]
        + [
            ["HN-KCNCX", f"{day}/12/2023", text]
            for day, text in zip((28, 29, 30, 31), THOUSANDS, strict=True)
        ]
    ),
    "good-vietnamese-headers.csv": utf8(
        [FIGURES_VI, ["HN-QM", "31/12/2023", "9", "120", "1", "0", "11", "8", "5.400", "3", "410"]]
    ),
    "good-figures.xlsx": xlsx(
        [
            FIGURES_VI,
            ["HN-KCNCX", datetime.date(2023, 12, 31), 97, 1300, 5, 1, 92, 112, 135460, 20, 1950],
            [
                "HN-QM",
                datetime.datetime(2023, 12, 31),
                9.0,
                "120",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ]
    ),
    "good-organizations-cp1258.csv": windows_1258(
        csv_text([ORGANIZATIONS, ["HN-T01", "Đảng ủy Khu công nghiệp Hòa Khánh", *CELL[2:]]])
    ),
    "good-organizations-formula-names.csv": utf8(
        [ORGANIZATIONS]
        + [[f"HN-F0{n}", name, *CELL[2:]] for n, name in enumerate(FORMULA_NAMES, start=1)]
        + [["HN-F08", "'=SUM(B2:B9)", *CELL[2:]]]
    ),
}


def files() -> dict[str, bytes]:
    """Every corpus file by name."""
    found = {case.name: case.data for case in MALFORMED}
    assert len(found) == len(MALFORMED), "two cases share a file name"
    found.update(GOOD)
    return found


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    wanted = files()
    for path in CORPUS.iterdir():
        if path.name not in wanted:
            path.unlink()
    for name, data in wanted.items():
        (CORPUS / name).write_bytes(data)
    print(f"{len(wanted)} files in {CORPUS} ({len(MALFORMED)} malformed, {len(GOOD)} good)")


if __name__ == "__main__":
    main()
