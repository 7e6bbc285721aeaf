"""Apprise URLs at rest: encrypted with NOTIFY_ENCRYPTION_KEY, readable across a key rotation."""

import pytest
from cryptography.fernet import Fernet

from alerts import crypto, delivery
from alerts.models import Channel
from alerts.tests.helpers import fetched_before, refreshed
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def test_a_new_key_first_still_reads_urls_stored_under_the_old(settings):
    """Rotating (a new key first, the old one after) keeps stored URLs readable; new ones use the new key."""
    old = settings.NOTIFY_ENCRYPTION_KEY[0]
    stored = crypto.encrypt("ntfys://ntfy.sh/topic")
    new = Fernet.generate_key().decode()
    settings.NOTIFY_ENCRYPTION_KEY = [new, old]
    assert crypto.decrypt(stored) == "ntfys://ntfy.sh/topic"
    assert Fernet(new).decrypt(crypto.encrypt("x").encode()) == b"x"


def test_a_url_stored_under_a_lost_key_fails_its_sends_with_a_reason(settings, user):
    """After the key is replaced without the old one, sending fails with a reason to show, and the alert waits."""
    channel = Channel(user=user)
    channel.set_url("ntfy://my-topic", "ntfys://my-topic")
    channel.save()
    DVDFactory(owner=user, imdb_id="tt0000001")
    fetched_before("tt0000001", "720p")
    refreshed("tt0000001", "2160p")
    settings.NOTIFY_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    assert delivery.deliver(channel, digest=False) == delivery.FAILED
    channel.refresh_from_db()
    assert "another NOTIFY_ENCRYPTION_KEY" in channel.last_error


def test_debug_without_a_key_uses_a_development_key(settings):
    """`make run` (DEBUG, no key) can store channels; off DEBUG the same call refuses."""
    settings.NOTIFY_ENCRYPTION_KEY = []
    settings.DEBUG = True
    assert crypto.decrypt(crypto.encrypt("json://example.org")) == "json://example.org"
    settings.DEBUG = False
    with pytest.raises(crypto.NotConfigured):
        crypto.encrypt("json://example.org")
