from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from responses import matchers

from tracker.demo import DEMO_FILMS, DEMO_PASSWORD, DEMO_USERNAME
from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def query_term(imdb_id):
    return matchers.query_param_matcher({"query_term": imdb_id}, strict_match=False)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("refresh_yts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_refresh_yts_refreshes_stale_dvds_once_per_film(user, other_user, http_mock):
    """Each stale film is fetched once, and every DVD of it is updated."""
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    DVDFactory(owner=other_user, imdb_id=payloads.SHAWSHANK)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    out, _ = run()
    assert "Refreshed: 1, unchanged: 0, no torrents: 0, failed: 0 (of 1 films)." in out
    assert set(DVD.objects.values_list("yts_torrent_count", flat=True)) == {4}


def test_refresh_yts_skips_data_younger_than_max_age(user):
    """Data younger than --max-age-hours (default a week) is left alone."""
    DVDFactory(owner=user, yts_last_updated=timezone.now() - timedelta(hours=100))
    out, _ = run()
    assert "(of 0 films)" in out


def test_refresh_yts_max_age_and_force(user, http_mock):
    """--max-age-hours picks younger data; --force refreshes everything."""
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK, yts_last_updated=timezone.now() - timedelta(hours=2))
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert "(of 1 films)" in run("--max-age-hours", "1")[0]
    assert "unchanged: 1" in run("--force")[0]


def test_refresh_yts_ignores_dvds_without_imdb_id(user):
    """DVDs without an IMDb id are not refreshed."""
    DVDFactory(owner=user, imdb_id="")
    assert "(of 0 films)" in run()[0]


def test_refresh_yts_dry_run_changes_nothing(user):
    """--dry-run lists the films and asks YTS nothing."""
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    out, _ = run("--dry-run")
    assert f"Would refresh {payloads.SHAWSHANK}" in out
    assert DVD.objects.get().yts_last_updated is None


def test_refresh_yts_counts_no_torrents(user, http_mock):
    """A film YTS does not list counts as 'no torrents'."""
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    assert "no torrents: 1" in run()[0]


def test_refresh_yts_fails_with_nonzero_status_and_keeps_going(user, http_mock):
    """A failed film is reported, the others are still refreshed, and the command exits non-zero."""
    DVDFactory(owner=user, imdb_id="tt0000001")
    DVDFactory(owner=user, imdb_id=payloads.SHAWSHANK)
    # The batch fetches concurrently: each film's answer is matched to its query, not to call order.
    http_mock.get(YTS_LIST_URL, status=500, match=[query_term("tt0000001")])
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM, match=[query_term(payloads.SHAWSHANK)])
    with pytest.raises(CommandError, match="1 films could not be refreshed"):
        run()
    assert DVD.objects.get(imdb_id=payloads.SHAWSHANK).yts_torrent_count == 4


def test_refresh_yts_refuses_a_negative_age():
    """A negative --max-age-hours is refused with a message."""
    with pytest.raises(CommandError, match="negative"):
        run("--max-age-hours", "-1")


def test_load_demo_creates_the_demo_user_and_films_once():
    """load_demo creates the demo user with the printed password and its films, and is idempotent."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert user.check_password(DEMO_PASSWORD)
    assert DVD.objects.filter(owner=user).count() == len(DEMO_FILMS)
    assert DEMO_PASSWORD in out.getvalue()
    assert "already loaded" in out.getvalue()


def test_demo_films_are_valid_dvds():
    """Every demo film passes the model's validation (real IMDb ids, years)."""
    call_command("load_demo", stdout=StringIO())
    for dvd in DVD.objects.all():
        dvd.full_clean()
    assert DVD.objects.filter(imdb_id="tt0111161").exists()
