import http.client
import json
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from fakes.tmdb import DEFAULT_API_KEY, DEFAULT_BEARER, FakeTMDB
from fakes.yts import FakeYTS
from tracker.services import YTSBadResponse, YTSClient, YTSUnavailable, parse_list_movies
from tracker.tests import payloads

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ALLOWED = frozenset({"yts.mx"})
SHAWSHANK = payloads.SHAWSHANK


@pytest.fixture
def yts():
    with FakeYTS(unlisted=["tt0000404"]) as fake:
        yield fake


@pytest.fixture
def tmdb():
    with FakeTMDB() as fake:
        yield fake


def request(fake, path, *, method="GET", body=None, headers=None, timeout=5):
    """(status, headers, body) of one request to the fake's root, through http.client (no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def list_movies_path(imdb_id=SHAWSHANK):
    query = urlencode({"query_term": imdb_id, "limit": 1, "sort_by": "rating", "order_by": "desc"})
    return f"/api/v2/list_movies.json?{query}"


def get_list_movies(fake, imdb_id=SHAWSHANK):
    status, _, body = request(fake, list_movies_path(imdb_id))
    return status, json.loads(body)


def yts_client(fake, **overrides):
    options = {"timeout": 5, "max_retries": 0, "max_response_bytes": 1_000_000, "allowed_hosts": ALLOWED}
    options.update(overrides)
    return YTSClient([fake.base_url], max_torrents=50, **options)


# --- FakeYTS: answers ---------------------------------------------------------------------


def test_yts_base_url_is_on_the_loopback_address(yts):
    """The fake listens on 127.0.0.1 and its base URL ends in /api/v2."""
    parts = urlsplit(yts.base_url)
    assert (parts.scheme, parts.hostname, parts.path) == ("http", "127.0.0.1", "/api/v2")
    assert parts.port == yts.port > 0


def test_list_movies_answer_parses_into_four_torrents(yts):
    """The answer has the real API's shape and the app's parser keeps all four torrents."""
    status, payload = get_list_movies(yts)
    assert status == 200
    assert payload["status"] == "ok"
    assert payload["data"]["movie_count"] == 1
    (movie,) = payload["data"]["movies"]
    assert (movie["imdb_code"], movie["title"], movie["year"]) == (SHAWSHANK, "The Shawshank Redemption", 1994)
    torrents = parse_list_movies(payload, SHAWSHANK, allowed_hosts=ALLOWED, max_torrents=50)
    assert [(t.quality, t.type, t.video_codec) for t in torrents] == [
        ("720p", "bluray", "x264"),
        ("1080p", "bluray", "x264"),
        ("1080p", "web", "x265"),
        ("2160p", "bluray", "x265"),
    ]
    assert all(len(t.hash) == 40 and t.hash.isupper() and t.url.endswith(t.hash) for t in torrents)
    assert all(t.size.endswith((" GB", " MB")) and t.size_bytes > 0 and t.date_uploaded_unix > 0 for t in torrents)


def test_torrents_are_derived_from_the_imdb_id(yts):
    """The same id gives the same torrents from any instance; another id gives other hashes."""
    _, first = get_list_movies(yts)
    with FakeYTS() as other:
        _, again = get_list_movies(other)
    _, different = get_list_movies(yts, "tt7654321")
    assert first["data"]["movies"] == again["data"]["movies"]
    assert different["data"]["movies"][0]["imdb_code"] == "tt7654321"
    hashes = {t["hash"] for t in first["data"]["movies"][0]["torrents"]}
    assert hashes.isdisjoint(t["hash"] for t in different["data"]["movies"][0]["torrents"])


def test_the_apps_client_reads_the_fake(yts, http_mock):
    """YTSClient, through requests, gets the four torrents from the fake."""
    http_mock.add_passthru("http://127.0.0.1")
    assert len(yts_client(yts).movie_torrents(SHAWSHANK)) == 4


@pytest.mark.parametrize("imdb_id", ["tt0000404", "shawshank", ""])
def test_unlisted_ids_and_text_queries_have_no_movies(yts, imdb_id):
    """An unlisted id or a query that is not an IMDb id answers movie_count 0 without a movies key."""
    status, payload = get_list_movies(yts, imdb_id)
    assert status == 200
    assert payload["data"]["movie_count"] == 0
    assert "movies" not in payload["data"]
    assert parse_list_movies(payload, imdb_id, allowed_hosts=ALLOWED, max_torrents=50) == []


def test_unlisted_ids_can_be_changed_at_run_time(yts):
    """configure(unlisted=...) and POST /_fake/config both replace the unlisted set."""
    yts.configure(unlisted=[SHAWSHANK])
    assert get_list_movies(yts)[1]["data"]["movie_count"] == 0
    status, _, _ = request(yts, "/_fake/config", method="POST", body={"unlisted": []})
    assert status == 200
    assert get_list_movies(yts)[1]["data"]["movie_count"] == 1


# --- FakeYTS: counters and control endpoints -------------------------------------------------


def test_calls_are_counted_per_imdb_id(yts):
    """Every list_movies request is counted, in Python and at /_fake/calls; control requests are not."""
    for imdb_id in (SHAWSHANK, SHAWSHANK, "tt0068646"):
        get_list_movies(yts, imdb_id)
    assert (yts.calls, yts.calls_for(SHAWSHANK), yts.calls_for("tt0068646")) == (3, 2, 1)
    status, _, body = request(yts, "/_fake/calls")
    assert status == 200
    assert json.loads(body) == {"count": 3, "by_imdb": {SHAWSHANK: 2, "tt0068646": 1}}


def test_reset_zeroes_the_counters(yts):
    """POST /_fake/reset and .reset() both start counting afresh."""
    get_list_movies(yts)
    status, _, body = request(yts, "/_fake/reset", method="POST")
    assert (status, json.loads(body)) == (200, {"count": 0, "by_imdb": {}})
    get_list_movies(yts)
    yts.reset()
    assert yts.calls == 0


def test_reset_with_config_restores_the_constructor_settings(yts):
    """reset(config=True) undoes run-time configuration."""
    yts.configure(mode="503", latency=0.01, unlisted=[])
    yts.reset(config=True)
    assert yts.config["mode"] == "ok"
    assert get_list_movies(yts, "tt0000404")[1]["data"]["movie_count"] == 0


@pytest.mark.parametrize(
    "body", [{"mode": "teapot"}, {"failure_rate": 2}, {"latency": -1}, {"colour": "red"}, {"mode_count": 2}]
)
def test_bad_configuration_is_refused(yts, body):
    """An unknown mode, setting or out-of-range value answers 400 and changes nothing."""
    status, _, answer = request(yts, "/_fake/config", method="POST", body=body)
    assert status == 400
    assert "error" in json.loads(answer)
    assert yts.config["mode"] == "ok"
    with pytest.raises(ValueError, match="."):
        yts.configure(**body)


# --- FakeYTS: latency and faults -----------------------------------------------------------


def test_latency_is_applied_and_the_answer_still_comes(yts):
    """With latency set, the request is still answered normally."""
    yts.configure(latency=0.05)
    assert get_list_movies(yts)[0] == 200
    with FakeYTS(latency=0.05) as slow:
        assert get_list_movies(slow)[0] == 200


def test_failure_rate_one_fails_every_request():
    """failure_rate=1 answers every request with a 500."""
    with FakeYTS(failure_rate=1) as fake:
        assert [request(fake, list_movies_path())[0] for _ in range(3)] == [500, 500, 500]
        assert fake.calls == 3


def test_failure_rate_is_reproducible_with_a_seed():
    """Two fakes with the same seed fail the same requests, and some but not all of them."""
    statuses = []
    for _ in range(2):
        with FakeYTS(failure_rate=0.5, seed=7) as fake:
            statuses.append([request(fake, list_movies_path())[0] for _ in range(20)])
    assert statuses[0] == statuses[1]
    assert set(statuses[0]) == {200, 500}


@pytest.mark.parametrize(
    ("mode", "status", "content_type", "start"),
    [
        ("500", 500, "application/json", b"{"),
        ("502", 502, "text/html", b"<html>"),
        ("503", 503, "text/html", b"<html>"),
        ("429", 429, "application/json", b"{"),
        ("429-no-retry-after", 429, "application/json", b"{"),
        ("403-html", 403, "text/html", b"<!DOCTYPE html>"),
        ("200-html", 200, "text/html", b"<!DOCTYPE html>"),
        ("truncated", 200, "application/json", b'{"status": "ok"'),
        ("wrong-shape", 200, "application/json", b"{"),
        ("status-error", 200, "application/json", b"{"),
    ],
)
def test_fault_modes_answer_as_configured(yts, mode, status, content_type, start):
    """Each complete-answer fault mode gives its status, content type and body."""
    yts.configure(mode=mode)
    got_status, headers, body = request(yts, list_movies_path())
    assert got_status == status
    assert headers["Content-Type"].startswith(content_type)
    assert body.startswith(start)
    assert headers["Retry-After"] == ("1" if mode == "429" else None)
    if mode == "403-html":
        assert b"Cloudflare" in body
    if mode == "truncated":
        with pytest.raises(json.JSONDecodeError):
            json.loads(body)
    if mode == "wrong-shape":
        assert "status" not in json.loads(body)
    if mode == "status-error":
        assert json.loads(body)["status"] == "error"


@pytest.mark.parametrize(
    ("mode", "error"),
    [("503", YTSUnavailable), ("429", YTSUnavailable), ("403-html", YTSUnavailable), ("redirect", YTSUnavailable),
     ("200-html", YTSBadResponse), ("truncated", YTSBadResponse), ("wrong-shape", YTSBadResponse),
     ("status-error", YTSBadResponse), ("huge", YTSBadResponse)],
)  # fmt: skip
def test_the_apps_client_turns_faults_into_its_errors(yts, http_mock, mode, error):
    """The faults reach YTSClient as YTSUnavailable or YTSBadResponse, as real ones would."""
    http_mock.add_passthru("http://127.0.0.1")
    yts.configure(mode=mode)
    with pytest.raises(error):
        yts_client(yts).movie_torrents(SHAWSHANK)


def test_redirect_points_elsewhere(yts):
    """redirect answers 302 to https://elsewhere.example/api/v2/list_movies.json."""
    yts.configure(mode="redirect")
    status, headers, _ = request(yts, list_movies_path())
    assert status == 302
    assert headers["Location"].startswith("https://elsewhere.example/api/v2/list_movies.json?query_term=tt0111161")


def test_mode_count_applies_to_the_next_requests_only(yts):
    """A mode with mode_count=2 fails two requests, then the fake answers normally again."""
    status, _, _ = request(yts, "/_fake/config", method="POST", body={"mode": "503", "mode_count": 2})
    assert status == 200
    assert [request(yts, list_movies_path())[0] for _ in range(3)] == [503, 503, 200]
    assert yts.calls == 3


def test_mode_count_falls_back_to_the_permanent_mode(yts):
    """After a temporary mode runs out, the permanent mode applies again."""
    yts.configure(mode="502")
    yts.configure(mode="429", mode_count=1)
    assert [request(yts, list_movies_path())[0] for _ in range(2)] == [429, 502]


def test_huge_sends_a_body_without_content_length(yts):
    """huge answers 200 with no Content-Length; the first bytes are the start of JSON."""
    yts.configure(mode="huge")
    connection = http.client.HTTPConnection("127.0.0.1", yts.port, timeout=5)
    try:
        connection.request("GET", list_movies_path())
        response = connection.getresponse()
        assert response.status == 200
        assert response.headers["Content-Length"] is None
        first = response.read(65536)
        assert first.startswith(b'{"status":"ok"')
        assert len(first) == 65536
    finally:
        connection.close()


def test_slow_body_trickles_after_the_headers(yts):
    """slow-body sends the headers at once and then the body a byte at a time."""
    yts.configure(mode="slow-body")
    connection = http.client.HTTPConnection("127.0.0.1", yts.port, timeout=5)
    try:
        connection.request("GET", list_movies_path())
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.headers["Content-Length"]) > 100
        assert response.read(1) == b"{"
    finally:
        connection.close()


def test_hang_never_answers(yts):
    """hang accepts the request and sends nothing; the client times out."""
    yts.configure(mode="hang")
    connection = http.client.HTTPConnection("127.0.0.1", yts.port, timeout=0.3)
    try:
        connection.request("GET", list_movies_path())
        with pytest.raises(TimeoutError):
            connection.getresponse()
    finally:
        connection.close()
    assert yts.calls == 1


# --- FakeTMDB ------------------------------------------------------------------------------


def tmdb_get(fake, path, *, api_key=DEFAULT_API_KEY, headers=None, **params):
    if api_key is not None:
        params["api_key"] = api_key
    status, _, body = request(fake, f"/3{path}?{urlencode(params)}", headers=headers)
    return status, json.loads(body)


def test_tmdb_base_url_ends_in_3(tmdb):
    """FakeTMDB's base URL is http://127.0.0.1:<port>/3."""
    assert tmdb.base_url == f"http://127.0.0.1:{tmdb.port}/3"


def test_tmdb_movie_details_with_api_key(tmdb):
    """GET /3/movie/278 with api_key describes The Shawshank Redemption."""
    status, movie = tmdb_get(tmdb, "/movie/278")
    assert status == 200
    assert (movie["id"], movie["title"], movie["imdb_id"]) == (278, "The Shawshank Redemption", SHAWSHANK)
    assert movie["release_date"].startswith("1994-")
    assert movie["poster_path"].startswith("/")
    assert movie["poster_path"].endswith(".jpg")
    assert movie["runtime"] > 0
    assert {"id": 18, "name": "Drama"} in movie["genres"]


def test_tmdb_accepts_a_bearer_token(tmdb):
    """Authorization: Bearer <token> works without api_key."""
    bearer = {"Authorization": f"Bearer {DEFAULT_BEARER}"}
    status, ids = tmdb_get(tmdb, "/movie/27205/external_ids", api_key=None, headers=bearer)
    assert (status, ids["id"], ids["imdb_id"]) == (200, 27205, "tt1375666")
    assert ids["facebook_id"] is None


@pytest.mark.parametrize(
    ("api_key", "headers"),
    [(None, None), ("wrong", None), (None, {"Authorization": "Bearer wrong"}), (None, {"Authorization": "Basic x"})],
)
def test_tmdb_without_valid_credentials_is_401(tmdb, api_key, headers):
    """A missing or wrong key or token answers 401 with TMDB's status_code 7."""
    status, body = tmdb_get(tmdb, "/movie/278", api_key=api_key, headers=headers)
    assert status == 401
    assert body == {
        "success": False,
        "status_code": 7,
        "status_message": "Invalid API key: You must be granted a valid key.",
    }


@pytest.mark.parametrize("path", ["/movie/1", "/movie/1/external_ids", "/movie/abc", "/tv/1"])
def test_tmdb_unknown_resource_is_404(tmdb, path):
    """An unknown id or path answers 404 with TMDB's status_code 34."""
    status, body = tmdb_get(tmdb, path)
    assert (status, body["success"], body["status_code"]) == (404, False, 34)


def test_tmdb_external_ids_of_a_film_without_imdb_id(tmdb):
    """The film TMDB knows without an IMDb id has imdb_id null."""
    status, ids = tmdb_get(tmdb, "/movie/999001/external_ids")
    assert (status, ids["id"], ids["imdb_id"]) == (200, 999001, None)


def test_tmdb_search_matches_title_substring_and_year(tmdb):
    """Search is a case-insensitive substring match, narrowed by year when given."""
    status, found = tmdb_get(tmdb, "/search/movie", query="THE")
    assert status == 200
    assert {r["id"] for r in found["results"]} >= {278, 238, 155}
    _, in_1994 = tmdb_get(tmdb, "/search/movie", query="the", year=1994)
    assert [r["id"] for r in in_1994["results"]] == [278]
    assert (in_1994["page"], in_1994["total_pages"], in_1994["total_results"]) == (1, 1, 1)
    result = in_1994["results"][0]
    assert {"id", "title", "original_title", "release_date", "poster_path", "overview", "popularity"} <= set(result)
    _, none = tmdb_get(tmdb, "/search/movie", query="spirited", year=1994)
    assert none["results"] == []
    assert none["total_results"] == 0


def test_tmdb_catalogue_extends_through_the_constructor():
    """Films passed to FakeTMDB are served next to the built-in ones."""
    extra = {"tmdb_id": 12345, "imdb_id": "tt7654321", "title": "Made Up", "release_date": "2020-02-02"}
    with FakeTMDB(films=[extra], api_key="k") as fake:
        assert tmdb_get(fake, "/movie/12345", api_key="k")[1]["imdb_id"] == "tt7654321"
        assert tmdb_get(fake, "/movie/278", api_key="k")[0] == 200


def test_tmdb_shares_counters_and_faults(tmdb):
    """FakeTMDB counts calls by path and takes the same fault configuration."""
    tmdb_get(tmdb, "/movie/278")
    assert json.loads(request(tmdb, "/_fake/calls")[2]) == {"count": 1, "by_path": {"/3/movie/278": 1}}
    request(tmdb, "/_fake/config", method="POST", body={"mode": "503", "mode_count": 1, "latency": 0.01})
    assert request(tmdb, "/3/movie/278")[0] == 503
    assert tmdb_get(tmdb, "/movie/278")[0] == 200
    assert tmdb.calls_for("/3/movie/278") == 3


# --- as processes --------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "args"), [("fakes.yts", []), ("fakes.tmdb", ["--api-key", "KEY"])])
def test_module_runs_as_a_process_until_sigterm(module, args):
    """`python -m fakes.<name> --port 0` prints its listening line, answers, and exits 0 on SIGTERM."""
    command = [sys.executable, "-m", module, "--port", "0", *args]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603 - fixed argv
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/_fake/calls")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
