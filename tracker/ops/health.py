"""/healthz (the process answers) and /readyz (its database, Redis cache and Celery broker answer).

The probes are django-health-check's; this module picks the ones the configuration needs and
answers one status word per dependency, never an address or an error text (those are logged).
"""

import asyncio
import datetime
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

# Each probe's budget; django-health-check allows one more second before it calls the probe failed.
CHECK_TIMEOUT = datetime.timedelta(seconds=2)
REDIS_SOCKET_TIMEOUT = 1.5
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# Probes run here, not on the event loop's default executor, so that a hung probe is left
# behind when its time is up instead of holding the answer until it returns.
_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")


class DatabaseProbe(Database):
    timeout = CHECK_TIMEOUT


def redis_probe(url):
    def client():
        # One attempt: redis-py's default retries with back-off would outlast the probe's budget.
        return AsyncRedis.from_url(
            url,
            socket_connect_timeout=REDIS_SOCKET_TIMEOUT,
            socket_timeout=REDIS_SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )

    probe = Redis(client_factory=client)
    probe.timeout = CHECK_TIMEOUT
    return probe


def readiness_probes():
    """{dependency: probe} for what this configuration uses."""
    probes = {"database": DatabaseProbe()}
    if settings.REDIS_URL:
        probes["cache"] = redis_probe(settings.REDIS_URL)
    else:
        probes["cache"] = Cache(timeout=CHECK_TIMEOUT)
    broker = settings.CELERY_BROKER_URL
    if settings.BACKGROUND_REFRESH == "celery" and broker.startswith(REDIS_SCHEMES):
        probes["broker"] = redis_probe(broker)
    return probes


async def _run(probes):
    results = await asyncio.gather(*(probe.get_result(_executor) for probe in probes.values()))
    return dict(zip(probes, results, strict=True))


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """The process is up and serving; touches no dependency."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request):
    """200 when every dependency answers, 503 otherwise; each one's status and time in JSON."""
    results = async_to_sync(_run)(readiness_probes())
    checks = {
        name: {"status": "unavailable" if result.error else "ok", "seconds": round(result.time_taken, 3)}
        for name, result in results.items()
    }
    ready = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
