from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tracker.models import DVD
from tracker.models.imports import ImportJob
from tracker.tests.collector.conftest import FILES

pytestmark = pytest.mark.django_db


def import_file(*args):
    out = StringIO()
    call_command("import_collection", *args, stdout=out)
    return out.getvalue()


def test_dry_run_reports_and_changes_nothing(user, fake_tmdb):
    """--dry-run prints what would happen, row by row, and leaves no DVD and no job behind."""
    out = import_file(str(FILES / "clz_movies.csv"), "--user", user.username, "--dry-run")
    assert "CLZ Movies CSV: 7 rows." in out
    assert "Line 5 “Heat”: Cannot be imported. Year “19x5” is not a four-digit year." in out
    assert "Line 7 “Pulp Fiction”: Skipped. Not in your collection (status “On Order”)." in out
    assert "Dry run: 4 would be added, 0 already in the collection, 2 cannot be imported, 1 skipped." in out
    assert not DVD.objects.exists()
    assert not ImportJob.objects.exists()


def test_import_adds_and_a_second_run_finds_duplicates(user, fake_tmdb):
    """The command imports the best matches; run again it adds nothing."""
    out = import_file(str(FILES / "letterboxd_diary.csv"), "--user", user.username)
    assert "Added: 2, already in the collection: 0, not imported: 0, skipped: 0." in out
    assert sorted(DVD.objects.filter(owner=user).values_list("tmdb_id", "imdb_id")) == [
        (129, "tt0245429"),
        (348, "tt0078748"),
    ]
    again = import_file(str(FILES / "letterboxd_diary.csv"), "--user", user.username)
    assert "Added: 0, already in the collection: 2" in again
    assert "Line 2 “Spirited Away”: Already in your collection. “Spirited Away (2001)” is already" in again


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--user", "{user}"], "Could not read missing.csv"),
        ([str(FILES / "titles.txt"), "--user", "nobody"], "no user called 'nobody'"),
    ],
)
def test_command_errors_are_clear(user, args, message):
    """A missing file or unknown user is an error saying so."""
    with pytest.raises(CommandError, match=message):
        import_file(*[a.format(user=user.username) for a in args])


def test_a_file_that_cannot_be_imported_changes_nothing(user, tmp_path):
    """A non-UTF-8 file is refused with the reason, and nothing is stored."""
    path = tmp_path / "latin1.csv"
    path.write_bytes("Title\nAmélie\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text"):
        import_file(str(path), "--user", user.username)
    assert not ImportJob.objects.exists()
