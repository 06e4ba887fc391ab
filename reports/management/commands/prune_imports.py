from django.core.management.base import BaseCommand

from reports.importing.batches import prune_imports


class Command(BaseCommand):
    help = "Delete uploaded import files older than IMPORT_FILE_HOURS (run daily, e.g. by cron)."

    def handle(self, *args, **options):
        count = prune_imports()
        self.stdout.write(f"{count} import(s) pruned.")
