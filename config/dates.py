"""Date helpers shared by the services: the office's today and calendar arithmetic."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def dmy(day: datetime.date | None) -> str:
    """A date as Vietnamese offices write it, dd/mm/yyyy ("" for no date)."""
    return day.strftime("%d/%m/%Y") if day else ""


def today() -> datetime.date:
    """Today in the portal's time zone (Asia/Ho_Chi_Minh), not the server's."""
    return timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, moved back to the month's last day where needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def validate_not_future(day: datetime.date, field: str = "date") -> None:
    if day > today():
        message = _("The date %(date)s is in the future.") % {"date": day.strftime("%d/%m/%Y")}
        raise ValidationError({field: ValidationError(message, code="future_date")})
