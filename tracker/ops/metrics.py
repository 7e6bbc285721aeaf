"""Prometheus metrics: upstream calls, the YTS cache, refresh durations, requests and the Celery queue.

Under gunicorn and Celery's prefork pool each process counts in its own files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) and /metrics adds up every
process that shares the directory: set the same directory for every web and worker process
of a host, and scrape one web instance per host. Without the variable (runserver, tests) the
process's own registry is served.
"""

import functools
import hmac
import logging
import os
import time

import redis
from django.conf import settings
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from dvdtracker.celery import app

logger = logging.getLogger("tracker.ops")

UPSTREAM_REQUESTS = Counter(
    "dvdtracker_upstream_requests",
    "Requests to an upstream API (retries included in one), by outcome: ok, unavailable, bad_response, error.",
    ["service", "outcome"],
)
UPSTREAM_SECONDS = Histogram(
    "dvdtracker_upstream_request_seconds",
    "Time to get an upstream API's answer, retries and mirrors' back-off included.",
    ["service"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40),
)
YTS_CACHE_LOOKUPS = Counter(
    "dvdtracker_yts_cache_lookups",
    "YTS answers looked up in the cache: hit or miss. Hit ratio = hit / (hit + miss).",
    ["result"],
)
REFRESH_SECONDS = Histogram(
    "dvdtracker_yts_refresh_seconds",
    "Time to refresh one film's torrents (fetch and store), by outcome: refreshed or failed.",
    ["outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
HTTP_REQUESTS = Counter(
    "dvdtracker_http_requests", "Requests answered, by route, method and status.", ["route", "method", "status"]
)
HTTP_SECONDS = Histogram("dvdtracker_http_request_seconds", "Time to answer a request, by route.", ["route"])

KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# kombu's Redis transport keeps a queue's prioritised messages in extra lists: queue + sep + step.
KOMBU_PRIORITY_SEP = "\x06\x16"
KOMBU_PRIORITY_STEPS = (3, 6, 9)
KOMBU_UNACKED_KEY = "unacked"


# --- recording -----------------------------------------------------------------------------


def instrument_upstream(get_json):
    """Decorates JSONClient.get_json: one count per call by outcome, and its duration."""

    @functools.wraps(get_json)
    def wrapper(client, *args, **kwargs):
        service = client.service_name
        with UPSTREAM_SECONDS.labels(service).time():
            try:
                result = get_json(client, *args, **kwargs)
            except Exception as exc:
                if isinstance(exc, client.Unavailable):
                    outcome = "unavailable"
                else:
                    outcome = "bad_response" if isinstance(exc, client.BadResponse) else "error"
                UPSTREAM_REQUESTS.labels(service, outcome).inc()
                raise
        UPSTREAM_REQUESTS.labels(service, "ok").inc()
        return result

    return wrapper


def count_yts_cache_lookup(hit):
    YTS_CACHE_LOOKUPS.labels("hit" if hit else "miss").inc()


def timed_refresh(fetch):
    """Decorates a fetch that returns an outcome with a `failed` flag, or None when nothing was asked."""

    @functools.wraps(fetch)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        fetched = fetch(*args, **kwargs)
        if fetched is not None:
            outcome = "failed" if fetched.failed else "refreshed"
            REFRESH_SECONDS.labels(outcome).observe(time.perf_counter() - started)
        return fetched

    return wrapper


def observe_request(request, response, seconds):
    match = getattr(request, "resolver_match", None)
    route = match.route if match is not None and match.route else "unmatched"
    method = request.method if request.method in KNOWN_METHODS else "other"
    HTTP_REQUESTS.labels(route, method, str(response.status_code)).inc()
    HTTP_SECONDS.labels(route).observe(seconds)


# --- the Celery queue, read at scrape time ---------------------------------------------------


class CeleryQueueCollector:
    """Tasks waiting in the broker, and delivered but not acknowledged, read from Redis when scraped."""

    def describe(self):
        return [self._queue_family(), self._unacked_family()]

    def collect(self):
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://", "unix://")):
            return
        queue = app.conf.task_default_queue
        keys = [queue, *(f"{queue}{KOMBU_PRIORITY_SEP}{step}" for step in KOMBU_PRIORITY_STEPS)]
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.llen(key)
            pipe.hlen(KOMBU_UNACKED_KEY)
            *lengths, unacked = pipe.execute()
        except redis.RedisError as exc:
            logger.warning("Could not read the Celery queue length from the broker: %s", type(exc).__name__)
            return
        finally:
            client.close()
        waiting = self._queue_family()
        waiting.add_metric([queue], sum(lengths))
        delivered = self._unacked_family()
        delivered.add_metric([], unacked)
        yield waiting
        yield delivered

    @staticmethod
    def _queue_family():
        return GaugeMetricFamily(
            "dvdtracker_celery_queue_length", "Tasks waiting in the Celery queue, all priorities.", labels=["queue"]
        )

    @staticmethod
    def _unacked_family():
        return GaugeMetricFamily(
            "dvdtracker_celery_unacked_tasks",
            "Tasks delivered to a worker and not yet acknowledged (running, or lost with their worker).",
        )


QUEUE_COLLECTOR = CeleryQueueCollector()


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def exposition():
    """The metrics page: every process sharing PROMETHEUS_MULTIPROC_DIR, or this process alone."""
    if multiprocess_dir():
        registry = CollectorRegistry(auto_describe=True)
        multiprocess.MultiProcessCollector(registry)
        registry.register(QUEUE_COLLECTOR)
        return generate_latest(registry)
    queue = CollectorRegistry(auto_describe=True)
    queue.register(QUEUE_COLLECTOR)
    return generate_latest(REGISTRY) + generate_latest(queue)


def authorised(request):
    """A staff session, or `Authorization: Bearer <METRICS_TOKEN>`."""
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, offered = header.partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    return bool(request.user.is_authenticated and request.user.is_staff)


__all__ = ["CONTENT_TYPE_LATEST", "authorised", "count_yts_cache_lookup", "exposition", "instrument_upstream"]
