"""Start a refresh of a stale film without making the page wait for it.

With a broker (REDIS_URL) the refresh is a Celery task that any worker may run. With the
embedded default there is no worker, so it runs on a small pool of threads in this process.
Either way a film is queued at most once per minute, and the refresh itself re-checks
freshness under the film's lock, so a stampede of visitors makes one upstream call.
Whether a page starts one at all is `should_refresh_in_background`.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from tracker import tasks
from tracker.models.yts_columns import is_fresh
from tracker.refresh.film import PAGE, refresh_film

logger = logging.getLogger("tracker.background")
QUEUED_MARKER_SECONDS = 60
MAX_PENDING_THREAD_REFRESHES = 100

_pool = None
_pool_guard = threading.Lock()
_pending = threading.BoundedSemaphore(MAX_PENDING_THREAD_REFRESHES)


def should_refresh_in_background(imdb_id, yts_last_updated, yts_last_error_at):
    """Stale or never fetched, and not failed within the last YTS_FAILURE_BACKOFF_SECONDS.

    Given a DVD's refresh_facts(), which a stored page keeps, so serving one builds no DVD.
    """
    if not imdb_id or is_fresh(yts_last_updated):
        return False
    backoff = timedelta(seconds=settings.YTS_FAILURE_BACKOFF_SECONDS)
    return not (yts_last_error_at and timezone.now() - yts_last_error_at < backoff)


def refresh_in_background(imdb_id):
    """Queue a refresh of the film unless one was queued in the last minute; returns at once."""
    if cache.add(f"yts:queued:{imdb_id}", True, timeout=QUEUED_MARKER_SECONDS) is False:
        return False
    if settings.BACKGROUND_REFRESH == "celery":
        enqueue_task(imdb_id)
    else:
        run_in_thread(imdb_id)
    return True


def enqueue_task(imdb_id):
    try:
        tasks.refresh_film.delay(imdb_id)
    except Exception:  # a broker outage must not break the page; the nightly batch catches up
        logger.exception("Could not queue a refresh of %s", imdb_id)


def run_in_thread(imdb_id):
    if not _pending.acquire(blocking=False):
        logger.warning("Background refresh pool is full; %s will be refreshed later", imdb_id)
        return
    _thread_pool().submit(_refresh_in_thread, imdb_id)


def _thread_pool():
    global _pool
    with _pool_guard:
        if _pool is None:
            _pool = ThreadPoolExecutor(settings.YTS_BACKGROUND_THREADS, thread_name_prefix="yts-refresh")
        return _pool


def _refresh_in_thread(imdb_id):
    try:
        refresh_film(imdb_id, PAGE)
    except Exception:
        logger.exception("Background refresh of %s failed", imdb_id)
    finally:
        _pending.release()
        connections.close_all()  # this thread's connections; the pool thread may idle for hours
