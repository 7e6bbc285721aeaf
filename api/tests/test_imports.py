"""/api/v1/imports/: upload, status and rows, run (check, then import), cancel; the import page's rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dvdtracker.celery import app as celery_app
from tracker.models import DVD
from tracker.models.imports import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db
IMPORTS = "/api/v1/imports/"
TITLES = b"# My shelf\nThe Godfather (1972)\n\nPulp Fiction\n"


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch, settings):
    """Phases run inline, as with the embedded default, even when CI configures a broker; TMDB is not asked."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.TMDB_API_KEY = ""
    settings.TMDB_ACCESS_TOKEN = ""


def upload(api, name, data):
    return api.post(IMPORTS, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def test_an_import_from_upload_to_collection(api, user):
    """Upload a list, run its check, read its rows, run the import: the DVDs are in the collection."""
    created = upload(api, "titles.txt", TITLES)
    assert created.status_code == 201
    job = created.json()
    assert (job["status"], job["total"], job["waiting"]) == ("parsed", 2, True)
    checked = api.post(f"{IMPORTS}{job['id']}/run/")
    assert checked.json()["status"] == "review"
    rows = api.get(f"{IMPORTS}{job['id']}/rows/").json()
    assert [row["values"]["name"] for row in rows["results"]] == ["The Godfather", "Pulp Fiction"]
    assert {row["plan"] for row in rows["results"]} == {"create"}
    imported = api.post(f"{IMPORTS}{job['id']}/run/")
    assert imported.json()["status"] == "done"
    assert sorted(DVD.objects.filter(owner=user).values_list("name", flat=True)) == ["Pulp Fiction", "The Godfather"]
    assert api.get(IMPORTS).json()["results"][0]["id"] == job["id"]


def test_a_file_the_import_page_refuses_gets_its_message(api, signed_in):
    """A file that cannot be read gets the import page's message, and no job."""
    response = upload(api, "list.csv", "Title\nAmélie\n".encode("cp1252"))
    assert response.status_code == 400
    assert "is not UTF-8 text" in response.json()["file"][0]
    assert api.post(IMPORTS, {}, format="multipart").json() == {"file": ["This field is required."]}
    assert not ImportJob.objects.exists()


def test_a_file_too_large_is_refused(api, settings):
    """Over IMPORT_MAX_UPLOAD_BYTES the upload is refused before it is read."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    response = upload(api, "titles.txt", TITLES)
    assert response.status_code == 400
    assert "the most this import takes" in response.json()["file"][0]


def test_running_a_finished_import_is_a_409(api):
    """Nothing to run: 409, saying where the import is."""
    job_id = upload(api, "titles.txt", TITLES).json()["id"]
    api.post(f"{IMPORTS}{job_id}/run/")
    api.post(f"{IMPORTS}{job_id}/run/")
    response = api.post(f"{IMPORTS}{job_id}/run/")
    assert response.status_code == 409
    assert "Imported" in response.json()["detail"]


def test_cancel_deletes_the_job_but_not_a_running_one(api):
    """DELETE cancels a waiting import (nothing is added); a phase under way is a 409."""
    job_id = upload(api, "titles.txt", TITLES).json()["id"]
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.MATCHING)
    assert api.delete(f"{IMPORTS}{job_id}/").status_code == 409
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.REVIEW)
    assert api.delete(f"{IMPORTS}{job_id}/").status_code == 204
    assert not ImportJob.objects.exists()
    assert not DVD.objects.exists()


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("get", "rows/"), ("post", "run/"), ("delete", "")])
def test_another_users_import_is_404(api, other_user, method, suffix):
    """Someone else's import job is not found at any of its addresses, and is left alone."""
    theirs = ImportJob.objects.create(owner=other_user, filename="theirs.txt", kind="text", source="Plain text")
    assert getattr(api, method)(f"{IMPORTS}{theirs.pk}/{suffix}").status_code == 404
    assert ImportJob.objects.get(pk=theirs.pk).status == ImportStatus.PARSED


def test_a_read_only_token_cannot_upload_or_run(read_api, user):
    """Uploading, running and cancelling are writes: 403 for a read-only token."""
    job = ImportJob.objects.create(owner=user, filename="mine.txt", kind="text", source="Plain text")
    assert upload(read_api, "titles.txt", TITLES).status_code == 403
    assert read_api.post(f"{IMPORTS}{job.pk}/run/").status_code == 403
    assert read_api.delete(f"{IMPORTS}{job.pk}/").status_code == 403
    assert read_api.get(f"{IMPORTS}{job.pk}/").status_code == 200
