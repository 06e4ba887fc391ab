import datetime

from django.core.management.base import BaseCommand, CommandError

from organizations.models import PartyOrganization
from reports import statistics
from reports.cli import cell, write_rows

COLUMNS = [
    "metric",
    "base_date",
    "base_value",
    "as_of",
    "value",
    "change",
    "change_pct",
    "multiple",
]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Growth of a committee's figures between two dates, as a table or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="committee code, e.g. HN-KCNCX")
        parser.add_argument("--base", required=True, help="base date, YYYY-MM-DD")
        parser.add_argument("--as-of", required=True, dest="as_of", help="as-of date, YYYY-MM-DD")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, committee, base, as_of, format, **options):
        base_date, as_of_date = _date(base), _date(as_of)
        if base_date >= as_of_date:
            raise CommandError("The base date must come before the as-of date.")
        found = PartyOrganization.objects.filter(code=committee).first()
        if found is None:
            raise CommandError(f"Unknown committee: {committee!r}")
        growth = statistics.growth(found, base_date, as_of_date)
        rows = [
            [
                row.metric,
                row.base_date.isoformat(),
                cell(row.base.value),
                row.as_of.isoformat(),
                cell(row.now.value),
                cell(row.change),
                cell(row.change_pct),
                cell(row.multiple),
            ]
            for row in growth.rows
        ]
        write_rows(self.stdout, COLUMNS, rows, format)
