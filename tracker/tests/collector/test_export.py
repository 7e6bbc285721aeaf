import csv
import io
import json
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tracker.collection_io import jobs
from tracker.collection_io.columns import unquote_formula
from tracker.collection_io.exporting import neutralise
from tracker.models import DVD
from tracker.models.imports import ImportJob, ImportStatus
from tracker.services.yts import parse_torrent
from tracker.tests import payloads
from tracker.tests.factories import DVDFactory, UserFactory
from tracker.torrent_links import allowed_download_hosts

pytestmark = pytest.mark.django_db


def stored(**overrides):
    return parse_torrent(payloads.torrent(**overrides), allowed_download_hosts()).as_dict()


def full_dvd(owner, **overrides):
    """A DVD with every field set, torrents and failure note included."""
    values = {
        "name": "The Shawshank Redemption",
        "release_year": 1994,
        "disk_type": DVD.DiskType.BLURAY,
        "media_type": DVD.MediaType.RIP,
        "status": DVD.Status.DISPOSED,
        "storage_box": "Box 3",
        "box_set_name": "Prison films",
        "is_unwatched": True,
        "is_unopened": True,
        "imdb_id": "tt0111161",
        "tmdb_id": 278,
        "barcode": "7321900011236",
        "director": "Frank Darabont",
        "genres": "Drama, Crime",
        "runtime": 142,
        "poster_url": "https://image.tmdb.org/t/p/w342/abc.jpg",
        "overview": "Two imprisoned men bond.\nLine two, “quoted”.",
        "notes": "=SUM(A1)\r\nsecond line",
        "yts_data": [stored(), stored(quality="720p", hash="b" * 32)],
        "yts_torrent_count": 2,
        "yts_last_updated": datetime(2024, 5, 1, 10, 30, 15, 123456, tzinfo=UTC),
        "yts_last_error": "YTS could not be reached",
        "yts_last_error_at": datetime(2024, 5, 2, 8, 0, tzinfo=UTC),
    }
    values.update(overrides)
    dvd = DVDFactory(owner=owner, **values)
    DVD.objects.filter(pk=dvd.pk).update(
        created_at=overrides.get("created_at", datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC))
    )
    return dvd


def backup_text(client, user):
    client.force_login(user)
    response = client.get(reverse("export_json"))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def restore(user, text):
    job = jobs.create_job(user, "backup.json", text.encode())
    for waiting, running in (
        (ImportStatus.PARSED, ImportStatus.MATCHING),
        (ImportStatus.QUEUED, ImportStatus.IMPORTING),
    ):
        ImportJob.objects.filter(pk=job.pk).update(status=waiting)
        assert ImportJob.objects.claim(job.pk, waiting, running)
        assert jobs.run_phase(job.pk) == "done"
    return job


def without_ids_and_timestamps(text):
    text = re.sub(r'"id": \d+', '"id": 0', text)
    text = re.sub(r'"updated_at": "[^"]+"', '"updated_at": ""', text)
    return re.sub(r'"exported_at": "[^"]+"', '"exported_at": ""', text)


def test_json_backup_round_trips_exactly(client, user):
    """Export → import into an empty account → export gives the same file apart from ids and timestamps."""
    full_dvd(user)
    full_dvd(user, name="Alien", tmdb_id=348, imdb_id="tt0078748", yts_data=None, yts_torrent_count=0,
             yts_last_updated=None, yts_last_error="", yts_last_error_at=None, release_year=None)  # fmt: skip
    full_dvd(user, name="alien", tmdb_id=None, imdb_id="", yts_data=[], yts_torrent_count=0, overview="  spaced  ")
    DVDFactory(owner=user, name="Plain", release_year=None, imdb_id="")
    first = backup_text(client, user)
    newcomer = UserFactory()
    job = restore(newcomer, first)
    assert job.outcome_counts()["created"] == 4
    second = backup_text(client, newcomer)
    assert without_ids_and_timestamps(second) == without_ids_and_timestamps(first)
    assert second != first  # the ids and export times do differ
    assert json.loads(second)["dvds"][0]["created_at"] == json.loads(first)["dvds"][0]["created_at"]


def test_restoring_a_backup_twice_adds_nothing_the_second_time(client, user):
    """A backup imported again into the same account finds every DVD already there."""
    full_dvd(user)
    text = backup_text(client, user)
    job = restore(user, text)
    assert job.outcome_counts() == {"created": 0, "duplicate": 1, "error": 0, "skipped": 0}
    assert DVD.objects.count() == 1


def test_a_backup_cannot_smuggle_links(user):
    """Stored torrents in a backup are checked like a YTS answer: a javascript: link is dropped."""
    entry = {"name": "Evil", "yts_data": [stored(), {"url": "javascript:alert(1)", "hash": "A" * 40}]}
    text = json.dumps({"format": "dvd-collection-tracker-backup", "version": 1, "dvds": [entry]})
    job = restore(user, text)
    dvd = DVD.objects.get(owner=user)
    assert [t["url"] for t in dvd.yts_data] == [stored()["url"]]
    assert dvd.yts_torrent_count == 1
    assert "1 stored torrents were left out" in job.rows.get().warnings[0]


def test_a_backup_entry_of_the_wrong_shape_fails_only_that_entry(user):
    """A backup entry with a wrong type is a row error; the others are restored."""
    entries = [{"name": "Good"}, {"name": "Bad", "release_year": "1999"}, "not an object"]
    text = json.dumps({"format": "dvd-collection-tracker-backup", "version": 1, "dvds": entries})
    job = restore(user, text)
    assert {row.line: row.outcome for row in job.rows.all()} == {1: "created", 2: "error", 3: "error"}
    assert job.rows.get(line=2).outcome_message == "“release_year” must be a whole number."


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_every_field_and_the_torrent_links(signed_in, user):
    """One row per DVD with every field; the torrent links column lists the stored download URLs."""
    dvd = full_dvd(user)
    response = signed_in.get(reverse("export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    (row,) = csv_rows(response)
    assert row["id"] == str(dvd.pk)
    assert row["title"] == "The Shawshank Redemption"
    assert row["format"] == "Blu-ray"
    assert row["media_type"] == "Rip"
    assert row["status"] == "Disposed"
    assert row["unwatched"] == "yes"
    assert row["barcode"] == "7321900011236"
    assert row["added"] == "2023-01-02T03:04:05+00:00"
    assert row["torrents_updated"] == "2024-05-01T10:30:15.123456+00:00"
    assert row["torrent_urls"].split(" ") == [t["url"] for t in dvd.yts_data]
    assert row["notes"] == "'=SUM(A1)\r\nsecond line"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("a=b", "a=b"),
        (1994, "1994"),
    ],
)
def test_spreadsheet_formulas_are_neutralised(value, expected):
    """Cells a spreadsheet would run as a formula start with an apostrophe."""
    assert neutralise(value) == expected


def test_csv_export_of_the_current_filter_and_only_your_dvds(signed_in, user, other_user):
    """The list page's filter applies to the export, and another user's DVDs are never in it."""
    DVDFactory(owner=user, name="Blu", disk_type=DVD.DiskType.BLURAY)
    DVDFactory(owner=user, name="Disc", disk_type=DVD.DiskType.DVD)
    DVDFactory(owner=other_user, name="Theirs", disk_type=DVD.DiskType.BLURAY)
    assert [r["title"] for r in csv_rows(signed_in.get(reverse("export_csv")))] == ["Blu", "Disc"]
    assert [r["title"] for r in csv_rows(signed_in.get(reverse("export_csv") + "?disk_type=bluray"))] == ["Blu"]
    backup = json.loads(b"".join(signed_in.get(reverse("export_json") + "?q=dis").streaming_content))
    assert [d["name"] for d in backup["dvds"]] == ["Disc"]


def test_the_csv_export_imports_back(signed_in, user):
    """This app's CSV imported into another account gives the same DVDs (torrents are fetched again later)."""
    full_dvd(user, notes="=SUM(A1)")
    text = b"".join(signed_in.get(reverse("export_csv")).streaming_content)
    newcomer = UserFactory()
    job = jobs.create_job(newcomer, "export.csv", text)
    assert job.source == "DVD Collection Tracker CSV"
    restore_phases = ((ImportStatus.PARSED, ImportStatus.MATCHING), (ImportStatus.QUEUED, ImportStatus.IMPORTING))
    for waiting, running in restore_phases:
        ImportJob.objects.filter(pk=job.pk).update(status=waiting)
        assert ImportJob.objects.claim(job.pk, waiting, running)
        jobs.run_phase(job.pk)
    fields = ["name", "release_year", "disk_type", "media_type", "status", "storage_box", "box_set_name",
              "is_unwatched", "is_unopened", "imdb_id", "tmdb_id", "barcode", "director", "genres", "runtime",
              "poster_url", "overview", "notes", "created_at"]  # fmt: skip
    assert list(DVD.objects.filter(owner=newcomer).values(*fields)) == list(
        DVD.objects.filter(owner=user).values(*fields)
    )


def test_export_page_counts_the_filtered_collection(signed_in, user):
    """The export page says how many DVDs the links will export, keeping the filter in them."""
    DVDFactory(owner=user, disk_type=DVD.DiskType.BLURAY)
    DVDFactory(owner=user, disk_type=DVD.DiskType.DVD)
    response = signed_in.get(reverse("export") + "?disk_type=bluray")
    assert b"1 DVD</strong>" in response.content
    assert b"collection.csv?disk_type=bluray" in response.content


def test_export_needs_sign_in(client):
    """Anonymous visitors are sent to sign in."""
    for name in ("export", "export_csv", "export_json", "stats", "import_upload"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_export_command_writes_csv_and_json(tmp_path, user):
    """`manage.py export_collection --user NAME --format json --output FILE` writes the backup."""
    full_dvd(user)
    target = tmp_path / "backup.json"
    err = StringIO()
    call_command("export_collection", "--user", user.username, "--format", "json", "--output", str(target), stderr=err)
    assert json.loads(target.read_text())["dvds"][0]["name"] == "The Shawshank Redemption"
    assert "Exported 1 DVDs" in err.getvalue()
    out = StringIO()
    call_command("export_collection", "--user", user.username, stdout=out)
    assert out.getvalue().lstrip("\ufeff").startswith("id,title,year,format")


def test_export_command_refuses_an_unknown_user():
    """An unknown username is an error naming it."""
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("export_collection", "--user", "nobody")


def test_the_list_page_links_to_an_export_of_its_filter(signed_in, user):
    """The list page's Export button keeps the current filter."""
    DVDFactory(owner=user, disk_type=DVD.DiskType.BLURAY)
    html = signed_in.get(reverse("dvd_list") + "?disk_type=bluray&page=1").content.decode()
    assert 'href="/export/?disk_type=bluray" id="export-filtered"' in html


# Every text that a spreadsheet-safe export must give back unchanged.
RISKY_TEXTS = ["=1+1", "+44 20 7946", "-5 stars", "@home", "'71", "'=kept as typed", "''two", "'", "\ttabbed"]
ROUND_TRIP_FIELDS = [
    "name", "release_year", "disk_type", "media_type", "status", "storage_box", "box_set_name", "is_unwatched",
    "is_unopened", "imdb_id", "tmdb_id", "barcode", "director", "genres", "runtime", "poster_url", "overview",
    "notes", "created_at",
]  # fmt: skip


def collection_with_copies_and_risky_text(owner):
    """Two copies of one film (one with the TMDB id), two copies alike but for the shelf, two identical
    copies, and every field of some DVD starting with each risky prefix."""
    full_dvd(owner, name="The Matrix", release_year=1999, tmdb_id=603, imdb_id="tt0133093", disk_type="dvd")
    full_dvd(owner, name="The Matrix", release_year=1999, tmdb_id=None, imdb_id="tt0133093", disk_type="bluray",
             barcode="5051892002059", genres="Sci-Fi / Action; Cult")  # fmt: skip
    for shelf in ("Shelf 1", "Shelf 2", "Shelf 2"):
        full_dvd(owner, name="Home Video", release_year=None, tmdb_id=None, imdb_id="", barcode="", storage_box=shelf)
    text_fields = ["name", "storage_box", "box_set_name", "director", "genres", "overview", "notes"]
    for number, text in enumerate(RISKY_TEXTS):
        full_dvd(owner, tmdb_id=None, imdb_id="", barcode="", **{field: text for field in text_fields},
                 created_at=datetime(2023, 2, number + 1, 12, 0, 0, 250000, tzinfo=UTC))  # fmt: skip
    full_dvd(owner, name="  Spaced  out  ", tmdb_id=None, imdb_id="", notes="\r\nfirst line empty\r\n")


def field_values(owner):
    rows = DVD.objects.filter(owner=owner).values(*ROUND_TRIP_FIELDS)
    return sorted((tuple(row.values()) for row in rows), key=repr)


def exported(client, user, name):
    client.force_login(user)
    return b"".join(client.get(reverse(name)).streaming_content)


def imported(user, filename, data):
    job = jobs.create_job(user, filename, data)
    for waiting, running in PHASES:
        ImportJob.objects.filter(pk=job.pk).update(status=waiting)
        assert ImportJob.objects.claim(job.pk, waiting, running)
        assert jobs.run_phase(job.pk) == "done"
    return job.outcome_counts()


PHASES = ((ImportStatus.PARSED, ImportStatus.MATCHING), (ImportStatus.QUEUED, ImportStatus.IMPORTING))


@pytest.mark.parametrize(("export_name", "filename"), [("export_csv", "own.csv"), ("export_json", "backup.json")])
def test_export_then_import_gives_the_same_dvds_and_adds_nothing_the_second_time(
    client, user, fake_tmdb, export_name, filename
):
    """Export → import into an empty account: the same DVDs, field for field, copies and risky text included,
    with no TMDB search; the same file imported into the account it came from adds nothing."""
    collection_with_copies_and_risky_text(user)
    count = DVD.objects.filter(owner=user).count()
    data = exported(client, user, export_name)
    newcomer = UserFactory()
    counts = imported(newcomer, filename, data)
    assert counts == {"created": count, "duplicate": 0, "error": 0, "skipped": 0}
    assert field_values(newcomer) == field_values(user)
    assert exported(client, newcomer, export_name).count(b"\n") == data.count(b"\n")
    again = imported(user, filename, data)
    assert again == {"created": 0, "duplicate": count, "error": 0, "skipped": 0}
    assert DVD.objects.filter(owner=user).count() == count
    assert fake_tmdb.calls_for("/3/search/movie") == 0


def test_another_copy_in_a_file_is_added_and_the_same_item_is_a_duplicate(user):
    """A row for another format, shelf or barcode of a film already there is another copy; a row
    for the same item is a duplicate, and so is a second row for one item in one file."""
    DVDFactory(owner=user, name="Heat", release_year=1995, imdb_id="tt0113277", disk_type="dvd", storage_box="A")
    data = (
        b"Title,Year,IMDb ID,Format,Location\n"
        b"Heat,1995,tt0113277,DVD,A\n"
        b"Heat,1995,tt0113277,Blu-ray,A\n"
        b"Heat,1995,tt0113277,Blu-ray,A\n"
        b"Heat,1995,tt0113277,DVD,B\n"
    )
    job = jobs.create_job(user, "copies.csv", data)
    assert ImportJob.objects.claim(job.pk, ImportStatus.PARSED, ImportStatus.MATCHING)
    assert jobs.run_phase(job.pk) == "done"
    plans = {row.line: (row.plan, row.plan_message) for row in job.rows.all()}
    assert plans == {
        2: ("duplicate", "“Heat (1995)” is already in your collection."),
        3: ("create", "Another copy of “Heat (1995)”, which is already in your collection."),
        4: ("duplicate", "Same film as line 3 of this file."),
        5: ("create", "Another copy of “Heat (1995)”, which is already in your collection."),
    }


@pytest.mark.parametrize("text", RISKY_TEXTS)
def test_a_neutralised_cell_reads_back_as_it_was(text):
    """What the export writes for a cell, the importer reads back unchanged."""
    assert unquote_formula(neutralise(text)) == text
