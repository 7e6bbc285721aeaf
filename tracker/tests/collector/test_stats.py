import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from tracker.charts import bars
from tracker.models import DVD
from tracker.stats import collection_stats
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db

# The stats page's queries: session, user, six aggregates, three of copies and purchases (tracker.stats_copies),
# and the navbar's alert counts (alerts.counts).
STATS_PAGE_QUERIES = 12


def added(dvd, when):
    DVD.objects.filter(pk=dvd.pk).update(created_at=when)


@pytest.fixture
def collection(user, other_user):
    a = DVDFactory(owner=user, release_year=1994, genres="Drama, Crime", runtime=142, yts_torrent_count=2,
                   yts_last_updated=datetime(2024, 1, 1, tzinfo=UTC))  # fmt: skip
    b = DVDFactory(owner=user, release_year=1999, disk_type=DVD.DiskType.BLURAY, genres="Drama", is_unwatched=True,
                   yts_last_updated=datetime(2024, 1, 1, tzinfo=UTC))  # fmt: skip
    c = DVDFactory(owner=user, release_year=2010, disk_type=DVD.DiskType.UHD, genres="Action, Drama", imdb_id="",
                   media_type=DVD.MediaType.DOWNLOAD, status=DVD.Status.DISPOSED, runtime=98)  # fmt: skip
    d = DVDFactory(owner=user, release_year=None, disk_type=DVD.DiskType.BLURAY, is_unwatched=True, is_unopened=True)
    DVDFactory(owner=other_user, release_year=1950, genres="Western", yts_torrent_count=5)
    added(a, datetime(2025, 1, 10, tzinfo=UTC))
    added(b, datetime(2025, 1, 20, tzinfo=UTC))
    added(c, datetime(2025, 3, 5, tzinfo=UTC))
    added(d, datetime(2023, 1, 5, tzinfo=UTC))
    return [a, b, c, d]


def test_figures_are_counted_from_your_collection_only(user, collection):
    """Totals, formats, media, decades, genres, watched, torrents: the owner's DVDs only."""
    stats = collection_stats(DVD.objects.for_user(user), today=date(2025, 3, 15))
    totals = stats["totals"]
    assert (totals["total"], totals["kept"], totals["disposed"]) == (4, 3, 1)
    assert (totals["watched"], totals["unwatched"], totals["unopened"]) == (2, 2, 1)
    assert (totals["torrents"], totals["minutes"], totals["oldest"], totals["newest"]) == (2, 240, 1994, 2010)
    assert stats["formats"] == [("DVD", 1), ("Blu-ray", 2), ("4K UHD", 1)]
    assert stats["media"] == [("Physical", 3), ("Download", 1), ("Rip", 0)]
    assert stats["decades"] == [("1990s", 2), ("2010s", 1), ("Unknown year", 1)]
    assert stats["genres"] == [("Drama", 3), ("Action", 1), ("Crime", 1)]
    assert stats["torrents"] == [
        ("Torrents available", 1),
        ("None on YTS", 1),
        ("Not looked up yet", 1),
        ("No IMDb id", 1),
    ]


def test_the_figures_take_four_queries_formats_and_media_counted_with_the_totals(
    user, collection, django_assert_num_queries
):
    """Totals, formats and media in one pass over the collection; decades, genres and months one query each."""
    with django_assert_num_queries(4):
        stats = collection_stats(DVD.objects.for_user(user), today=date(2025, 3, 15))
    assert stats["formats"] == [("DVD", 1), ("Blu-ray", 2), ("4K UHD", 1)]
    assert stats["media"] == [("Physical", 3), ("Download", 1), ("Rip", 0)]
    assert not any(name.startswith(("disk_type", "media_type")) for name in stats["totals"])


def test_added_per_month_covers_the_last_two_years_with_empty_months(user, collection):
    """Each of the last 24 months, empty ones included; older additions fall outside."""
    months = collection_stats(DVD.objects.for_user(user), today=date(2025, 3, 15))["months"]
    assert len(months) == 24
    assert months[0] == ("Apr 2023", 0)
    assert months[-3:] == [("Jan 2025", 2), ("Feb 2025", 0), ("Mar 2025", 1)]
    assert sum(n for _, n in months) == 3


def test_bars_are_scaled_to_the_largest_with_percentages_of_the_whole():
    """The longest bar is full length; the figure beside each is its share."""
    drawn = bars([("A", 3), ("B", 1), ("C", 0)])
    assert [(b.length, b.percent) for b in drawn] == [(100, 75), (33.33, 25), (0, 0)]
    assert bars([("X", 0)])[0].length == 0
    assert bars([("Drama", 3)], whole=4)[0].percent == 75


@time_machine.travel(datetime(2025, 3, 15, 12, tzinfo=UTC), tick=False)
def test_stats_page_shows_the_charts_with_their_numbers(signed_in, collection):
    """The page draws each group as an SVG bar with its count and share beside it, and no inline style."""
    html = signed_in.get(reverse("stats")).content.decode()
    assert '<dd class="h3 mb-0" id="stat-total">4</dd>' in html
    assert re.search(r'<th scope="row"[^>]*>Blu-ray</th>\s*<td[^>]*><svg[^>]*>.*?width="100".*?</svg></td>\s*'
                     r'<td[^>]*>2 <small[^>]*>\(50%\)</small>', html, re.S)  # fmt: skip
    assert "Unknown year" in html
    assert "Western" not in html
    assert " style=" not in html


def test_an_empty_collection_has_a_friendly_stats_page(signed_in):
    """No DVDs: the page says so and offers to add or import."""
    html = signed_in.get(reverse("stats")).content.decode()
    assert "No DVDs yet" in html


def test_the_stats_page_makes_the_same_few_queries_at_any_size(signed_in, user, django_assert_max_num_queries):
    """Aggregates only: 3 DVDs or 300, the page makes the same small number of queries."""
    DVD.objects.bulk_create([DVD(owner=user, name=f"Film {n}", genres="Drama, Comedy") for n in range(3)])
    with django_assert_max_num_queries(STATS_PAGE_QUERIES) as small:
        assert signed_in.get(reverse("stats")).status_code == 200
    DVD.objects.bulk_create(
        [DVD(owner=user, name=f"More {n}", release_year=1900 + n % 120, genres=f"G{n % 7}") for n in range(300)]
    )
    with django_assert_max_num_queries(STATS_PAGE_QUERIES) as large:
        assert signed_in.get(reverse("stats")).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
