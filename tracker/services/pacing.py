"""Rate limits with the `limits` library: a global pace for upstream calls (YTS_MAX_REQUESTS_PER_SECOND),
and per-user allowances: for the AJAX endpoints (ENDPOINT_RATE_LIMIT_PER_MINUTE) and for the calls
the pages make to TMDB (TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE), each counted on its own.

With REDIS_URL the window lives in Redis, so every process and worker shares one pace;
otherwise it is per process.
"""

import logging
import time
from functools import cache

from django.conf import settings
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond, storage, strategies

logger = logging.getLogger("tracker.services")
MAX_SLEEP_SECONDS = 1.0


@cache
def _limiter(storage_uri):
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))


def shared_limiter():
    """The moving-window limiter, in Redis when REDIS_URL is set (shared by every process)."""
    return _limiter(settings.REDIS_URL or "memory://")


def wait_for_turn(service, per_second, max_wait=None):
    """Wait until one more call to `service` fits within `per_second` (0 means no limit).

    Returns False, without taking a turn, when that would take longer than `max_wait` seconds:
    a web request should not hold a server thread in a queue (None waits as long as it takes).
    """
    if not per_second:
        return True
    limiter = shared_limiter()
    item = RateLimitItemPerSecond(per_second)
    deadline = None if max_wait is None else time.monotonic() + max_wait
    try:
        while not limiter.hit(item, "upstream", service):
            reset_at = limiter.get_window_stats(item, "upstream", service).reset_time
            pause = min(max(reset_at - time.time(), 0.01), MAX_SLEEP_SECONDS)
            if deadline is not None and time.monotonic() + pause > deadline:
                return False
            time.sleep(pause)
    except Exception as exc:  # the pace is a courtesy: a Redis outage must not stop refreshes
        logger.warning("Rate limiter unavailable (%s); calling %s unpaced", type(exc).__name__, service)
    return True


def allow_endpoint_call(user_id):
    """False once the user has made ENDPOINT_RATE_LIMIT_PER_MINUTE calls to the AJAX endpoints in a minute."""
    return _allow_per_user("endpoint", settings.ENDPOINT_RATE_LIMIT_PER_MINUTE, user_id)


def allow_tmdb_lookup(user_id):
    """False once the user's pages have made TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE calls to TMDB in a minute.

    It guards the operator's TMDB quota, which imports need too; cached answers are not counted.
    """
    return _allow_per_user("tmdb-lookup", settings.TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE, user_id)


def allow_shared_page_view(address):
    """False once one address has opened SHARED_PAGE_RATE_LIMIT_PER_MINUTE shared pages in a minute."""
    return _allow_per_user("shared-page", settings.SHARED_PAGE_RATE_LIMIT_PER_MINUTE, address)


def _allow_per_user(allowance, per_minute, user_id):
    if not per_minute:
        return True
    try:
        return shared_limiter().hit(RateLimitItemPerMinute(per_minute), allowance, str(user_id))
    except Exception as exc:  # a Redis outage must not lock people out of their own buttons
        logger.warning("Rate limiter unavailable (%s); %s call allowed", type(exc).__name__, allowance)
        return True
