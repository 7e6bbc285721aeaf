"""Hostile input: any JSON from YTS or TMDB, and stored-XSS attempts in every string we render."""

import contextlib
import json
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.collection_io import cells
from tracker.forms import DVDForm
from tracker.models import DVD
from tracker.services import parse_list_movies
from tracker.services.tmdb import TITLE_CAP, TMDBError, parse_external_ids, parse_movie, parse_search
from tracker.services.yts import STRING_CAP, YTSError
from tracker.tests import payloads, tmdb_payloads
from tracker.tests.collector.test_export import restore
from tracker.tests.factories import DVDFactory
from tracker.torrent_links import URL_CAP
from tracker.validators import validate_barcode, validate_imdb_id

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


# --- identifiers: ASCII digits only, and nothing after the last one --------------------------------

ASCII_DIGITS = frozenset("0123456789")
# Arabic-Indic, Devanagari, full-width… digits are digits to str.isdigit() and to a regex's \d.
any_digit = st.sampled_from("0123456789") | st.characters(categories=["Nd"], exclude_characters="0123456789")
tails = st.sampled_from(["", "\n", "\r\n", " ", "\x00"])


def near_misses(prefixes, min_digits, max_digits):
    """Identifiers that are right but for a digit from another script, a length or something after the end."""
    digits = st.text(alphabet=any_digit, min_size=min_digits - 1, max_size=max_digits + 1)
    return st.builds(lambda prefix, body, tail: prefix + body + tail, st.sampled_from(prefixes), digits, tails)


def accepts(validator, value):
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@given(value=near_misses(["tt", "TT", ""], 7, 10) | st.text(max_size=20))
def test_an_imdb_id_is_tt_and_7_to_10_ascii_digits_exactly(value):
    """validate_imdb_id takes "tt" and 7–10 ASCII digits, nothing before or after, no other script's digits."""
    digits = value[2:]
    expected = value.startswith("tt") and 7 <= len(digits) <= 10 and set(digits) <= ASCII_DIGITS
    assert accepts(validate_imdb_id, value) == expected


@given(value=near_misses([""], 8, 14) | st.text(max_size=20))
def test_a_barcode_is_8_to_14_ascii_digits_exactly(value):
    """validate_barcode takes 8–14 ASCII digits and nothing else, not even a trailing newline."""
    assert accepts(validate_barcode, value) == (8 <= len(value) <= 14 and set(value) <= ASCII_DIGITS)


BAD_IDENTIFIERS = [
    ("imdb_id", "tt0111161\n"),
    ("imdb_id", "tt٠١١١١٦١"),
    ("imdb_id", "tt０１１１１６１"),
    ("barcode", "7321900011236\n"),
    ("barcode", "٧٣٢١٩٠٠٠١١٢٣٦"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), BAD_IDENTIFIERS)
def test_the_model_refuses_a_trailing_newline_or_other_digits(user, field, value):
    """full_clean refuses an IMDb id or barcode with a newline after it or non-ASCII digits in it."""
    dvd = DVDFactory.build(owner=user, **{field: value})
    with pytest.raises(ValidationError) as refused:
        dvd.full_clean()
    assert list(refused.value.message_dict) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [(f, v) for f, v in BAD_IDENTIFIERS if not v.endswith("\n")])
def test_the_form_refuses_other_scripts_digits(user, field, value):
    """The add form refuses an IMDb id or barcode written in Arabic-Indic or full-width digits, and saves nothing."""
    data = {"name": "Heat", "disk_type": "dvd", "media_type": "physical", "status": "kept", field: value}
    form = DVDForm(data, owner=user)
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), BAD_IDENTIFIERS)
def test_a_json_backup_cannot_store_a_trailing_newline_or_other_digits(user, field, value):
    """A backup entry with such an id is a row error; the rest of the backup is restored."""
    entries = [
        {"name": "Good", field: "tt0111161" if field == "imdb_id" else "7321900011236"},
        {"name": "Bad", field: value},
    ]
    job = restore(user, json.dumps({"format": "dvd-collection-tracker-backup", "version": 1, "dvds": entries}))
    assert {row.line: row.outcome for row in job.rows.all()} == {1: "created", 2: "error"}
    assert list(DVD.objects.values_list("name", flat=True)) == ["Good"]


@pytest.mark.parametrize("cell", ["tt٠١١١١٦١", "٠١١١١٦١", "²", "tt0111161٣"])
def test_a_csv_imdb_cell_in_other_digits_is_a_problem_not_a_crash(cell):
    """A CSV IMDb id cell with non-ASCII digits (or a superscript, which int() refuses) is reported on its row."""
    assert cells.parse_imdb_id(cell).problem


@pytest.mark.parametrize(
    ("parse", "cell"),
    [
        (cells.parse_tmdb_id, "²⁷²⁰⁵"),
        (cells.parse_tmdb_id, "٢٧٢٠٥"),
        (cells.parse_year, "١٩٩٩"),
        (cells.parse_runtime, "١٤٢"),
        (cells.parse_barcode, "٧٣٢١٩٠٠٠١١٢٣٦"),
        (cells.parse_barcode, "²" * 8),
    ],
)
def test_csv_numbers_in_other_digits_are_reported(parse, cell):
    """TMDB ids, years, runtimes and barcodes in other scripts' digits are a problem or a warning, not a value."""
    parsed = parse(cell)
    assert parsed.value is None
    assert parsed.problem or parsed.warning
