"""/metrics: who may read it, and the counters behind it (upstream calls, cache, refreshes, queue)."""

import pytest
import redis
from prometheus_client import REGISTRY

from dvdtracker.celery import app as celery_app
from tracker import refresh
from tracker.ops.metrics import QUEUE_COLLECTOR
from tracker.services import YTSService, YTSUnavailable
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import UserFactory

TOKEN = "m" * 40


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def test_metrics_need_the_token_or_a_staff_sign_in(client, db, token):
    """Anonymous and wrong-token requests get 401; the bearer token gets the metrics."""
    refused = client.get("/metrics")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    assert b"# TYPE dvdtracker_upstream_requests_total counter" in answer.content


def test_staff_may_read_metrics_and_other_users_may_not(client, db, settings):
    """A staff session opens /metrics; a plain user's does not."""
    settings.METRICS_TOKEN = ""
    client.force_login(UserFactory())
    assert client.get("/metrics").status_code == 401
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics").status_code == 200


def test_an_unset_token_opens_nothing(client, db, settings):
    """With no METRICS_TOKEN an empty bearer token is refused too."""
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_upstream_calls_are_counted_by_outcome(http_mock):
    """Each YTS call counts once, as ok or unavailable."""
    name = "dvdtracker_upstream_requests_total"
    before_ok = sample(name, service="YTS", outcome="ok")
    before_down = sample(name, service="YTS", outcome="unavailable")
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    http_mock.get(YTS_LIST_URL, status=502)
    YTSService().fetch_torrents(payloads.SHAWSHANK)
    with pytest.raises(YTSUnavailable):
        YTSService().fetch_torrents("tt0068646")
    assert sample(name, service="YTS", outcome="ok") == before_ok + 1
    assert sample(name, service="YTS", outcome="unavailable") == before_down + 1


def test_cache_hits_and_misses_are_counted(http_mock):
    """The first lookup of a film is a miss, the second a hit."""
    name = "dvdtracker_yts_cache_lookups_total"
    before_hit, before_miss = sample(name, result="hit"), sample(name, result="miss")
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    YTSService().fetch_torrents(payloads.SHAWSHANK)
    YTSService().fetch_torrents(payloads.SHAWSHANK)
    assert sample(name, result="miss") == before_miss + 1
    assert sample(name, result="hit") == before_hit + 1


def test_refresh_durations_are_recorded_by_outcome(dvd, http_mock):
    """A stored refresh and a failed one each add one duration under their outcome."""
    before = {o: sample("dvdtracker_yts_refresh_seconds_count", outcome=o) for o in ("refreshed", "failed")}
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    http_mock.get(YTS_LIST_URL, status=503)
    assert not refresh.fetch(dvd.imdb_id, refresh.BUTTON).failed
    assert refresh.fetch(dvd.imdb_id, refresh.BUTTON).failed
    assert sample("dvdtracker_yts_refresh_seconds_count", outcome="refreshed") == before["refreshed"] + 1
    assert sample("dvdtracker_yts_refresh_seconds_count", outcome="failed") == before["failed"] + 1


def test_requests_are_counted_by_route_and_status(client, db):
    """Each answer counts under its URL pattern, not its concrete path."""
    labels = {"route": "healthz", "method": "GET", "status": "200"}
    before = sample("dvdtracker_http_requests_total", **labels)
    client.get("/healthz")
    assert sample("dvdtracker_http_requests_total", **labels) == before + 1


@pytest.mark.redis
def test_queue_depth_is_read_from_the_broker_when_scraped(redis_url, settings, monkeypatch):
    """Waiting tasks, all priorities together, and unacknowledged ones come from the broker's Redis."""
    settings.CELERY_BROKER_URL = redis_url
    queue = "metrics-test-queue"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    client = redis.Redis.from_url(redis_url)
    keys = [queue, f"{queue}\x06\x163"]
    try:
        client.rpush(keys[0], "a", "b")
        client.rpush(keys[1], "c")
        families = {family.name: family for family in QUEUE_COLLECTOR.collect()}
    finally:
        client.delete(*keys)
    assert families["dvdtracker_celery_queue_length"].samples[0].value == 3
    assert families["dvdtracker_celery_queue_length"].samples[0].labels == {"queue": queue}
    assert "dvdtracker_celery_unacked_tasks" in families


def test_no_queue_depth_without_a_redis_broker(settings):
    """With the in-process default there is no queue to measure, and nothing is reported."""
    settings.CELERY_BROKER_URL = "memory://"
    assert list(QUEUE_COLLECTOR.collect()) == []
