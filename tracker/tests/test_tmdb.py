from io import StringIO

import pytest
import requests
from django.core.management import CommandError, call_command
from django.urls import reverse
from limits import storage, strategies
from responses import matchers

from tracker.models import DVD
from tracker.services.tmdb import (
    TMDBBadResponse,
    TMDBNotConfigured,
    TMDBNotFound,
    TMDBService,
    TMDBUnavailable,
    parse_movie,
    parse_search,
    poster_url,
)
from tracker.tests import payloads as yts_payloads
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

MOVIE_URL = f"{tmdb.TMDB_BASE}/movie/{tmdb.INCEPTION}"
EXTERNAL_IDS_URL = f"{MOVIE_URL}/external_ids"
SEARCH_URL = f"{tmdb.TMDB_BASE}/search/movie"


@pytest.fixture(autouse=True)
def tmdb_key(settings):
    settings.TMDB_API_BASE_URL = tmdb.TMDB_BASE
    settings.TMDB_API_KEY = "test-key"
    settings.TMDB_ACCESS_TOKEN = ""
    settings.TMDB_MAX_RETRIES = 0


# --- the client ---------------------------------------------------------------------------


def test_api_key_is_sent_as_a_parameter(http_mock):
    """A v3 key goes in the api_key query parameter."""
    http_mock.get(
        EXTERNAL_IDS_URL, json=tmdb.external_ids(), match=[matchers.query_param_matcher({"api_key": "test-key"})]
    )
    assert TMDBService().get_imdb_id(tmdb.INCEPTION) == "tt1375666"


def test_access_token_is_sent_as_a_bearer_header(http_mock, settings):
    """A v4 read token goes in the Authorization header, and no api_key is sent."""
    settings.TMDB_ACCESS_TOKEN = "v4-token"
    http_mock.get(
        EXTERNAL_IDS_URL,
        json=tmdb.external_ids(),
        match=[matchers.header_matcher({"Authorization": "Bearer v4-token"}), matchers.query_param_matcher({})],
    )
    assert TMDBService().get_imdb_id(tmdb.INCEPTION) == "tt1375666"


def test_without_a_key_nothing_is_sent(settings):
    """With no key or token, the service says it is not configured and asks nobody."""
    settings.TMDB_API_KEY = ""
    assert not TMDBService().is_configured
    with pytest.raises(TMDBNotConfigured):
        TMDBService().get_imdb_id(tmdb.INCEPTION)


@pytest.mark.parametrize(
    ("registration", "error", "text"),
    [
        ({"status": 401, "json": tmdb.BAD_KEY}, TMDBUnavailable, "refused the API key"),
        ({"status": 404, "json": tmdb.NOT_FOUND}, TMDBNotFound, "no such film"),
        ({"status": 429, "headers": {"Retry-After": "3"}}, TMDBUnavailable, "rate-limiting"),
        ({"body": requests.Timeout("slow")}, TMDBUnavailable, "did not answer"),
        ({"body": '{"id": 27205, "imdb_'}, TMDBBadResponse, "not valid JSON"),
        ({"json": ["not", "an", "object"]}, TMDBBadResponse, "not an object"),
    ],
)
def test_tmdb_failures_are_typed(http_mock, registration, error, text):
    """401, 404, 429, timeouts and malformed bodies raise their own TMDB errors."""
    http_mock.get(EXTERNAL_IDS_URL, **registration)
    with pytest.raises(error, match=text):
        TMDBService().get_imdb_id(tmdb.INCEPTION)


def test_429_with_retry_after_is_retried(http_mock, settings):
    """TMDB's 429 is retried like YTS's, honouring Retry-After."""
    settings.TMDB_MAX_RETRIES = 1
    http_mock.get(EXTERNAL_IDS_URL, status=429, headers={"Retry-After": "0"})
    http_mock.get(EXTERNAL_IDS_URL, json=tmdb.external_ids())
    assert TMDBService().get_imdb_id(tmdb.INCEPTION) == "tt1375666"


@pytest.mark.parametrize("value", [None, "", "nm0634240", 12, "tt1375666\n", "tt١٣٧٥٦٦٦"])
def test_an_empty_or_invalid_imdb_id_is_not_found(http_mock, value):
    """A 200 with an empty, null or malformed imdb_id means TMDB has none."""
    http_mock.get(EXTERNAL_IDS_URL, json=tmdb.external_ids(imdb_id=value))
    with pytest.raises(TMDBNotFound):
        TMDBService().get_imdb_id(tmdb.INCEPTION)


def test_parse_movie_keeps_typed_capped_values():
    """Details parse into title, year, poster URL, runtime, genres and director."""
    details = parse_movie(tmdb.movie())
    assert (details.title, details.year, details.imdb_id, details.runtime) == ("Inception", 2010, "tt1375666", 148)
    assert details.poster_url == "https://image.tmdb.org/t/p/w342/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg"
    assert (details.genres, details.director) == ("Action, Science Fiction", "Christopher Nolan")


@pytest.mark.parametrize(
    "path", ["//evil.example/x.jpg", "/../../x.jpg", "javascript:alert(1)", 5, "/x.svg", "/x.jpg\n"]
)
def test_poster_paths_that_are_not_plain_image_names_give_no_url(path):
    """Only /name.jpg-like poster paths become image URLs."""
    assert poster_url(path) == ""


def test_parse_search_skips_untitled_films_and_reads_years():
    """Search results give title and year; a film without a title is skipped."""
    payload = tmdb.search({"id": 1, "title": "Heat", "release_date": "1995-12-15"}, {"id": 2, "title": ""})
    assert [(f.tmdb_id, f.title, f.year) for f in parse_search(payload)] == [(1, "Heat", 1995)]


def test_search_is_cached_for_a_day(http_mock):
    """The same search twice asks TMDB once, whatever the spacing and case."""
    http_mock.get(SEARCH_URL, json=tmdb.search({"id": 949, "title": "Heat", "release_date": "1995-12-15"}))
    TMDBService().search("Heat", 1995)
    assert [f.tmdb_id for f in TMDBService().search("  heat ", 1995)] == [949]
    assert len(http_mock.calls) == 1


def test_search_sends_the_year(http_mock):
    """A year narrows the search on TMDB's side."""
    http_mock.get(
        SEARCH_URL,
        json=tmdb.search(),
        match=[matchers.query_param_matcher({"query": "Heat", "year": "1995"}, strict_match=False)],
    )
    assert TMDBService().search("Heat", 1995) == []


# --- POST /dvd/<pk>/fetch-imdb/ ------------------------------------------------------------


def fetch_url(dvd):
    return reverse("fetch_imdb_id", args=[dvd.pk])


@pytest.fixture
def tmdb_only(user):
    return DVDFactory(owner=user, name="Inception", imdb_id="", tmdb_id=tmdb.INCEPTION, release_year=None)


@pytest.mark.django_db
def test_fetch_imdb_stores_the_id_fills_blanks_and_then_shows_torrents(signed_in, tmdb_only, http_mock):
    """End to end: the button's endpoint stores the IMDb id, fills year and poster, and the reload shows torrents."""
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    http_mock.get(YTS_LIST_URL, json=yts_payloads.list_movies(yts_payloads.movie(imdb_code="tt1375666")))
    response = signed_in.post(fetch_url(tmdb_only))
    assert response.json() == {"success": True, "message": "IMDB ID found: tt1375666", "imdb_id": "tt1375666"}
    tmdb_only.refresh_from_db()
    assert (tmdb_only.imdb_id, tmdb_only.release_year) == ("tt1375666", 2010)
    assert tmdb_only.poster_url.startswith("https://image.tmdb.org/t/p/")
    page = signed_in.get(tmdb_only.get_absolute_url()).content.decode()
    assert "Bluray 1080p x264" in " ".join(page.split())


@pytest.mark.django_db
def test_fetch_imdb_keeps_a_year_already_set(signed_in, tmdb_only, http_mock):
    """An existing year is not overwritten by TMDB's."""
    DVD.objects.filter(pk=tmdb_only.pk).update(release_year=2011)
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    http_mock.get(YTS_LIST_URL, json=yts_payloads.NO_SUCH_FILM)
    signed_in.post(fetch_url(tmdb_only))
    tmdb_only.refresh_from_db()
    assert tmdb_only.release_year == 2011


@pytest.mark.django_db
def test_fetch_imdb_shows_the_button_when_tmdb_is_configured(signed_in, tmdb_only):
    """The detail page offers Auto-fetch IMDB ID with the spec's id and handler."""
    content = signed_in.get(tmdb_only.get_absolute_url()).content.decode()
    assert 'id="fetch-imdb-btn"' in content
    assert f'data-dvd-id="{tmdb_only.pk}"' in content  # app.js binds it to fetchImdbId


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("registration", "status", "text"),
    [
        ({"status": 404, "json": tmdb.NOT_FOUND}, 404, "no IMDb id"),
        ({"json": tmdb.movie(imdb_id=None, external_ids={"imdb_id": ""})}, 404, "no IMDb id"),
        ({"status": 500}, 502, "Could not ask TMDB"),
        ({"status": 401, "json": tmdb.BAD_KEY}, 502, "refused the API key"),
        ({"body": "<html>oops</html>"}, 502, "HTML"),
    ],
)
def test_fetch_imdb_errors(signed_in, tmdb_only, http_mock, registration, status, text):
    """TMDB's answers map to 404 (no such film or id) and 502 (TMDB failed), and nothing changes."""
    http_mock.get(MOVIE_URL, **registration)
    response = signed_in.post(fetch_url(tmdb_only))
    assert response.status_code == status
    assert text in response.json()["error"]
    tmdb_only.refresh_from_db()
    assert tmdb_only.imdb_id == ""


@pytest.mark.django_db
def test_fetch_imdb_without_a_tmdb_id_is_a_400(signed_in, user):
    """A DVD without a TMDB id answers 400."""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=None)
    assert signed_in.post(fetch_url(dvd)).status_code == 400


@pytest.mark.django_db
def test_fetch_imdb_without_configuration_is_a_503(signed_in, tmdb_only, settings):
    """With no key the endpoint answers 503 'TMDB is not configured'."""
    settings.TMDB_API_KEY = ""
    response = signed_in.post(fetch_url(tmdb_only))
    assert response.status_code == 503
    assert "TMDB is not configured" in response.json()["error"]


@pytest.mark.django_db
def test_fetch_imdb_follows_the_endpoint_rules(client, signed_in, tmdb_only, other_user):
    """GET is 405, another user's DVD is 404, anonymous is 401 — all JSON."""
    theirs = DVDFactory(owner=other_user, imdb_id="", tmdb_id=1)
    assert signed_in.get(fetch_url(tmdb_only)).status_code == 405
    assert signed_in.post(fetch_url(theirs)).status_code == 404
    signed_in.logout()
    assert signed_in.post(fetch_url(tmdb_only)).status_code == 401


# --- the add page's search ------------------------------------------------------------------


@pytest.mark.django_db
def test_add_page_search_lists_films_with_posters(signed_in, http_mock):
    """Searching on the add page lists TMDB's films with poster, title and year."""
    http_mock.get(
        SEARCH_URL,
        json=tmdb.search({"id": 27205, "title": "Inception", "release_date": "2010-07-15", "poster_path": "/p.jpg"}),
    )
    content = signed_in.get(reverse("dvd_add"), {"tmdb_q": "incep"}).content.decode()
    assert "Inception" in content
    assert "(2010)" in content
    assert 'src="https://image.tmdb.org/t/p/w342/p.jpg"' in content
    assert "?tmdb_pick=27205" in content


@pytest.mark.django_db
def test_picking_a_film_fills_the_form(signed_in, http_mock):
    """Picking a result fills name, year, TMDB id, IMDb id and poster."""
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    form = signed_in.get(reverse("dvd_add"), {"tmdb_pick": tmdb.INCEPTION}).context["form"]
    assert form["name"].value() == "Inception"
    assert (form["release_year"].value(), form["tmdb_id"].value(), form["imdb_id"].value()) == (
        2010,
        27205,
        "tt1375666",
    )
    assert form["poster_url"].value().startswith("https://image.tmdb.org/")
    assert form["director"].value() == "Christopher Nolan"


@pytest.mark.django_db
def test_add_page_works_by_hand_without_a_key(signed_in, settings):
    """With no key the search is hidden and the form still works."""
    settings.TMDB_API_KEY = ""
    response = signed_in.get(reverse("dvd_add"), {"tmdb_q": "Heat"})
    assert 'id="tmdb-search-form"' not in response.content.decode()
    signed_in.post(reverse("dvd_add"), {"name": "Heat", "disk_type": "dvd", "media_type": "physical", "status": "kept"})
    assert DVD.objects.filter(name="Heat").exists()


@pytest.mark.django_db
def test_add_page_search_failure_is_explained(signed_in, http_mock):
    """A TMDB failure shows a message and leaves the form usable."""
    http_mock.get(SEARCH_URL, status=503)
    response = signed_in.get(reverse("dvd_add"), {"tmdb_q": "Heat"})
    assert "fill the form by hand" in response.content.decode()
    assert "name" in response.context["form"].fields


# --- manage.py fetch_imdb_ids ----------------------------------------------------------------


@pytest.mark.django_db
def test_fetch_imdb_ids_fills_every_dvd_missing_one(user, other_user, http_mock):
    """Each TMDB id is looked up once and every DVD of it gets the IMDb id; failures are counted."""
    DVDFactory(owner=user, imdb_id="", tmdb_id=tmdb.INCEPTION)
    DVDFactory(owner=other_user, imdb_id="", tmdb_id=tmdb.INCEPTION)
    DVDFactory(owner=user, imdb_id="", tmdb_id=949)
    DVDFactory(owner=user, imdb_id="", tmdb_id=1)
    http_mock.get(f"{tmdb.TMDB_BASE}/movie/1/external_ids", status=404, json=tmdb.NOT_FOUND)
    http_mock.get(f"{tmdb.TMDB_BASE}/movie/949/external_ids", status=500)
    http_mock.get(EXTERNAL_IDS_URL, json=tmdb.external_ids())
    out = StringIO()
    with pytest.raises(CommandError, match="1 films could not be looked up"):
        call_command("fetch_imdb_ids", stdout=out, stderr=StringIO())
    assert "Found: 1, not on TMDB: 1, failed: 1 (of 3 films)." in out.getvalue()
    assert DVD.objects.filter(imdb_id="tt1375666").count() == 2


@pytest.mark.django_db
def test_fetch_imdb_ids_needs_a_key(user, settings):
    """Without a TMDB key the command stops with a clear message."""
    settings.TMDB_API_KEY = ""
    DVDFactory(owner=user, imdb_id="", tmdb_id=tmdb.INCEPTION)
    with pytest.raises(CommandError, match="TMDB is not configured"):
        call_command("fetch_imdb_ids", stdout=StringIO())


# --- the per-user TMDB allowance, and cached film details -------------------------------------------


@pytest.fixture
def tmdb_allowance(settings, monkeypatch):
    """Two TMDB lookups per user per minute, counted afresh for this test."""
    settings.TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE = 2
    fresh = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
    monkeypatch.setattr("tracker.limits.shared_limiter", lambda: fresh)


def search_for(title, tmdb_id):
    return tmdb.search({"id": tmdb_id, "title": title, "release_date": "1995-12-15"})


@pytest.mark.django_db
def test_add_page_lookups_past_the_allowance_ask_to_wait_and_leave_tmdb_alone(
    client, signed_in, other_user, http_mock, tmdb_allowance
):
    """A user's third TMDB lookup in a minute is not sent: the page asks them to wait and the form still works."""
    http_mock.get(SEARCH_URL, json=search_for("Heat", 949))
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    signed_in.get(reverse("dvd_add"), {"tmdb_q": "Heat"})
    signed_in.get(reverse("dvd_add"), {"tmdb_pick": tmdb.INCEPTION})
    for params in ({"tmdb_q": "Alien"}, {"tmdb_pick": 1}):
        response = signed_in.get(reverse("dvd_add"), params)
        assert "wait a minute" in response.content.decode()
        assert "fill the form by hand" in response.content.decode()
        assert "name" in response.context["form"].fields
    assert len(http_mock.calls) == 2
    client.force_login(other_user)
    http_mock.get(SEARCH_URL, json=search_for("Alien", 348))
    assert "Alien" in client.get(reverse("dvd_add"), {"tmdb_q": "Alien"}).content.decode()
    assert len(http_mock.calls) == 3


@pytest.mark.django_db
def test_cached_answers_do_not_use_the_allowance(signed_in, http_mock, tmdb_allowance):
    """Searching again for what TMDB already answered costs nothing: only calls that reach TMDB are counted."""
    http_mock.get(SEARCH_URL, json=search_for("Heat", 949))
    for _ in range(4):
        assert "?tmdb_pick=949" in signed_in.get(reverse("dvd_add"), {"tmdb_q": "Heat"}).content.decode()
    assert len(http_mock.calls) == 1


@pytest.mark.django_db
def test_fetch_imdb_past_the_allowance_is_a_429_without_asking_tmdb(
    client, signed_in, user, other_user, http_mock, settings, tmdb_allowance
):
    """Auto-fetch counts against the TMDB allowance too (apart from the endpoint limit), per user."""
    settings.TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE = 1
    settings.ENDPOINT_RATE_LIMIT_PER_MINUTE = 100
    first, second = (DVDFactory(owner=user, imdb_id="", tmdb_id=tmdb_id) for tmdb_id in (tmdb.INCEPTION, 949))
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    http_mock.get(YTS_LIST_URL, json=yts_payloads.NO_SUCH_FILM)
    assert signed_in.post(fetch_url(first)).status_code == 200
    refused = signed_in.post(fetch_url(second))
    assert refused.status_code == 429
    assert "wait a minute" in refused.json()["error"]
    assert len(http_mock.calls) == 2
    theirs = DVDFactory(owner=other_user, imdb_id="", tmdb_id=1)
    http_mock.get(f"{tmdb.TMDB_BASE}/movie/1", status=404, json=tmdb.NOT_FOUND)
    client.force_login(other_user)
    assert client.post(fetch_url(theirs)).status_code == 404


@pytest.mark.django_db
def test_film_details_are_cached_and_failures_are_not(http_mock):
    """A second get_movie of the same film asks TMDB nothing; a failed one is asked again."""
    http_mock.get(MOVIE_URL, status=500)
    http_mock.get(MOVIE_URL, json=tmdb.movie())
    with pytest.raises(TMDBUnavailable):
        TMDBService().get_movie(tmdb.INCEPTION)
    assert TMDBService().get_movie(tmdb.INCEPTION).imdb_id == "tt1375666"
    assert TMDBService().get_movie(tmdb.INCEPTION).title == "Inception"
    assert len(http_mock.calls) == 2


@pytest.mark.django_db
def test_a_pick_in_other_digits_asks_tmdb_nothing(signed_in, http_mock):
    """?tmdb_pick= in Arabic-Indic digits is not a TMDB id: no call, an empty form."""
    response = signed_in.get(reverse("dvd_add"), {"tmdb_pick": "٢٧٢٠٥", "tmdb_year": "٢٠١٠", "tmdb_q": ""})
    assert response.context["form"]["name"].value() is None
    assert len(http_mock.calls) == 0
