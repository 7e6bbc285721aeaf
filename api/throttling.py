"""The API's per-token allowance (API_RATE_LIMIT_PER_MINUTE), counted with the `limits` library apart from the
pages' own allowances; a session counts as one more token of its user."""

import logging
import math
import time

from django.conf import settings
from limits import RateLimitItemPerMinute
from rest_framework.throttling import BaseThrottle

from api.models import ApiToken
from tracker.limits import shared_limiter

logger = logging.getLogger("api")
ALLOWANCE = "api"


def caller_key(request):
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"session:{request.user.pk}"


class PerTokenThrottle(BaseThrottle):
    def __init__(self):
        self.retry_after = None

    def allow_request(self, request, view):
        per_minute = settings.API_RATE_LIMIT_PER_MINUTE
        if not per_minute or not request.user.is_authenticated:
            return True
        item = RateLimitItemPerMinute(per_minute)
        key = caller_key(request)
        try:
            limiter = shared_limiter()
            if limiter.hit(item, ALLOWANCE, key):
                return True
            reset_at = limiter.get_window_stats(item, ALLOWANCE, key).reset_time
        except Exception as exc:  # a Redis outage must not lock scripts out
            logger.warning("Rate limiter unavailable (%s); API call allowed", type(exc).__name__)
            return True
        self.retry_after = max(1, math.ceil(reset_at - time.time()))
        return False

    def wait(self):
        return self.retry_after
