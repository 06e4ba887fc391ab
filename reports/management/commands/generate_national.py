from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.national import (
    DEFAULT_PASSWORD,
    FULL_MEMBERS,
    localized,
    national_generate,
    summaries_rebuild,
)


class Command(BaseCommand):
    help = gettext_lazy(
        "Generate the national data set for benchmarks: a central root (N-TQ), provinces, "
        "zone committees, grassroots organizations, members with 15 years of events, unions, "
        "targets and the bench-* users. Everything it creates has a code starting with N-, "
        "beside the demo. Written with COPY on PostgreSQL, without history rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=FULL_MEMBERS,
            help=gettext_lazy("member records to create; the rest of the tree scales with it"),
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help=gettext_lazy("seed: same seed, same data")
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=gettext_lazy("password of the bench-* users"),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=gettext_lazy("delete the national data set already loaded first"),
        )
        parser.add_argument(
            "--skip-summaries",
            action="store_true",
            help=gettext_lazy("do not run rebuild_summaries afterwards"),
        )

    def handle(self, *args, members, seed, password, replace, skip_summaries, **options):
        try:
            result = national_generate(
                members=members,
                seed=seed,
                password=password,
                replace=replace,
                progress=self.stdout.write,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for table, rows in sorted(result.counts.items()):
            self.stdout.write(f"{table:32} {localized(rows):>12}")
        self.stdout.write(
            _("%(rows)s rows in %(seconds)s s (%(rate)s rows/s).")
            % {
                "rows": localized(result.rows),
                "seconds": localized(result.seconds, 1),
                "rate": localized(round(result.rows / max(result.seconds, 0.001))),
            }
        )
        if skip_summaries:
            return
        seconds = summaries_rebuild(self.stdout)
        if seconds is None:
            self.stdout.write(
                _("No rebuild_summaries command in this project: summaries not rebuilt.")
            )
        else:
            self.stdout.write(
                _("rebuild_summaries: %(seconds)s s.") % {"seconds": localized(seconds, 1)}
            )
