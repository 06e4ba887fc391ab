"""Properties of the cell parsers and of the file reader, checked on generated values.

Hypothesis runs derandomized and without its example database, so every run checks the same
examples; explicit `@example`s pin the cases that once broke the parsers.
"""

import codecs
import datetime
import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config.exports import FORMULA_CHARACTERS, SKIPPED, safe_cell
from config.text import CONTROL_BUT_LINES
from reports.importing.reading import FileError, open_sheet
from reports.importing.values import CellError, parse_count, parse_date, unescape
from tests.imports.make_corpus import FIG, xlsx

PROPERTIES = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MAX_COUNT = 2_147_483_647
SEPARATORS = [".", ",", " ", "\u00a0"]


@pytest.fixture(autouse=True, scope="module")
def in_english():
    with translation.override("en"):
        yield


def grouped(number: int, separator: str) -> str:
    return f"{number:,}".replace(",", separator)


# Dates ----------------------------------------------------------------------------------------


# Dates outside 1900–2100 are refused as typing errors (they would break date arithmetic).
PLAUSIBLE = {"min_value": datetime.date(1900, 1, 1), "max_value": datetime.date(2100, 12, 31)}


@PROPERTIES
@given(st.dates(**PLAUSIBLE))
def test_iso_date_round_trips(day):
    assert parse_date(day.isoformat()) == day


@PROPERTIES
@given(st.dates(**PLAUSIBLE))
def test_day_month_year_round_trips(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day


@PROPERTIES
@given(
    st.one_of(
        st.dates(**PLAUSIBLE),
        st.datetimes(
            min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 12, 31)
        ),
    )
)
def test_date_cells_of_a_workbook_are_dates(value):
    expected = value.date() if isinstance(value, datetime.datetime) else value
    assert parse_date(value) == expected


@PROPERTIES
@given(
    st.one_of(
        st.dates(max_value=datetime.date(1899, 12, 31)),
        st.dates(min_value=datetime.date(2101, 1, 1)),
    )
)
def test_implausible_dates_are_refused_in_every_form(day):
    for value in (day, day.isoformat(), f"{day.day}/{day.month}/{day.year:04d}"):
        with pytest.raises(CellError):
            parse_date(value)


# Counts ---------------------------------------------------------------------------------------


@PROPERTIES
@given(st.integers(0, MAX_COUNT), st.sampled_from(SEPARATORS))
@example(135460, ".")
@example(135460, ",")
@example(135460, " ")
@example(135460, "\u00a0")
def test_count_with_thousands_separators_round_trips(number, separator):
    assert parse_count(str(number)) == number
    assert parse_count(grouped(number, separator)) == number
    assert parse_count(number) == number


@PROPERTIES
@given(st.integers(MAX_COUNT + 1), st.sampled_from(["", *SEPARATORS]))
def test_count_above_the_database_limit_is_refused(number, separator):
    text = grouped(number, separator) if separator else str(number)
    with pytest.raises(CellError, match="too large"):
        parse_count(text)


@PROPERTIES
@given(st.integers(max_value=-1), st.sampled_from(["", *SEPARATORS]))
def test_negative_count_is_refused(number, separator):
    with pytest.raises(CellError):
        parse_count(number)
    text = grouped(number, separator) if separator else str(number)
    with pytest.raises(CellError):
        parse_count(text)


@PROPERTIES
@given(st.integers(0, 999), st.integers(1, 99).filter(lambda n: n % 10))
def test_decimal_count_is_refused(whole, fraction):
    """12,5 or 1.5 is not 125 nor 15: a decimal separator is not taken for a thousands one."""
    for separator in (",", "."):
        with pytest.raises(CellError, match="not a whole number"):
            parse_count(f"{whole}{separator}{fraction}")


# Anything else ----------------------------------------------------------------------------------

# Text near the formats: digits, separators, signs and slashes, often enough to matter.
NEAR_MISSES = st.text(alphabet="0123456789.,/- \u00a0+=@'", max_size=30)
# What an XLSX cell can hold, besides text.
CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@PROPERTIES
@given(st.one_of(st.text(), NEAR_MISSES, CELL_VALUES))
@example("9" * 5000)
@example("1." + "000." * 2000 + "000")
@example("٣٤٥.٦٧٨")
@example("31/02/2022")
@example("0000-01-01")
def test_parsers_raise_only_cell_errors(value):
    for parser in (parse_count, parse_date):
        try:
            parser(value)
        except CellError as exc:
            assert str(exc)


# Formulas -------------------------------------------------------------------------------------


@PROPERTIES
@given(st.text())
@example("=1+1")
@example("'-Team")
@example('\x01=HYPERLINK("http://evil.example/steal","Bấm vào đây")')
@example(" \t\r\n@SUM(A1)")
@example("\x00\uff1d1+1")
def test_a_safe_cell_is_never_a_formula_nor_holds_a_control_character(text):
    safe = safe_cell(text)
    assert safe.lstrip(SKIPPED)[:1] not in FORMULA_CHARACTERS
    assert not CONTROL_BUT_LINES.search(safe)


@PROPERTIES
@given(st.text().filter(lambda text: not text.startswith("'")))
@example('=HYPERLINK("http://example.com","x")')
@example("\t=1")
@example("'")
def test_unescape_undoes_safe_cell(text):
    assert unescape(safe_cell(text)) == CONTROL_BUT_LINES.sub("", text)


@PROPERTIES
@given(st.text())
@example("'=1+1")
@example("''=1+1")
@example("' =1")
def test_unescape_undoes_safe_cell_for_any_text(text):
    assert unescape(safe_cell(text)) == CONTROL_BUT_LINES.sub("", text)


def test_numbers_and_dates_are_left_alone():
    day = datetime.date(2024, 1, 2)
    assert [safe_cell(-3), safe_cell(2.5), safe_cell(day), safe_cell(None)] == [-3, 2.5, day, None]


# Reading arbitrary bytes ----------------------------------------------------------------------


def _read_all(data: bytes) -> None:
    try:
        sheet = open_sheet(io.BytesIO(data))
        for _number, _cells in sheet.rows:
            pass
    except FileError as exc:
        assert str(exc)


XLSX = xlsx([FIG] + [["HN-KCNCX", datetime.date(2000 + n, 12, 31), n, 1000 + n] for n in range(30)])


@st.composite
def damaged_workbooks(draw):
    """The workbook above with a few bytes changed and maybe cut short."""
    data = bytearray(XLSX)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(4, len(data) - 1))] = draw(st.integers(0, 255))
    end = draw(st.integers(4, len(data)))
    return bytes(data[:end])


BYTES = st.one_of(
    st.binary(max_size=2000),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from(
            [b"PK\x03\x04", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b""]
        ),
        st.binary(max_size=500),
    ),
    st.text(alphabet='ab,;"\r\n \x00éĐ', max_size=300).map(lambda text: text.encode()),
    damaged_workbooks(),
)


@PROPERTIES
@given(BYTES)
@example(b"")
@example(b'a,"' + b"x" * 12_000)
@example(b"a,b\r\n" + b'1,"' + b"y" * 12_000 + b'"\r\n')
@example(b"\xff\xfe\x00")
@example(XLSX[:2000])
def test_open_sheet_raises_only_file_errors(data):
    _read_all(data)
