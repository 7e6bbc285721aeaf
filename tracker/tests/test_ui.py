"""Server-side parts of the UI polish: grid/list layouts, badges, local times, the 404 page, the form's groups."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tracker.tests import payloads
from tracker.tests.factories import DVDFactory
from tracker.validators import zone_from_name

pytestmark = pytest.mark.django_db


def test_collection_defaults_to_the_poster_grid(signed_in, user):
    """Without ?view the collection is a grid of poster cards, with a switch to the list."""
    DVDFactory(owner=user, name="Alien")
    response = signed_in.get(reverse("dvd_list"))
    content = response.content.decode()
    assert response.context["view"] == "grid"
    assert 'id="collection-grid"' in content
    assert 'id="collection-list"' not in content
    assert 'href="?view=list"' in content


@pytest.mark.parametrize(("asked", "shown"), [("list", "list"), ("grid", "grid"), ("posters", "grid"), ("", "grid")])
def test_view_parameter_chooses_the_layout_and_bad_values_fall_back(signed_in, user, asked, shown):
    """?view=list shows rows, ?view=grid cards; anything else is the grid."""
    DVDFactory(owner=user, name="Alien")
    content = signed_in.get(reverse("dvd_list"), {"view": asked}).content.decode()
    assert f'id="collection-{shown}"' in content
    assert f'id="collection-{"list" if shown == "grid" else "grid"}"' not in content


def test_layout_switch_keeps_filters_and_page(signed_in, user):
    """The Grid/List links keep the search, filters and page; only the layout changes."""
    DVDFactory.create_batch(30, owner=user, disk_type="bluray")
    content = signed_in.get(reverse("dvd_list"), {"q": "Film", "disk_type": "bluray", "page": 2}).content.decode()
    assert 'href="?q=Film&amp;disk_type=bluray&amp;page=2&amp;view=list"' in content
    assert 'href="?q=Film&amp;disk_type=bluray&amp;page=2"' in content


def test_pagination_and_filter_form_keep_the_layout(signed_in, user):
    """Page links carry ?view=list, and applying filters keeps it through a hidden field."""
    DVDFactory.create_batch(30, owner=user)
    content = signed_in.get(reverse("dvd_list"), {"view": "list"}).content.decode()
    assert 'href="?page=2&amp;view=list"' in content
    assert '<input type="hidden" name="view" value="list">' in content


@pytest.mark.parametrize("view", ["grid", "list"])
def test_both_layouts_show_format_and_torrent_badges_from_stored_data(signed_in, user, view):
    """Each layout shows the format badge and the stored torrent count, read by screen readers too."""
    DVDFactory(owner=user, name="Heat", disk_type="4k_uhd", yts_torrent_count=4)
    DVDFactory(owner=user, name="Alien", disk_type="dvd", yts_torrent_count=0)
    content = signed_in.get(reverse("dvd_list"), {"view": view}).content.decode()
    assert '<span class="badge badge-format badge-format-4k_uhd">4K UHD</span>' in content
    assert '<span class="badge badge-format badge-format-dvd">DVD</span>' in content
    assert content.count("torrents available") == 1
    assert '> 4<span class="visually-hidden"> torrents available</span>' in content


def test_detail_shows_seeds_and_peers_on_the_button(signed_in, dvd):
    """Seeds and peers are visible on each torrent button, not only in a hover title."""
    dvd.yts_data, dvd.yts_torrent_count, dvd.yts_last_updated = [payloads.torrent()], 1, datetime.now(UTC)
    dvd.save()
    content = " ".join(signed_in.get(dvd.get_absolute_url()).content.decode().split())
    assert '<span class="torrent-health">' in content
    assert "150 seeds" in content
    assert "10 peers" in content


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("America/New_York", 'Last updated: <time datetime="2025-01-15T09:30:00-05:00">Jan 15, 2025 09:30 EST</time>'),
        ("Asia/Tokyo", 'Last updated: <time datetime="2025-01-15T23:30:00+09:00">Jan 15, 2025 23:30 JST</time>'),
        ("", 'Last updated: <time datetime="2025-01-15T14:30:00+00:00">Jan 15, 2025 14:30 UTC</time>'),
        ("Mars/Olympus_Mons", 'Last updated: <time datetime="2025-01-15T14:30:00+00:00">Jan 15, 2025 14:30 UTC</time>'),
        ("../../etc/passwd", 'Last updated: <time datetime="2025-01-15T14:30:00+00:00">Jan 15, 2025 14:30 UTC</time>'),
    ],
)
def test_last_updated_is_shown_in_the_browsers_time_zone(signed_in, dvd, settings, cookie, expected):
    """The `tz` cookie set by app.js picks the zone of "Last updated"; a missing or unknown one means TIME_ZONE."""
    settings.TIME_ZONE = "UTC"
    dvd.yts_data, dvd.yts_last_updated = [], datetime(2025, 1, 15, 14, 30, tzinfo=UTC)
    dvd.save()
    if cookie:
        signed_in.cookies["tz"] = cookie
    assert expected in signed_in.get(dvd.get_absolute_url()).content.decode()


def test_refresh_answer_gives_the_time_in_the_browsers_zone(signed_in, dvd, http_mock):
    """The Refresh button's JSON `last_updated` follows the same cookie."""
    http_mock.get("https://yts.mx/api/v2/list_movies.json", json=payloads.list_movies(payloads.movie()))
    signed_in.cookies["tz"] = "Asia/Kolkata"
    data = signed_in.post(reverse("refresh_yts_data", args=[dvd.pk])).json()
    dvd.refresh_from_db()
    expected = dvd.yts_last_updated.astimezone(zone_from_name("Asia/Kolkata")).strftime("%B %d, %Y at %I:%M %p")
    assert data["last_updated"] == expected


@pytest.mark.parametrize("name", ["", "x" * 65, "Not/AZone", "UTC\nSet-Cookie", "/etc/localtime"])
def test_unknown_zone_names_are_ignored(name):
    """Only names from the tz database are used; anything else is no zone at all."""
    assert zone_from_name(name) is None


def test_not_found_page_leads_back_to_the_collection(signed_in, other_user):
    """Another user's DVD is a friendly 404 page with a way back, inside the site's layout."""
    theirs = DVDFactory(owner=other_user, name="Their Film")
    response = signed_in.get(reverse("dvd_detail", args=[theirs.pk]))
    content = response.content.decode()
    assert response.status_code == 404
    assert "Back to your collection" in content
    assert "Their Film" not in content


def test_add_form_groups_the_film_and_the_copy(signed_in):
    """The form has a "The film" group and a "Your copy" group, each field in exactly one."""
    content = signed_in.get(reverse("dvd_add")).content.decode()
    film, copy = content.split('<legend class="h5">Your copy</legend>')
    assert '<legend class="h5">The film</legend>' in film
    assert 'name="name"' in film
    assert 'name="imdb_id"' in film
    assert 'name="storage_box"' in copy
    assert 'name="is_unwatched"' in copy
    assert 'name="name"' not in copy
    # Tick boxes sit together after the inputs, and the notes come last.
    assert copy.index('name="storage_box"') < copy.index('name="is_unwatched"') < copy.index('name="notes"')
    assert copy.index('name="is_unopened"') < copy.index('name="notes"')
