"""A global pace for the calls to YTS, TMDB and the barcode lookup (their *_MAX_REQUESTS_PER_SECOND), counted in
tracker.limits.shared_limiter: in Redis when REDIS_URL is set, so every process and worker waits its turn in one
window; otherwise per process."""

import logging
import time

from limits import RateLimitItemPerSecond

from tracker.limits import shared_limiter

logger = logging.getLogger("tracker.services")
MAX_SLEEP_SECONDS = 1.0


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
