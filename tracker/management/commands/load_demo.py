from django.core.management.base import BaseCommand

from tracker.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo


class Command(BaseCommand):
    help = "Create the demo user and its small collection of real films (idempotent)."

    def handle(self, *args, **options):
        _, created_user, added = load_demo()
        if created_user or added:
            self.stdout.write(self.style.SUCCESS(f"Demo collection loaded ({added} films added)."))
        else:
            self.stdout.write("Demo collection already loaded; nothing changed.")
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/ as “{DEMO_USERNAME}” with password “{DEMO_PASSWORD}”.")
