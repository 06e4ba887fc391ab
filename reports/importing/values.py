"""Parse one cell. Each parser returns a Python value or raises `CellError` with a message
for the user. An empty cell is `None` (unknown), never zero.
"""

import datetime
import re

from django.utils.translation import gettext as _

from config.dates import dmy
from config.exports import needs_apostrophe


class CellError(ValueError):
    """The cell's value cannot be used; `str(error)` is the message for the user."""


# "135.460", "135,460", "135 460" (also with a no-break space): groups of three digits.
_GROUPED = re.compile(r"\d{1,3}(?:([., \u00a0])\d{3})(?:\1\d{3})*")
FIRST_YEAR, LAST_YEAR = 1900, 2100
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def unescape(text: str) -> str:
    """Undo the apostrophe our exports put before a formula-like cell (round trip)."""
    if text[:1] == "'" and needs_apostrophe(text[1:]):
        return text[1:]
    return text


def _whole(digits: str, value) -> int:
    # int() refuses strings of over 4300 digits (ValueError, not CellError): too large anyway.
    significant = digits.lstrip("0") or "0"
    if len(significant) > 10:
        raise CellError(_("“%(value)s” is too large.") % {"value": value})
    return int(significant)


def parse_count(value) -> int | None:
    """A non-negative whole number, with or without thousands separators."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        number = int(value)
    else:
        # An XLSX cell may hold a date or a time (a count Excel formatted as a date).
        text = value if isinstance(value, str) else str(value)
        if text.isdigit() and text.isascii():
            number = _whole(text, value)
        elif text.startswith("-") and text[1:].replace(".", "").replace(",", "").isdigit():
            raise CellError(_("A count cannot be negative (“%(value)s”).") % {"value": text})
        elif _GROUPED.fullmatch(text):
            number = _whole(re.sub(r"\D", "", text), value)
        else:
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    if number < 0:
        raise CellError(_("A count cannot be negative (“%(value)s”).") % {"value": value})
    if number > 2_147_483_647:
        raise CellError(_("“%(value)s” is too large.") % {"value": value})
    return number


def parse_date(value) -> datetime.date | None:
    """A date written dd/mm/yyyy or yyyy-mm-dd (or an XLSX date cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return _plausible(value.date(), dmy(value.date()))
    if isinstance(value, datetime.date):
        return _plausible(value, dmy(value))
    text = str(value)
    if found := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
    elif found := _YMD.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        raise CellError(
            _("“%(value)s” is not a date: write dd/mm/yyyy or yyyy-mm-dd.") % {"value": text}
        )
    try:
        found = datetime.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from exc
    return _plausible(found, text)


def _plausible(day: datetime.date, text) -> datetime.date:
    # Dates near year 1 or 9999 break date arithmetic (probation, age) and are typing errors.
    if not (FIRST_YEAR <= day.year <= LAST_YEAR):
        raise CellError(_("“%(value)s” is not a plausible date.") % {"value": text})
    return day


def parse_text(value, *, max_length: int) -> str:
    """Text as typed (formula apostrophes of our own exports removed), within a length.

    Control characters were refused before any parser saw the cell (`ImportFormat.cell`)."""
    if value is None:
        return ""
    text = unescape(value if isinstance(value, str) else str(value))
    if len(text) > max_length:
        raise CellError(
            _("At most %(limit)d characters (this one has %(length)d).")
            % {"limit": max_length, "length": len(text)}
        )
    return text


def choice_lookup(choices) -> dict[str, str]:
    """Map each choice's value and its English and Vietnamese labels (lower case) to the value."""
    from django.utils import translation

    found = {}
    for value, label in choices:
        found[str(value).lower()] = value
        for language in ("en", "vi"):
            with translation.override(language):
                found[str(label).lower()] = value
    return found


def parse_choice(value, lookup: dict[str, str]) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if text in lookup:
        return lookup[text]
    allowed = ", ".join(sorted({v for v in lookup.values()}))
    raise CellError(
        _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}
    )
