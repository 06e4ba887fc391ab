from django.core.management.base import BaseCommand, CommandError

from reports.cli import cell, committee_by_code, write_rows
from reports.models import Target
from reports.targets import target_rows

COLUMNS = [
    "metric",
    "kind",
    "target",
    "actual",
    "completion_pct",
    "previous_actual",
    "vs_previous_pct",
]


class Command(BaseCommand):
    help = "A committee's targets for a year against the ledger, as a table or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="committee code, e.g. HN-KCNCX")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, committee, year, format, **options):
        found = committee_by_code(committee)
        if not 1900 < year < 2200:
            raise CommandError(f"Not a year: {year}")
        rows = [
            [
                row.metric,
                row.kind,
                row.target.value,
                cell(row.actual),
                cell(row.completion_pct),
                cell(row.previous_actual),
                cell(row.vs_previous_pct),
            ]
            for row in target_rows(found, Target.objects.all(), year)
        ]
        write_rows(self.stdout, COLUMNS, rows, format)
