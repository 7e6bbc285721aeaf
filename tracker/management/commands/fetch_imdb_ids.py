"""Fill IMDb ids from TMDB for every DVD that has a TMDB id and no IMDb id."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from tracker.management.progress import ProgressBar
from tracker.models import DVD
from tracker.services.tmdb import TMDBError, TMDBNotFound, TMDBService


class Command(BaseCommand):
    help = "Look up IMDb ids on TMDB for DVDs that have a TMDB id but no IMDb id (each film once)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the films that would be looked up.")

    def handle(self, *args, dry_run, **options):
        service = TMDBService()
        missing = DVD.objects.filter(tmdb_id__isnull=False, imdb_id="")
        tmdb_ids = sorted(set(missing.values_list("tmdb_id", flat=True)))
        if dry_run:
            for tmdb_id in tmdb_ids:
                self.stdout.write(f"Would look up TMDB {tmdb_id}")
            self.stdout.write(f"Dry run: {len(tmdb_ids)} films would be looked up; nothing was changed.")
            return
        if tmdb_ids and not service.is_configured:
            raise CommandError("TMDB is not configured: set TMDB_API_KEY (or TMDB_ACCESS_TOKEN).")

        outcomes = Counter()
        progress = ProgressBar(self.stdout, len(tmdb_ids), enabled=options["verbosity"] >= 1)
        for tmdb_id in tmdb_ids:
            try:
                imdb_id = service.get_imdb_id(tmdb_id)
            except TMDBNotFound:
                outcomes["not found"] += 1
            except TMDBError as exc:
                self.stderr.write(f"Failed TMDB {tmdb_id}: {exc}")
                outcomes["failed"] += 1
            else:
                # Every DVD of this film, in any collection, that still lacks the id.
                missing.filter(tmdb_id=tmdb_id).set_imdb_id_where_missing(imdb_id)
                outcomes["found"] += 1
            progress.step()
        self.stdout.write(
            f"Found: {outcomes['found']}, not on TMDB: {outcomes['not found']}, failed: {outcomes['failed']} "
            f"(of {len(tmdb_ids)} films)."
        )
        if outcomes["found"]:
            self.stdout.write("Run `manage.py refresh_yts` to fetch their torrents.")
        if outcomes["failed"]:
            raise CommandError(f"{outcomes['failed']} films could not be looked up; see above for why.")
