"""Celery tasks. Each is idempotent: a task re-run after a lost worker does no harm."""

from celery import shared_task
from django.core.management import call_command

from tracker.locks import lock_ttl

# A busy film is looked at again this many times, once its lock has surely expired.
BUSY_RETRIES = 2


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=BUSY_RETRIES)
def refresh_film(self, imdb_id, max_age_hours=None, force=False):
    """Refresh one film's torrents for every DVD that has it."""
    from tracker.models import DVD

    if force:
        dvd = DVD.objects.filter(imdb_id=imdb_id).first()
        return "missing" if dvd is None else ("refreshed" if dvd.refresh_yts_data(force=True) else "failed")
    outcome = DVD.objects.refresh_if_stale(imdb_id, max_age_hours, patient=True)
    request = self.request
    if outcome == "busy" and not (request.is_eager or request.called_directly) and request.retries < BUSY_RETRIES:
        # The lock's holder may be a worker that was killed mid-refresh: its task comes back
        # (reject_on_worker_lost) while its lock still stands. Look again once the lock has
        # expired; if the holder was alive and finished, the film is fresh and this is a no-op.
        raise self.retry(countdown=lock_ttl())
    return outcome


@shared_task(ignore_result=True)
def refresh_stale_films():
    """The nightly batch (YTS_BATCH_REFRESH_CRON): fan out one task per stale film."""
    call_command("refresh_yts", queue=True)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import_job(job_id):
    """Run an import job's current phase (matching its rows on TMDB, or importing them); idempotent."""
    from tracker.collection_io.jobs import run_phase

    return run_phase(job_id)
