"""The API's per-token rate limit, and the statistics, export and TMDB search from the pages' own code."""

import json

import pytest

from api.models import ApiToken
from api.tests.conftest import client_with
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db
SEARCH_URL = f"{tmdb.TMDB_BASE}/search/movie"


def test_past_the_limit_a_token_gets_429_with_retry_after(api, settings, fresh_limiter):
    """Over API_RATE_LIMIT_PER_MINUTE requests a token is told to wait, in JSON, with Retry-After."""
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    assert [api.get("/api/v1/stats/").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/api/v1/stats/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def test_each_token_and_the_session_count_apart(user, api, signed_in, settings, fresh_limiter):
    """Another token of the same person, and their session, have their own allowance."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    assert api.get("/api/v1/stats/").status_code == 200
    assert api.get("/api/v1/stats/").status_code == 429
    other_token = ApiToken.objects.issue(user, "phone", ApiToken.Scope.READ)[1]
    assert client_with(other_token).get("/api/v1/stats/").status_code == 200
    assert signed_in.get("/api/v1/stats/").status_code == 200
    assert signed_in.get("/").status_code == 200  # the pages are not counted at all


def test_stats_are_the_statistics_pages_figures(api, user):
    """The figures and charts of the statistics page, as labelled counts."""
    DVDFactory(owner=user, disk_type="bluray", genres="Drama, Crime", runtime=120)
    DVDFactory(owner=user, disk_type="dvd", genres="Drama", is_unwatched=True)
    body = api.get("/api/v1/stats/").json()
    assert (body["totals"]["total"], body["totals"]["minutes"], body["totals"]["unwatched"]) == (2, 120, 1)
    assert {"label": "Blu-ray", "count": 1} in body["formats"]
    assert body["genres"][0] == {"label": "Drama", "count": 2}
    assert len(body["months"]) == 24


def test_export_streams_csv_and_json_with_the_lists_filters(api, user):
    """?format=csv or json streams the collection, or what the list's filters choose."""
    DVDFactory(owner=user, name="Alien", disk_type="bluray")
    DVDFactory(owner=user, name="Heat", disk_type="dvd")
    csv = api.get("/api/v1/export/", {"disk_type": "bluray"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    text = b"".join(csv.streaming_content).decode()
    assert "Alien" in text
    assert "Heat" not in text
    backup = api.get("/api/v1/export/", {"format": "json"})
    assert backup["Content-Type"].startswith("application/json")
    assert len(json.loads(b"".join(backup.streaming_content))["dvds"]) == 2


def test_export_refuses_an_unknown_format_or_filter(api):
    """A format or filter value it does not know is a 400, not a file."""
    assert api.get("/api/v1/export/", {"format": "xlsx"}).json() == {"format": ["Choose csv or json."]}
    assert "disk_type" in api.get("/api/v1/export/", {"disk_type": "vhs"}).json()


@pytest.fixture
def tmdb_configured(settings):
    settings.TMDB_API_BASE_URL = tmdb.TMDB_BASE
    settings.TMDB_API_KEY = "test-key"
    settings.TMDB_MAX_RETRIES = 0


def test_film_search_answers_tmdbs_films(api, tmdb_configured, http_mock):
    """The add page's TMDB search: id, title, year and poster of each film found."""
    http_mock.get(SEARCH_URL, json=tmdb.search({"id": 949, "title": "Heat", "release_date": "1995-12-15"}))
    response = api.get("/api/v1/films/search/", {"q": "Heat", "year": 1995})
    assert response.json() == [{"tmdb_id": 949, "title": "Heat", "year": 1995, "poster_url": "", "overview": ""}]


def test_film_search_says_what_is_wrong(api, tmdb_configured, http_mock, settings):
    """No query: 400; TMDB failing: 502; no key on the server: 503."""
    assert api.get("/api/v1/films/search/").json() == {"q": ["This field is required."]}
    http_mock.get(SEARCH_URL, status=500)
    assert api.get("/api/v1/films/search/", {"q": "Heat"}).status_code == 502
    settings.TMDB_API_KEY = ""
    assert api.get("/api/v1/films/search/", {"q": "Heat"}).status_code == 503


def test_film_search_shares_the_pages_tmdb_allowance(api, tmdb_configured, http_mock, settings, fresh_limiter):
    """Past TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE the search is a 429 and TMDB is not asked."""
    settings.TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE = 1
    http_mock.get(SEARCH_URL, json=tmdb.search())
    assert api.get("/api/v1/films/search/", {"q": "Heat"}).status_code == 200
    refused = api.get("/api/v1/films/search/", {"q": "Alien"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
