"""Bounded XLSX reading (issue 17, item 4): an archive that unpacks beyond the limits in
settings is refused before openpyxl parses it, in the web request, the worker and the command
line; the sheet is read as a stream, so a large sheet costs time, never memory.

The bombs are generated here, written in chunks (a few seconds, little memory); the reading
runs in a subprocess, whose peak resident memory is the bound checked.
"""

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from reports.importing.reading import FileError, open_sheet
from reports.models import ImportBatch
from tests.imports import run, snapshot
from tests.imports.make_corpus import FIG, xlsx

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEAD = b'<worksheet xmlns="%s"><sheetData>' % NS
TAIL = b"</sheetData></worksheet>"
MB = 1 << 20
RATIO_VI = "lớn gấp"  # "... unpacks to N times its packed size" in Vietnamese
RATIO_EN = "times its packed size"


def row(number: int, values) -> bytes:
    cells = b"".join(
        b'<c t="inlineStr"><is><t>%s</t></is></c>' % str(value).encode() for value in values
    )
    return b'<row r="%d">%s</row>' % (number, cells)


def workbook(path: Path, sheet_chunks, *, replace=None) -> Path:
    """An XLSX file: openpyxl's parts, the first sheet's XML written from `sheet_chunks` as
    they come; `replace` maps other part names to new contents."""
    base = xlsx([FIG])
    replace = replace or {}
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            if info.filename == SHEET:
                with out.open(SHEET, "w") as part:
                    for chunk in sheet_chunks:
                        part.write(chunk)
            else:
                out.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                out.writestr(name, content)
    return path


def bomb(path: Path, megabytes: int) -> Path:
    """A header row, then `megabytes` of spaces: ~1 KB packed per MB unpacked."""
    padding = b" " * MB
    chunks = [HEAD, row(1, FIG), *(padding for _ in range(megabytes)), TAIL]
    return workbook(path, chunks)


# The child's own peak: VmHWM of its memory map. ru_maxrss would not do: Linux keeps it across
# execve, so a child started by vfork reports its parent's peak when that is higher.
READ = """
import sys
import django
django.setup()
from reports.importing.reading import FileError, open_sheet
try:
    with open(sys.argv[1], "rb") as binary:
        sheet = open_sheet(binary)
        rows = sum(1 for _row in sheet.rows)
    print("read", rows)
except FileError as error:
    print("refused", error)
with open("/proc/self/status") as status:
    peak = next(line for line in status if line.startswith("VmHWM:"))
print(int(peak.split()[1]) // 1024)
"""


def read_in_subprocess(path: Path) -> tuple[str, int]:
    """What a fresh process says of the file, and its peak memory in MB."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    *lines, peak = done.stdout.strip().splitlines()
    return "\n".join(lines), int(peak)


def test_a_bomb_is_refused_before_it_is_unpacked_and_the_memory_stays_bounded(tmp_path):
    path = bomb(tmp_path / "bomb.xlsx", 400)
    assert path.stat().st_size < 2 * MB  # 400 MB of sheet in under 2 MB
    said, peak = read_in_subprocess(path)
    assert said.startswith("refused Không thể đọc tệp XLSX một cách an toàn"), said
    assert RATIO_VI in said and "xl/worksheets/sheet1.xml" in said
    assert peak < 300, f"{peak} MB"


def test_a_sheet_of_millions_of_tiny_elements_is_read_in_bounded_memory(tmp_path):
    """openpyxl's own reader keeps every element it has read: this 2 MB file (a header and
    300,000 empty rows between stray elements) took it over 200 MB; the stream keeps none."""
    junk = (
        b"".join(b'<row/><x a="%d"/>' % (k * 1000 + i) for i in range(1000)) for k in range(300)
    )
    path = workbook(tmp_path / "tiny.xlsx", [HEAD, row(1, FIG), *junk, TAIL])
    said, peak = read_in_subprocess(path)
    assert said == "read 300000"
    assert peak < 150, f"{peak} MB"


def test_the_worst_workbook_within_the_default_limits_stays_under_300_mb(tmp_path):
    """What openpyxl parses whole, at its limits: 16 MB of the shortest shared strings (the
    most objects per byte) and 2 MB of cell styles, little compressible (the ratio passes)."""
    base = zipfile.ZipFile(io.BytesIO(xlsx([FIG])))
    styles = base.read("xl/styles.xml").decode()
    xfs = "".join(f'<xf numFmtId="{i % 164}" fontId="0"/>' for i in range(69_000))
    styles = re.sub(r'<cellXfs count="\d+">', f'<cellXfs count="69000">{xfs}', styles)
    strings, size, number = [b'<sst xmlns="%s">' % NS], 0, 0
    while size < settings.IMPORT_XLSX_MAX_STRINGS - 100:
        strings.append(b"<si><t>%d</t></si>" % number)
        size, number = size + len(strings[-1]), number + 1
    types = base.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    path = workbook(
        tmp_path / "worst.xlsx",
        [HEAD, row(1, FIG), b'<row r="2"><c t="s"><v>5</v></c></row>', TAIL],
        replace={
            "xl/styles.xml": styles.encode(),
            "xl/sharedStrings.xml": b"".join(strings) + b"</sst>",
            "[Content_Types].xml": types,
        },
    )
    said, peak = read_in_subprocess(path)
    assert said == "read 1"  # within every limit: read whole
    assert peak < 300, f"{peak} MB"


def test_a_long_run_of_padding_that_compresses_little_is_refused(tmp_path, english):
    noise = os.urandom(MB).hex().encode()  # 2 MB of text, packed 2:1
    path = workbook(tmp_path / "noise.xlsx", [HEAD, row(1, FIG), b"<row>", noise, b"</row>", TAIL])
    with pytest.raises(FileError) as refused, path.open("rb") as binary:
        for _row in open_sheet(binary).rows:
            pass
    assert "a text of more than 80000 characters between two cells" in str(refused.value)


def assert_refused(path: Path, expected: str):
    with pytest.raises(FileError) as refused, path.open("rb") as binary:
        open_sheet(binary)
    assert expected in str(refused.value), str(refused.value)


def test_the_limits_of_the_settings_apply(tmp_path, english):
    path = workbook(tmp_path / "small.xlsx", [HEAD, row(1, FIG), row(2, ["HN-KCNCX"]), TAIL])
    with override_settings(IMPORT_XLSX_MAX_UNCOMPRESSED=2000):
        assert_refused(path, "unpacks to")
    with override_settings(IMPORT_XLSX_MAX_PART=1000):
        assert_refused(path, "its part “")
    with override_settings(IMPORT_XLSX_MAX_PARTS=5):
        assert_refused(path, "it has 9 parts (the limit is 5)")
    with override_settings(IMPORT_XLSX_MAX_STRINGS=1000):
        strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        strings += b"<si><t>a</t></si>" * 100 + b"</sst>"
        assert_refused(
            workbook(tmp_path / "s.xlsx", [HEAD, TAIL], replace={"xl/sharedStrings.xml": strings}),
            "xl/sharedStrings.xml",
        )
    with path.open("rb") as binary:
        assert [cells for _number, cells in open_sheet(binary).rows] == [["HN-KCNCX"]]


def test_a_part_larger_than_its_declared_size_is_refused(tmp_path, english):
    """zipfile reads no more than the central directory declares, then checks the CRC."""
    path = workbook(tmp_path / "liar.xlsx", [HEAD, row(1, FIG), row(2, ["x" * 5000]), TAIL])
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the central directory's entries
    while data[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    declared = int.from_bytes(data[entry + 24 : entry + 28], "little")
    data[entry + 24 : entry + 28] = (declared // 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(FileError) as refused, path.open("rb") as binary:
        for _row in open_sheet(binary).rows:
            pass
    assert str(refused.value) == "The file is not a readable XLSX workbook."


@pytest.mark.parametrize("part", [SHEET, "xl/workbook.xml"])
def test_a_document_type_declaration_is_refused(part, tmp_path, english):
    """Entities declared in one expand inside the parser, far beyond the bytes read."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "' + b"A" * 1000 + b'">'
        b'<!ENTITY b "' + b"&a;" * 1000 + b'">]>'
    )
    if part == SHEET:
        chunks = [laughs, HEAD, row(1, FIG), b'<row r="2"><c t="inlineStr"><is><t>']
        path = workbook(
            tmp_path / "laughs.xlsx", [*chunks, b"&b;" * 20, b"</t></is></c></row>", TAIL]
        )
    else:
        original = zipfile.ZipFile(io.BytesIO(xlsx([FIG]))).read(part)
        replace = {part: original.replace(b"<workbook", laughs[21:] + b"<workbook", 1)}
        path = workbook(tmp_path / "laughs.xlsx", [HEAD, row(1, FIG), TAIL], replace=replace)
    with pytest.raises(FileError) as refused, path.open("rb") as binary:
        for _row in open_sheet(binary).rows:
            pass
    assert str(refused.value) == "The file is not a readable XLSX workbook."


def test_a_cell_longer_than_the_csv_limit_is_refused_at_its_row_and_column(user, english):
    long = ["HN-KCNCX", "31/12/2023", "x" * 10_001, "1"]
    summary = run("figures", user("canbo"), xlsx([FIG, ["HN-KCNCX", "31/12/2022", 1, 2], long]))
    assert summary.messages == [
        (None, "", "Row 3, column C: a cell holds at most 10000 characters.")
    ]
    assert not summary.committed
    # 10,000 characters are a cell (refused by the figures format, not by the reader).
    summary = run("figures", user("canbo"), xlsx([FIG, [*long[:2], "x" * 10_000, "1"]]))
    assert summary.messages[0][:2] == (2, "party_organizations")


def test_a_normal_workbook_still_imports(user):
    rows = [FIG, ["HN-KCNCX", "31/12/2023", 97, 1300], ["HN-QM", "31/12/2023", 9, 120]]
    summary = run("figures", user("canbo"), xlsx(rows))
    assert summary.ok and summary.committed and summary.new == 2, summary.messages


# The three places a file is read ----------------------------------------------------------


def upload(client, path: Path):
    with path.open("rb") as binary:
        return client.post(
            reverse("reports:import_create"), {"format": "figures", "file": binary}, follow=True
        )


def test_the_web_upload_shows_the_refusal_in_the_request(login, tmp_path):
    path = bomb(tmp_path / "bomb.xlsx", 100)
    assert path.stat().st_size < settings.IMPORT_BACKGROUND_BYTES  # checked in the request
    client = login("canbo")
    before = snapshot()
    response = upload(client, path)
    assert "Không thể đọc tệp XLSX một cách an toàn" in response.text
    assert RATIO_VI in response.text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, path)
    assert RATIO_EN in response.text
    batch = ImportBatch.objects.latest("pk")
    confirm = client.post(reverse("reports:import_confirm", args=[batch.pk]), follow=True)
    assert "Only a checked file without errors can be imported." in confirm.text
    assert snapshot() == before


@override_settings(IMPORT_BACKGROUND_BYTES=0)
def test_the_worker_marks_the_batch_with_the_refusal(
    login, tmp_path, django_capture_on_commit_callbacks
):
    client = login("canbo")
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, bomb(tmp_path / "bomb.xlsx", 100))
    batch = ImportBatch.objects.latest("pk")
    assert not batch.running
    (found,) = [message for _row, _column, message in batch.summary["messages"]]
    assert "Không thể đọc tệp XLSX một cách an toàn" in found and RATIO_VI in found
    assert RATIO_VI in client.get(batch.get_absolute_url()).text
    assert snapshot() == before


def test_the_command_line_says_why_and_exits_1(tmp_path):
    path = bomb(tmp_path / "bomb.xlsx", 100)
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_figures", str(path), user="canbo", stdout=out, stderr=err)
    assert exit_.value.code == 1
    (line,) = err.getvalue().splitlines()
    assert line.startswith("file: The workbook cannot be read safely: its part “xl/worksheets/")
    assert RATIO_EN in line
    assert snapshot() == before
