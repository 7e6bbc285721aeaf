"""A short lock per film, so simultaneous refreshes of one IMDb id make one upstream call.

Built on cache.add, which is atomic on Redis (SET NX) across every process and host, and
within one process on the local-memory cache, which is all the embedded default runs.
"""

import logging
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from tracker.services.http import split_base_urls

logger = logging.getLogger("tracker.locks")
POLL_SECONDS = 0.05


@dataclass
class FilmLock:
    acquired: bool
    waited: bool


def lock_ttl():
    """Long enough for the slowest fetch: every mirror, every retry, every timeout."""
    attempts = (settings.YTS_MAX_RETRIES + 1) * len(split_base_urls(settings.YTS_API_BASE_URL))
    return settings.YTS_API_TIMEOUT * 2 * attempts + 15


@contextmanager
def film_lock(imdb_id, *, wait):
    """Hold the film's lock; with wait=True, wait for another holder (up to the lock's lifetime)."""
    key, token, ttl = f"yts:lock:{imdb_id}", uuid.uuid4().hex, lock_ttl()
    deadline = time.monotonic() + ttl
    waited = False
    while True:
        added = cache.add(key, token, timeout=ttl)
        if added is None:
            # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down: refreshing
            # without the lock risks a duplicate call, never lost data.
            logger.warning("Cache unavailable; refreshing %s without its lock", imdb_id)
            yield FilmLock(acquired=True, waited=waited)
            return
        if added:
            break
        if not wait or time.monotonic() > deadline:
            yield FilmLock(acquired=False, waited=waited)
            return
        waited = True
        time.sleep(POLL_SECONDS)
    try:
        yield FilmLock(acquired=True, waited=waited)
    finally:
        if cache.get(key) == token:
            cache.delete(key)
