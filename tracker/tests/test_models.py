from datetime import timedelta

import pytest
import requests
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


# --- validation and constraints ---------------------------------------------------------


@pytest.mark.parametrize("imdb_id", ["tt123456", "tt12345678901", "nm0000123", "0111161", "tt0111161 "])
def test_malformed_imdb_ids_are_invalid(user, imdb_id):
    """An IMDb id must be tt followed by 7 to 10 digits."""
    with pytest.raises(ValidationError) as info:
        DVD(owner=user, name="X", imdb_id=imdb_id).full_clean()
    assert "imdb_id" in info.value.message_dict


def test_a_year_beyond_next_year_is_invalid(user):
    """release_year may be at most next year."""
    next_year = timezone.now().year + 1
    DVD(owner=user, name="Upcoming", release_year=next_year).full_clean()
    with pytest.raises(ValidationError, match="at most"):
        DVD(owner=user, name="Too far", release_year=next_year + 1).full_clean()


def test_a_year_before_cinema_is_invalid(user):
    """release_year may not be before 1888."""
    with pytest.raises(ValidationError):
        DVD(owner=user, name="Too early", release_year=1887).full_clean()


@pytest.mark.parametrize(
    "values",
    [
        {"disk_type": "vhs"},
        {"media_type": "stream"},
        {"status": "lost"},
        {"release_year": 1500},
        {"runtime": 0},
        {"tmdb_id": 0},
    ],
)
def test_database_refuses_rows_that_break_the_rules(user, values):
    """CHECK constraints hold even for code that skips validation."""
    with pytest.raises(IntegrityError):
        DVD.objects.create(owner=user, name="X", **values)


def test_an_owner_may_keep_several_copies_of_one_tmdb_film(user):
    """Two DVDs of one owner with the same TMDB id are two copies of the film, both stored."""
    DVD.objects.create(owner=user, name="A", tmdb_id=278)
    DVD.objects.create(owner=user, name="A", tmdb_id=278, disk_type=DVD.DiskType.BLURAY)
    assert DVD.objects.filter(owner=user, tmdb_id=278).count() == 2


def test_for_user_returns_only_the_owners_dvds(user, other_user):
    """DVD.objects.for_user scopes to one collection."""
    mine = DVDFactory(owner=user)
    DVDFactory(owner=other_user)
    assert list(DVD.objects.for_user(user)) == [mine]


def test_poster_is_only_shown_from_tmdbs_image_host(user):
    """safe_poster_url is empty for any URL that is not on image.tmdb.org."""
    assert DVD(poster_url="https://image.tmdb.org/t/p/w342/a.jpg").safe_poster_url.endswith("a.jpg")
    assert DVD(poster_url="https://tracker.example/pixel.gif").safe_poster_url == ""


# --- the spec's YTS methods -------------------------------------------------------------


def test_get_cached_torrents_returns_stored_list_or_empty():
    """get_cached_torrents gives the stored list, and [] for null or non-list data."""
    assert DVD(yts_data=[{"quality": "720p"}]).get_cached_torrents() == [{"quality": "720p"}]
    assert DVD(yts_data=None).get_cached_torrents() == []
    assert DVD(yts_data={"quality": "720p"}).get_cached_torrents() == []


def test_is_yts_data_fresh_uses_24_hours_by_default():
    """Data is fresh for YTS_MAX_DATA_AGE_HOURS (24) and stale after."""
    now = timezone.now()
    assert DVD(yts_last_updated=now - timedelta(hours=23)).is_yts_data_fresh()
    assert not DVD(yts_last_updated=now - timedelta(hours=25)).is_yts_data_fresh()
    assert not DVD(yts_last_updated=None).is_yts_data_fresh()
    assert DVD(yts_last_updated=now - timedelta(hours=40)).is_yts_data_fresh(max_age_hours=48)


def test_is_yts_data_fresh_default_follows_the_setting(settings):
    """YTS_MAX_DATA_AGE_HOURS changes the default age."""
    settings.YTS_MAX_DATA_AGE_HOURS = 2
    assert not DVD(yts_last_updated=timezone.now() - timedelta(hours=3)).is_yts_data_fresh()


def test_refresh_stores_the_default_qualities(dvd, http_mock):
    """refresh_yts_data stores the 720p/1080p torrents and stamps the time."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert dvd.refresh_yts_data() is True
    dvd.refresh_from_db()
    assert len(dvd.yts_data) == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT
    assert dvd.yts_torrent_count == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT
    assert dvd.yts_last_updated is not None
    assert not dvd.last_refresh_failed


def test_refresh_without_imdb_id_returns_false(user):
    """A DVD without an IMDb id is not refreshed."""
    dvd = DVDFactory(owner=user, imdb_id="")
    assert dvd.refresh_yts_data() is False


def test_an_empty_answer_is_stored_as_no_torrents(dvd, http_mock):
    """YTS answering 'no such film' is a success with no torrents."""
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    assert dvd.refresh_yts_data() is True
    dvd.refresh_from_db()
    assert dvd.yts_data == []
    assert dvd.yts_last_updated is not None


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.Timeout("timed out")},
        {"status": 500},
        {"body": "<html>Cloudflare</html>", "content_type": "text/html"},
        {"json": {"status": "error", "status_message": "Gone", "data": {}}},
    ],
)
def test_a_failed_refresh_keeps_good_data(dvd, http_mock, failure):
    """Seed point 1: a failure keeps the torrents and their timestamp, and records why."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    http_mock.get(YTS_LIST_URL, **failure)
    dvd.refresh_yts_data()
    dvd.refresh_from_db()
    good_data, good_time = dvd.yts_data, dvd.yts_last_updated

    assert dvd.refresh_yts_data(force=True) is False
    dvd.refresh_from_db()
    assert (dvd.yts_data, dvd.yts_last_updated) == (good_data, good_time)
    assert dvd.last_refresh_failed
    assert dvd.yts_last_error


def test_a_success_after_a_failure_clears_the_failure(dvd, http_mock):
    """The failure note disappears once a refresh succeeds."""
    http_mock.get(YTS_LIST_URL, status=500)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    dvd.refresh_yts_data()
    assert dvd.last_refresh_failed
    dvd.refresh_yts_data()
    dvd.refresh_from_db()
    assert not dvd.last_refresh_failed
    assert dvd.yts_last_error == ""


def test_force_bypasses_the_cache(dvd, http_mock):
    """Seed point 3: a forced refresh asks YTS even within the cache's 6 hours."""
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    dvd.refresh_yts_data()
    dvd.refresh_yts_data(force=True)
    assert dvd.yts_torrent_count == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT


def test_refresh_updates_every_dvd_of_the_same_film(dvd, other_user, http_mock):
    """DVDs of several users that share an IMDb id are updated from one answer."""
    twin = DVDFactory(owner=other_user, imdb_id=dvd.imdb_id)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    dvd.refresh_yts_data()
    twin.refresh_from_db()
    assert twin.yts_torrent_count == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT


def test_refresh_does_not_overwrite_an_edit_made_meanwhile(dvd, http_mock):
    """A refresh writes only its own columns, so a concurrent edit survives."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    DVD.objects.filter(pk=dvd.pk).update(notes="edited elsewhere", name="Renamed")
    dvd.refresh_yts_data()  # the in-memory dvd still has the old name and notes
    dvd.refresh_from_db()
    assert (dvd.name, dvd.notes) == ("Renamed", "edited elsewhere")


def test_refresh_does_not_touch_updated_at(dvd, http_mock):
    """Fetching torrents is not an edit of the DVD."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    before = dvd.updated_at
    dvd.refresh_yts_data()
    dvd.refresh_from_db()
    assert dvd.updated_at == before


def test_has_torrents_uses_stored_data_first(dvd):
    """has_torrents answers from stored torrents without a request."""
    dvd.yts_data = [payloads.torrent()]
    assert dvd.has_torrents()


def test_has_torrents_asks_yts_when_stale(dvd, http_mock):
    """has_torrents keeps the seed's logic: stale and empty asks YTS."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert dvd.has_torrents()


def test_has_torrents_is_false_without_imdb_id_or_when_fresh_and_empty(user):
    """No IMDb id, or fresh empty data, means no torrents without a request."""
    assert not DVDFactory(owner=user, imdb_id="").has_torrents()
    assert not DVDFactory(owner=user, yts_data=[], yts_last_updated=timezone.now()).has_torrents()


def test_refresh_slot_is_given_once_per_interval(dvd, settings):
    """claim_refresh_slot answers True once per YTS_REFRESH_MIN_INTERVAL seconds."""
    # Local memory, whose expiry follows the travelled clock; test_redis checks Redis's TTL.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.YTS_REFRESH_MIN_INTERVAL = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert dvd.claim_refresh_slot()
        assert not dvd.claim_refresh_slot()
        traveller.shift(31)
        assert dvd.claim_refresh_slot()


@pytest.mark.parametrize(
    "values",
    [
        {"disk_type": "vhs"},
        {"media_type": "stream"},
        {"status": "lost"},
        {"release_year": 1500},
        {"runtime": 0},
        {"tmdb_id": 0},
        {"purchase_price": -1},
        {"condition": "scratched"},
        {"disc_count": 0},
    ],
)
def test_validation_refuses_what_the_check_constraints_refuse_without_asking_the_database(user, values):
    """Each CHECK rule is also a field validator, so a form names the field without a query per constraint."""
    dvd = DVD(owner=user, name="X", **values)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as info:
        dvd.full_clean()
    assert set(values) <= set(info.value.message_dict)
    assert not [q for q in queries.captured_queries if "_check" in q["sql"]]
