"""Writing a batch of fetch outcomes: each film's own answer lands on every DVD of it, in a few queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker.models import DVD
from tracker.refresh import Fetched
from tracker.services import YTSError
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def outcomes(answers, started):
    return [Fetched(imdb_id, started, answer) for imdb_id, answer in answers.items()]


def torrents(n, quality="1080p"):
    return [{"url": f"https://yts.mx/torrent/download/{quality}{i}", "quality": quality} for i in range(n)]


def test_each_film_gets_its_own_answer_and_failures_keep_old_torrents(user, other_user):
    """Films with different answers each get theirs; a failed film keeps its torrents and records its reason."""
    earlier = timezone.now() - timedelta(days=3)
    a1 = DVDFactory(owner=user, imdb_id="tt0000001")
    a2 = DVDFactory(owner=other_user, imdb_id="tt0000001")
    b = DVDFactory(owner=user, imdb_id="tt0000002")
    c = DVDFactory(owner=user, imdb_id="tt0000003", yts_data=torrents(2), yts_last_updated=earlier, yts_torrent_count=2)
    d = DVDFactory(owner=user, imdb_id="tt0000004", yts_data=torrents(1), yts_last_updated=earlier, yts_torrent_count=1)
    untouched = DVDFactory(owner=user, imdb_id="tt0000005")
    now = timezone.now()
    DVD.objects.store_yts_outcomes(
        outcomes(
            {
                "tt0000001": torrents(3),
                "tt0000002": [],
                "tt0000003": YTSError("YTS answered HTTP 503"),
                "tt0000004": YTSError("YTS did not answer within 10 s"),
            },
            now,
        )
    )
    for dvd in (a1, a2, b, c, d, untouched):
        dvd.refresh_from_db()
    assert a1.yts_data == a2.yts_data == torrents(3)
    assert (a1.yts_torrent_count, a2.yts_torrent_count, a1.yts_last_updated) == (3, 3, now)
    assert (b.yts_data, b.yts_torrent_count, b.yts_last_updated) == ([], 0, now)
    assert (c.yts_data, c.yts_torrent_count, c.yts_last_updated) == (torrents(2), 2, earlier)
    assert (c.yts_last_error, c.yts_last_error_at) == ("YTS answered HTTP 503", now)
    assert (d.yts_data, d.yts_last_error) == (torrents(1), "YTS did not answer within 10 s")
    assert (untouched.yts_last_updated, untouched.yts_last_error) == (None, "")


def test_a_success_clears_an_earlier_failure(user):
    """After a failed refresh, a successful one clears the failure note."""
    dvd = DVDFactory(owner=user, imdb_id="tt0000001", yts_last_error="YTS answered HTTP 503")
    dvd.yts_last_error_at = timezone.now()
    dvd.save()
    DVD.objects.store_yts_outcomes(outcomes({"tt0000001": torrents(2), "tt0000002": torrents(1)}, timezone.now()))
    dvd.refresh_from_db()
    assert (dvd.yts_last_error, dvd.yts_last_error_at, dvd.yts_torrent_count) == ("", None, 2)


def test_the_number_of_queries_does_not_grow_with_the_batch(user):
    """A batch of 40 films with mixed outcomes takes as many queries as a batch of 4."""

    def queries_for(first, count):
        answers = {}
        for n in range(first, first + count):
            imdb_id = f"tt{n:07d}"
            DVDFactory(owner=user, imdb_id=imdb_id)
            answers[imdb_id] = YTSError(f"failure {n}") if n % 2 else torrents(n % 5)
        started = timezone.now()
        fetched = [Fetched(k, started + timedelta(seconds=n), v) for n, (k, v) in enumerate(answers.items())]
        with CaptureQueriesContext(connection) as captured:
            DVD.objects.store_yts_outcomes(fetched)
        return len(captured)

    assert queries_for(100, 4) == queries_for(200, 40)
