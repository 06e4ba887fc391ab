"""The shared body of the `import_*` management commands."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports.importing.engine import run_import
from reports.importing.registry import format_class


class ImportCommand(BaseCommand):
    """Import FILE as `format_name`, in the scope of --user; write nothing if a row fails."""

    format_name = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, UTF-16 or Windows-1258) or XLSX file")
        parser.add_argument("--user", required=True, help="username whose scope and rights apply")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--language", choices=["vi", "en"], default="en")

    def handle(self, *args, file, user, dry_run, language, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"Unknown user: {user!r}")
        from organizations.scope import can_write, committee_path

        if committee_path(account) is None or not can_write(account):
            raise CommandError(f"{user} may not import: no committee or read-only role.")
        with translation.override(language):
            fmt = format_class(self.format_name)(
                account,
                reason=f"Import {self.format_name} {path.name} ({user}, command line)",
                source=f"command import_{self.format_name}",
            )
            with path.open("rb") as binary:
                summary = run_import(fmt, binary, commit=not dry_run)
            self.report(summary, dry_run)
        if not summary.ok:
            raise SystemExit(1)

    def report(self, summary, dry_run):
        for notice in summary.notices:
            self.stdout.write(notice)
        for row, column, message in summary.messages:
            where = f"row {row}" if row else "file"
            if column:
                where += f", {column}"
            self.stderr.write(f"{where}: {message}")
        verb = (
            "checked (dry run, nothing written)"
            if dry_run
            else ("imported" if summary.committed else "NOT imported (nothing written)")
        )
        self.stdout.write(
            f"{summary.rows} rows {verb}: {summary.new} new, {summary.changed} updated, "
            f"{summary.unchanged} unchanged, {summary.failed} errors"
        )
