import datetime

from django.core.management.base import BaseCommand, CommandError

from reports import composition
from reports.cli import cell, committee_by_code, iso_date, write_rows

COLUMNS = ["dimension", "category", "count", "share_pct"]
ONE_DAY = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Composition of a committee's members on a date (or of the members it admitted "
        "between two dates, both included) by gender, age band, ethnicity, religion, "
        "qualification, political theory, position, ownership and pipeline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="committee code, e.g. HN-KCNCX")
        parser.add_argument("--as-of", required=True, dest="as_of", help="YYYY-MM-DD")
        parser.add_argument("--admitted-from", dest="admitted_from", help="YYYY-MM-DD")
        parser.add_argument("--admitted-to", dest="admitted_to", help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, committee, as_of, admitted_from, admitted_to, format, **options):
        as_of_date = iso_date(as_of)
        if (admitted_from is None) != (admitted_to is None):
            raise CommandError("Give both --admitted-from and --admitted-to, or neither.")
        found = committee_by_code(committee)
        if admitted_from is not None:
            first, last = iso_date(admitted_from), iso_date(admitted_to)
            if first > last:
                raise CommandError("--admitted-from must not come after --admitted-to.")
            result = composition.admitted_between(found, first - ONE_DAY, last)
        else:
            result = composition.members_on(found, as_of_date)
        if result.total is None:
            raise CommandError(
                f"The records of {committee} do not cover this date or period "
                f"(they begin on {composition.coverage_start(found)})."
            )
        rows = [
            [dimension.key, category.value, category.count, cell(category.share)]
            for dimension, category in result.rows()
        ]
        write_rows(self.stdout, COLUMNS, rows, format)
