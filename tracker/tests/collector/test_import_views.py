import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tracker import tasks
from tracker.collection_io import jobs
from tracker.models import DVD
from tracker.models.imports import ImportJob, ImportStatus
from tracker.tests.collector.conftest import read
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def upload(client, name, data):
    return client.post(reverse("import_upload"), {"file": SimpleUploadedFile(name, data)})


def run_phase(client, job):
    return client.post(reverse("import_run", args=[job.pk]), headers={"accept": "application/json"})


@pytest.fixture
def reviewed(signed_in, user, eager_tasks):
    """A plain-text list uploaded and looked up (TMDB not configured: rows are taken as typed)."""
    response = upload(signed_in, "titles.txt", read("titles.txt"))
    job = ImportJob.objects.get(owner=user)
    assert response["Location"] == job.get_absolute_url()
    run_phase(signed_in, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.REVIEW
    return job


def test_upload_stores_the_rows_and_shows_the_progress_page(signed_in, user):
    """Uploading stores the rows, adds nothing, and shows the page that starts the lookup."""
    response = upload(signed_in, "clz.csv", read("clz_movies.csv"))
    job = ImportJob.objects.get(owner=user)
    assert job.total == 7
    assert job.status == ImportStatus.PARSED
    assert not DVD.objects.exists()
    page = signed_in.get(response["Location"])
    assert b'id="import-progress"' in page.content
    assert b"data-auto-run" in page.content
    assert b"CLZ Movies CSV" in page.content


def test_a_bad_upload_is_refused_with_its_reason_and_stores_nothing(signed_in):
    """A file that is not UTF-8 gets the reason on the form, and no job is created."""
    response = upload(signed_in, "list.csv", "Title\nAmélie\n".encode("cp1252"))
    assert response.status_code == 200
    assert "is not UTF-8 text" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_refused_before_it_is_read(signed_in, settings):
    """Uploads over IMPORT_MAX_UPLOAD_BYTES are refused with the limit."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = upload(signed_in, "big.txt", b"A title\n" * 50)
    assert "the most this import takes is 0.0 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_run_with_the_embedded_default_does_the_phase_inline(reviewed, signed_in):
    """Without a broker the run request itself looks the titles up; the page then shows the preview."""
    page = signed_in.get(reviewed.get_absolute_url()).content.decode()
    assert "Preview — nothing has been imported yet." in page
    assert "Import 3 DVDs" in page
    assert not DVD.objects.exists()


def test_run_with_a_worker_only_queues_the_task(signed_in, user, monkeypatch):
    """With a Celery broker the run request returns at once: the job is claimed and the task queued."""
    queued = []
    monkeypatch.setattr(tasks.run_import_job, "delay", queued.append)
    job = jobs.create_job(user, "titles.txt", read("titles.txt"))
    answer = run_phase(signed_in, job).json()
    assert queued == [job.pk]
    assert answer["started"] is True
    assert answer["status"] == "matching"
    assert answer["running"] is True
    # A second click while it runs starts nothing more.
    assert run_phase(signed_in, job).json()["started"] is False
    assert queued == [job.pk]


def test_a_broker_outage_leaves_the_job_waiting_with_a_reason(signed_in, user, monkeypatch):
    """If the task cannot be queued, the job goes back to waiting and says so."""

    def broker_down(job_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_import_job, "delay", broker_down)
    job = jobs.create_job(user, "titles.txt", read("titles.txt"))
    answer = run_phase(signed_in, job).json()
    assert answer["started"] is False
    assert answer["status"] == "parsed"
    assert "task queue could not be reached" in answer["failure"]


def test_status_reports_progress(signed_in, user):
    """The status address answers the job's progress for the page's progress bar."""
    job = jobs.create_job(user, "titles.txt", read("titles.txt"))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.MATCHING, done=2)
    answer = signed_in.get(reverse("import_status", args=[job.pk])).json()
    assert answer == {
        "status": "matching",
        "label": "Checking the rows (and looking titles up on TMDB)",
        "done": 2,
        "total": 3,
        "percent": 67,
        "running": True,
        "stale": False,
        "waiting": False,
        "failure": "",
    }


def test_confirming_imports_and_shows_the_report(reviewed, signed_in):
    """Import → the job is queued, the run adds the DVDs, and the page shows the per-row report."""
    response = signed_in.post(reviewed.get_absolute_url(), {"action": "import"})
    reviewed.refresh_from_db()
    assert reviewed.status == ImportStatus.QUEUED
    assert response["Location"] == reviewed.get_absolute_url()
    run_phase(signed_in, reviewed)
    reviewed.refresh_from_db()
    assert reviewed.status == ImportStatus.DONE
    assert DVD.objects.count() == 3
    page = signed_in.get(reviewed.get_absolute_url()).content.decode()
    assert "3 added, 0 already in your collection, 0 not imported, 0 skipped" in page


def test_choices_are_saved_and_the_preview_replanned(reviewed, signed_in, user):
    """Choosing Skip for a row changes its plan; choices for rows of other jobs are ignored."""
    row = reviewed.rows.get(line=4)
    other_job = jobs.create_job(user, "other.txt", b"Other\n")
    other_row = other_job.rows.get()
    response = signed_in.post(
        reviewed.get_absolute_url() + "?show=all",
        {"action": "save", f"choice-{row.pk}": "skip", f"choice-{other_row.pk}": "skip", "choice-x": "skip"},
    )
    assert response["Location"] == reviewed.get_absolute_url() + "?show=all"
    row.refresh_from_db()
    other_row.refresh_from_db()
    assert (row.choice, row.plan) == ("skip", "skip")
    assert other_row.choice == ""
    assert reviewed.plan_counts()["create"] == 2


def test_a_choice_that_is_not_offered_is_ignored(reviewed, signed_in):
    """Only the row's own candidates, typed or skip can be chosen."""
    row = reviewed.rows.get(line=4)
    signed_in.post(reviewed.get_absolute_url(), {"action": "save", f"choice-{row.pk}": "tmdb:999"})
    row.refresh_from_db()
    assert row.choice == "typed"


def test_another_users_import_is_a_404(client, reviewed, other_user):
    """Every import address answers 404 for a job that is not yours, and changes nothing."""
    client.force_login(other_user)
    assert client.get(reviewed.get_absolute_url()).status_code == 404
    assert client.get(reverse("import_status", args=[reviewed.pk])).status_code == 404
    assert client.post(reverse("import_run", args=[reviewed.pk])).status_code == 404
    assert client.post(reviewed.get_absolute_url(), {"action": "delete"}).status_code == 404
    assert client.post(reviewed.get_absolute_url(), {"action": "import"}).status_code == 404
    reviewed.refresh_from_db()
    assert reviewed.status == ImportStatus.REVIEW


def test_deleting_an_import_leaves_the_collection_alone(reviewed, signed_in, user):
    """Deleting a job removes its rows only."""
    DVDFactory(owner=user)
    signed_in.post(reviewed.get_absolute_url(), {"action": "delete"})
    assert not ImportJob.objects.exists()
    assert DVD.objects.count() == 1


def test_the_upload_page_lists_only_your_recent_imports(signed_in, user, other_user):
    """Recent imports are the signed-in user's own."""
    jobs.create_job(user, "mine.txt", b"Mine\n")
    jobs.create_job(other_user, "theirs.txt", b"Theirs\n")
    page = signed_in.get(reverse("import_upload")).content.decode()
    assert "mine.txt" in page
    assert "theirs.txt" not in page


def test_import_pages_carry_no_inline_script_or_style(reviewed, signed_in):
    """The pages work under a Content Security Policy without 'unsafe-inline'."""
    for url in (reverse("import_upload"), reviewed.get_absolute_url()):
        html = signed_in.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+=", html)


def running_job(user, *, stale):
    """A job whose lookup phase is running; with `stale`, its runner stopped sending heartbeats long ago."""
    job = jobs.create_job(user, "titles.txt", read("titles.txt"))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PARSED)
    assert ImportJob.objects.claim(job.pk, ImportStatus.PARSED, ImportStatus.MATCHING)
    if stale:
        ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=30))
    job.refresh_from_db()
    return job


def test_a_dead_phase_offers_resume_and_delete(signed_in, user):
    """A running phase whose heartbeat is stale shows Resume and Delete; a live one shows neither."""
    live = signed_in.get(running_job(user, stale=False).get_absolute_url()).content.decode()
    assert "Resume" not in live
    assert 'value="delete"' not in live
    dead = running_job(user, stale=True)
    page = signed_in.get(dead.get_absolute_url()).content.decode()
    resume_form = rf'<form method="post" action="{reverse("import_run", args=[dead.pk])}"[^>]*>.*?Resume'
    assert re.search(resume_form, page, re.S)
    assert 'value="delete"' in page
    assert "stopped" in page


def test_resume_runs_a_dead_phase_to_its_end(signed_in, user, eager_tasks):
    """Resume on a dead lookup phase runs it again; the page then shows the preview."""
    job = running_job(user, stale=True)
    answer = run_phase(signed_in, job).json()
    assert answer["started"] is True
    job.refresh_from_db()
    assert job.status == ImportStatus.REVIEW
    assert "Preview — nothing has been imported yet." in signed_in.get(job.get_absolute_url()).content.decode()


def test_resume_does_not_double_a_live_phase(signed_in, user, monkeypatch):
    """Resume (or a second click) while the phase's runner is alive starts nothing."""
    queued = []
    monkeypatch.setattr(tasks.run_import_job, "delay", queued.append)
    job = running_job(user, stale=False)
    answer = run_phase(signed_in, job).json()
    assert (answer["started"], answer["status"], queued) == (False, "matching", [])


def test_deleting_a_dead_phase_works_and_a_live_one_is_refused(signed_in, user):
    """Delete removes a job whose phase died; a job whose phase is alive is kept, with the reason."""
    live = running_job(user, stale=False)
    response = signed_in.post(live.get_absolute_url(), {"action": "delete"}, follow=True)
    assert "wait for it to finish" in response.content.decode()
    assert ImportJob.objects.filter(pk=live.pk).exists()
    dead = running_job(user, stale=True)
    response = signed_in.post(dead.get_absolute_url(), {"action": "delete"})
    assert response["Location"] == reverse("import_upload")
    assert not ImportJob.objects.filter(pk=dead.pk).exists()
