"""Celery tasks. Each is idempotent: a task re-run after a lost worker does no harm."""

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def refresh_film(imdb_id, max_age_hours=None, force=False):
    """Refresh one film's torrents for every DVD that has it."""
    from tracker.models import DVD

    if force:
        dvd = DVD.objects.filter(imdb_id=imdb_id).first()
        return "missing" if dvd is None else ("refreshed" if dvd.refresh_yts_data(force=True) else "failed")
    return DVD.objects.refresh_if_stale(imdb_id, max_age_hours)


@shared_task(ignore_result=True)
def refresh_stale_films():
    """The nightly batch (YTS_BATCH_REFRESH_CRON): fan out one task per stale film."""
    call_command("refresh_yts", queue=True)
