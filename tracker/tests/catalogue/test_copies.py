from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from tracker.models import DVD
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"name": "Alien", "release_year": 1979, "disk_type": "dvd", "media_type": "physical", "status": "kept"}
    data.update(overrides)
    return data


def test_adding_a_film_already_kept_asks_and_adds_nothing(signed_in, user):
    """The add form names the copy already kept ("Blu-ray in box B2") and adds nothing without the tick."""
    DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="bluray", storage_box="B2")
    response = signed_in.post(reverse("dvd_add"), form_data(tmdb_id=348))
    assert response.status_code == 200
    assert response.context["form"].errors["another_copy"] == [
        "You already own Alien: Blu-ray in box B2. Add another copy?"
    ]
    assert 'id="another-copy-question"' in response.content.decode()
    assert DVD.objects.count() == 1


def test_the_ticked_question_adds_the_second_copy(signed_in, user):
    """With "Yes, add another copy" ticked, the second copy is added beside the first."""
    DVDFactory(owner=user, name="Alien", imdb_id="tt0078748", disk_type="dvd")
    response = signed_in.post(
        reverse("dvd_add"), form_data(imdb_id="tt0078748", disk_type="4k_uhd", edition="Steelbook", another_copy="on")
    )
    copy = DVD.objects.get(disk_type="4k_uhd")
    assert response.url == copy.get_absolute_url()
    assert (copy.edition, DVD.objects.filter(owner=user).count()) == ("Steelbook", 2)


def test_a_film_owned_by_someone_else_or_given_away_is_not_asked_about(signed_in, user, other_user):
    """Only the owner's kept copies count: another user's, or one given away, add straight away."""
    DVDFactory(owner=other_user, tmdb_id=348)
    DVDFactory(owner=user, tmdb_id=348, status=DVD.Status.DISPOSED)
    signed_in.post(reverse("dvd_add"), form_data(tmdb_id=348))
    assert DVD.objects.filter(owner=user, status="kept").count() == 1


def test_editing_a_copy_does_not_ask(signed_in, user):
    """The question is for adding; saving an edit of one of two copies just saves."""
    DVDFactory(owner=user, tmdb_id=348)
    second = DVDFactory(owner=user, tmdb_id=348, name="Alien")
    signed_in.post(reverse("dvd_edit", args=[second.pk]), form_data(tmdb_id=348, edition="Director's Cut"))
    second.refresh_from_db()
    assert second.edition == "Director's Cut"


def test_the_copy_fields_are_saved_and_shown(signed_in, user):
    """Edition, region, discs, condition and the purchase are stored and shown on the DVD page."""
    signed_in.post(
        reverse("dvd_add"),
        form_data(
            edition="Criterion",
            region="B",
            disc_count=2,
            condition="mint",
            purchase_date="2024-03-31",
            purchase_price="19.99",
            purchase_currency=" gbp ",
            purchase_store="Fopp",
        ),  # fmt: skip
    )
    dvd = DVD.objects.get()
    assert (dvd.edition, dvd.region, dvd.disc_count, dvd.condition) == ("Criterion", "B", 2, "mint")
    assert (dvd.purchase_price, dvd.purchase_currency, dvd.purchase_store) == (Decimal("19.99"), "GBP", "Fopp")
    page = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "19.99 GBP at Fopp on 31 Mar 2024" in page
    assert "Criterion" in page


def test_the_currency_defaults_to_the_setting(signed_in, settings):
    """A price without a currency is in DEFAULT_CURRENCY."""
    settings.DEFAULT_CURRENCY = "USD"
    signed_in.post(reverse("dvd_add"), form_data(purchase_price="5"))
    assert DVD.objects.get().purchase_currency == "USD"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"purchase_price": "-1"}, "purchase_price", "A price cannot be negative."),
        ({"purchase_currency": "XYZ"}, "purchase_currency", "“XYZ” is not a currency code"),
        ({"condition": "shiny"}, "condition", "Select a valid choice"),
        ({"disc_count": "0"}, "disc_count", "greater than or equal to 1"),
    ],
)
def test_bad_copy_input_is_refused_next_to_the_field(signed_in, overrides, field, message):
    """A negative price, an unknown currency, an unknown condition or no discs: a message on the field, no DVD."""
    response = signed_in.post(reverse("dvd_add"), form_data(**overrides))
    assert message in " ".join(response.context["form"].errors[field])
    assert not DVD.objects.exists()


def test_an_unknown_default_currency_fails_the_checks(settings):
    """DEFAULT_CURRENCY must be an ISO 4217 code: `manage.py check` says so."""
    settings.DEFAULT_CURRENCY = "EURO"
    with pytest.raises(SystemCheckError, match="DEFAULT_CURRENCY"):
        call_command("check")


def test_the_dvd_page_lists_the_owners_other_copies(signed_in, user, other_user):
    """A DVD's page links the owner's other copies of the film, not other users' copies."""
    dvd = DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="dvd")
    mine = DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="bluray", edition="Steelbook")
    theirs = DVDFactory(owner=other_user, name="Alien", tmdb_id=348)
    page = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert mine.get_absolute_url() in page
    assert "Blu-ray Steelbook" in page
    assert theirs.get_absolute_url() not in page


def test_adding_a_copy_refreshes_the_stored_page_of_the_first(signed_in, user, settings):
    """With stored pages on, the first copy's page lists a copy added after it was stored."""
    settings.PAGE_CACHE_SECONDS = 60
    first = DVDFactory(owner=user, name="Alien", tmdb_id=348)
    assert "other-copies" not in signed_in.get(first.get_absolute_url()).content.decode()
    second = DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="bluray")
    assert second.get_absolute_url() in signed_in.get(first.get_absolute_url()).content.decode()


def test_the_list_grouped_by_film_shows_one_row_with_every_format(signed_in, user):
    """?group=film: one row per film, with a format badge per copy and the number of copies."""
    DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="dvd")
    DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="bluray", edition="Steelbook")
    DVDFactory(owner=user, name="Heat", tmdb_id=949)
    response = signed_in.get(reverse("dvd_list"), {"group": "film", "view": "list"})
    assert response.context["page"].paginator.count == 2
    page = response.content.decode()
    assert "Blu-ray Steelbook" in page
    assert "2 copies" in page
    assert signed_in.get(reverse("dvd_list"), {"view": "list"}).context["page"].paginator.count == 3


def test_the_duplicates_page_lists_same_film_format_and_edition(signed_in, user, other_user):
    """Same film, format and edition are likely duplicates; another format or edition is not."""
    twin_a = DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="dvd", edition="Standard")
    twin_b = DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="dvd", edition="standard")
    other_edition = DVDFactory(owner=user, name="Alien", tmdb_id=348, disk_type="dvd", edition="Steelbook")
    DVDFactory(owner=other_user, name="Alien", tmdb_id=348, disk_type="dvd", edition="Standard")
    response = signed_in.get(reverse("duplicates"))
    assert [[dvd.pk for dvd in group] for group in response.context["groups"]] == [[twin_a.pk, twin_b.pk]]
    assert other_edition.get_absolute_url() not in response.content.decode()


def test_tmdb_search_results_mark_the_films_already_kept(signed_in, user, http_mock, settings):
    """On the add page, a TMDB result the owner keeps a copy of is marked "Owned"; others are not."""
    settings.TMDB_API_BASE_URL, settings.TMDB_API_KEY, settings.TMDB_ACCESS_TOKEN = tmdb.TMDB_BASE, "test-key", ""
    DVDFactory(owner=user, name="Inception", tmdb_id=27205)
    films = [{"id": 27205, "title": "Inception", "release_date": "2010-07-15"}, {"id": 64956, "title": "Inception 2"}]
    http_mock.get(f"{tmdb.TMDB_BASE}/search/movie", json=tmdb.search(*films))
    response = signed_in.get(reverse("dvd_add"), {"tmdb_q": "incep"})
    assert response.context["tmdb"].owned == {27205}
    assert response.content.decode().count(">Owned</span>") == 1
