"""Each person's private Atom feed, read back as a feed reader reads it."""

import re

import feedparser
import pytest
from django.urls import reverse

from alerts.models import AlertSettings
from alerts.tests.helpers import fetched_before, refreshed
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def feed_url_of(client):
    """Make a feed URL on the settings page, as a person does; the path shown once."""
    page = client.post(reverse("alert_feed_new")).content.decode()
    return re.search(r'id="feed-url" readonly value="http://testserver(/feeds/alerts/[^"]+/)"', page).group(1)


def upgrade(user, name, imdb_id):
    DVDFactory(owner=user, name=name, release_year=1979, imdb_id=imdb_id)
    fetched_before(imdb_id, "720p")
    refreshed(imdb_id, "720p", "2160p")


def test_the_feed_is_valid_atom_with_my_alerts(signed_in, client, user, other_user):
    """A signed-out feed reader gets valid Atom holding my alerts, newest first, and none of anyone else's."""
    upgrade(user, "Alien", "tt0078748")
    upgrade(user, "Heat", "tt0113277")
    upgrade(other_user, "Theirs", "tt0000001")
    path = feed_url_of(signed_in)
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Better quality listed: 2160p"] * 2
    assert [entry.summary for entry in feed.entries] == [
        "Heat (1979) now has a 2160p release on YTS; your copy is 480p.",
        "Alien (1979) now has a 2160p release on YTS; your copy is 480p.",
    ]
    assert len({entry.id for entry in feed.entries}) == 2
    assert all(entry.link.startswith("http://testserver/notifications/#notification-") for entry in feed.entries)
    assert "private" in response["Cache-Control"]


def test_a_made_up_or_another_token_is_404(client, user):
    """A token no one has, or one of the right shape that is not a feed's, answers 404."""
    assert client.get(reverse("alert_feed", args=["nope"])).status_code == 404
    assert client.get(reverse("alert_feed", args=["A" * 43])).status_code == 404


def test_a_revoked_or_replaced_feed_url_is_404(signed_in, client, user):
    """A new URL retires the old one; turning the feed off retires the new one."""
    old = feed_url_of(signed_in)
    new = feed_url_of(signed_in)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    signed_in.post(reverse("alert_feed_revoke"))
    assert client.get(new).status_code == 404
    assert AlertSettings.objects.get(user=user).feed_token_digest == ""


def test_only_the_tokens_digest_is_stored(signed_in, user):
    """The database holds no working feed URL: the token is stored as its SHA-256 digest."""
    path = feed_url_of(signed_in)
    token = path.rstrip("/").rsplit("/", 1)[1]
    stored = AlertSettings.objects.get(user=user).feed_token_digest
    assert token not in stored
    assert len(stored) == 64
