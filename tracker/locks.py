"""A lock per film, so simultaneous refreshes of one IMDb id make one upstream call.

With Redis it is django-redis's `cache.lock()` (redis-py's Lock: atomic release by token, a
bounded wait, renewable), shared by every process and host. The embedded default runs one web
process with a local-memory cache, so there a lock per film in this process is the equivalent.
"""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import LockError, RedisError

from dvdtracker.env import split_base_urls
from tracker.services.http import MAX_RETRY_AFTER_SECONDS

logger = logging.getLogger("tracker.locks")
POLL_SECONDS = 0.05
# Time for the write after the fetch, and for clocks that disagree a little.
WRITE_MARGIN_SECONDS = 15


@dataclass
class FilmLock:
    acquired: bool
    waited: bool
    _held: Any = field(default=None, repr=False)

    def renew(self):
        """Give the lock its whole lifetime again (after waiting for YTS's pace, before the fetch)."""
        if self._held is not None and hasattr(self._held, "reacquire"):
            try:
                self._held.reacquire()
            except (LockError, RedisError) as exc:
                logger.warning("Could not renew a film lock (%s); the write still keeps newer data", exc)


def lock_ttl():
    """Long enough for the slowest fetch: every mirror, every attempt's timeouts, every Retry-After between them."""
    retries = settings.YTS_MAX_RETRIES
    per_mirror = (retries + 1) * settings.YTS_API_TIMEOUT * 2 + retries * MAX_RETRY_AFTER_SECONDS
    return per_mirror * len(split_base_urls(settings.YTS_API_BASE_URL)) + WRITE_MARGIN_SECONDS


@contextmanager
def film_lock(imdb_id, *, wait_seconds=0):
    """Hold the film's lock, waiting up to `wait_seconds` for another holder (0: not at all)."""
    if hasattr(cache, "lock"):
        with _redis_lock(f"yts:lock:{imdb_id}", wait_seconds) as lock:
            yield lock
    else:
        with _process_lock(imdb_id, wait_seconds) as lock:
            yield lock


@contextmanager
def _redis_lock(key, wait_seconds):
    lock = cache.lock(key, timeout=lock_ttl(), sleep=POLL_SECONDS, thread_local=False)
    try:
        acquired = lock.acquire(blocking=False)
        waited = not acquired and wait_seconds > 0
        if waited:
            acquired = lock.acquire(blocking=True, blocking_timeout=wait_seconds)
    except RedisError as exc:
        # Redis is down: refreshing without the lock risks a duplicate call, never lost data,
        # since a write never replaces a newer outcome.
        logger.warning("Cache unavailable (%s); refreshing %s without its lock", type(exc).__name__, key)
        yield FilmLock(acquired=True, waited=False)
        return
    if not acquired:
        yield FilmLock(acquired=False, waited=waited)
        return
    try:
        yield FilmLock(acquired=True, waited=waited, _held=lock)
    finally:
        try:
            lock.release()
        except (LockError, RedisError) as exc:  # expired and maybe taken by another: theirs now
            logger.warning("A film lock was lost before its release (%s)", type(exc).__name__)


# imdb_id -> [lock, users]; an entry lives while someone holds or waits for it.
_process_locks = {}
_process_locks_guard = threading.Lock()


@contextmanager
def _process_lock(imdb_id, wait_seconds):
    with _process_locks_guard:
        entry = _process_locks.setdefault(imdb_id, [threading.Lock(), 0])
        entry[1] += 1
    lock = entry[0]
    try:
        acquired = lock.acquire(blocking=False)
        waited = not acquired and wait_seconds > 0
        if waited:
            acquired = lock.acquire(timeout=wait_seconds)
        if not acquired:
            yield FilmLock(acquired=False, waited=waited)
            return
        try:
            yield FilmLock(acquired=True, waited=waited)
        finally:
            lock.release()
    finally:
        with _process_locks_guard:
            entry[1] -= 1
            if not entry[1]:
                del _process_locks[imdb_id]
