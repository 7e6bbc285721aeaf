import pytest
from cryptography.fernet import Fernet

from alerts import background

# The suite's own fixtures: every test behind `responses`, fast hashing, a clean cache, users and DVDs.
from tracker.tests.conftest import (  # noqa: F401
    _isolated_settings,
    background_refreshes,
    dvd,
    http_mock,
    other_user,
    redis_url,
    signed_in,
    user,
)


@pytest.fixture(autouse=True)
def _alert_settings(settings):
    settings.NOTIFY_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    settings.NOTIFY_ALLOW_PRIVATE_TARGETS = False
    settings.NOTIFY_SITE_URL = ""


@pytest.fixture(autouse=True)
def queued_sends(monkeypatch):
    """Background sends are recorded, not run: a test sees what was queued, and runs it when it wants."""
    queued = []
    monkeypatch.setattr(
        background, "run_in_thread", lambda task, argument, delay: queued.append((task, argument, delay))
    )
    monkeypatch.setattr(
        background, "enqueue_task", lambda task, argument, delay: queued.append((task, argument, delay))
    )
    return queued
