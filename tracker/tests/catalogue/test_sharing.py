from datetime import date
from uuid import uuid4

import pytest
from django.urls import reverse

from tracker.models import DVD, Loan, ShareLink
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def switch(client, kind, action):
    return client.post(reverse("sharing"), {"kind": kind, "action": action})


@pytest.fixture
def shelves(user):
    kept = DVDFactory(
        owner=user, name="Alien", release_year=1979, disk_type="bluray", edition="Steelbook",
        storage_box="Secret box 7", notes="private note", purchase_price="12.34", poster_url="https://image.tmdb.org/t/p/w342/alien.jpg",
        yts_data=[{"url": "https://yts.mx/torrent/download/ABC", "quality": "1080p"}], yts_torrent_count=1,
    )  # fmt: skip
    Loan.objects.create(dvd=kept, borrower="Borrower Bob", lent_on=date(2026, 1, 1))
    DVDFactory(owner=user, name="Dune", status=DVD.Status.WISHLIST)
    return kept


def test_a_shared_collection_opens_signed_out_with_only_titles_formats_and_posters(client, signed_in, user, shelves):
    """Signed out, the link shows titles, years, formats, editions and posters, and never boxes, notes, prices,
    torrents or loans; the page is not to be indexed."""
    switch(signed_in, "collection", "on")
    link = ShareLink.objects.get(owner=user, kind="collection")
    signed_in.logout()
    response = client.get(link.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("Alien", "1979", "Blu-ray", "Steelbook", "https://image.tmdb.org/t/p/w342/alien.jpg"):
        assert shown in page
    for hidden in ("Secret box 7", "private note", "12.34", "yts.mx", "magnet:", "Borrower Bob", "Dune", user.username):
        assert hidden not in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_a_shared_wish_list_shows_only_the_wish_list(client, signed_in, user, shelves):
    """The wish list's link shows the wanted films, not the collection."""
    switch(signed_in, "wishlist", "on")
    page = client.get(ShareLink.objects.get(kind="wishlist").get_absolute_url()).content.decode()
    assert "Dune" in page
    assert "Alien" not in page


def test_a_revoked_or_regenerated_link_is_404(client, signed_in, user, shelves):
    """Switched off, the link is 404; a new link makes the old one 404 and the new one work."""
    switch(signed_in, "collection", "on")
    old = ShareLink.objects.get().get_absolute_url()
    switch(signed_in, "collection", "regenerate")
    new = ShareLink.objects.get().get_absolute_url()
    assert new != old
    assert (client.get(old).status_code, client.get(new).status_code) == (404, 200)
    switch(signed_in, "collection", "off")
    assert client.get(new).status_code == 404
    assert not ShareLink.objects.exists()


def test_a_token_that_does_not_exist_is_404(client, db):
    """A made-up token is 404."""
    assert client.get(reverse("shared_page", args=["made-up"])).status_code == 404


def test_the_sharing_settings_are_the_owners_own(client, signed_in, user, other_user):
    """My settings page shows only my links, and switching off acts on my own link only."""
    theirs = ShareLink.switch_on(other_user, "collection")
    assert theirs.token not in signed_in.get(reverse("sharing")).content.decode()
    switch(signed_in, "collection", "off")
    assert client.get(theirs.get_absolute_url()).status_code == 200


def test_an_unknown_kind_or_action_is_404(signed_in):
    """Bad input to the switches answers 404 and makes no link."""
    assert switch(signed_in, "loans", "on").status_code == 404
    assert switch(signed_in, "collection", "publish").status_code == 404
    assert not ShareLink.objects.exists()


def test_shared_pages_are_rate_limited_per_address(client, user, settings):
    """Past SHARED_PAGE_RATE_LIMIT_PER_MINUTE from one address, a shared page answers 429."""
    settings.SHARED_PAGE_RATE_LIMIT_PER_MINUTE = 2
    url = ShareLink.switch_on(user, "collection").get_absolute_url()
    address = f"198.51.100.{uuid4().int % 250}-{uuid4().hex}"  # counted apart from other runs sharing Redis
    assert [client.get(url, REMOTE_ADDR=address).status_code for _ in range(3)] == [200, 200, 429]
