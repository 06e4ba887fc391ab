import os

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
        if settings.DEBUG and not os.environ.get("DEMO_PASSWORD"):
            # The development default is documented in README, so it is no secret to print.
            self.stdout.write(f"Demo users: {users}; password: {password}")
        else:
            self.stdout.write(f"Demo users: {users}; password: the value of DEMO_PASSWORD")
        self.stdout.write("Open http://127.0.0.1:8000/ and log in.")
        self.stdout.write(
            "admin is an administrator: at the first login the portal shows a QR code to scan "
            "with an authenticator app (two-factor login is required for administrators)."
        )
