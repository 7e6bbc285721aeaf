"""Export one user's collection as CSV or as a JSON backup, to a file or to standard output."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.collection_io.backup import backup_chunks
from tracker.collection_io.exporting import csv_lines
from tracker.models import DVD


class Command(BaseCommand):
    help = "Export a user's DVDs as CSV (every field and torrent links) or as a JSON backup that imports back exactly."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The username whose collection is exported.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, user, format, output, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"There is no user called {user!r}.")
        rows = DVD.objects.for_user(owner)
        chunks = backup_chunks(rows) if format == "json" else csv_lines(rows.order_by("name", "pk"))
        if not output:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror}.") from None
        self.stderr.write(f"Exported {rows.count()} DVDs of {user} to {output}.")
