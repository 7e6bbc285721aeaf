"""Faults over real HTTP (the local fakes), in Redis, and in a batch killed half-way: nothing is lost."""

import logging
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fakes import FakeTMDB, FakeYTS
from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests.factories import DVDFactory
from tracker.tests.subprocesses import PROJECT_DIR, free_port, shared_database_env

STALE = timedelta(hours=30)

# Every way the upstream can fail, as the fakes serve it, and the reason a user is shown.
FAULTS = [
    ("500", "HTTP 500"),
    ("502", "HTTP 502"),
    ("503", "HTTP 503"),
    ("429", "rate-limiting"),
    ("429-no-retry-after", "rate-limiting"),
    ("403-html", "HTTP 403"),
    ("200-html", "HTML page"),
    ("truncated", "not valid JSON"),
    ("wrong-shape", "without the status and data"),
    ("status-error", "answered with an error"),
    ("huge", "byte cap"),
    ("slow-body", "did not finish its answer"),
    ("hang", "did not answer"),
    ("redirect", "redirected to elsewhere.example"),
]


@pytest.fixture
def fake_yts(settings, http_mock):
    http_mock.add_passthru("http://127.0.0.1")
    with FakeYTS() as fake:
        settings.YTS_API_BASE_URL = fake.base_url
        settings.YTS_API_TIMEOUT = 1  # the slow-body and hang faults take this long
        yield fake


@pytest.fixture
def good_dvd(user):
    """A DVD whose last refresh succeeded a day and a half ago."""
    return DVDFactory(
        owner=user,
        imdb_id=payloads.SHAWSHANK,
        yts_data=[payloads.torrent()],
        yts_torrent_count=1,
        yts_last_updated=timezone.now() - STALE,
    )


def warnings_about(caplog, text):
    return [r for r in caplog.records if r.levelno >= logging.WARNING and text in r.getMessage()]


def assert_data_kept(dvd, before):
    dvd.refresh_from_db()
    assert (dvd.yts_data, dvd.yts_last_updated) == (before.yts_data, before.yts_last_updated)
    assert dvd.last_refresh_failed


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "reason"), FAULTS)
def test_yts_fault_keeps_data_and_answers_502(signed_in, fake_yts, good_dvd, caplog, mode, reason):
    """Each YTS fault: 502 with a readable reason, torrents and timestamp kept, logged once, page renders."""
    fake_yts.configure(mode=mode)
    response = signed_in.post(reverse("refresh_yts_data", args=[good_dvd.pk]))
    assert response.status_code == 502
    assert reason in response.json()["error"]
    assert_data_kept(good_dvd, good_dvd)
    assert len(warnings_about(caplog, payloads.SHAWSHANK)) == 1
    page = signed_in.get(good_dvd.get_absolute_url())
    assert page.status_code == 200
    assert "The last refresh failed" in page.content.decode()
    assert "Bluray 1080p x264" in " ".join(page.content.decode().split())


@pytest.mark.django_db
def test_connection_refused_keeps_data(signed_in, settings, http_mock, good_dvd, caplog):
    """Nothing listening at the YTS address: 502 'could not be reached', data kept."""
    http_mock.add_passthru("http://127.0.0.1")
    settings.YTS_API_BASE_URL = f"http://127.0.0.1:{free_port()}/api/v2"
    response = signed_in.post(reverse("refresh_yts_data", args=[good_dvd.pk]))
    assert response.status_code == 502
    assert "could not be reached" in response.json()["error"]
    assert_data_kept(good_dvd, good_dvd)
    assert len(warnings_about(caplog, payloads.SHAWSHANK)) == 1


@pytest.mark.django_db
def test_a_retried_429_then_success_stores_torrents(signed_in, fake_yts, good_dvd, settings):
    """A 429 with Retry-After is waited out and retried; the second answer is stored."""
    settings.YTS_MAX_RETRIES = 1
    fake_yts.configure(mode="429", mode_count=1)
    assert signed_in.post(reverse("refresh_yts_data", args=[good_dvd.pk])).status_code == 200
    assert fake_yts.calls_for(payloads.SHAWSHANK) == 2


# --- TMDB -------------------------------------------------------------------------------------


@pytest.fixture
def fake_tmdb(settings, http_mock):
    http_mock.add_passthru("http://127.0.0.1")
    with FakeTMDB(api_key="fault-key") as fake:
        settings.TMDB_API_BASE_URL = fake.base_url
        settings.TMDB_API_KEY = "fault-key"
        settings.TMDB_ACCESS_TOKEN = ""
        settings.TMDB_MAX_RETRIES = 0
        settings.TMDB_API_TIMEOUT = 1
        yield fake


TMDB_FAULTS = [(mode, reason) for mode, reason in FAULTS if mode not in ("wrong-shape", "status-error")] + [
    ("wrong-shape", "without an id"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "reason"), TMDB_FAULTS)
def test_tmdb_fault_answers_502_and_changes_nothing(signed_in, fake_tmdb, user, caplog, mode, reason):
    """Each TMDB fault: 502 with a readable reason, the DVD unchanged, logged once."""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=27205, release_year=None)
    fake_tmdb.configure(mode=mode)
    response = signed_in.post(reverse("fetch_imdb_id", args=[dvd.pk]))
    assert response.status_code == 502, response.json()
    assert reason in response.json()["error"]
    dvd.refresh_from_db()
    assert (dvd.imdb_id, dvd.release_year) == ("", None)
    assert len(warnings_about(caplog, "27205")) == 1
    assert signed_in.get(dvd.get_absolute_url()).status_code == 200


# --- Redis down and back --------------------------------------------------------------------


@pytest.fixture
def own_redis(settings):
    """A real Redis on its own port, which the test may stop and start (never the machine's 6379)."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    port = free_port()

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return process
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    url = f"redis://127.0.0.1:{port}/0"
    settings.REDIS_URL = url
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    state = {"process": start()}

    class Control:
        def stop(self):
            state["process"].terminate()
            state["process"].wait(timeout=10)

        def start(self):
            state["process"] = start()

    yield Control()
    state["process"].terminate()
    state["process"].wait(timeout=10)


@pytest.mark.django_db
def test_pages_and_refreshes_survive_redis_going_down_and_coming_back(signed_in, fake_yts, good_dvd, own_redis):
    """With Redis stopped, pages serve and refreshes still work uncached; after a restart the cache is used again."""
    refresh = reverse("refresh_yts_data", args=[good_dvd.pk])
    assert signed_in.post(refresh).status_code == 200

    own_redis.stop()
    assert signed_in.get(reverse("dvd_list")).status_code == 200
    assert signed_in.get(good_dvd.get_absolute_url()).status_code == 200
    assert signed_in.post(refresh).status_code == 200  # throttle and lock fail open; nothing cached
    good_dvd.refresh_from_db()
    assert good_dvd.yts_torrent_count == 3

    own_redis.start()
    fake_yts.reset()
    assert signed_in.post(refresh).status_code == 200
    assert DVD.objects.get(pk=good_dvd.pk).refresh_yts_data() is True  # through the cache this time
    assert fake_yts.calls_for(payloads.SHAWSHANK) == 1


# --- two refreshes at once, and an edit meanwhile ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_refresh_and_an_edit_at_the_same_moment_both_survive(user, fake_yts):
    """An edit saved while a slow refresh is running keeps its fields, and the refresh stores its torrents."""
    import threading

    dvd = DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    fake_yts.configure(latency=0.5)
    worker = threading.Thread(target=lambda: DVD.objects.get(pk=dvd.pk).refresh_yts_data(force=True))
    worker.start()
    time.sleep(0.1)
    edited = DVD.objects.get(pk=dvd.pk)
    edited.notes, edited.storage_box = "lent to Sam", "C3"
    edited.save()
    worker.join(timeout=10)
    connection.close()
    final = DVD.objects.get(pk=dvd.pk)
    assert (final.notes, final.storage_box, final.yts_torrent_count) == ("lent to Sam", "C3", 3)


# --- the batch killed half-way ---------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_batch_killed_half_way_and_rerun_refreshes_every_film_once(user, redis_url):
    """SIGTERM to a running refresh_yts keeps what it wrote; the rerun finishes with one call per film."""
    films = [f"tt{1000000 + i:07d}" for i in range(60)]
    for imdb_id in films:
        DVDFactory(owner=user, imdb_id=imdb_id)
    with FakeYTS(latency=0.1) as fake:
        env = shared_database_env(redis_url, YTS_API_BASE_URL=fake.base_url, YTS_MAX_REQUESTS_PER_SECOND=0)
        command = [sys.executable, "manage.py", "refresh_yts", "--concurrency", "2"]
        first = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while fake.calls < 20:
            time.sleep(0.05)
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=30)
        assert first.returncode != 0
        assert b"Interrupted" in err
        written = DVD.objects.filter(yts_last_updated__isnull=False).count()
        assert 0 < written < len(films)

        second = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert not DVD.objects.filter(yts_last_updated__isnull=True).exists()
        assert set(DVD.objects.values_list("yts_torrent_count", flat=True)) == {3}
        assert all(fake.calls_for(imdb_id) == 1 for imdb_id in films)
