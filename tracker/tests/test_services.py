import pytest
import requests
from responses import matchers

from tracker.services import YTSBadResponse, YTSService, YTSUnavailable, parse_list_movies
from tracker.services.http import base_url_problem, shared_client
from tracker.services.yts import YTSClient
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL

ALLOWED = frozenset({"yts.mx"})
SEED_PARAMS = {"query_term": payloads.SHAWSHANK, "limit": "1", "sort_by": "rating", "order_by": "desc"}


def parse(payload, imdb_id=payloads.SHAWSHANK):
    return parse_list_movies(payload, imdb_id, allowed_hosts=ALLOWED, max_torrents=50)


# --- the request ------------------------------------------------------------------------


def test_request_is_the_specs_list_movies_query(http_mock):
    """The service asks {base}/list_movies.json with the spec's four parameters."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM, match=[matchers.query_param_matcher(SEED_PARAMS)])
    torrents = YTSService().get_movie_torrents(payloads.SHAWSHANK)
    assert len(torrents) == 7


def test_base_url_comes_from_settings(settings):
    """YTSService.base_url is the first configured base URL."""
    settings.YTS_API_BASE_URL = "https://yts.lt/api/v2/, https://yts.mx/api/v2"
    assert YTSService().base_url == "https://yts.lt/api/v2"


def test_session_is_reused_between_services():
    """Two services share one pooled requests session."""
    assert YTSService().client.session is YTSService().client.session


def test_every_request_has_the_configured_timeout(http_mock, settings, monkeypatch):
    """The YTS_API_TIMEOUT is passed to requests on every call."""
    settings.YTS_API_TIMEOUT = 7
    seen = {}
    original = requests.Session.get

    def spy(self, url, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        return original(self, url, **kwargs)

    monkeypatch.setattr(requests.Session, "get", spy)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    YTSService().get_movie_torrents(payloads.SHAWSHANK)
    assert seen["timeout"] == 7


# --- quality filtering (spec's methods) -----------------------------------------------


def test_get_quality_torrents_defaults_to_720p_and_1080p(http_mock):
    """get_quality_torrents keeps only the YTS_DEFAULT_QUALITIES."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    torrents = YTSService().get_quality_torrents(payloads.SHAWSHANK)
    assert sorted(t["quality"] for t in torrents) == ["1080p", "1080p", "720p", "720p"]


def test_get_quality_torrents_takes_other_qualities(http_mock):
    """Passing qualities selects other resolutions, as in the spec's developer guide."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    torrents = YTSService().get_quality_torrents(payloads.SHAWSHANK, ["2160p", "3D"])
    assert {t["quality"] for t in torrents} == {"2160p", "3D"}


def test_filter_torrents_by_quality_is_a_plain_filter():
    """filter_torrents_by_quality keeps the order and drops other qualities."""
    torrents = [{"quality": "480p"}, {"quality": "1080p"}, {"quality": "720p"}]
    assert YTSService().filter_torrents_by_quality(torrents, ["720p", "1080p"]) == [
        {"quality": "1080p"},
        {"quality": "720p"},
    ]


def test_empty_imdb_id_gives_an_empty_list_without_a_request():
    """get_movie_torrents('') answers [] and asks nobody."""
    assert YTSService().get_movie_torrents("") == []


# --- seed point 2: the wrong film -------------------------------------------------------


def test_a_different_film_in_the_answer_is_not_ours():
    """A film whose imdb_code differs from the one asked gives no torrents."""
    assert parse(payloads.list_movies(payloads.movie(imdb_code="tt9999999"))) == []


def test_the_matching_film_is_picked_among_several():
    """When YTS answers several films, only the one with our IMDb id counts."""
    ours = payloads.movie(torrents=[payloads.torrent("720p")])
    other = payloads.movie(imdb_code="tt0000001", torrents=[payloads.torrent("2160p")])
    assert [t.quality for t in parse(payloads.list_movies(other, ours))] == ["720p"]


# --- seed point 5: untrusted, drifting data ---------------------------------------------


@pytest.mark.parametrize("movies", [None, [], "missing"])
def test_no_movies_means_no_such_film(movies):
    """data.movies missing, null or [] all mean YTS has no such film."""
    payload = payloads.NO_SUCH_FILM if movies == "missing" else payloads.with_movies(movies)
    assert parse(payload) == []


@pytest.mark.parametrize("torrents", [None, []])
def test_a_film_without_torrents_has_none(torrents):
    """A film with torrents null or [] gives an empty list."""
    payload = payloads.list_movies(payloads.movie(torrents=torrents))
    assert parse(payload) == []


def test_old_answers_without_type_and_codec_still_parse():
    """Torrents lacking type, video_codec and the newer fields parse with empty values."""
    raw = {"url": "https://yts.mx/torrent/download/X", "quality": "720p", "seeds": 3, "peers": 1, "size": "800 MB"}
    (torrent,) = parse(payloads.list_movies(payloads.movie(torrents=[raw])))
    assert (torrent.type, torrent.video_codec, torrent.bit_depth, torrent.is_repack) == ("", "", "", False)


def test_string_numbers_and_flags_are_coerced():
    """is_repack "1", bit_depth 10 and seeds "12" become the documented types."""
    raw = payloads.torrent(is_repack="1", bit_depth=10, seeds="12")
    (torrent,) = parse(payloads.list_movies(payloads.movie(torrents=[raw], rating=9)))
    assert (torrent.is_repack, torrent.bit_depth, torrent.seeds) == (True, "10", 12)


def test_only_documented_fields_are_kept():
    """Extra keys in a torrent are dropped."""
    raw = payloads.torrent(tracker_html="<script>alert(1)</script>", magnet="magnet:?xt=bad")
    (torrent,) = parse(payloads.list_movies(payloads.movie(torrents=[raw])))
    assert set(torrent.as_dict()) == {
        "url", "hash", "quality", "type", "video_codec", "bit_depth", "audio_channels", "is_repack",
        "seeds", "peers", "size", "size_bytes", "date_uploaded", "date_uploaded_unix",
    }  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://yts.mx/torrent/download/X",
        "https://evil.example/torrent/download/X",
        "https://yts.mx.evil.example/torrent/download/X",
        "https://user@yts.mx/torrent/download/X",
        None,
        42,
    ],
)
def test_download_links_that_are_not_https_on_an_allowed_host_are_dropped(url):
    """Only https links on an allowed host survive parsing."""
    payload = payloads.list_movies(payloads.movie(torrents=[payloads.torrent(url=url), payloads.torrent("720p")]))
    assert [t.quality for t in parse(payload)] == ["720p"]


@pytest.mark.parametrize(
    "url", ["https://yts.mx/torrent/download/ABC.torrent", "https://yts.mx/torrent/download/ABC?token=xyz"]
)
def test_download_links_ending_in_torrent_or_with_a_token_are_kept(url):
    """.torrent suffixes and ?token queries are valid YTS links."""
    (torrent,) = parse(payloads.list_movies(payloads.movie(torrents=[payloads.torrent(url=url)])))
    assert torrent.url == url


def test_number_of_torrents_is_capped():
    """No more than max_torrents torrents are kept."""
    many = [payloads.torrent(url=f"https://yts.mx/torrent/download/{i}") for i in range(80)]
    torrents = parse_list_movies(
        payloads.list_movies(payloads.movie(torrents=many)), payloads.SHAWSHANK, allowed_hosts=ALLOWED, max_torrents=50
    )
    assert len(torrents) == 50


def test_long_strings_are_capped():
    """An over-long size string is cut to the cap."""
    (torrent,) = parse(payloads.list_movies(payloads.movie(torrents=[payloads.torrent(size="9" * 5000)])))
    assert len(torrent.size) == 64


def test_an_invalid_info_hash_is_blanked():
    """A hash that is neither 40 hex nor 32 base32 characters is not kept."""
    (torrent,) = parse(payloads.list_movies(payloads.movie(torrents=[payloads.torrent(hash="not-a-hash")])))
    assert torrent.hash == ""


@pytest.mark.parametrize(
    "payload",
    [
        {"data": {"movies": []}},  # no status (a copycat site)
        {"status": "ok"},  # no data
        {"status": "error", "status_message": "Unknown query", "data": {}},
        {"status": "ok", "data": "nope"},
        payloads.with_movies("a string"),
        payloads.list_movies(payloads.movie(torrents="none")),
        payloads.list_movies(payloads.movie(torrents=["a string"])),
        payloads.list_movies(payloads.movie(torrents=[payloads.torrent(seeds=-1)])),
        payloads.list_movies(payloads.movie(torrents=[payloads.torrent(seeds="many")])),
        payloads.list_movies(payloads.movie(torrents=[payloads.torrent(quality=["1080p"])])),
        payloads.list_movies(payloads.movie(torrents=[payloads.torrent(is_repack="maybe")])),
        [],
        "ok",
    ],
)
def test_answers_not_in_the_documented_shape_are_bad_responses(payload):
    """Wrong shapes and wrong field types raise YTSBadResponse, not another exception."""
    with pytest.raises(YTSBadResponse):
        parse(payload)


# --- failures through the HTTP layer (seed point 1) -------------------------------------


def fetch():
    return YTSService().fetch_torrents(payloads.SHAWSHANK)


@pytest.mark.parametrize(
    ("registration", "error"),
    [
        ({"body": requests.Timeout("read timed out")}, YTSUnavailable),
        ({"body": requests.ConnectionError("refused")}, YTSUnavailable),
        ({"status": 500, "json": {}}, YTSUnavailable),
        ({"status": 503, "body": "down"}, YTSUnavailable),
        ({"status": 403, "body": "<html>Cloudflare</html>", "content_type": "text/html"}, YTSUnavailable),
        ({"body": "<!DOCTYPE html><html>Just a moment...</html>", "content_type": "text/html"}, YTSBadResponse),
        ({"body": '{"status": "ok", "data": {"movies": [', "content_type": "application/json"}, YTSBadResponse),
        ({"status": 200, "json": {"status": "error", "status_message": "Boom", "data": {}}}, YTSBadResponse),
        ({"status": 301, "headers": {"Location": "https://yts-copycat.example/api"}}, YTSUnavailable),
    ],
)  # fmt: skip
def test_fetch_failures_raise_typed_errors(http_mock, registration, error):
    """Timeouts, errors, HTML, truncated JSON, error statuses and redirects raise a YTSError subclass."""
    http_mock.get(YTS_LIST_URL, **registration)
    with pytest.raises(error):
        fetch()


def test_seed_contract_turns_failures_into_an_empty_list(http_mock):
    """get_movie_torrents still answers [] on failure, for shell use."""
    http_mock.get(YTS_LIST_URL, status=500)
    assert YTSService().get_movie_torrents(payloads.SHAWSHANK) == []


def test_a_body_over_the_declared_size_cap_is_refused(http_mock, settings):
    """A Content-Length over YTS_MAX_RESPONSE_BYTES is refused."""
    settings.YTS_MAX_RESPONSE_BYTES = 1000
    http_mock.get(YTS_LIST_URL, body="x" * 5000)
    with pytest.raises(YTSBadResponse, match="cap"):
        fetch()


def test_a_streamed_body_over_the_cap_is_refused(http_mock, settings):
    """A body with no Content-Length is cut off at the cap."""
    settings.YTS_MAX_RESPONSE_BYTES = 1000
    http_mock.get(YTS_LIST_URL, body=b"x" * 5000, auto_calculate_content_length=False)
    with pytest.raises(YTSBadResponse, match="cap"):
        fetch()


# --- seed point 7: retries ---------------------------------------------------------------


def test_a_5xx_is_retried_up_to_max_retries(http_mock, settings):
    """With YTS_MAX_RETRIES=2, two 503s then a 200 give the torrents."""
    settings.YTS_MAX_RETRIES = 2
    http_mock.get(YTS_LIST_URL, status=503)
    http_mock.get(YTS_LIST_URL, status=503)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert len(fetch()) == 7


def test_a_429_is_retried(http_mock, settings):
    """A 429 with Retry-After is retried, and the second answer is used."""
    settings.YTS_MAX_RETRIES = 1
    http_mock.get(YTS_LIST_URL, status=429, headers={"Retry-After": "0"})
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert len(fetch()) == 7


def test_retries_give_up_with_a_failure(http_mock, settings):
    """After YTS_MAX_RETRIES failed retries the fetch fails."""
    settings.YTS_MAX_RETRIES = 1
    http_mock.get(YTS_LIST_URL, status=500)
    http_mock.get(YTS_LIST_URL, status=500)
    with pytest.raises(YTSUnavailable, match="HTTP 500"):
        fetch()


def test_retry_after_is_capped():
    """A Retry-After of an hour waits at most the cap."""
    retry = shared_client(YTSClient).session.get_adapter("https://yts.mx").max_retries
    response = type("R", (), {"headers": {"Retry-After": "3600"}})()
    assert retry.get_retry_after(response) <= 10


# --- seed point 8: mirrors ----------------------------------------------------------------


def test_the_next_mirror_is_tried_when_one_fails(http_mock, settings):
    """With two base URLs, a failure of the first falls through to the second."""
    settings.YTS_API_BASE_URL = "https://yts.mx/api/v2,https://yts.lt/api/v2"
    http_mock.get(YTS_LIST_URL, body=requests.ConnectionError("gone"))
    http_mock.get("https://yts.lt/api/v2/list_movies.json", json=payloads.FULL_FILM)
    assert len(fetch()) == 7


def test_all_mirrors_failing_raises_the_last_error(http_mock, settings):
    """When every mirror fails the fetch fails with the last reason."""
    settings.YTS_API_BASE_URL = "https://yts.mx/api/v2,https://yts.lt/api/v2"
    http_mock.get(YTS_LIST_URL, status=500)
    http_mock.get("https://yts.lt/api/v2/list_movies.json", body="<html></html>")
    with pytest.raises(YTSBadResponse, match="HTML"):
        fetch()


def test_a_mirrors_own_host_is_allowed_for_download_links(http_mock, settings):
    """Download links on a configured mirror's host are kept."""
    settings.YTS_API_BASE_URL = "https://yts.example-mirror.org/api/v2"
    payload = payloads.list_movies(
        payloads.movie(torrents=[payloads.torrent(url="https://yts.example-mirror.org/torrent/download/A")])
    )
    http_mock.get("https://yts.example-mirror.org/api/v2/list_movies.json", json=payload)
    assert len(fetch()) == 1


# --- seed point 6: https only -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://yts.mx/api/v2", True),
        ("http://127.0.0.1:8001/api/v2", True),
        ("http://localhost/api/v2", True),
        ("http://[::1]:9000/api/v2", True),
        ("http://yts.mx/api/v2", False),
        ("ftp://yts.mx/api/v2", False),
        ("yts.mx/api/v2", False),
    ],
)
def test_base_urls_must_be_https_or_loopback(url, ok):
    """Only https, or http on a loopback host, is accepted as a base URL."""
    assert (base_url_problem(url) == "") is ok


# --- the cache in front of the client (seed point 3 is in test_models) ------------------


def test_a_second_call_is_served_from_the_cache(http_mock):
    """Within YTS_CACHE_TIMEOUT the second call does not reach the network."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    first = fetch()
    assert fetch() == first
    assert len(http_mock.calls) == 1


def test_a_failure_is_not_cached(http_mock):
    """After a failed fetch, the next call asks YTS again."""
    http_mock.get(YTS_LIST_URL, status=500)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    with pytest.raises(YTSUnavailable):
        fetch()
    assert len(fetch()) == 7


def test_use_cache_false_bypasses_and_then_updates_the_cache(http_mock):
    """fetch_torrents(use_cache=False) asks YTS and stores the fresh answer for later calls."""
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert fetch() == []
    assert len(YTSService().fetch_torrents(payloads.SHAWSHANK, use_cache=False)) == 7
    assert len(fetch()) == 7
    assert len(http_mock.calls) == 2


@pytest.mark.parametrize(("payload", "hours"), [(payloads.FULL_FILM, 6), (payloads.NO_SUCH_FILM, 1)])
def test_cache_lifetimes(http_mock, payload, hours, monkeypatch):
    """A non-empty answer is cached for 6 h, an empty one for 1 h."""
    timeouts = []
    from tracker.services import yts

    monkeypatch.setattr(yts.cache, "set", lambda key, value, timeout: timeouts.append(timeout))
    http_mock.get(YTS_LIST_URL, json=payload)
    fetch()
    assert timeouts == [hours * 3600]


def test_shawshank_payload_is_parsed_into_the_documented_fields():
    """The spec's example torrent parses into its typed fields."""
    (torrent,) = parse(payloads.list_movies(payloads.movie()))
    assert torrent.as_dict() == {
        "url": "https://yts.mx/torrent/download/1080pblurayx264",
        "hash": payloads.HASH_1080,
        "quality": "1080p",
        "type": "bluray",
        "video_codec": "x264",
        "bit_depth": "8",
        "audio_channels": "2.0",
        "is_repack": False,
        "seeds": 150,
        "peers": 10,
        "size": "2.1 GB",
        "size_bytes": 2254857830,
        "date_uploaded": "2023-01-15 12:00:00",
        "date_uploaded_unix": 1673784000,
    }


def test_gzip_bodies_are_decoded(http_mock):
    """A gzip-encoded answer is decompressed before parsing."""
    import gzip
    import json

    body = gzip.compress(json.dumps(payloads.FULL_FILM).encode())
    http_mock.get(YTS_LIST_URL, body=body, headers={"Content-Encoding": "gzip"}, content_type="application/json")
    assert len(fetch()) == 7
