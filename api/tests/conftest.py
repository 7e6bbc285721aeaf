import pytest
from limits import storage, strategies
from rest_framework.test import APIClient

from api.models import ApiToken

# The suite's own fixtures: every test behind `responses`, fast hashing, a clean cache, users and DVDs.
from tracker.tests.conftest import (  # noqa: F401
    _isolated_settings,
    background_refreshes,
    dvd,
    http_mock,
    other_user,
    signed_in,
    user,
)


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 0  # the API's own limit has its own tests


@pytest.fixture
def fresh_limiter(monkeypatch):
    """Rate limits counted afresh for this test (the memory and Redis limiters outlive tests, whose ids repeat)."""
    limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
    monkeypatch.setattr("tracker.limits.shared_limiter", lambda: limiter)  # the pages' allowances
    monkeypatch.setattr("api.throttling.shared_limiter", lambda: limiter)  # the API's own


def client_with(raw_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return client


@pytest.fixture
def write_token(user):  # noqa: F811  (the fixture imported above)
    return ApiToken.objects.issue(user, "Home Assistant", ApiToken.Scope.WRITE)[1]


@pytest.fixture
def read_token(user):  # noqa: F811
    return ApiToken.objects.issue(user, "Dashboard", ApiToken.Scope.READ)[1]


@pytest.fixture
def api(write_token):
    """The user's API client, with a read-and-write token."""
    return client_with(write_token)


@pytest.fixture
def read_api(read_token):
    return client_with(read_token)
