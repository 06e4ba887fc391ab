import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports import summaries


class Command(BaseCommand):
    help = _(
        "Recompute every committee's summary rows from the ledger (after loading data "
        "outside the portal's services, or to check them)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        written = summaries.rebuild()
        self.stdout.write(
            _("%(rows)d summary rows written in %(seconds).1f s.")
            % {"rows": written, "seconds": time.monotonic() - started}
        )
