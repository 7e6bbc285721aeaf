"""What a collector does, in a real browser, at a desktop and a phone viewport.

YTS and TMDB are the local fakes. Background refreshes are recorded, not run (the suite's autouse
fixture), except in the add journey, which uses `real_background_refreshes` so the new DVD's page
fills in by itself as it does for a person. Each step saves screenshots to test-artifacts/screenshots/.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat, timezone

from fakes.yts import fake_movie
from tracker.models import DVD
from tracker.tests.browser.conftest import BROWSER_TIME_ZONE
from tracker.tests.factories import DVDFactory, UserFactory

# Collected (and skipped) even where the playwright package is not installed.
expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listed_torrents(imdb_id, settings):
    """The torrents the fake YTS lists for a film, in the qualities the app keeps."""
    return [t for t in fake_movie(imdb_id)["torrents"] if t["quality"] in settings.YTS_DEFAULT_QUALITIES]


def stored_dvd(owner, *, imdb_id="tt0068646", name="The Godfather", torrents=1, age=timedelta(hours=3)):
    """A DVD whose torrents were fetched `age` ago (fresh, so the page queues no refresh)."""
    data = fake_movie(imdb_id)["torrents"][:torrents]
    return DVDFactory(
        owner=owner,
        name=name,
        release_year=1972,
        imdb_id=imdb_id,
        director="Francis Ford Coppola",
        yts_data=data,
        yts_torrent_count=len(data),
        yts_last_updated=timezone.now() - age,
    )


def shown_in_browser_zone(moment):
    return dateformat.format(timezone.localtime(moment, ZoneInfo(BROWSER_TIME_ZONE)), "M d, Y H:i")


def test_sign_in_add_a_dvd_by_tmdb_search_and_see_its_torrents(ui, collector, settings, real_background_refreshes):
    """Sign in, find an empty collection, add a film by TMDB search, and its page fills in with torrents."""
    page = ui.page
    ui.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    ui.shot("1-login")
    ui.sign_in(collector, path="/accounts/login/?next=/")
    expect(page.get_by_text("Your collection is empty")).to_be_visible()
    ui.shot("2-empty-collection")

    page.get_by_role("link", name="Add your first DVD").click()
    page.get_by_label("Title", exact=True).first.fill("shawshank")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#tmdb-results li")).to_have_count(1)
    ui.shot("3-tmdb-search")
    page.get_by_role("link", name=re.compile(r"Use this film\W+The Shawshank Redemption \(1994\)")).click()
    expect(page.locator("#id_name")).to_have_value("The Shawshank Redemption")
    expect(page.locator("#id_imdb_id")).to_have_value("tt0111161")
    page.locator("#id_storage_box").fill("Shelf A")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert").filter(has_text="Added “The Shawshank Redemption”")).to_be_visible()
    torrents = page.locator(".torrent-download-btn")
    # Never looked up: the page says so, refreshes in the background and swaps the torrents in.
    expect(torrents).to_have_count(len(listed_torrents("tt0111161", settings)))
    expect(torrents.first).to_have_attribute("href", re.compile(r"^https://yts\.mx/torrent/download/"))
    ui.shot("4-detail-with-torrents")

    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Collection").click()
    card = page.locator("#collection-grid li").filter(has_text="The Shawshank Redemption")
    expect(card.get_by_text("Blu-ray").or_(card.get_by_text("DVD", exact=True))).to_be_visible()
    expect(card.locator("[title='Torrents listed on YTS']")).to_contain_text("3")
    ui.shot("5-collection-grid")
    page.get_by_role("link", name="List", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=list"))
    expect(page.locator("#collection-list li").filter(has_text="The Shawshank Redemption")).to_be_visible()
    ui.shot("6-collection-list")


def test_auto_fetch_imdb_id_then_reload_shows_torrents(ui, collector, settings, fake_tmdb):
    """A DVD with only a TMDB id: Auto-fetch finds the IMDb id, and the reloaded page lists torrents."""
    dvd = DVDFactory(owner=collector, name="The Dark Knight", release_year=2008, imdb_id="", tmdb_id=155)
    fake_tmdb.configure(latency=0.5)  # long enough to see the button busy
    page = ui.page
    ui.sign_in(collector, path=dvd.get_absolute_url())
    button = page.locator("#fetch-imdb-btn")
    expect(button).to_have_text(re.compile("Auto-fetch IMDB ID"))
    ui.shot("1-no-imdb-id")

    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text(re.compile("Fetching..."))
    result = page.locator("#fetch-imdb-result")
    expect(result.locator(".alert-success")).to_contain_text("IMDB ID found: tt0468569")
    ui.shot("2-imdb-id-found")

    result.get_by_role("link", name="Reload Page").click()
    expect(page.locator(".torrent-download-btn")).to_have_count(len(listed_torrents("tt0468569", settings)))
    expect(page.get_by_role("link", name="tt0468569")).to_be_visible()
    ui.shot("3-torrents-after-reload")


def test_refresh_shows_progress_then_the_count_and_a_new_last_updated(ui, collector, settings, fake_yts):
    """Refresh: the button says Refreshing..., a success alert gives the count, a reload shows the new time."""
    dvd = stored_dvd(collector, age=timedelta(hours=3))
    fake_yts.configure(latency=1.0)
    page = ui.page
    ui.sign_in(collector, path=dvd.get_absolute_url())
    expect(page.locator(".torrent-download-btn")).to_have_count(1)
    last_updated = page.locator("#yts-last-updated")
    expect(last_updated).to_contain_text(shown_in_browser_zone(dvd.yts_last_updated))
    ui.shot("1-before")

    button = page.locator("#refresh-yts-btn")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text(re.compile("Refreshing..."))
    ui.shot("2-refreshing")
    count = len(listed_torrents(dvd.imdb_id, settings))
    expect(page.locator("#yts-refresh-result .alert-success")).to_contain_text(
        f"YTS data refreshed successfully. Found {count} torrents."
    )
    expect(button).to_be_enabled()
    expect(button).to_have_text(re.compile("Refresh"))
    ui.shot("3-refreshed")

    page.reload()
    dvd.refresh_from_db()
    expect(last_updated).to_contain_text(shown_in_browser_zone(dvd.yts_last_updated))
    expect(page.locator(".torrent-download-btn")).to_have_count(count)
    ui.shot("4-after-reload")


def test_refresh_while_yts_fails_keeps_the_old_torrents(ui, collector, fake_yts):
    """Refresh while YTS is down: a red alert says why, the button comes back, the old torrents stay."""
    dvd = stored_dvd(collector, torrents=2)
    fake_yts.configure(mode="503")
    ui.expect_status(f"/dvd/{dvd.pk}/refresh-yts/", 502)
    page = ui.page
    ui.sign_in(collector, path=dvd.get_absolute_url())

    button = page.locator("#refresh-yts-btn")
    button.click()
    alert = page.locator("#yts-refresh-result .alert-danger")
    expect(alert).to_contain_text("Could not refresh from YTS")
    expect(alert).to_contain_text("The torrents shown before are kept.")
    expect(button).to_be_enabled()
    expect(button).to_have_text(re.compile("Refresh"))
    expect(page.locator(".torrent-download-btn")).to_have_count(2)
    ui.shot("1-failure-alert")

    page.reload()
    expect(page.locator("#yts-last-failure")).to_contain_text("The last refresh failed")
    expect(page.locator(".torrent-download-btn")).to_have_count(2)
    ui.shot("2-quiet-failure-note")


def test_refresh_twice_quickly_is_rate_limited(ui, collector, settings):
    """A second Refresh within YTS_REFRESH_MIN_INTERVAL answers the rate-limit message."""
    settings.YTS_REFRESH_MIN_INTERVAL = 30
    dvd = stored_dvd(collector)
    ui.expect_status(f"/dvd/{dvd.pk}/refresh-yts/", 429)
    page = ui.page
    ui.sign_in(collector, path=dvd.get_absolute_url())

    button = page.locator("#refresh-yts-btn")
    result = page.locator("#yts-refresh-result")
    button.click()
    expect(result.locator(".alert-success")).to_be_visible()
    button.click()
    expect(result.locator(".alert-danger")).to_contain_text("refreshed moments ago")
    expect(button).to_be_enabled()
    ui.shot("1-rate-limited")


def test_sign_out_sends_pages_to_login(ui, collector):
    """After signing out, the collection and a DVD's page ask to sign in again."""
    dvd = stored_dvd(collector)
    page = ui.page
    ui.sign_in(collector)
    ui.open_menu()
    ui.shot("1-menu")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    for path in ("/", dvd.get_absolute_url(), "/dvd/add/"):
        ui.goto(path)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    ui.shot("2-signed-out")


def test_another_user_cannot_reach_my_dvd(ui, collector):
    """Someone else signed in gets 'not found' for my DVD and never sees its title."""
    mine = stored_dvd(collector, name="My Secret Film")
    stranger = UserFactory(username="sam")
    for path in (mine.get_absolute_url(), f"/dvd/{mine.pk}/edit/"):
        ui.expect_status(path, 404)
    page = ui.page
    ui.sign_in(stranger)
    expect(page.get_by_text("Your collection is empty")).to_be_visible()
    for path in (mine.get_absolute_url(), f"/dvd/{mine.pk}/edit/"):
        response = ui.goto(path)
        assert response.status == 404
        expect(page.get_by_text("My Secret Film")).to_have_count(0)
    ui.shot("1-not-found")
    assert DVD.objects.filter(pk=mine.pk, owner=collector).exists()


def test_without_javascript_forms_work_and_the_buttons_say_they_need_it(ui_without_javascript, collector):
    """JavaScript off on a phone: sign-in, the navbar search, TMDB search and saving work; the buttons explain."""
    ui = ui_without_javascript
    dvd = stored_dvd(collector)
    page = ui.page
    ui.sign_in(collector)
    # The collapsed menu cannot open without JavaScript, so it is shown open.
    search = page.get_by_role("searchbox", name="Search your collection")
    expect(search).to_be_visible()
    search.fill("godfather")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=godfather"))
    page.locator("#collection-grid").get_by_role("link", name="The Godfather").click()
    # (Playwright's text matching skips <noscript>; the element's rendered text does not.)
    assert "The Refresh and Auto-fetch buttons need JavaScript" in page.locator("#torrents-section").inner_text()
    expect(page.locator("#yts-last-updated")).to_contain_text("UTC")  # no cookie without JavaScript: TIME_ZONE
    ui.shot("1-detail")

    ui.goto("/dvd/add/")
    page.get_by_label("Title", exact=True).first.fill("heat")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile(r"Use this film\W+Heat")).click()
    expect(page.locator("#id_name")).to_have_value("Heat")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("^Heat"))).to_be_visible()
    ui.shot("2-added-without-javascript")
    assert DVD.objects.filter(owner=collector, tmdb_id=949).exists()
    assert dvd.name == "The Godfather"
