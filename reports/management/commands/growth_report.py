from django.core.management.base import BaseCommand, CommandError

from reports import statistics
from reports.cli import cell, committee_by_code, iso_date, write_rows

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


class Command(BaseCommand):
    help = "Growth of a committee's figures between two dates, as a table or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="committee code, e.g. HN-KCNCX")
        parser.add_argument("--base", required=True, help="base date, YYYY-MM-DD")
        parser.add_argument("--as-of", required=True, dest="as_of", help="as-of date, YYYY-MM-DD")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, committee, base, as_of, format, **options):
        base_date, as_of_date = iso_date(base), iso_date(as_of)
        if base_date >= as_of_date:
            raise CommandError("The base date must come before the as-of date.")
        found = committee_by_code(committee)
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
