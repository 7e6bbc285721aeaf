"""The one refresh path: the lock, the waiting rules, newer outcomes kept, and IMDb id changes."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tracker import refresh
from tracker.forms import DVDForm
from tracker.locks import film_lock, lock_ttl
from tracker.models import DVD
from tracker.refresh import batch
from tracker.services.http import MAX_RETRY_AFTER_SECONDS
from tracker.services.yts import YTSService, YTSUnavailable, cache_key
from tracker.tests import payloads
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

ONE_TORRENT = payloads.list_movies(payloads.movie(torrents=[payloads.torrent("1080p")]))
THREE_TORRENTS = payloads.list_movies(
    payloads.movie(torrents=[payloads.torrent("720p"), payloads.torrent("1080p"), payloads.torrent("1080p", "web")])
)


def refresh_url(dvd):
    return reverse("refresh_yts_data", args=[dvd.pk])


def stored_torrents(dvd, count, *, age=timedelta(hours=1)):
    torrents = [payloads.torrent(quality="1080p", type_=f"t{n}") for n in range(count)]
    DVD.objects.filter(pk=dvd.pk).update(
        yts_data=torrents, yts_torrent_count=count, yts_last_updated=timezone.now() - age
    )
    dvd.refresh_from_db()


def run_in_thread(target):
    """Start `target` in a thread with its own database connection; returns (thread, results list)."""
    results = []

    def run():
        try:
            results.append(target())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results


# --- an IMDb id that changes forgets the other film's torrents ------------------------------


def form_data(dvd, **changes):
    data = {name: getattr(dvd, name) for name in DVDForm.Meta.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.mark.django_db
def test_changing_the_imdb_id_in_the_form_clears_the_old_films_torrents(
    signed_in, dvd, background_refreshes, django_capture_on_commit_callbacks
):
    """After the IMDb id is edited, the list and detail pages no longer show the previous film's torrents."""
    stored_torrents(dvd, 3)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form_data(dvd, imdb_id="tt0068646"))
    dvd.refresh_from_db()
    assert (dvd.imdb_id, dvd.yts_torrent_count, dvd.yts_data, dvd.yts_last_updated) == ("tt0068646", 0, None, None)
    assert background_refreshes == ["tt0068646"]
    page = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "torrent-download-btn" not in page


@pytest.mark.django_db
def test_changing_the_imdb_id_in_the_admin_clears_the_old_films_torrents(
    admin_user, dvd, background_refreshes, django_capture_on_commit_callbacks
):
    """The admin's change form forgets the previous film's torrents too."""
    stored_torrents(dvd, 2)
    dvd = DVD.objects.get(pk=dvd.pk)
    dvd.imdb_id = "tt0068646"
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin = site._registry[DVD]
    form = model_admin.get_form(request, dvd)(instance=dvd, data=form_data(dvd, owner=dvd.owner_id))
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, form.save(commit=False), form, change=True)
    dvd.refresh_from_db()
    assert (dvd.yts_torrent_count, dvd.yts_data) == (0, None)
    assert background_refreshes == ["tt0068646"]


@pytest.mark.django_db
def test_saving_the_edit_form_keeps_torrents_stored_while_it_was_saved(signed_in, dvd, monkeypatch):
    """A refresh that lands while an edit is being saved is not overwritten by the form's save."""
    real_clean_name = DVDForm.clean_name

    def refresh_lands_meanwhile(form):
        stored_torrents(dvd, 4)  # after the view loaded the DVD, before the form saves it
        return real_clean_name(form)

    monkeypatch.setattr(DVDForm, "clean_name", refresh_lands_meanwhile)
    signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form_data(dvd, name="Renamed"))
    dvd.refresh_from_db()
    assert (dvd.name, dvd.yts_torrent_count) == ("Renamed", 4)


@pytest.mark.django_db
def test_an_edit_that_keeps_the_imdb_id_keeps_the_torrents(signed_in, dvd, background_refreshes):
    """Only a changed IMDb id forgets torrents; other edits leave them and queue nothing."""
    stored_torrents(dvd, 2)
    signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form_data(dvd, notes="Signed copy"))
    dvd.refresh_from_db()
    assert dvd.yts_torrent_count == 2
    assert background_refreshes == []


# --- fetch_imdb_id writes only into an empty id, and only valid values ----------------------


@pytest.fixture
def tmdb_configured(settings):
    settings.TMDB_API_BASE_URL = tmdb.TMDB_BASE
    settings.TMDB_API_KEY = "test-key"
    settings.TMDB_ACCESS_TOKEN = ""
    settings.TMDB_MAX_RETRIES = 0


@pytest.mark.django_db
def test_fetch_imdb_id_keeps_an_id_set_meanwhile(signed_in, user, http_mock, tmdb_configured):
    """An IMDb id typed in while TMDB was being asked is kept; TMDB's is not written over it."""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=tmdb.INCEPTION)
    loaded = DVD.objects.get(pk=dvd.pk)
    DVD.objects.filter(pk=dvd.pk).update(imdb_id="tt0000042")  # the person's edit lands first
    http_mock.get(f"{tmdb.TMDB_BASE}/movie/{tmdb.INCEPTION}", json=tmdb.movie())
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    assert loaded.fetch_imdb_id() == "tt0000042"
    dvd.refresh_from_db()
    assert dvd.imdb_id == "tt0000042"


@pytest.mark.django_db
def test_fetch_imdb_id_does_not_store_a_year_the_form_would_refuse(signed_in, user, http_mock, tmdb_configured):
    """A TMDB year past next year is not stored, so the DVD can still be edited."""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=tmdb.INCEPTION, release_year=None)
    http_mock.get(f"{tmdb.TMDB_BASE}/movie/{tmdb.INCEPTION}", json=tmdb.movie(release_date="2999-01-01"))
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    signed_in.post(reverse("fetch_imdb_id", args=[dvd.pk]))
    dvd.refresh_from_db()
    assert (dvd.imdb_id, dvd.release_year) == ("tt1375666", None)
    response = signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form_data(dvd, notes="still editable"))
    assert response.status_code == 302


# --- an outcome is never written over a newer one -------------------------------------------


@pytest.mark.django_db
def test_a_late_failure_does_not_replace_a_newer_success(dvd):
    """A failed fetch that started before a stored success leaves the success and no failure note."""
    now = timezone.now()
    refresh.store([refresh.Fetched(dvd.imdb_id, now, [payloads.torrent()])])
    refresh.store([refresh.Fetched(dvd.imdb_id, now - timedelta(seconds=5), YTSUnavailable("YTS answered 503"))])
    dvd.refresh_from_db()
    assert (dvd.yts_torrent_count, dvd.last_refresh_failed, dvd.yts_last_error) == (1, False, "")


@pytest.mark.django_db
def test_a_late_answer_does_not_replace_a_newer_one(dvd):
    """Torrents fetched earlier but stored later do not replace torrents fetched after them."""
    now = timezone.now()
    refresh.store([refresh.Fetched(dvd.imdb_id, now, [payloads.torrent(), payloads.torrent("720p")])])
    refresh.store([refresh.Fetched(dvd.imdb_id, now - timedelta(seconds=5), [])])
    dvd.refresh_from_db()
    assert (dvd.yts_torrent_count, dvd.yts_last_updated) == (2, now)


@pytest.mark.django_db(transaction=True)
def test_the_batch_does_not_overwrite_a_refresh_pressed_while_it_ran(signed_in, dvd, http_mock, monkeypatch):
    """A Refresh pressed between the batch's fetch and its write keeps its newer answer on the page."""
    http_mock.get(YTS_LIST_URL, status=503)  # the batch's fetch fails
    http_mock.get(YTS_LIST_URL, json=THREE_TORRENTS)  # the button's, a moment later, succeeds
    real_fetch = batch._fetch_unless_locked

    def fetch_then_press_refresh(imdb_id, policy, service):
        fetched = real_fetch(imdb_id, policy, service)
        time.sleep(0.01)  # the button's fetch starts after the batch's
        assert signed_in.post(refresh_url(dvd)).status_code == 200
        return fetched

    monkeypatch.setattr(batch, "_fetch_unless_locked", fetch_then_press_refresh)
    with pytest.raises(CommandError, match="could not be refreshed"):
        call_command("refresh_yts", "--concurrency", "1", stdout=StringIO(), stderr=StringIO())
    dvd.refresh_from_db()
    assert (dvd.yts_torrent_count, dvd.last_refresh_failed) == (3, False)


# --- the lock and the waiting rules ----------------------------------------------------------


@pytest.mark.django_db
def test_a_busy_answer_does_not_use_up_the_dvds_refresh_slot(signed_in, dvd, http_mock, monkeypatch, settings):
    """After '429 busy' (YTS not asked), the retry the message invites refreshes instead of '429 moments ago'."""
    settings.YTS_MAX_REQUESTS_PER_SECOND = 5
    monkeypatch.setattr("tracker.services.yts.wait_for_turn", lambda *args: False)
    busy = signed_in.post(refresh_url(dvd))
    assert busy.status_code == 429
    assert "try again in a few seconds" in busy.json()["error"]
    monkeypatch.setattr("tracker.services.yts.wait_for_turn", lambda *args: True)
    http_mock.get(YTS_LIST_URL, json=ONE_TORRENT)
    assert signed_in.post(refresh_url(dvd)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_refresh_waits_for_a_held_film_lock_only_briefly(signed_in, dvd, settings):
    """With the film's lock held elsewhere, Refresh answers 429 'busy' instead of waiting it out and fetching."""
    settings.YTS_PACING_MAX_WAIT_SECONDS = 0
    settings.YTS_API_TIMEOUT = 1
    held, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with film_lock(dvd.imdb_id) as lock:
            held.set()
            release.wait(30)
            return lock.acquired

    thread, results = run_in_thread(hold_the_lock)
    try:
        held.wait(10)
        response = signed_in.post(refresh_url(dvd))  # responses fails the test on any YTS call
    finally:
        release.set()
        thread.join(30)
    assert results == [True]
    assert response.status_code == 429
    assert "try again in a few seconds" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_waited_asks_yts_rather_than_take_a_cached_answer(signed_in, dvd, http_mock, settings):
    """Refresh pressed while a cache-served refresh of the film runs still shows YTS's newest answer."""
    settings.YTS_PACING_MAX_WAIT_SECONDS = 10
    http_mock.get(YTS_LIST_URL, json=THREE_TORRENTS)
    cached_answer = [payloads.torrent()]
    held, release = threading.Event(), threading.Event()

    def cache_served_refresh():
        # Another visitor's refresh holds the lock and stores the six-hour cache's older answer.
        with film_lock(dvd.imdb_id):
            held.set()
            release.wait(30)
            refresh.store([refresh.Fetched(dvd.imdb_id, timezone.now(), cached_answer, asked_yts=False)])

    thread, _ = run_in_thread(cache_served_refresh)
    held.wait(10)
    pressed, answer = run_in_thread(lambda: signed_in.post(refresh_url(dvd)))
    time.sleep(0.3)  # let the press start waiting on the lock
    release.set()
    thread.join(30)
    pressed.join(30)
    assert answer[0].status_code == 200
    assert answer[0].json()["torrent_count"] == 3
    assert len(http_mock.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_waited_asks_yts_when_nothing_answered_since_it_was_pressed(user, http_mock):
    """A refresh queued behind one that did not ask YTS meanwhile asks YTS itself rather than report an old outcome."""
    dvd = DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    http_mock.get(YTS_LIST_URL, status=503)
    first = refresh.refresh_film(dvd.imdb_id, refresh.BUTTON)
    assert first.status == refresh.FAILED
    held, release = threading.Event(), threading.Event()

    def slow_refresh():
        with film_lock(dvd.imdb_id):
            held.set()
            release.wait(30)

    holder, _ = run_in_thread(slow_refresh)
    held.wait(10)
    waiter, results = run_in_thread(lambda: refresh.refresh_film(dvd.imdb_id, refresh.Policy(use_cache=False)))
    time.sleep(0.2)
    release.set()
    holder.join(30)
    waiter.join(30)
    # Nothing answered since the waiter was asked, so it asked YTS itself (a second 503).
    assert results[0].status == refresh.FAILED
    assert len(http_mock.calls) == 2


def test_the_lock_outlives_every_retry_and_its_retry_after(settings):
    """The lock's lifetime covers each attempt's timeouts and the longest Retry-After it may sleep."""
    settings.YTS_API_BASE_URL = "https://yts.mx/api/v2"
    settings.YTS_MAX_RETRIES = 3
    settings.YTS_API_TIMEOUT = 10
    assert lock_ttl() > 4 * 2 * 10 + 3 * MAX_RETRY_AFTER_SECONDS


@pytest.mark.django_db
def test_a_second_holder_is_refused_until_the_first_releases(dvd):
    """While one refresh holds a film's lock another is refused; after release it is granted."""
    with film_lock(dvd.imdb_id) as first:
        assert first.acquired
        with film_lock(dvd.imdb_id) as second:
            assert not second.acquired
    with film_lock(dvd.imdb_id) as third:
        assert third.acquired


@pytest.mark.redis
@pytest.mark.django_db
def test_on_redis_the_lock_is_renewed_before_the_fetch(dvd, redis_url, http_mock, monkeypatch):
    """A lock whose pace wait used up its lifetime gets it back before YTS is asked (redis-py's Lock)."""
    from django.core.cache import cache

    if not hasattr(cache, "lock"):
        pytest.skip("the cache is not Redis")
    http_mock.get(YTS_LIST_URL, json=ONE_TORRENT)
    seen = []
    real_fetch = YTSService.fetch_quality_torrents

    def observe_ttl(service, imdb_id, qualities=None, **kwargs):
        on_turn = kwargs["on_turn"]

        def renewed_turn():
            cache.client.get_client().pexpire(cache.make_key(f"yts:lock:{imdb_id}"), 1000)  # nearly used up
            on_turn()
            seen.append(cache.ttl(f"yts:lock:{imdb_id}"))

        return real_fetch(service, imdb_id, qualities, **{**kwargs, "on_turn": renewed_turn})

    monkeypatch.setattr(YTSService, "fetch_quality_torrents", observe_ttl)
    assert refresh.refresh_film(dvd.imdb_id, refresh.BUTTON).status == refresh.REFRESHED
    assert len(seen) == 1
    assert seen[0] > lock_ttl() - 5


@pytest.mark.django_db
def test_the_cache_is_skipped_by_a_forced_refresh_only(dvd, http_mock):
    """An only-if-stale refresh may use the six-hour cache; the button asks YTS."""
    from django.core.cache import cache

    cache.set(cache_key(dvd.imdb_id), [payloads.torrent()], 60)
    assert refresh.refresh_film(dvd.imdb_id, refresh.PAGE).torrent_count == 1
    http_mock.get(YTS_LIST_URL, json=THREE_TORRENTS)
    assert refresh.refresh_film(dvd.imdb_id, refresh.BUTTON).torrent_count == 3
