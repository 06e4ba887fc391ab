from django.core.management.base import BaseCommand, CommandError

from reports.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump -Fc on PostgreSQL, a consistent copy on SQLite "
        "(default var/backups/portal-<date>-<time>.dump or .sqlite3)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="where to write the backup")

    def handle(self, *args, output=None, **options):
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
