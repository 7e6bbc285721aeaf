"""One upstream call per film, background refreshes, and the batch at concurrency."""

import json
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from tracker import refresh
from tracker.models import DVD
from tracker.refresh import background, batch
from tracker.services import pacing
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

REAL_RUN_IN_THREAD = background.run_in_thread


def slow_yts(http_mock, seconds=0.3):
    """Register a YTS that takes `seconds` to answer any film, and count its calls."""

    def answer(request):
        time.sleep(seconds)
        imdb_id = request.params["query_term"]
        return 200, {}, json.dumps(payloads.list_movies(payloads.movie(imdb_code=imdb_id)))

    http_mock.add_callback("GET", YTS_LIST_URL, callback=answer)
    http_mock.assert_all_requests_are_fired = False


def in_threads(count, target):
    def run():
        try:
            target()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_refresh_buttons_make_one_upstream_call(user, http_mock):
    """Eight simultaneous forced refreshes of one film make one call and all report success."""
    dvd = DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    slow_yts(http_mock)
    results = []
    in_threads(8, lambda: results.append(DVD.objects.get(pk=dvd.pk).refresh_yts_data(force=True)))
    assert len(http_mock.calls) == 1
    assert results == [True] * 8
    assert DVD.objects.get(pk=dvd.pk).yts_torrent_count == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_background_refreshes_make_one_upstream_call(user, other_user, http_mock):
    """Background refreshes of one film from several users' DVDs make one call and update every DVD."""
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    DVDFactory(owner=other_user, imdb_id=payloads.SHAWSHANK)
    slow_yts(http_mock)
    in_threads(8, lambda: refresh.refresh_film(payloads.SHAWSHANK, refresh.PAGE))
    assert len(http_mock.calls) == 1
    assert set(DVD.objects.values_list("yts_torrent_count", flat=True)) == {1}


@pytest.mark.django_db
def test_refresh_if_stale_leaves_fresh_films_alone(user):
    """A film refreshed moments ago is not fetched again (responses would fail on a call)."""
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK, yts_data=[], yts_last_updated=timezone.now())
    assert refresh.refresh_film(payloads.SHAWSHANK, refresh.PAGE).status == "fresh"


@pytest.mark.django_db(transaction=True)
def test_thread_pool_refreshes_after_the_page_returns(user, http_mock):
    """Without a worker, the background refresh runs on the in-process pool and lands in the database."""
    dvd = DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    REAL_RUN_IN_THREAD(dvd.imdb_id)
    for _ in range(100):  # bounded wait for the pool thread, not a timing assertion
        dvd.refresh_from_db()
        if dvd.yts_last_updated:
            break
        time.sleep(0.05)
    assert dvd.yts_torrent_count == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT


def test_a_page_starts_a_background_refresh_of_a_stale_film_not_failing_lately(settings):
    """Stale or never fetched, with an IMDb id, and no failure within YTS_FAILURE_BACKOFF_SECONDS."""
    settings.YTS_FAILURE_BACKOFF_SECONDS = 300
    now = timezone.now()
    dvds = [
        DVD(imdb_id=payloads.SHAWSHANK),
        DVD(imdb_id=""),
        DVD(imdb_id=payloads.SHAWSHANK, yts_last_updated=now),
        DVD(imdb_id=payloads.SHAWSHANK, yts_last_error_at=now - timedelta(seconds=10)),
        DVD(imdb_id=payloads.SHAWSHANK, yts_last_error_at=now - timedelta(hours=1)),
    ]
    decisions = [background.should_refresh_in_background(**dvd.refresh_facts()) for dvd in dvds]
    assert decisions == [True, False, False, False, True]


@pytest.mark.django_db
def test_batch_fetches_every_film_once_at_concurrency(user, http_mock):
    """40 DVDs over 20 films at --concurrency 4: 20 calls, every DVD stored."""
    for i in range(20):
        DVDFactory(owner=user, imdb_id=f"tt{i:07d}")
        DVDFactory(owner=user, imdb_id=f"tt{i:07d}")
    slow_yts(http_mock, seconds=0.01)
    out = StringIO()
    call_command("refresh_yts", "--concurrency", "4", stdout=out)
    assert len(http_mock.calls) == 20
    assert "Refreshed: 20" in out.getvalue()
    assert not DVD.objects.filter(yts_last_updated__isnull=True).exists()


@pytest.mark.django_db
def test_interrupted_batch_keeps_what_it_wrote_and_a_rerun_finishes(user, http_mock, monkeypatch):
    """A batch stopped after some films keeps them; the rerun fetches only the rest."""
    for i in range(10):
        DVDFactory(owner=user, imdb_id=f"tt{i:07d}")
    slow_yts(http_mock, seconds=0)
    real_fetch, done = batch._fetch_unless_locked, []

    def stop_after_four(imdb_id, policy, service):
        if len(done) == 4:
            raise KeyboardInterrupt
        done.append(imdb_id)
        return real_fetch(imdb_id, policy, service)

    monkeypatch.setattr(batch, "_fetch_unless_locked", stop_after_four)
    with pytest.raises(CommandError, match="Interrupted"):
        call_command("refresh_yts", "--concurrency", "1", stdout=StringIO())
    assert DVD.objects.filter(yts_last_updated__isnull=False).count() == 4

    monkeypatch.setattr(batch, "_fetch_unless_locked", real_fetch)
    call_command("refresh_yts", stdout=StringIO())
    assert len(http_mock.calls) == 10
    assert not DVD.objects.filter(yts_last_updated__isnull=True).exists()


@pytest.mark.django_db
def test_batch_skips_a_film_being_refreshed_elsewhere(user):
    """A film whose lock is held elsewhere is left to that refresh (responses would fail on a call)."""
    from tracker.locks import film_lock

    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    out = StringIO()
    with film_lock(payloads.SHAWSHANK):
        call_command("refresh_yts", stdout=out)
    assert "being refreshed elsewhere: 1" in out.getvalue()


@pytest.mark.django_db
def test_queue_option_runs_inline_without_a_broker(user, http_mock, settings):
    """With no broker, --queue runs the tasks inline (Celery eager), so the embedded default still works."""
    assert settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL != "memory://"
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured; test_celery_worker covers --queue")
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    call_command("refresh_yts", "--queue", stdout=StringIO())
    assert DVD.objects.get().yts_torrent_count == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT


def test_pacing_waits_when_the_rate_is_exceeded(monkeypatch):
    """The sixth call within a second at 5 per second waits for the window."""
    slept = []
    real_sleep = time.sleep
    monkeypatch.setattr(pacing.time, "sleep", lambda s: (slept.append(s), real_sleep(s)))
    for _ in range(6):
        pacing.wait_for_turn("pacing-test", 5)
    assert slept


def test_pacing_of_zero_is_unlimited(monkeypatch):
    """YTS_MAX_REQUESTS_PER_SECOND=0 never waits."""
    monkeypatch.setattr(pacing.time, "sleep", lambda s: pytest.fail("slept"))
    for _ in range(50):
        pacing.wait_for_turn("pacing-test-unlimited", 0)


def test_pacing_gives_up_after_max_wait(monkeypatch):
    """A caller that may wait at most a moment gets False once the second's turns are taken."""
    monkeypatch.setattr(pacing.time, "sleep", lambda s: pytest.fail("an impatient caller slept past its limit"))
    turns = [pacing.wait_for_turn("pacing-test-impatient", 3, max_wait=0) for _ in range(4)]
    assert turns == [True, True, True, False]


@pytest.mark.django_db
def test_refresh_button_answers_429_when_the_pace_is_full(signed_in, dvd, settings, monkeypatch):
    """With YTS's pace full, Refresh answers 429 at once, asks YTS nothing and records no failure."""
    from django.urls import reverse

    monkeypatch.setattr("tracker.services.yts.wait_for_turn", lambda *args: False)
    settings.YTS_MAX_REQUESTS_PER_SECOND = 5
    response = signed_in.post(reverse("refresh_yts_data", args=[dvd.pk]))
    assert response.status_code == 429
    assert "try again in a few seconds" in response.json()["error"]
    dvd.refresh_from_db()
    assert (dvd.yts_last_error, dvd.yts_last_updated) == ("", None)


@pytest.mark.django_db
def test_impatient_background_refresh_is_busy_not_failed(user, monkeypatch):
    """A web-process background refresh with the pace full reports 'busy' and stores nothing."""
    monkeypatch.setattr("tracker.services.yts.wait_for_turn", lambda *args: False)
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    assert refresh.refresh_film(payloads.SHAWSHANK, refresh.PAGE).status == "busy"
    assert not DVD.objects.get().last_refresh_failed
