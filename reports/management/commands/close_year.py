from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.cli import committee_by_code
from reports.years import year_close


class Command(BaseCommand):
    help = "Store a committee's figures of an ended year as computed yearly figures."

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="committee code, e.g. HN-KCNCX")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, committee, year, **options):
        found = committee_by_code(committee)
        try:
            stored = year_close(committee=found, year=year)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{found.code} {year}: {len(stored)} figures stored.")
