"""A real Celery worker on Redis picks up queued refreshes (CI's PostgreSQL + Redis pass)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from fakes import FakeYTS
from tracker.models import DVD
from tracker.tasks import refresh_film
from tracker.tests.factories import DVDFactory
from tracker.tests.subprocesses import celery_worker, shared_database_env, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_yts():
    with FakeYTS() as fake:
        yield fake


@pytest.fixture
def worker(redis_url, fake_yts, transactional_db):
    env = shared_database_env(redis_url, YTS_API_BASE_URL=fake_yts.base_url, YTS_MAX_REQUESTS_PER_SECOND=0)
    with celery_worker(env) as process:
        yield process


def test_a_queued_refresh_lands_in_the_database(worker, fake_yts, user, other_user):
    """A refresh task and a --queue batch are run by the worker and stored for every DVD of the film."""
    DVDFactory(owner=user, imdb_id="tt0111161")
    DVDFactory(owner=other_user, imdb_id="tt0111161")
    DVDFactory(owner=user, imdb_id="tt0068646")
    refresh_film.delay("tt0111161")
    assert wait_until(lambda: not DVD.objects.filter(imdb_id="tt0111161", yts_last_updated__isnull=True).exists(), 30)
    assert set(DVD.objects.filter(imdb_id="tt0111161").values_list("yts_torrent_count", flat=True)) == {
        3
    }  # 720p, 1080p, 1080p web

    call_command("refresh_yts", "--queue", stdout=StringIO())
    assert wait_until(lambda: not DVD.objects.filter(yts_last_updated__isnull=True).exists(), 30)
    assert fake_yts.calls_for("tt0111161") == 1
