"""Events recorded by the one refresh path: once per person, film and kind, whatever refreshes them."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.db import connection, connections
from django.utils import timezone

from alerts import events
from alerts.models import Kind, Notification
from alerts.tests.helpers import fetched_before, outcome, refreshed, stored
from tracker import refresh
from tracker.models import DVD
from tracker.services.yts import YTSUnavailable
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db
ALIEN = "tt0078748"


def alerts_of(user):
    return list(Notification.objects.for_user(user).values_list("kind", "quality"))


def test_a_2160p_release_of_a_film_owned_on_dvd_is_an_upgrade(user):
    """Alien on DVD (480p): a refresh that finds a 2160p release records one upgrade alert naming it."""
    alien = DVDFactory(owner=user, name="Alien", release_year=1979, imdb_id=ALIEN, disk_type="dvd")
    fetched_before(ALIEN, "720p", "1080p")
    assert refreshed(ALIEN, "720p", "1080p", "2160p") == {ALIEN: "unchanged"}  # the stored 720p/1080p are the same
    [alert] = Notification.objects.for_user(user)
    assert (alert.kind, alert.quality, alert.dvd_id, alert.imdb_id) == (Kind.UPGRADE, "2160p", alien.pk, ALIEN)
    assert alert.text == "Alien (1979) now has a 2160p release on YTS; your copy is 480p."


def test_the_qualities_listed_are_stored_beside_the_default_ones_for_every_copy(user, other_user):
    """yts_data keeps the default qualities; every copy of the film gets the qualities listed and the best torrents."""
    mine = DVDFactory(owner=user, imdb_id=ALIEN)
    theirs = DVDFactory(owner=other_user, imdb_id=ALIEN)
    refreshed(ALIEN, "480p", "720p", "2160p", "2160p", "3D")
    for dvd in (stored(mine), stored(theirs)):
        assert [t["quality"] for t in dvd.yts_data] == ["720p"]
        assert dvd.yts_qualities == ["2160p", "720p", "480p", "3D"]
        assert dvd.yts_best_quality == 2160
        assert [t["seeds"] for t in dvd.yts_best_torrents] == [103, 102]  # most seeded first


def test_a_copy_that_already_gives_the_best_quality_gets_no_upgrade(user):
    """A 4K UHD copy hears nothing of a 2160p release; a Blu-ray copy (1080p) hears nothing of 1080p."""
    DVDFactory(owner=user, imdb_id=ALIEN, disk_type="4k_uhd")
    DVDFactory(owner=user, imdb_id="tt0000002", disk_type="bluray")
    fetched_before(ALIEN, "720p")
    fetched_before("tt0000002", "720p")
    refreshed(ALIEN, "720p", "2160p")
    refreshed("tt0000002", "720p", "1080p")
    assert alerts_of(user) == []


def test_the_quality_set_on_a_copy_overrides_its_format(user):
    """A DVD marked as 1080p (an upscale) hears of 2160p, not of 1080p."""
    DVDFactory(owner=user, imdb_id=ALIEN, disk_type="dvd", owned_quality=1080)
    fetched_before(ALIEN, "720p")
    refreshed(ALIEN, "720p", "1080p")
    assert alerts_of(user) == []
    refreshed(ALIEN, "720p", "1080p", "2160p")
    assert alerts_of(user) == [(Kind.UPGRADE, "2160p")]


def test_torrents_appearing_for_a_film_that_had_none(user):
    """A film YTS listed nothing for gets torrents: 'torrents appeared' (a 4K copy has no upgrade to hear of)."""
    DVDFactory(owner=user, name="Rare", release_year=None, imdb_id=ALIEN, disk_type="4k_uhd")
    fetched_before(ALIEN)
    refreshed(ALIEN, "720p")
    [alert] = Notification.objects.for_user(user)
    assert (alert.kind, alert.text) == (Kind.AVAILABLE, "Rare has torrents on YTS now (best: 720p).")


def test_a_wishlist_film_becoming_available(user):
    """A film on the wish list that had no torrents gets some: one wish-list alert."""
    DVDFactory(owner=user, name="Wanted", release_year=2001, imdb_id=ALIEN, status="wishlist")
    fetched_before(ALIEN)
    refreshed(ALIEN, "1080p", "2160p")
    [alert] = Notification.objects.for_user(user)
    assert (alert.kind, alert.text) == (Kind.WISHLIST, "Wanted (2001), on your wish list, is now on YTS (best: 2160p).")


def test_a_disposed_copy_hears_nothing(user):
    """A copy given away is no longer the person's film."""
    DVDFactory(owner=user, imdb_id=ALIEN, status="disposed")
    fetched_before(ALIEN, "720p")
    refreshed(ALIEN, "720p", "2160p")
    assert alerts_of(user) == []


def test_each_person_with_the_film_hears_once_about_their_best_copy(user, other_user):
    """Two copies (DVD and Blu-ray) of one film give one alert, about the Blu-ray; another owner gets their own."""
    DVDFactory(owner=user, imdb_id=ALIEN, disk_type="dvd")
    blu_ray = DVDFactory(owner=user, imdb_id=ALIEN, disk_type="bluray")
    DVDFactory(owner=other_user, imdb_id=ALIEN, disk_type="dvd")
    fetched_before(ALIEN, "720p", "1080p")
    refreshed(ALIEN, "720p", "1080p", "2160p")
    assert list(Notification.objects.for_user(user).values_list("dvd_id", "kind")) == [(blu_ray.pk, Kind.UPGRADE)]
    assert alerts_of(other_user) == [(Kind.UPGRADE, "2160p")]


def test_a_first_fetch_records_nothing(user):
    """A film fetched for the first time (or first since qualities are kept) is no news: the Upgrades page shows it."""
    DVDFactory(owner=user, imdb_id=ALIEN)
    refreshed(ALIEN, "720p", "2160p")
    assert alerts_of(user) == []
    assert stored(DVD.objects.get(imdb_id=ALIEN)).yts_best_quality == 2160


def test_a_failed_or_unchanged_refresh_records_nothing(user):
    """A failure keeps the stored qualities and records nothing; the same qualities again record nothing."""
    dvd = DVDFactory(owner=user, imdb_id=ALIEN)
    fetched_before(ALIEN, "720p")
    changes = refresh.store([refresh.Fetched(ALIEN, timezone.now(), YTSUnavailable("YTS answered 503"))])
    assert changes == {ALIEN: "failed"}
    assert stored(dvd).yts_qualities == ["720p"]
    refreshed(ALIEN, "720p")
    assert alerts_of(user) == []


def test_a_late_outcome_that_was_not_written_records_nothing(user):
    """An answer older than the stored one is not written, so it is not news either."""
    DVDFactory(owner=user, imdb_id=ALIEN)
    fetched_before(ALIEN, "720p", age=timedelta(minutes=1))
    refresh.store([outcome(ALIEN, "720p", "2160p", started=timezone.now() - timedelta(hours=1))])
    assert alerts_of(user) == []


def test_refreshing_again_never_records_an_event_twice(user):
    """Re-running a batch (the same before and after stored again) records each event once."""
    DVDFactory(owner=user, imdb_id=ALIEN)
    fetched_before(ALIEN, "720p")
    before = DVD.objects.filter(imdb_id=ALIEN).values(*events.BEFORE_FIELDS)
    rows = list(before)
    for _ in range(3):
        fetched = outcome(ALIEN, "720p", "2160p")
        DVD.objects.store_yts_outcomes([fetched])
        events.record(rows, [fetched])
    assert alerts_of(user) == [(Kind.UPGRADE, "2160p")]


def test_every_refresh_path_records_events(signed_in, user, http_mock):
    """The Refresh button, which stores through tracker.refresh like every other path, records the upgrade."""
    dvd = DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    fetched_before(payloads.SHAWSHANK, "720p", "1080p")
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    response = signed_in.post(f"/dvd/{dvd.pk}/refresh-yts/")
    assert response.status_code == 200
    assert alerts_of(user) == [(Kind.UPGRADE, "2160p")]
    assert stored(dvd).yts_torrent_count == payloads.FULL_FILM_DEFAULT_QUALITY_COUNT


def test_the_batch_command_records_events(user, http_mock):
    """manage.py refresh_yts stores through the same path: its films' upgrades are recorded."""
    from django.core.management import call_command

    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    fetched_before(payloads.SHAWSHANK, "1080p", age=timedelta(days=8))  # the batch's default age is a week
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    call_command("refresh_yts", stdout=StringIO())
    assert alerts_of(user) == [(Kind.UPGRADE, "2160p")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_film_record_each_event_once(user, other_user):
    """Refreshes that read the same before and store at once (the batch and a page) record one event each."""
    if connection.vendor != "postgresql":
        # SQLite's shared in-memory test database refuses concurrent writers ("table is locked").
        pytest.skip("concurrent writers need PostgreSQL (DATABASE_URL)")
    DVDFactory(owner=user, imdb_id=ALIEN)
    DVDFactory(owner=other_user, imdb_id=ALIEN)
    fetched_before(ALIEN, "720p")
    stored_before = list(DVD.objects.filter(imdb_id=ALIEN).values(*events.BEFORE_FIELDS))
    fetched = outcome(ALIEN, "720p", "2160p")
    DVD.objects.store_yts_outcomes([fetched])
    start = threading.Barrier(4)
    errors = []

    def record():
        try:
            start.wait()
            events.record(stored_before, [fetched])
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert alerts_of(user) == [(Kind.UPGRADE, "2160p")]
    assert alerts_of(other_user) == [(Kind.UPGRADE, "2160p")]
