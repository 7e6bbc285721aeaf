import pytest

from tracker.collection_io import jobs
from tracker.models import DVD
from tracker.models.imports import ImportJob, ImportStatus
from tracker.tests.collector.conftest import read
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def run(job, waiting, running):
    assert ImportJob.objects.claim(job.pk, waiting, running)
    assert jobs.run_phase(job.pk) == "done"
    job.refresh_from_db()
    return job


def preview(user, name, data=None):
    job = jobs.create_job(user, name, data if data is not None else read(name))
    return run(job, ImportStatus.PARSED, ImportStatus.MATCHING)


def confirm(job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    return run(job, ImportStatus.QUEUED, ImportStatus.IMPORTING)


def plans(job):
    return {row.line: (row.plan, row.plan_message) for row in job.rows.all()}


def outcomes(job):
    return {row.line: row.outcome for row in job.rows.all()}


def test_clz_preview_matches_on_tmdb_and_reports_each_row(user, fake_tmdb):
    """The preview picks each title's TMDB film, and reports bad rows without writing anything."""
    job = preview(user, "clz_movies.csv")
    assert job.status == ImportStatus.REVIEW
    assert job.uses_tmdb is True
    rows = {row.line: row for row in job.rows.all()}
    assert rows[2].choice == "tmdb:278"
    assert rows[2].candidates[0]["confidence"] == 100
    assert rows[3].choice == "typed"  # the file gives Inception's IMDb id: no search
    assert rows[4].choice == "tmdb:348"
    found = plans(job)
    assert found[2] == ("create", "")
    assert found[5] == ("error", "Year “19x5” is not a four-digit year.")
    assert found[6][0] == "error"
    assert "Unknown format “VHS”" in found[6][1]
    assert found[7] == ("skip", "Not in your collection (status “On Order”).")
    assert found[8] == ("create", "")
    assert job.plan_counts() == {"create": 4, "duplicate": 0, "error": 2, "skip": 1}
    assert not DVD.objects.exists()
    # Bad rows, the wish-list row and the identified row made no search.
    assert fake_tmdb.calls_for("/3/search/movie") == 3


def test_confirmed_import_adds_the_planned_dvds_with_tmdb_details(user, fake_tmdb):
    """Importing adds the planned rows, filling the IMDb id, director and genres from TMDB."""
    job = confirm(preview(user, "clz_movies.csv"))
    assert job.status == ImportStatus.DONE
    assert outcomes(job) == {
        2: "created",
        3: "created",
        4: "created",
        5: "error",
        6: "error",
        7: "skipped",
        8: "created",
    }
    shawshank = DVD.objects.get(owner=user, tmdb_id=278)
    assert shawshank.name == "The Shawshank Redemption"
    assert shawshank.imdb_id == "tt0111161"
    assert shawshank.release_year == 1994
    assert shawshank.barcode == "7321900011236"
    assert shawshank.storage_box == "Shelf A"
    assert shawshank.director == "Frank Darabont"  # the file's value wins over TMDB's
    assert shawshank.poster_url.startswith("https://image.tmdb.org/t/p/")
    alien = DVD.objects.get(owner=user, tmdb_id=348)
    assert alien.imdb_id == "tt0078748"
    assert alien.genres == "Horror"  # the file's genres win too
    assert alien.runtime == 117
    assert alien.disk_type == "4k_uhd"
    inception = DVD.objects.get(owner=user, imdb_id="tt1375666")
    assert inception.tmdb_id is None  # imported as typed
    assert DVD.objects.get(owner=user, tmdb_id=129).status == "disposed"


def test_reimporting_the_same_file_adds_nothing(user, fake_tmdb):
    """The same file imported twice: the second time every row is a duplicate, and the search is cached."""
    confirm(preview(user, "clz_movies.csv"))
    searches = fake_tmdb.calls_for("/3/search/movie")
    before = DVD.objects.count()
    again = confirm(preview(user, "clz_movies.csv"))
    assert DVD.objects.count() == before
    assert [o for o in outcomes(again).values() if o == "duplicate"] == ["duplicate"] * 4
    assert fake_tmdb.calls_for("/3/search/movie") == searches


def test_duplicates_within_one_file_are_reported(user, fake_tmdb):
    """The same film twice in one file is added once; the second row names the first."""
    job = preview(user, "list.txt", b"Alien (1979)\nalien (1979)\n")
    assert plans(job) == {1: ("create", ""), 2: ("duplicate", "Same film as line 1 of this file.")}


def test_films_already_owned_are_duplicates_by_tmdb_imdb_or_title_and_year(user, fake_tmdb):
    """A film already in the collection, by TMDB id, IMDb id or title and year, is not added again."""
    DVDFactory(owner=user, name="Alien", release_year=1979, tmdb_id=348, imdb_id="tt0078748")
    DVDFactory(owner=user, name="Some Film", release_year=2001, imdb_id="tt0245429")
    DVDFactory(owner=user, name="Home Movie", release_year=1999, imdb_id="")
    data = b"Title,Year,IMDb ID\nAlien,1979,\nSpirited,2001,tt0245429\nhome movie,1999,\nHome Movie,2000,\n"
    found = plans(preview(user, "mine.csv", data))
    assert found[2] == ("duplicate", "“Alien (1979)” is already in your collection.")
    assert found[3] == ("duplicate", "“Some Film (2001)” is already in your collection.")
    assert found[4] == ("duplicate", "“Home Movie (1999)” is already in your collection.")
    assert found[5][0] == "error"  # another year: not a duplicate, but TMDB does not know it


def test_another_users_films_are_not_duplicates(user, other_user, fake_tmdb):
    """Duplicates are looked for in the importer's own collection only."""
    DVDFactory(owner=other_user, name="Alien", release_year=1979, tmdb_id=348)
    assert plans(preview(user, "list.txt", b"Alien (1979)\n"))[1] == ("create", "")


def test_no_match_and_low_confidence_are_row_errors_until_the_person_chooses(user, fake_tmdb, settings):
    """No match, or a best match below IMPORT_MATCH_THRESHOLD, is an error the person can resolve."""
    settings.IMPORT_MATCH_THRESHOLD = 90
    job = preview(user, "watched.csv", read("letterboxd_watched.csv"))
    found = plans(job)
    assert found[2] == ("create", "")
    assert found[3] == ("create", "")
    assert found[4] == ("error", "No match on TMDB. Check the title, or import it as typed.")
    low = preview(user, "list.txt", b"Alien (1990)\n")
    assert plans(low)[1] == (
        "error",
        "No confident match (best: “Alien” (1979), 75%). Pick it or import as typed.",
    )
    row = low.rows.get()
    row.choice = "tmdb:348"
    row.save()
    jobs.replan(low)
    assert plans(low)[1] == ("create", "")


def test_without_tmdb_rows_are_imported_as_typed(user):
    """With no TMDB key, titles are imported as typed, without any request."""
    job = confirm(preview(user, "titles.txt"))
    assert job.uses_tmdb is False
    assert sorted(DVD.objects.values_list("name", "release_year")) == [
        ("A Film Nobody Has Made", 2019),
        ("Pulp Fiction", None),
        ("The Godfather", 1972),
    ]


def test_a_failing_tmdb_fails_rows_not_the_import(user, fake_tmdb):
    """TMDB answering 500: each row says why, the rest of the file is still read, and calls stop after five."""
    fake_tmdb.configure(mode="500")
    titles = "".join(f"Film {n}\n" for n in range(12)).encode()
    job = preview(user, "list.txt", titles)
    assert job.status == ImportStatus.REVIEW
    messages = [message for _, message in plans(job).values()]
    assert all(m.startswith("TMDB lookup failed") for m in messages)
    assert "not tried after 5 failures in a row" in messages[-1]
    assert fake_tmdb.calls_for("/3/search/movie") == 5
    assert job.rows.filter(matched=False).count() == 12
    # Once TMDB is back, "look up again" matches only the rows that failed.
    fake_tmdb.configure(mode="ok")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.PARSED)
    job = run(job, ImportStatus.PARSED, ImportStatus.MATCHING)
    assert job.rows.filter(matched=False).count() == 0


def test_validation_errors_come_from_the_model(user):
    """A year out of range or an invalid IMDb id fails that row with the model's own message."""
    data = b"title,year,imdb_id\nToo Old,1700,\nBad Id,1999,tt12\nFine,1999,\n"
    found = plans(preview(user, "list.csv", data))
    assert found[2][0] == "error"
    assert "Release year" in found[2][1]
    assert found[3][0] == "error"
    assert "IMDb id" in found[3][1]
    assert found[4] == ("create", "")


def test_two_copies_of_one_tmdb_film_are_both_added(user):
    """A file with a film twice in two formats adds both copies, the second marked "another copy"."""
    DVDFactory(owner=user, name="Heat", release_year=1995, tmdb_id=949, disk_type=DVD.DiskType.DVD)
    data = b"title,year,tmdb_id,format,edition\nHeat,1995,949,Blu-ray,Steelbook\nHeat,1995,949,4K,\n"
    job = preview(user, "list.csv", data)
    assert plans(job)[2] == ("create", "Another copy of “Heat (1995)”, which is already in your collection.")
    job = confirm(job)
    assert outcomes(job) == {2: "created", 3: "created"}
    assert sorted(DVD.objects.filter(owner=user, tmdb_id=949).values_list("disk_type", "edition")) == [
        ("4k_uhd", ""),
        ("bluray", "Steelbook"),
        ("dvd", ""),
    ]


def test_an_interrupted_import_carries_on_without_duplicates(user, monkeypatch):
    """A phase that stopped on an error waits for "Try again", which continues from the rows not done."""
    job = preview(user, "list.txt", b"One\nTwo\nThree\n")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    assert ImportJob.objects.claim(job.pk, ImportStatus.QUEUED, ImportStatus.IMPORTING)
    original = jobs._create
    batches = []

    def crash_on_second_batch(created):
        batches.append(len(created))
        if len(batches) == 2:
            raise RuntimeError("the database went away")
        return original(created)

    monkeypatch.setattr(jobs, "BATCH", 2)
    monkeypatch.setattr(jobs, "_create", crash_on_second_batch)
    assert jobs.run_phase(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    assert "Try again" in job.failure
    assert sorted(DVD.objects.values_list("name", flat=True)) == ["One", "Two"]
    monkeypatch.setattr(jobs, "_create", original)
    job = run(job, ImportStatus.QUEUED, ImportStatus.IMPORTING)
    assert job.status == ImportStatus.DONE
    assert sorted(DVD.objects.values_list("name", flat=True)) == ["One", "Three", "Two"]
