"""How reports state figures (DOMAIN.md): growth multiple, change %, completion %.

The functions return `Decimal`s, which Django localizes on display: 19,2 and 1.328 in
Vietnamese, 19.2 and 1,328 in English.
"""

from decimal import ROUND_HALF_UP, Decimal


def _round(value: Decimal, places: int, *, drop_zeros: bool = True) -> Decimal:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not drop_zeros:
        return rounded
    # Drop trailing zeros ("19.20" -> "19.2", "20.00" -> "20") without scientific notation.
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def multiple(value: int | None, base: int | None) -> Decimal | None:
    """now ÷ base, to two decimals with trailing zeros dropped: 96 ÷ 5 -> 19.2."""
    if value is None or not base:
        return None
    return _round(Decimal(value) / Decimal(base), 2)


def change_pct(value: int | None, base: int | None) -> Decimal | None:
    """(now − base) ÷ base as a percentage to one decimal: 76 -> 129 gives 69.7."""
    if value is None or not base:
        return None
    return _round((Decimal(value) - Decimal(base)) * 100 / Decimal(base), 1, drop_zeros=False)


def percent(actual: int | None, target: int | None) -> Decimal | None:
    """actual ÷ target as a percentage to one decimal: 92 of 90 -> 102.2 ("đạt 102,2%")."""
    if actual is None or not target:
        return None
    return _round(Decimal(actual) * 100 / Decimal(target), 1, drop_zeros=False)
