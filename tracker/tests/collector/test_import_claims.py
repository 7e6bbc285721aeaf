"""One runner per import phase: each runner claims the phase with its own token, and writes each
batch (the DVDs and the rows marked done together) only while that token still holds the job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tracker import tasks
from tracker.collection_io import jobs
from tracker.models import DVD
from tracker.models.imports import STALE_PHASE_SECONDS, ImportJob, ImportStatus
from tracker.services.tmdb import TMDBService

pytestmark = pytest.mark.django_db

# Alien is matched on TMDB, so importing it asks TMDB for its details; the others give their IMDb id.
FIVE_ROWS = (
    b"title,year,imdb_id\nAlien,1979,\nFirst,2001,tt0000001\nSecond,2002,tt0000002\n"
    b"Third,2003,tt0000003\nFourth,2004,tt0000004\n"
)
# Every film of the fake TMDB that has an IMDb id, so each row asks TMDB for its details.
EIGHT_FILMS = (
    b"The Shawshank Redemption (1994)\nThe Godfather (1972)\nThe Dark Knight (2008)\nPulp Fiction (1994)\n"
    b"Spirited Away (2001)\nAlien (1979)\nInception (2010)\nHeat (1995)\n"
)


def queued(user, filename="five.csv", data=FIVE_ROWS):
    """A job matched, confirmed and handed to a runner (the state a Celery message finds it in)."""
    job = jobs.create_job(user, filename, data)
    assert ImportJob.objects.claim(job.pk, ImportStatus.PARSED, ImportStatus.MATCHING)
    assert jobs.run_phase(job.pk) == "done"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    assert ImportJob.objects.claim(job.pk, ImportStatus.QUEUED, ImportStatus.IMPORTING)
    return job


def make_stale(job):
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))


def assert_one_dvd_per_row(job, rows=5):
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert DVD.objects.filter(owner=job.owner).count() == rows
    assert list(job.rows.values_list("outcome", flat=True)) == ["created"] * rows
    assert len(set(job.rows.values_list("dvd", flat=True))) == rows


@pytest.fixture
def during_details(monkeypatch):
    """Runs a function once, inside the import's first TMDB details call (its runner is mid-batch)."""
    pending = []
    original = TMDBService.get_movie

    def get_movie(service, tmdb_id):
        while pending:
            pending.pop()()
        return original(service, tmdb_id)

    monkeypatch.setattr(TMDBService, "get_movie", get_movie)
    return pending.append


def test_a_second_runner_while_the_first_is_alive_does_nothing(user, fake_tmdb, during_details):
    """A redelivered task (or a second run) for a phase whose runner is alive adds nothing."""
    job = queued(user)
    second = []
    during_details(lambda: second.append(jobs.run_phase(job.pk)))
    first = jobs.run_phase(job.pk)
    assert_one_dvd_per_row(job)
    assert (first, second) == ("done", ["busy"])


def test_two_interleaved_runners_add_one_dvd_per_row(user, fake_tmdb, during_details):
    """A runner taking over a stale claim while the first is mid-batch: each row's DVD is added once."""
    job = queued(user)
    second = []

    def take_over():
        make_stale(job)
        second.append(jobs.run_phase(job.pk))

    during_details(take_over)
    first = jobs.run_phase(job.pk)
    assert_one_dvd_per_row(job)
    assert (first, second) == ("superseded", ["done"])


def test_a_runner_whose_claim_was_taken_over_stops_writing(user, fake_tmdb, during_details):
    """Once Resume has taken a stale phase over, its old runner writes no DVD, no row and no status."""
    job = queued(user)

    def resume():
        make_stale(job)
        assert ImportJob.objects.claim(job.pk, ImportStatus.QUEUED, ImportStatus.IMPORTING)

    during_details(resume)
    assert jobs.run_phase(job.pk) == "superseded"
    job.refresh_from_db()
    assert job.status == ImportStatus.IMPORTING
    assert not DVD.objects.exists()
    assert not job.rows.exclude(outcome="").exists()
    assert jobs.run_phase(job.pk) == "done"  # the runner that Resume queued
    assert_one_dvd_per_row(job)


def test_a_runner_that_lost_its_claim_does_not_put_the_job_back_on_an_error(user, fake_tmdb, during_details):
    """An error in a superseded runner leaves the job to the runner that holds it."""
    job = queued(user)

    def taken_then_broken():
        make_stale(job)
        assert ImportJob.objects.claim(job.pk, ImportStatus.QUEUED, ImportStatus.IMPORTING)
        raise RuntimeError("the old runner's connection broke")

    during_details(taken_then_broken)
    assert jobs.run_phase(job.pk) == "superseded"
    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportStatus.IMPORTING, "")


def test_importing_stops_asking_tmdb_after_repeated_failures(user, fake_tmdb):
    """TMDB failing while importing: after five failed details calls in a row the rest are added unasked."""
    job = queued(user, "films.txt", EIGHT_FILMS)
    fake_tmdb.configure(mode="500")
    assert jobs.run_phase(job.pk) == "done"
    details_calls = sum(n for path, n in fake_tmdb.calls_snapshot()["by_path"].items() if path.startswith("/3/movie/"))
    assert details_calls == 5
    assert_one_dvd_per_row(job, rows=8)
    last = job.rows.order_by("line").last()
    assert "not asked after 5 failures in a row" in last.warnings[-1]


class Retried(Exception):
    pass


def test_a_task_finding_the_phase_held_looks_again_once_it_would_be_stale(user, monkeypatch):
    """A worker's task finding the phase held (a killed worker's message come back) retries after the stale time."""
    job = queued(user, "titles.txt", b"One\n")
    assert ImportJob.objects.take(job.pk, ImportStatus.IMPORTING)  # the runner that was killed
    monkeypatch.setattr(tasks.run_import_job, "retry", lambda countdown: Retried(countdown))
    tasks.run_import_job.push_request(is_eager=False, called_directly=False, retries=0)
    try:
        with pytest.raises(Retried) as retried:
            tasks.run_import_job.run(job.pk)
    finally:
        tasks.run_import_job.pop_request()
    assert retried.value.args[0] > STALE_PHASE_SECONDS
    make_stale(job)
    assert tasks.run_import_job.run(job.pk) == "done"
    assert_one_dvd_per_row(job, rows=1)
