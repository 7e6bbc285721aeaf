"""A real Celery worker on Redis runs both phases of an import while the page polls (CI's PostgreSQL + Redis pass)."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracker.models import DVD
from tracker.models.imports import ImportJob
from tracker.tests.collector.conftest import TMDB_KEY, read
from tracker.tests.subprocesses import celery_worker, shared_database_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
PROJECT_DIR = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker(redis_url, fake_tmdb, transactional_db):
    env = shared_database_env(
        redis_url, TMDB_API_BASE_URL=fake_tmdb.base_url, TMDB_API_KEY=TMDB_KEY, TMDB_MAX_REQUESTS_PER_SECOND=0
    )
    with celery_worker(env) as process:
        yield process


def status_becomes(client, job, wanted, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get(reverse("import_status", args=[job.pk])).json()["status"] == wanted:
            return True
        time.sleep(0.2)
    return False


def test_a_worker_matches_and_imports_while_the_page_polls(worker, client, user, fake_tmdb):
    """Run returns at once with a worker; the status address follows the job through both phases."""
    client.force_login(user)
    client.post(reverse("import_upload"), {"file": SimpleUploadedFile("diary.csv", read("letterboxd_diary.csv"))})
    job = ImportJob.objects.get(owner=user)
    started = client.post(reverse("import_run", args=[job.pk]), headers={"accept": "application/json"}).json()
    assert started["started"] is True
    assert status_becomes(client, job, "review")
    assert job.plan_counts()["create"] == 2
    client.post(job.get_absolute_url(), {"action": "import"})
    client.post(reverse("import_run", args=[job.pk]), headers={"accept": "application/json"})
    assert status_becomes(client, job, "done")
    assert sorted(DVD.objects.filter(owner=user).values_list("imdb_id", flat=True)) == ["tt0078748", "tt0245429"]
