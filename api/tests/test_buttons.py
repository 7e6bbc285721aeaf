"""The Refresh and Auto-fetch buttons through the API: the same rules and status codes as the pages'
endpoints (one function decides for both), with a Retry-After on every 429; and the stored torrents."""

import pytest
from django.urls import reverse

from tracker import refresh
from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db
MOVIE_URL = f"{tmdb.TMDB_BASE}/movie/{tmdb.INCEPTION}"


def refresh_url(dvd):
    return f"/api/v1/dvds/{dvd.pk}/refresh/"


def test_refresh_stores_and_answers_the_count(api, dvd, http_mock):
    """A refresh asks YTS past the cache and answers the count and when."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    response = api.post(refresh_url(dvd))
    assert response.status_code == 200
    body = response.json()
    assert (body["torrent_count"], body["message"]) == (4, "YTS data refreshed successfully. Found 4 torrents.")
    dvd.refresh_from_db()
    assert body["last_updated"].startswith(dvd.yts_last_updated.isoformat()[:19])


def test_refresh_without_an_imdb_id_is_a_400(api, user):
    """No IMDb id: the button's message, as JSON."""
    dvd = DVDFactory(owner=user, imdb_id="")
    response = api.post(refresh_url(dvd))
    assert (response.status_code, response.json()) == (400, {"detail": "IMDB ID is required to fetch torrent data"})


def test_refresh_twice_quickly_is_a_429_with_retry_after(api, dvd, http_mock, settings):
    """Within YTS_REFRESH_MIN_INTERVAL the second press is refused, saying when to come back."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert api.post(refresh_url(dvd)).status_code == 200
    response = api.post(refresh_url(dvd))
    assert response.status_code == 429
    assert "moments ago" in response.json()["detail"]
    assert response["Retry-After"] == str(settings.YTS_REFRESH_MIN_INTERVAL)


def test_a_busy_refresh_is_a_429_and_gives_the_slot_back(api, dvd, http_mock, monkeypatch):
    """YTS's pace full: 429 with Retry-After, and the retry it invites refreshes."""
    monkeypatch.setattr(refresh, "refresh_film", lambda imdb_id, policy: refresh.Result(refresh.BUSY))
    busy = api.post(refresh_url(dvd))
    assert busy.status_code == 429
    assert int(busy["Retry-After"]) > 0
    monkeypatch.undo()
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert api.post(refresh_url(dvd)).status_code == 200


def test_a_failed_refresh_is_a_502_that_keeps_the_torrents(api, dvd, http_mock):
    """YTS failing: 502 with its reason; the stored torrents stay."""
    DVD.objects.filter(pk=dvd.pk).update(yts_data=[payloads.torrent()], yts_torrent_count=1)
    http_mock.get(YTS_LIST_URL, status=503)
    response = api.post(refresh_url(dvd))
    assert response.status_code == 502
    assert "YTS answered HTTP 503" in response.json()["detail"]
    assert DVD.objects.get(pk=dvd.pk).yts_torrent_count == 1


def test_a_refresh_whose_dvd_changed_meanwhile_is_a_409_on_both_doors(api, signed_in, dvd, monkeypatch):
    """When no DVD has the film any more by the time it is refreshed, both endpoints say so (the page's was a 500)."""
    monkeypatch.setattr(refresh, "refresh_film", lambda imdb_id, policy: refresh.Result(refresh.MISSING))
    assert api.post(refresh_url(dvd)).status_code == 409
    dvd.give_back_refresh_slot()
    page = signed_in.post(reverse("refresh_yts_data", args=[dvd.pk]))
    assert page.status_code == 409
    assert page.json()["error"] == "This DVD was changed or deleted meanwhile. Reload it and try again."


def test_button_presses_count_against_the_endpoint_allowance(api, user, http_mock, settings, fresh_limiter):
    """Past ENDPOINT_RATE_LIMIT_PER_MINUTE presses (the pages' and the API's together): 429, YTS not asked."""
    settings.ENDPOINT_RATE_LIMIT_PER_MINUTE = 1
    first, second = DVDFactory(owner=user), DVDFactory(owner=user)
    http_mock.get(YTS_LIST_URL, json=payloads.list_movies(payloads.movie(imdb_code=first.imdb_id)))
    assert api.post(refresh_url(first)).status_code == 200
    refused = api.post(refresh_url(second))
    assert refused.status_code == 429
    assert refused["Retry-After"]


# --- the stored torrents ------------------------------------------------------------------------


def test_torrents_come_with_magnet_links(api, dvd):
    """The stored torrents, each with its magnet link; links on other hosts are left out."""
    DVD.objects.filter(pk=dvd.pk).update(
        yts_data=[payloads.torrent(), payloads.torrent("720p", url="https://evil.example/x.torrent")]
    )
    response = api.get(f"/api/v1/dvds/{dvd.pk}/torrents/")
    assert response.status_code == 200
    [torrent] = response.json()
    assert torrent["quality"] == "1080p"
    assert torrent["seeds"] == 150
    assert torrent["magnet"].startswith(f"magnet:?xt=urn:btih:{payloads.HASH_1080}&dn=The%20Shawshank%20Redemption")


def test_torrents_stored_with_odd_values_are_answered_in_the_schemas_types(api, dvd):
    """Hand-edited or old rows: wrong types become empty or null rather than breaking the answer."""
    DVD.objects.filter(pk=dvd.pk).update(yts_data=[payloads.torrent(seeds="many", size=None, hash="nope")])
    [torrent] = api.get(f"/api/v1/dvds/{dvd.pk}/torrents/").json()
    assert (torrent["seeds"], torrent["size"], torrent["magnet"]) == (None, "", "")


# --- fetch-imdb --------------------------------------------------------------------------------


@pytest.fixture
def tmdb_only(user, settings):
    settings.TMDB_API_BASE_URL = tmdb.TMDB_BASE
    settings.TMDB_API_KEY = "test-key"
    settings.TMDB_MAX_RETRIES = 0
    return DVDFactory(owner=user, name="Inception", imdb_id="", tmdb_id=tmdb.INCEPTION, release_year=None)


def test_fetch_imdb_stores_the_id(api, tmdb_only, http_mock):
    """The Auto-fetch button through the API: the IMDb id is stored and answered."""
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    http_mock.get(YTS_LIST_URL, json=payloads.list_movies(payloads.movie(imdb_code="tt1375666")))
    response = api.post(f"/api/v1/dvds/{tmdb_only.pk}/fetch-imdb/")
    assert response.json() == {"message": "IMDB ID found: tt1375666", "imdb_id": "tt1375666"}
    assert DVD.objects.get(pk=tmdb_only.pk).imdb_id == "tt1375666"


def test_fetch_imdb_errors_are_the_buttons(api, tmdb_only, user, settings):
    """No TMDB id: 400; TMDB not configured: 503 — the page endpoint's codes and messages."""
    no_tmdb_id = DVDFactory(owner=user, tmdb_id=None)
    assert api.post(f"/api/v1/dvds/{no_tmdb_id.pk}/fetch-imdb/").status_code == 400
    settings.TMDB_API_KEY = ""
    response = api.post(f"/api/v1/dvds/{tmdb_only.pk}/fetch-imdb/")
    assert response.status_code == 503
    assert "not configured" in response.json()["detail"]
