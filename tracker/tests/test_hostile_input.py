"""Hostile input: any JSON from YTS or TMDB, and stored-XSS attempts in every string we render."""

import contextlib
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.models import DVD
from tracker.services import parse_list_movies
from tracker.services.tmdb import TITLE_CAP, TMDBError, parse_external_ids, parse_movie, parse_search
from tracker.services.yts import STRING_CAP, URL_CAP, YTSError
from tracker.tests import payloads, tmdb_payloads
from tracker.tests.factories import DVDFactory

ALLOWED = frozenset({"yts.mx"})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
hostile_text = st.sampled_from(
    [
        "javascript:alert(1)",
        "https://evil.example/x",
        "http://yts.mx/x",
        "https://yts.mx/torrent/download/ok",
        "data:text/html,<b>",
        "x" * 5000,
        "",
    ]
) | st.text(max_size=600)


def replace_at(document, path, value):
    """A deep copy of `document` with the value at `path` (a list of keys/indexes) replaced."""
    if not path:
        return value
    head, *rest = path
    copy = list(document) if isinstance(document, list) else dict(document)
    copy[head] = replace_at(document[head], rest, value)
    return copy


def paths(document, prefix=()):
    yield list(prefix)
    items = (
        enumerate(document) if isinstance(document, list) else document.items() if isinstance(document, dict) else []
    )
    for key, child in items:
        yield from paths(child, (*prefix, key))


YTS_PATHS = list(paths(payloads.FULL_FILM))
TMDB_PATHS = list(paths(tmdb_payloads.movie()))


def check_torrents(torrents):
    for torrent in torrents:
        parts = urlsplit(torrent.url)
        assert parts.scheme == "https"
        assert parts.hostname in ALLOWED
        assert len(torrent.url) <= URL_CAP
        for field in ("quality", "type", "video_codec", "bit_depth", "audio_channels", "size", "date_uploaded"):
            assert isinstance(getattr(torrent, field), str)
            assert len(getattr(torrent, field)) <= STRING_CAP
        assert all(isinstance(getattr(torrent, f), int) and getattr(torrent, f) >= 0 for f in ("seeds", "peers"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(YTS_PATHS), value=json_values | hostile_text)
def test_yts_parser_gives_a_clean_result_or_a_typed_failure(path, value):
    """Any JSON value at any position of a YTS answer parses cleanly or raises YTSError, never anything else."""
    try:
        torrents = parse_list_movies(
            replace_at(payloads.FULL_FILM, path, value), payloads.SHAWSHANK, allowed_hosts=ALLOWED, max_torrents=50
        )
    except YTSError:
        return
    check_torrents(torrents)


@settings(max_examples=200)
@given(document=json_values)
def test_yts_parser_survives_any_document(document):
    """A whole answer of any JSON shape is a clean result or a YTSError."""
    with contextlib.suppress(YTSError):
        check_torrents(parse_list_movies(document, payloads.SHAWSHANK, allowed_hosts=ALLOWED, max_torrents=50))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(TMDB_PATHS), value=json_values | hostile_text)
def test_tmdb_parsers_give_a_clean_result_or_a_typed_failure(path, value):
    """Any JSON value at any position of a TMDB film parses cleanly (capped, safe poster) or raises TMDBError."""
    document = replace_at(tmdb_payloads.movie(), path, value)
    try:
        details = parse_movie(document)
    except TMDBError:
        return
    assert len(details.title) <= TITLE_CAP
    assert details.poster_url == "" or details.poster_url.startswith("https://image.tmdb.org/t/p/")
    assert details.imdb_id == "" or details.imdb_id.startswith("tt")


@settings(max_examples=200)
@given(document=json_values)
def test_tmdb_search_and_external_ids_survive_any_document(document):
    """Search and external-id answers of any shape are clean results or TMDBErrors."""
    for parse in (parse_search, parse_external_ids):
        with contextlib.suppress(TMDBError):
            parse(document)


# --- stored XSS ----------------------------------------------------------------------------------

XSS = [
    "<script>alert('x')</script>",
    '"onmouseover="alert(1)',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]
TEXT_FIELDS = ["name", "storage_box", "box_set_name", "overview", "genres", "director", "notes"]


def assert_inert(html):
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'onmouseover="alert' not in html
    assert 'href="javascript:' not in html
    assert 'src="javascript:' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("attack", XSS)
def test_attacks_in_every_dvd_text_field_render_inert(signed_in, user, attack):
    """Every text field of a DVD, on the list, detail and edit pages, is escaped."""
    dvd = DVDFactory(owner=user, poster_url="javascript:alert(1)", **{field: attack for field in TEXT_FIELDS})
    for url in (reverse("dvd_list"), dvd.get_absolute_url(), reverse("dvd_edit", args=[dvd.pk])):
        assert_inert(signed_in.get(url).content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("attack", XSS)
def test_attacks_in_stored_torrent_fields_render_inert(signed_in, user, attack):
    """Torrent strings stored before validation existed (or edited in the database) are still escaped."""
    torrent = {field: attack for field in ("quality", "type", "video_codec", "size", "url")}
    dvd = DVDFactory(owner=user, yts_data=[torrent], yts_torrent_count=1)
    assert_inert(signed_in.get(dvd.get_absolute_url()).content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("attack", XSS)
def test_attacks_in_yts_answers_never_reach_the_page(signed_in, dvd, http_mock, attack):
    """A YTS answer full of script is parsed, stored and shown inert, with hostile links dropped."""
    from tracker.tests.conftest import YTS_LIST_URL

    raw = payloads.torrent(quality="1080p", type_=attack, codec=attack, size=attack, url="https://yts.mx/t/" + attack)
    evil = payloads.torrent(url=attack)
    http_mock.get(YTS_LIST_URL, json=payloads.list_movies(payloads.movie(torrents=[raw, evil])))
    signed_in.post(reverse("refresh_yts_data", args=[dvd.pk]))
    assert_inert(signed_in.get(dvd.get_absolute_url()).content.decode())
    assert DVD.objects.get(pk=dvd.pk).yts_torrent_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("attack", XSS)
def test_attacks_in_tmdb_answers_render_inert(signed_in, http_mock, settings, attack):
    """Hostile TMDB titles and posters in the add page's search render inert."""
    settings.TMDB_API_KEY = "k"
    settings.TMDB_API_BASE_URL = tmdb_payloads.TMDB_BASE
    http_mock.get(
        f"{tmdb_payloads.TMDB_BASE}/search/movie",
        json=tmdb_payloads.search({"id": 5, "title": attack, "release_date": "2001-01-01", "poster_path": attack}),
    )
    assert_inert(signed_in.get(reverse("dvd_add"), {"tmdb_q": "x"}).content.decode())
