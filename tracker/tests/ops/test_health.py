"""/healthz and /readyz: no sign-in, one status per dependency, 503 when one is down, no addresses."""

import threading

import pytest
from health_check.base import HealthCheck

from tracker.ops import health
from tracker.tests.subprocesses import free_port


@pytest.fixture
def closed_port():
    return free_port()


@pytest.fixture
def without_redis(settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "memory://"
    settings.BACKGROUND_REFRESH = "threads"


def test_healthz_answers_anyone_without_touching_the_database(client, db, django_assert_num_queries):
    """/healthz says the process is up, to a visitor who is not signed in, with no query."""
    with django_assert_num_queries(0):
        answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_readyz_lists_each_dependency_as_ok(client, db, without_redis):
    """/readyz answers 200 with the database and the cache ok, without sign-in."""
    answer = client.get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {"database": "ok", "cache": "ok"}
    assert answer["Cache-Control"].startswith("max-age=0")


def test_readyz_is_503_when_redis_does_not_answer_and_names_no_address(client, db, settings, closed_port):
    """With the cache and broker's Redis down, /readyz is 503, says which, and leaks no address."""
    settings.REDIS_URL = settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.BACKGROUND_REFRESH = "celery"
    answer = client.get("/readyz")
    assert answer.status_code == 503
    checks = {name: check["status"] for name, check in answer.json()["checks"].items()}
    assert checks == {"database": "ok", "cache": "unavailable", "broker": "unavailable"}
    assert str(closed_port) not in answer.content.decode()
    assert "127.0.0.1" not in answer.content.decode()


class HangingProbe(HealthCheck):
    """A dependency that does not answer until the test lets it go."""

    def __init__(self, release):
        self.release = release
        self.finished = threading.Event()

    def run(self):
        self.release.wait(30)
        self.finished.set()


def test_readyz_answers_when_a_probe_hangs_instead_of_waiting_for_it(client, monkeypatch):
    """A hung dependency is reported unavailable at the end of its budget, not when it gives up."""
    release = threading.Event()
    probe = HangingProbe(release)
    probe.timeout = health.CHECK_TIMEOUT / 20
    monkeypatch.setattr(health, "readiness_probes", lambda: {"database": probe})
    try:
        answer = client.get("/readyz")
        assert not probe.finished.is_set()
    finally:
        release.set()
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"]["status"] == "unavailable"


def test_health_endpoints_answer_only_reads(client):
    """POST to a probe is refused: they change nothing."""
    assert client.post("/healthz").status_code == 405
