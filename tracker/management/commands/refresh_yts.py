"""Batch refresh of YTS torrent data (the spec's refresh_all_yts_data, as a command).

Each stale film is fetched once, however many DVDs share it, by a pool of threads
(--concurrency) under the global pace (YTS_MAX_REQUESTS_PER_SECOND). Results are written
in batches as they arrive, so an interrupted run keeps what it wrote and a rerun goes on
with what is still stale.
"""

import signal
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.locks import film_lock
from tracker.management.progress import ProgressBar
from tracker.models import DVD
from tracker.services import YTSError, YTSService

DEFAULT_MAX_AGE_HOURS = 168  # one week, as in the spec's batch example
WRITE_BATCH_SIZE = 100
BUSY = "busy"  # another process holds the film's lock and will write its answer


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
        from tracker.tasks import refresh_film

        for imdb_id in imdb_ids:
            refresh_film.delay(imdb_id, max_age_hours, force)
        self.stdout.write(f"Queued {len(imdb_ids)} films for the workers.")

    def refresh_all(self, imdb_ids, force, concurrency):
        service = YTSService()
        outcomes = Counter()
        progress = ProgressBar(self.stdout, len(imdb_ids), enabled=self.verbosity >= 1)
        pending = {}
        # SIGTERM (systemd, a CI timeout) stops the run like Ctrl-C: finished fetches are still written.
        on_main_thread = threading.current_thread() is threading.main_thread()
        previous_handler = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt) if on_main_thread else None
        executor = ThreadPoolExecutor(concurrency, thread_name_prefix="refresh-yts")
        try:
            futures = [executor.submit(_fetch, service, imdb_id, force) for imdb_id in imdb_ids]
            for future in as_completed(futures):
                imdb_id, outcome = future.result()
                progress.step()
                if outcome == BUSY:
                    outcomes[BUSY] += 1
                    continue
                pending[imdb_id] = outcome
                if len(pending) >= WRITE_BATCH_SIZE:
                    outcomes.update(self.write(pending))
                    pending = {}
        except KeyboardInterrupt:
            outcomes["interrupted"] += 1
            executor.shutdown(wait=False, cancel_futures=True)
        finally:
            outcomes.update(self.write(pending))
            executor.shutdown(wait=not outcomes["interrupted"])
            if on_main_thread:
                signal.signal(signal.SIGTERM, previous_handler)
        return outcomes

    def write(self, results):
        """Store one batch of results and classify each film against what was stored before."""
        if not results:
            return Counter()
        before = dict(DVD.objects.filter(imdb_id__in=list(results)).values_list("imdb_id", "yts_data"))
        DVD.objects.store_yts_outcomes(results, timezone.now())
        counts = Counter()
        for imdb_id, outcome in results.items():
            if isinstance(outcome, YTSError):
                self.stderr.write(f"Failed {imdb_id}: {outcome}")
                counts["failed"] += 1
            elif not outcome:
                counts["no torrents"] += 1
            else:
                counts["unchanged" if before.get(imdb_id) == outcome else "refreshed"] += 1
                if self.verbosity >= 2:
                    self.stdout.write(f"Refreshed YTS data for {imdb_id} ({len(outcome)} torrents)")
        return counts


def _fetch(service, imdb_id, force):
    """Runs in a pool thread: network only, no database."""
    with film_lock(imdb_id, wait=False) as lock:
        if not lock.acquired:
            return imdb_id, BUSY
        try:
            return imdb_id, service.fetch_quality_torrents(imdb_id, use_cache=not force, patient=True)
        except YTSError as exc:
            return imdb_id, exc


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt
