"""Per-user allowances for the AJAX endpoints and TMDB lookups, with the `limits` library.

Also the shared pages' per-address allowance, and the moving-window limiter that these, the API's throttle and
the upstream pace (tracker/services/pacing.py) all count in: in Redis when REDIS_URL is set, so every process and
worker shares one count; otherwise per process.
"""

import logging
from functools import cache

from django.conf import settings
from limits import RateLimitItemPerMinute, storage, strategies

logger = logging.getLogger("tracker.services")


@cache
def _limiter(storage_uri):
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))


def shared_limiter():
    """The moving-window limiter, in Redis when REDIS_URL is set (shared by every process)."""
    return _limiter(settings.REDIS_URL or "memory://")


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
