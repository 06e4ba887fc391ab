from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo import DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Build the demo committees (HN-KCNCX, HP-KKT) and users, once; safe to run again."

    def handle(self, *args, **options):
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("Set DEMO_PASSWORD (it has a default only when DEBUG is on).")
        if load_demo(password=password):
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present; demo users refreshed.")
        users = ", ".join(row[0] for row in DEMO_USERS)
        self.stdout.write(f"Demo users: {users} (password from DEMO_PASSWORD)")
