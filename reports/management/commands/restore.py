from django.core.management.base import BaseCommand, CommandError

from reports.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `backup` (pg_restore --clean on "
        "PostgreSQL). Refuses a database that holds data unless --force. Stop the web "
        "processes and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--into",
            metavar="DATABASE_URL",
            help="restore into this database instead of the portal's (e.g. a scratch one)",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args, path, into=None, force=False, **options):
        try:
            config = restore(path, into=into, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path} into {config['NAME']}.")
