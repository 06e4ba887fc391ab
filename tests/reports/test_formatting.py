from decimal import Decimal

import pytest
from django.utils import formats, translation

from reports.formatting import change_pct, multiple, percent


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [(96, 5, "19.2"), (1328, 248, "5.35"), (100, 5, "20"), (7, 3, "2.33"), (5, 0, None)],
)
def test_multiple_rounds_to_two_decimals_and_drops_zeros(value, base, expected):
    result = multiple(value, base)
    assert (None if result is None else str(result)) == expected


def test_change_pct_one_decimal():
    assert change_pct(129, 76) == Decimal("69.7")
    assert str(change_pct(96, 5)) == "1820.0"
    assert change_pct(5, None) is None


def test_percent_of_target():
    assert percent(92, 90) == Decimal("102.2")
    assert percent(5, 5) == 100
    assert percent(88, 47) == Decimal("187.2")
    assert str(percent(5, 5)) == "100.0"
    assert percent(3, 0) is None


@pytest.mark.parametrize(
    ("language", "number", "expected"),
    [
        ("vi", Decimal("19.2"), "19,2"),
        ("en", Decimal("19.2"), "19.2"),
        ("vi", 1328, "1.328"),
        ("en", 1328, "1,328"),
    ],
)
def test_numbers_are_localized(language, number, expected, settings):
    with translation.override(language):
        assert formats.localize(number, use_l10n=True) == expected
