"""Refresh outcomes and stored torrents for the alerts' tests."""

from datetime import timedelta

from django.utils import timezone

from tracker import refresh
from tracker.models import DVD
from tracker.tests import payloads


def torrents(*qualities):
    return [payloads.torrent(q, type_=f"t{n}", seeds=100 + n) for n, q in enumerate(qualities)]


def outcome(imdb_id, *qualities, started=None):
    """What a refresh fetched: every torrent listed, and the ones in YTS_DEFAULT_QUALITIES as `answer`."""
    listed = torrents(*qualities)
    answer = [t for t in listed if t["quality"] in ("720p", "1080p")]
    return refresh.Fetched(imdb_id, started or timezone.now(), answer, listed=listed)


def refreshed(imdb_id, *qualities, started=None):
    """Store a refresh that found these qualities, through the one refresh path."""
    return refresh.store([outcome(imdb_id, *qualities, started=started)])


def fetched_before(imdb_id, *qualities, age=timedelta(days=1)):
    """A refresh that found these qualities a while ago: what is stored before the refresh under test."""
    return refreshed(imdb_id, *qualities, started=timezone.now() - age)


def stored(dvd):
    return DVD.objects.get(pk=dvd.pk)
