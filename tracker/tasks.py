"""Celery tasks. Each is idempotent: a task re-run after a lost worker does no harm."""

from dataclasses import replace

from celery import shared_task
from django.core.management import call_command

from tracker import refresh
from tracker.collection_io import jobs
from tracker.locks import lock_ttl
from tracker.models.imports import STALE_PHASE_SECONDS

# A busy film is looked at again this many times, once its lock has surely expired.
BUSY_RETRIES = 2


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=BUSY_RETRIES)
def refresh_film(self, imdb_id, max_age_hours=None, force=False):
    """Refresh one film's torrents for every DVD that has it."""
    policy = refresh.Policy(use_cache=False) if force else replace(refresh.WORKER, max_age_hours=max_age_hours)
    outcome = refresh.refresh_film(imdb_id, policy).status
    request = self.request
    if outcome == refresh.BUSY and not (request.is_eager or request.called_directly) and request.retries < BUSY_RETRIES:
        # The lock's holder may be a worker that was killed mid-refresh: its task comes back
        # (reject_on_worker_lost) while its lock still stands. Look again once the lock has
        # expired; if the holder was alive and finished, the film is fresh and this is a no-op.
        raise self.retry(countdown=lock_ttl())
    return outcome


@shared_task(ignore_result=True)
def refresh_stale_films():
    """The nightly batch (YTS_BATCH_REFRESH_CRON): fan out one task per stale film."""
    call_command("refresh_yts", queue=True)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=BUSY_RETRIES)
def run_import_job(self, job_id):
    """Run an import job's current phase (matching its rows on TMDB, or importing them); idempotent."""
    outcome = jobs.run_phase(job_id)
    request = self.request
    if outcome == "busy" and not (request.is_eager or request.called_directly) and request.retries < BUSY_RETRIES:
        # Another runner holds the phase. If it is a worker that was killed (its message came back,
        # reject_on_worker_lost), its last heartbeat is still fresh: look again once it would be stale.
        # A live runner keeps its heartbeat fresh, and this message then ends without doing anything.
        raise self.retry(countdown=STALE_PHASE_SECONDS + 10)
    return outcome
