from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker.services.yts import parse_torrent
from tracker.tests import payloads
from tracker.tests.factories import DVDFactory
from tracker.torrent_links import allowed_download_hosts, display_name, magnet_uri, tracker_problem

HEX = "0123456789ABCDEF0123456789ABCDEF01234567"
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def query(uri):
    assert uri.startswith("magnet:?")
    return parse_qs(urlsplit(uri).query)


@pytest.mark.parametrize("info_hash", [HEX, HEX.lower(), BASE32])
def test_a_valid_hash_makes_a_magnet_link(info_hash):
    """40 hex or 32 base32 characters make a magnet link naming the film and the trackers."""
    uri = magnet_uri(info_hash, "Amélie & Co (2001) [1080p]", trackers=["udp://tracker.example:1337/announce"])
    assert query(uri) == {
        "xt": [f"urn:btih:{info_hash}"],
        "dn": ["Amélie & Co (2001) [1080p]"],
        "tr": ["udp://tracker.example:1337/announce"],
    }
    # The name and trackers are percent-encoded: '&' in a title cannot start another parameter.
    assert "dn=Am%C3%A9lie%20%26%20Co%20%282001%29%20%5B1080p%5D" in uri
    assert "tr=udp%3A%2F%2Ftracker.example%3A1337%2Fannounce" in uri


@pytest.mark.parametrize("info_hash", ["", "A" * 39, "A" * 41, "G" * 40, "1" * 32, None, 12, HEX + "\n"])
def test_an_invalid_hash_makes_no_link(info_hash):
    """Anything but 40 hex or 32 base32 characters gives no magnet link at all."""
    assert magnet_uri(info_hash, "Film") == ""


def test_trackers_come_from_the_setting_and_bad_ones_are_left_out(settings):
    """YTS_MAGNET_TRACKERS lists the trackers; an entry that is not a tracker address is skipped."""
    settings.YTS_MAGNET_TRACKERS = ["udp://one.example:80/announce", "javascript:alert(1)", "https://two.example/a"]
    assert query(magnet_uri(HEX, "Film"))["tr"] == ["udp://one.example:80/announce", "https://two.example/a"]


def test_display_name_has_year_and_quality():
    """The name a client shows: 'Title (Year) [quality]', spaces tidied."""
    assert display_name("  The   Matrix ", 1999, "2160p") == "The Matrix (1999) [2160p]"
    assert display_name("Untitled") == "Untitled"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("udp://tracker.example:1337/announce", ""),
        ("wss://tracker.example/", ""),
        ("udp://tracker.example/announce", "needs a port"),
        ("ftp://tracker.example:21", "must be a udp://"),
        ("udp://:99999", "is not a URL"),
    ],
)
def test_tracker_addresses_are_checked(url, problem):
    """Tracker addresses are udp/http/https/wss URLs; udp ones need a port."""
    assert (problem in tracker_problem(url)) if problem else tracker_problem(url) == ""


@pytest.mark.django_db
def test_the_detail_page_puts_a_magnet_link_beside_each_download_link(signed_in, user, settings):
    """Each torrent with a valid hash gets a magnet link next to its download link; one without gets none."""
    settings.YTS_MAGNET_TRACKERS = ["udp://tracker.example:1337/announce"]
    hosts = allowed_download_hosts()
    torrents = [
        parse_torrent(payloads.torrent("1080p", hash=HEX), hosts).as_dict(),
        parse_torrent(payloads.torrent("720p", hash="not-a-hash"), hosts).as_dict(),
    ]
    dvd = DVDFactory(owner=user, name="Heat & Dust", release_year=1983, imdb_id="tt0085672", yts_data=torrents,
                     yts_torrent_count=2, yts_last_updated=timezone.now())  # fmt: skip
    html = signed_in.get(reverse("dvd_detail", args=[dvd.pk])).content.decode()
    expected = (
        f'href="magnet:?xt=urn:btih:{HEX}&amp;dn=Heat%20%26%20Dust%20%281983%29%20%5B1080p%5D'
        '&amp;tr=udp%3A%2F%2Ftracker.example%3A1337%2Fannounce"'
    )
    assert expected in html
    assert html.count('class="torrent-magnet-btn') == 1
    assert html.count('class="torrent-download-btn') == 2
