"""/settings/: time zone, list defaults, currency and torrent qualities, honoured by the collection's pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSettings
from tracker.models import DVD
from tracker.tests import payloads

pytestmark = pytest.mark.django_db


def save(client, **values):
    data = {"time_zone": "", "list_view": "grid", "list_sort": "title", "currency": "USD", **values}
    return client.post(reverse("user_settings"), data)


def with_torrents(dvd, *qualities):
    torrents = [payloads.torrent(quality=q) for q in qualities]
    DVD.objects.filter(pk=dvd.pk).update(
        yts_data=torrents, yts_torrent_count=len(torrents), yts_last_updated=timezone.now() - timedelta(hours=1)
    )


def test_the_page_links_the_other_account_pages(signed_in):
    """Password, e-mail, two-factor, export and leaving are all reachable from /settings/."""
    html = signed_in.get(reverse("user_settings")).content.decode()
    for name in ("account_change_password", "account_email", "mfa_index", "export", "delete_account"):
        assert f'href="{reverse(name)}"' in html


def test_settings_are_saved_for_this_user_only(signed_in, user, other_user):
    """A save writes this user's row and nobody else's."""
    response = save(signed_in, time_zone="Europe/Paris", list_view="list", list_sort="-added", currency="EUR")
    assert response.status_code == 302
    row = UserSettings.objects.get(user=user)
    assert (row.time_zone, row.list_view, row.list_sort, row.currency) == ("Europe/Paris", "list", "-added", "EUR")
    assert not UserSettings.objects.filter(user=other_user).exists()


@pytest.mark.parametrize(
    "bad",
    [{"time_zone": "Mars/Olympus_Mons"}, {"list_sort": "price"}, {"currency": "XXX"}, {"torrent_qualities": ["8K"]}],
)
def test_a_bad_value_is_refused_and_changes_nothing(signed_in, user, bad):
    """An unknown zone, sort, currency or quality shows the form with a message and saves nothing."""
    save(signed_in, currency="EUR")
    response = save(signed_in, **{"currency": "GBP", **bad})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert UserSettings.objects.get(user=user).currency == "EUR"


def test_the_chosen_time_zone_wins_over_the_browsers(signed_in, dvd):
    """Times on the pages follow the zone chosen in settings, even when the browser reports another."""
    with_torrents(dvd, "1080p")
    signed_in.cookies["tz"] = "Asia/Tokyo"
    assert "JST" in signed_in.get(dvd.get_absolute_url()).content.decode()
    save(signed_in, time_zone="America/Los_Angeles")
    html = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "JST" not in html
    assert "PST" in html or "PDT" in html


def test_without_a_chosen_zone_the_browsers_is_used(signed_in, dvd):
    """An empty time zone setting leaves the browser's `tz` cookie in charge."""
    with_torrents(dvd, "1080p")
    save(signed_in, time_zone="")
    signed_in.cookies["tz"] = "Asia/Tokyo"
    assert "JST" in signed_in.get(dvd.get_absolute_url()).content.decode()


def test_the_plain_list_opens_in_the_chosen_layout_and_order(signed_in):
    """/ redirects to the chosen view and sort; a list asked for with its own query is left alone."""
    assert signed_in.get(reverse("dvd_list")).status_code == 200
    save(signed_in, list_view="list", list_sort="-added")
    response = signed_in.get(reverse("dvd_list"))
    assert response.status_code == 302
    assert "sort=-added" in response.url
    assert "view=list" in response.url
    followed = signed_in.get(response.url)
    assert followed.context["view"] == "list"
    assert followed.context["filters"]["sort"] == "-added"
    assert signed_in.get(reverse("dvd_list"), {"sort": "year"}).status_code == 200


def test_the_detail_page_shows_only_the_chosen_qualities(signed_in, dvd, settings):
    """With only 1080p ticked, the stored 720p torrent is not offered; with none ticked, both are."""
    settings.YTS_DEFAULT_QUALITIES = ["720p", "1080p"]
    with_torrents(dvd, "720p", "1080p")
    html = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "download/720p" in html
    assert "download/1080p" in html
    save(signed_in, torrent_qualities=["1080p"])
    html = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "download/1080p" in html
    assert "download/720p" not in html


def test_a_saved_setting_reaches_pages_already_stored(signed_in, dvd, settings):
    """With stored pages on, a quality change shows at once rather than when the stored page expires."""
    settings.PAGE_CACHE_SECONDS = 60
    with_torrents(dvd, "720p", "1080p")
    assert "download/720p" in signed_in.get(dvd.get_absolute_url()).content.decode()
    save(signed_in, torrent_qualities=["1080p"])
    assert "download/720p" not in signed_in.get(dvd.get_absolute_url()).content.decode()


def test_another_session_sees_the_new_settings(signed_in, user, dvd):
    """Settings saved on one device apply on the user's other signed-in devices too."""
    with_torrents(dvd, "720p", "1080p")
    phone = Client()
    phone.force_login(user)
    save(signed_in, torrent_qualities=["1080p"])
    assert "download/720p" not in phone.get(dvd.get_absolute_url()).content.decode()
