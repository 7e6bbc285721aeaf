import os

import pytest
import responses
from django.core.cache import cache

from tracker.refresh import background
from tracker.tests.factories import DVDFactory, UserFactory

YTS_LIST_URL = "https://yts.mx/api/v2/list_movies.json"


@pytest.fixture(autouse=True)
def http_mock():
    """Every test runs behind `responses`: an unregistered request fails instead of reaching the internet."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture(autouse=True)
def _isolated_settings(settings):
    # The real hasher is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.YTS_API_BASE_URL = "https://yts.mx/api/v2"
    settings.YTS_MAX_RETRIES = 0
    settings.YTS_REFRESH_MIN_INTERVAL = 30
    settings.YTS_MAX_REQUESTS_PER_SECOND = 0  # pacing has its own tests
    settings.ENDPOINT_RATE_LIMIT_PER_MINUTE = 0  # so has the per-user endpoint limit
    settings.TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE = 0  # and the per-user TMDB allowance
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def background_refreshes(monkeypatch):
    """Background refreshes are recorded, not run: a test sees what a page queued."""
    queued = []
    monkeypatch.setattr(background, "run_in_thread", queued.append)
    monkeypatch.setattr(background, "enqueue_task", queued.append)
    return queued


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def dvd(user):
    return DVDFactory(owner=user, name="The Shawshank Redemption", release_year=1994, imdb_id="tt0111161")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    return url
