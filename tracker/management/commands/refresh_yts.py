"""Batch refresh of YTS torrent data (the spec's refresh_all_yts_data, as a command)."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from tracker.management.progress import ProgressBar
from tracker.models import DVD

DEFAULT_MAX_AGE_HOURS = 168  # one week, as in the spec's batch example


class Command(BaseCommand):
    help = "Refresh YTS torrents for DVDs with an IMDb id whose data is stale (each film is fetched once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-hours",
            type=int,
            default=DEFAULT_MAX_AGE_HOURS,
            help=f"Refresh data older than this (default {DEFAULT_MAX_AGE_HOURS}).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Refresh every DVD with an IMDb id, bypassing the cache."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be refreshed; change nothing.")

    def handle(self, *args, max_age_hours, force, dry_run, **options):
        self.verbosity = options["verbosity"]
        if max_age_hours < 0:
            raise CommandError("--max-age-hours cannot be negative.")
        dvds = DVD.objects.with_imdb_id()
        if not force:
            dvds = dvds.stale(max_age_hours)
        # One fetch per film: refresh_yts_data updates every DVD that shares the IMDb id.
        imdb_ids = sorted(set(dvds.values_list("imdb_id", flat=True)))
        if dry_run:
            for imdb_id in imdb_ids:
                self.stdout.write(f"Would refresh {imdb_id}")
            self.stdout.write(f"Dry run: {len(imdb_ids)} films would be refreshed; nothing was changed.")
            return

        outcomes = Counter()
        progress = ProgressBar(self.stdout, len(imdb_ids), enabled=self.verbosity >= 1)
        for imdb_id in imdb_ids:
            outcomes[self.refresh_one(imdb_id, force)] += 1
            progress.step()
        self.stdout.write(
            f"Refreshed: {outcomes['refreshed']}, unchanged: {outcomes['unchanged']}, "
            f"no torrents: {outcomes['no torrents']}, failed: {outcomes['failed']} "
            f"(of {len(imdb_ids)} films)."
        )
        if outcomes["failed"]:
            raise CommandError(f"{outcomes['failed']} films could not be refreshed; see the log for why.")

    def refresh_one(self, imdb_id, force):
        dvd = DVD.objects.filter(imdb_id=imdb_id).order_by("pk").first()
        before = dvd.get_cached_torrents()
        try:
            refreshed = dvd.refresh_yts_data(force=force)
        except Exception as exc:  # one broken film must not stop the batch
            self.stderr.write(f"Error refreshing {imdb_id}: {exc}")
            return "failed"
        if not refreshed:
            self.stderr.write(f"Failed {imdb_id} ({dvd.name}): {dvd.yts_last_error}")
            return "failed"
        self.log(f"Refreshed YTS data for: {dvd.name} ({dvd.yts_torrent_count} torrents)")
        if not dvd.yts_data:
            return "no torrents"
        return "unchanged" if dvd.yts_data == before else "refreshed"

    def log(self, message):
        if self.verbosity >= 2:
            self.stdout.write(message)
