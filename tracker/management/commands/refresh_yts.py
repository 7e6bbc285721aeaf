"""Batch refresh of YTS torrent data (the spec's refresh_all_yts_data, as a command).

Each stale film is fetched once, however many DVDs share it, by a pool of threads
(--concurrency) under the global pace (YTS_MAX_REQUESTS_PER_SECOND). Results are written
in batches as they arrive, so an interrupted run keeps what it wrote and a rerun goes on
with what is still stale.
"""

import signal
import threading
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker import refresh, tasks
from tracker.management.progress import ProgressBar
from tracker.models import DVD

DEFAULT_MAX_AGE_HOURS = 168  # one week, as in the spec's batch example
BUSY = refresh.BUSY  # another process holds the film's lock and will write its answer


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
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help=f"Films fetched at once (default YTS_BATCH_CONCURRENCY, {settings.YTS_BATCH_CONCURRENCY}).",
        )
        parser.add_argument(
            "--queue", action="store_true", help="Queue one Celery task per film instead (needs a worker)."
        )

    def handle(self, *args, max_age_hours, force, dry_run, concurrency, queue, **options):
        self.verbosity = options["verbosity"]
        concurrency = concurrency or settings.YTS_BATCH_CONCURRENCY
        if max_age_hours < 0:
            raise CommandError("--max-age-hours cannot be negative.")
        if concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        dvds = DVD.objects.with_imdb_id()
        if not force:
            dvds = dvds.stale(max_age_hours)
        imdb_ids = sorted(set(dvds.values_list("imdb_id", flat=True)))
        if dry_run:
            for imdb_id in imdb_ids:
                self.stdout.write(f"Would refresh {imdb_id}")
            self.stdout.write(f"Dry run: {len(imdb_ids)} films would be refreshed; nothing was changed.")
            return
        if queue:
            self.queue_tasks(imdb_ids, max_age_hours, force)
            return

        outcomes = self.refresh_all(imdb_ids, force, concurrency)
        self.stdout.write(
            f"Refreshed: {outcomes['refreshed']}, unchanged: {outcomes['unchanged']}, "
            f"no torrents: {outcomes['no torrents']}, failed: {outcomes['failed']}"
            + (f", being refreshed elsewhere: {outcomes[BUSY]}" if outcomes[BUSY] else "")
            + f" (of {len(imdb_ids)} films)."
        )
        if outcomes["interrupted"]:
            raise CommandError("Interrupted: what was fetched is saved; run the command again to finish.")
        if outcomes["failed"]:
            raise CommandError(f"{outcomes['failed']} films could not be refreshed; see the log for why.")

    def queue_tasks(self, imdb_ids, max_age_hours, force):
        for imdb_id in imdb_ids:
            tasks.refresh_film.delay(imdb_id, max_age_hours, force)
        self.stdout.write(f"Queued {len(imdb_ids)} films for the workers.")

    def refresh_all(self, imdb_ids, force, concurrency):
        outcomes = Counter()
        progress = ProgressBar(self.stdout, len(imdb_ids), enabled=self.verbosity >= 1)

        def report(imdb_id, change, answer):
            progress.step()
            outcomes[change] += 1
            if change == "failed":
                self.stderr.write(f"Failed {imdb_id}: {answer}")
            elif change == "refreshed" and self.verbosity >= 2:
                self.stdout.write(f"Refreshed YTS data for {imdb_id} ({len(answer)} torrents)")

        # SIGTERM (systemd, a CI timeout) stops the run like Ctrl-C: finished fetches are still written.
        on_main_thread = threading.current_thread() is threading.main_thread()
        previous_handler = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt) if on_main_thread else None
        try:
            refresh.refresh_films(imdb_ids, refresh.Policy(use_cache=not force), concurrency=concurrency, report=report)
        except KeyboardInterrupt:
            outcomes["interrupted"] += 1
        finally:
            if on_main_thread:
                signal.signal(signal.SIGTERM, previous_handler)
        return outcomes


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt
