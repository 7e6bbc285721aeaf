"""axe-core on the pages people use, at both viewports: no serious or critical violation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fakes.catalogue import FILMS
from fakes.tmdb import poster_path
from fakes.yts import fake_movie
from tracker.tests.factories import DVDFactory

# More films with posters, so the grid looks like a collection (and axe sees a full page).
SHELF = [film for film in FILMS if film.imdb_id and film.tmdb_id not in (238, 949)][:5]
expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def collection(collector):
    """Eight DVDs (a failed refresh, only a TMDB id, no ids, five with posters) and the pages to check."""
    now = timezone.now()
    with_torrents = DVDFactory(
        owner=collector,
        name="The Godfather",
        release_year=1972,
        imdb_id="tt0068646",
        tmdb_id=238,
        director="Francis Ford Coppola",
        genres="Drama, Crime",
        runtime=175,
        overview="The aging patriarch of a crime dynasty hands it to his reluctant son.",
        poster_url="https://image.tmdb.org/t/p/w342/godfather.jpg",
        disk_type="bluray",
        storage_box="A1",
        yts_data=fake_movie("tt0068646")["torrents"][:3],
        yts_torrent_count=3,
        yts_last_updated=now - timedelta(hours=2),
        yts_last_error="YTS could not be reached (ConnectionError)",
        yts_last_error_at=now - timedelta(minutes=5),
    )
    without_imdb_id = DVDFactory(
        owner=collector, name="Heat", release_year=1995, imdb_id="", tmdb_id=949, is_unwatched=True
    )
    DVDFactory(owner=collector, name="Casablanca", release_year=1942, imdb_id="", disk_type="4k_uhd")
    for film, disk_type in zip(SHELF, ["dvd", "bluray", "4k_uhd", "dvd", "bluray"], strict=True):
        DVDFactory(
            owner=collector,
            name=film.title,
            release_year=film.year,
            imdb_id=film.imdb_id,
            tmdb_id=film.tmdb_id,
            poster_url=f"https://image.tmdb.org/t/p/w342{poster_path(film)}",
            disk_type=disk_type,
            is_unwatched=film.tmdb_id % 2 == 0,
            yts_torrent_count=3,
            yts_last_updated=now,
        )
    return {
        "collection-grid": "/",
        "collection-list": "/?view=list",
        "detail": with_torrents.get_absolute_url(),
        "detail-without-imdb-id": without_imdb_id.get_absolute_url(),
        "add-with-tmdb-results": "/dvd/add/?tmdb_q=the",
        "edit": f"/dvd/{with_torrents.pk}/edit/",
        "stats": "/stats/",
        "duplicates": "/duplicates/",
        "sharing": "/sharing/",
    }


def describe(violations):
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} — {[node['target'] for node in v['nodes']][:5]}" for v in violations
    )


def test_login_page_has_no_serious_accessibility_violations(ui):
    """The sign-in page passes axe-core with no serious or critical violation."""
    ui.goto("/accounts/login/")
    expect(ui.page.get_by_role("heading", name="Sign in")).to_be_visible()
    violations = ui.axe_violations()
    assert not violations, describe(violations)


def test_signed_in_pages_have_no_serious_accessibility_violations(ui, collector, collection):
    """The collection (both layouts), a DVD's page, the add page with TMDB results, the edit page, the statistics,
    the duplicates and the sharing settings pass axe-core."""
    ui.sign_in(collector)
    found = {}
    for name, path in collection.items():
        ui.goto(path)
        violations = ui.axe_violations()
        if violations:
            found[name] = describe(violations)
        ui.shot(name)
    assert not found, "\n".join(f"{name}:\n{text}" for name, text in found.items())
