"""The upgrade alerts in a real browser: a refresh brings a 2160p release of a film owned on DVD."""

import re
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from tracker import refresh
from tracker.tests.factories import DVDFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listed_nothing_yet(dvd):
    """Store that YTS listed nothing for the film three hours ago (so nothing beat the DVD's 480p)."""
    refresh.store([refresh.Fetched(dvd.imdb_id, timezone.now() - timedelta(hours=3), [], listed=[])])


def test_a_2160p_release_shows_in_the_navbar_and_on_upgrades(ui, collector):
    """Refresh finds 2160p for a DVD: after a reload the navbar counts an upgrade and an alert; Upgrades lists it."""
    dvd = DVDFactory(owner=collector, name="The Godfather", release_year=1972, imdb_id="tt0068646", disk_type="dvd")
    listed_nothing_yet(dvd)
    page = ui.page
    ui.sign_in(collector, path=dvd.get_absolute_url())
    expect(page.locator("#nav-upgrades [data-nav-count]")).to_have_count(0)

    page.locator("#refresh-yts-btn").click()
    expect(page.locator("#yts-refresh-result .alert-success")).to_be_visible()
    page.reload()
    expect(page.locator("#nav-upgrades [data-nav-count]")).to_contain_text(re.compile(r"^1\b"))
    expect(page.locator("#nav-alerts [data-nav-count]")).to_contain_text(re.compile(r"^1\b"))

    ui.open_menu()
    with page.expect_navigation():
        page.locator("#nav-upgrades").click()
    upgrade = page.locator(".upgrade")
    expect(upgrade).to_have_count(1)
    expect(upgrade).to_contain_text("The Godfather (1972)")
    expect(upgrade.locator(".upgrade-quality")).to_have_text("2160p")
    expect(upgrade.locator(".torrent-download-btn")).to_contain_text("2160p")
    # docs/screenshots/upgrades.png, the README's picture, is a copy of the desktop one
    ui.shot("upgrades")
    assert not ui.axe_violations()

    ui.open_menu()
    bell = page.locator("#nav-alerts")
    expect(bell).to_be_visible()
    with page.expect_navigation():
        bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator(".alert-inbox li")).to_contain_text("now has a 2160p release on YTS; your copy is 480p")
    assert not ui.axe_violations()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#nav-alerts [data-nav-count]")).to_have_count(0)


def test_the_alert_settings_page_adds_a_channel_and_makes_a_feed(ui, collector, settings):
    """The settings page takes an Apprise URL (shown masked), refuses a loopback one, and shows a feed URL once."""
    settings.NOTIFY_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    page = ui.page
    ui.expect_status("/settings/notifications/channels/", 400)  # the refused URL's form comes back as a 400
    ui.sign_in(collector, path="/settings/notifications/")
    page.get_by_label("Apprise URL").fill("json://127.0.0.1:9/hook")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("alerts go only to public addresses")
    page.get_by_label("Apprise URL").fill("ntfy://my-films-topic")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".alert-channels")).to_contain_text("ntfys://my-films-topic")
    page.get_by_role("button", name="Make a feed URL").click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/feeds/alerts/[\w-]{40,}/$"))
    ui.shot("settings")
    assert not ui.axe_violations()
