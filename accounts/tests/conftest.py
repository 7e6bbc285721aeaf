import pytest

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
from tracker.tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's


@pytest.fixture
def staff(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, email="admin@example.org")


@pytest.fixture
def sign_in(client):
    """Sign in through the sign-in page, as a person does (not force_login)."""

    def post(username, password=PASSWORD, **extra):
        return client.post("/accounts/login/", {"username": username, "password": password, **extra})

    return post
