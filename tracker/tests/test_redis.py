"""The YTS cache on a real Redis (runs in the CI pass that sets REDIS_URL)."""

import pytest
from django.core.cache import cache

from tracker.services import YTSService, YTSUnavailable
from tracker.services.yts import cache_key
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL

pytestmark = pytest.mark.redis


@pytest.fixture(autouse=True)
def _needs_redis_cache(redis_url, settings):
    if "RedisCache" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the cache is not Redis")


def fetch():
    return YTSService().fetch_torrents(payloads.SHAWSHANK)


def test_second_call_within_six_hours_does_not_reach_the_network(http_mock):
    """A cached answer in Redis serves the second call."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    fetch()
    assert len(fetch()) == 7
    assert len(http_mock.calls) == 1


def test_cache_entries_in_redis_carry_their_lifetimes(http_mock):
    """In Redis a non-empty answer expires after 6 h and an empty one after 1 h."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    fetch()
    assert 6 * 3600 - 5 <= cache.ttl(cache_key(payloads.SHAWSHANK)) <= 6 * 3600
    YTSService().fetch_torrents("tt0068646")
    assert 3600 - 5 <= cache.ttl(cache_key("tt0068646")) <= 3600


def test_a_failure_is_not_stored_in_redis(http_mock):
    """A failed fetch leaves no key behind."""
    http_mock.get(YTS_LIST_URL, status=502)
    with pytest.raises(YTSUnavailable):
        fetch()
    assert cache.get(cache_key(payloads.SHAWSHANK)) is None


def test_refresh_slot_lives_for_the_minimum_interval_in_redis(dvd, settings):
    """The refresh throttle's key in Redis expires after YTS_REFRESH_MIN_INTERVAL seconds."""
    settings.YTS_REFRESH_MIN_INTERVAL = 30
    assert dvd.claim_refresh_slot()
    assert not dvd.claim_refresh_slot()
    assert 25 <= cache.ttl(f"yts:refresh-slot:{dvd.pk}") <= 30
