"""A collector's catalogue in a real browser, at a desktop and a phone viewport: a second copy of a film,
lending and getting a disc back, buying a wish-list film, and a share link opened signed out. Each step
saves screenshots to test-artifacts/screenshots/, and axe-core checks the new pages."""

import re
from datetime import date

import pytest

from tracker.models import DVD, Loan, ShareLink
from tracker.tests.factories import DVDFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POSTER = "https://image.tmdb.org/t/p/w342/alien.jpg"


def alien(owner, **overrides):
    values = {"name": "Alien", "release_year": 1979, "imdb_id": "", "tmdb_id": 348, "poster_url": POSTER}
    return DVDFactory(owner=owner, **{**values, **overrides})


def test_add_a_second_copy(ui, collector):
    """Adding a film already kept asks "Add another copy?"; ticked, both copies show on the DVD page."""
    first = alien(collector, disk_type="bluray", storage_box="B2")
    page = ui.page
    ui.sign_in(collector, path="/dvd/add/")
    page.locator("#id_name").fill("Alien")
    page.locator("#id_tmdb_id").fill("348")
    page.locator("#id_disk_type").select_option("4k_uhd")
    page.locator("#id_edition").fill("Steelbook")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#another-copy-question")).to_have_text(
        "You already own Alien: Blu-ray in box B2. Add another copy?"
    )
    assert DVD.objects.count() == 1
    ui.shot("1-asked")
    assert ui.axe_violations() == []
    page.get_by_label("Yes, add another copy").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="Added “Alien”")).to_be_visible()
    expect(page.locator("#other-copies").get_by_role("link", name="Blu-ray")).to_have_attribute(
        "href", first.get_absolute_url()
    )
    ui.shot("2-second-copy")
    ui.goto("/?group=film&view=list")
    expect(page.locator("#collection-list li")).to_have_count(1)
    expect(page.locator("#collection-list")).to_contain_text("2 copies")
    ui.shot("3-grouped-by-film")


def test_lend_and_return(ui, collector):
    """Lend a DVD from its page, see it on the loans page and in the list, then mark it returned."""
    dvd = alien(collector)
    page = ui.page
    ui.sign_in(collector, path=dvd.get_absolute_url())
    page.get_by_role("link", name="Lend it").click()
    page.get_by_label("Lent to").fill("Sam")
    page.get_by_label("Lent on").fill("2026-01-10")
    page.get_by_label("Due back").fill("2026-01-09")
    page.get_by_role("button", name="Lend it").click()
    expect(page.get_by_text("The due date cannot be before the day it was lent.")).to_be_visible()
    ui.shot("1-due-before-lent")
    page.get_by_label("Due back").fill("2026-02-10")
    page.get_by_role("button", name="Lend it").click()
    expect(page.locator("#on-loan-badge")).to_have_text("On loan to Sam since 10 Jan 2026")
    ui.shot("2-on-loan")
    ui.goto("/loans/")
    expect(page.locator("#loans tbody tr")).to_have_count(1)
    assert ui.axe_violations() == []
    ui.shot("3-loans-page")
    page.get_by_role("button", name=re.compile("Returned")).click()
    expect(page.get_by_role("alert").filter(has_text="“Alien” is back from Sam")).to_be_visible()
    expect(page.locator("#loans").get_by_role("button")).to_have_count(0)
    assert Loan.objects.get().returned_on is not None
    ui.goto(dvd.get_absolute_url())
    expect(page.locator("#on-loan-badge")).to_have_count(0)
    expect(page.locator("#loan-history")).to_contain_text("Sam")
    ui.shot("4-returned")


def test_buy_a_wishlist_item(ui, collector):
    """A wish-list film: bought, with its format, price and store, it joins the collection."""
    wanted = alien(collector, status=DVD.Status.WISHLIST)
    page = ui.page
    ui.sign_in(collector, path="/wishlist/")
    expect(page.locator("#wishlist li")).to_have_count(1)
    assert ui.axe_violations() == []
    ui.shot("1-wish-list")
    page.get_by_role("link", name=re.compile("I bought it")).click()
    page.locator("#id_disk_type").select_option("4k_uhd")
    page.get_by_label("Purchase price").fill("-3")
    page.get_by_role("button", name="Add it to my collection").click()
    expect(page.get_by_text("A price cannot be negative.")).to_be_visible()
    ui.shot("2-negative-price")
    page.get_by_label("Purchase price").fill("24.99")
    page.get_by_label("Store").fill("Fnac")
    page.get_by_role("button", name="Add it to my collection").click()
    expect(page.get_by_role("alert").filter(has_text="is in your collection now")).to_be_visible()
    expect(page.locator("#purchase")).to_contain_text("24.99 EUR at Fnac")
    ui.shot("3-bought")
    wanted.refresh_from_db()
    assert wanted.status == DVD.Status.KEPT


def test_open_a_share_link_signed_out(ui, collector):
    """Share the collection, open its link in a signed-out browser (titles and formats only), then stop
    sharing: the link is not found."""
    alien(collector, disk_type="bluray", edition="Steelbook", storage_box="Secret shelf", notes="mine")
    Loan.objects.create(dvd=DVD.objects.get(), borrower="Sam", lent_on=date(2026, 1, 10))
    page = ui.page
    ui.sign_in(collector, path="/sharing/")
    page.locator("#share-collection-card").get_by_role("button", name="Share my collection").click()
    expect(page.locator("#share-collection-url")).to_be_visible()  # the link exists once the page shows it
    link = ShareLink.objects.get(kind="collection").get_absolute_url()
    expect(page.locator("#share-collection-url")).to_have_value(re.compile(re.escape(link) + "$"))
    ui.shot("1-sharing-on")
    ui.sign_out()
    ui.goto(link)
    expect(page.locator("#shared-dvds li")).to_have_count(1)
    expect(page.locator("#shared-dvds")).to_contain_text("Steelbook")
    expect(page.get_by_text("Secret shelf")).to_have_count(0)
    expect(page.get_by_text("Sam")).to_have_count(0)
    assert ui.axe_violations() == []
    ui.shot("2-shared-page-signed-out")
    ShareLink.objects.all().delete()
    ui.expect_status(link, 404)
    assert ui.goto(link).status == 404
    ui.shot("3-revoked")
