from decimal import Decimal

import pytest
from django.urls import reverse

from tracker.models import DVD
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wanted(user):
    return DVDFactory(owner=user, name="Dune", tmdb_id=438631, status=DVD.Status.WISHLIST, yts_torrent_count=3)


def test_the_wish_list_page_shows_wanted_films_with_their_torrents(signed_in, user, wanted):
    """/wishlist/ lists the wanted films (with how many torrents they have), not the kept ones."""
    kept = DVDFactory(owner=user, name="Heat")
    page = signed_in.get(reverse("wishlist")).content.decode()
    assert wanted.get_absolute_url() in page
    assert "3 torrents" in page
    assert kept.get_absolute_url() not in page


def test_wanted_films_are_left_out_of_the_collection(signed_in, user, wanted):
    """The list page and its count leave the wish list out, unless its status is chosen."""
    DVDFactory(owner=user, name="Heat")
    assert signed_in.get(reverse("dvd_list"), {"view": "list"}).context["page"].paginator.count == 1
    chosen = signed_in.get(reverse("dvd_list"), {"status": "wishlist", "view": "list"})
    assert [dvd.pk for dvd in chosen.context["page"].object_list] == [wanted.pk]


def test_wanted_films_are_not_counted_in_the_statistics(signed_in, user, wanted):
    """The statistics page counts what the owner has: the wish list is not in the totals."""
    DVDFactory(owner=user, name="Heat")
    assert signed_in.get(reverse("stats")).context["totals"]["total"] == 1


def test_i_bought_it_turns_the_wanted_film_into_a_kept_copy(signed_in, wanted):
    """ "I bought it" asks for the format, price and store, and keeps the film with them."""
    response = signed_in.post(
        reverse("wishlist_bought", args=[wanted.pk]),
        {"disk_type": "4k_uhd", "purchase_price": "24.99", "purchase_currency": "eur", "purchase_store": "Fnac"},
    )
    assert response.url == wanted.get_absolute_url()
    wanted.refresh_from_db()
    assert (wanted.status, wanted.disk_type, wanted.purchase_price) == ("kept", "4k_uhd", Decimal("24.99"))
    assert (wanted.purchase_currency, wanted.purchase_store, wanted.yts_torrent_count) == ("EUR", "Fnac", 3)


def test_i_bought_it_refuses_a_negative_price_and_keeps_the_film_wanted(signed_in, wanted):
    """A negative price is refused next to the field; the film stays on the wish list."""
    data = {"disk_type": "dvd", "purchase_price": "-2"}
    response = signed_in.post(reverse("wishlist_bought", args=[wanted.pk]), data)
    assert response.context["form"].errors["purchase_price"] == ["A price cannot be negative."]
    wanted.refresh_from_db()
    assert wanted.status == DVD.Status.WISHLIST


def test_another_users_wish_list_item_is_404(signed_in, other_user):
    """Buying another user's wanted film, or a film that is not wanted, is 404."""
    theirs = DVDFactory(owner=other_user, status=DVD.Status.WISHLIST)
    assert signed_in.post(reverse("wishlist_bought", args=[theirs.pk]), {"disk_type": "dvd"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == DVD.Status.WISHLIST


def test_a_kept_dvd_has_no_i_bought_it(signed_in, dvd):
    """A DVD already kept is not on the wish list: its "I bought it" is 404."""
    assert signed_in.get(reverse("wishlist_bought", args=[dvd.pk])).status_code == 404


def test_a_wanted_film_is_not_asked_about_as_another_copy(signed_in, user):
    """Adding a film to the wish list while a copy is kept does not ask "Add another copy?"."""
    DVDFactory(owner=user, name="Alien", tmdb_id=348)
    data = {"name": "Alien", "tmdb_id": 348, "disk_type": "4k_uhd", "media_type": "physical", "status": "wishlist"}
    signed_in.post(reverse("dvd_add"), data)
    assert DVD.objects.filter(owner=user, status="wishlist").count() == 1
