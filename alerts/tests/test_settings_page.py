"""The notification settings page: what it refuses, what it stores, and whose channels it touches."""

import socket

import pytest
from django.urls import reverse

from alerts import targets
from alerts.models import AlertSettings, Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def dns(monkeypatch):
    """Names resolve from this table only (no test reaches a real resolver); others are unknown."""
    table = {}

    def resolve(host):
        if host in table:
            return set(table[host])
        if host.replace(".", "").isdigit() or ":" in host:
            return {host}  # an address resolves to itself, as getaddrinfo does
        raise socket.gaierror(f"unknown name {host}")

    monkeypatch.setattr(targets, "resolve", resolve)
    return table


def add(client, url, label=""):
    return client.post(reverse("alert_channel_add"), {"url": url, "label": label})


def errors_of(response):
    return response.context["channel_form"].errors


def test_a_url_apprise_cannot_read_is_refused_with_its_reason(signed_in, user):
    """An unknown scheme or an incomplete URL is refused with Apprise's own reason; nothing is stored."""
    response = add(signed_in, "tgram://not-a-bot-token")
    assert response.status_code == 400
    assert errors_of(response)["url"] == ["Apprise cannot use this URL: Unparseable Telegram URL tgram://n...n."]
    assert "Apprise cannot use this URL" in errors_of(add(signed_in, "nosuchservice://x"))["url"][0]
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "json://127.0.0.1:8080/hook",
        "json://[::1]/hook",
        "jsons://localhost/hook",
        "ntfy://user:pass@10.0.0.2/topic",
        "gotify://192.168.1.20/AbCdEfGhIjKlMnO",
        "json://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "mailtos://me:pass@mail.example.org?smtp=172.16.0.5",
        "json://router.lan/hook",
        "json://intranet.example.org/hook",  # a public-looking name that resolves inside
    ],
)
def test_loopback_and_private_targets_are_refused(signed_in, dns, url):
    """A URL whose host is, or resolves to, a loopback, private or link-local address is refused."""
    dns["intranet.example.org"] = ["10.1.2.3"]
    response = add(signed_in, url)
    assert response.status_code == 400
    assert "alerts go only to public addresses" in errors_of(response)["url"][0]
    assert not Channel.objects.exists()


def test_private_targets_are_accepted_when_the_server_allows_them(signed_in, user, dns, settings):
    """With NOTIFY_ALLOW_PRIVATE_TARGETS (a self-hosted ntfy on the LAN), the same URL is stored."""
    settings.NOTIFY_ALLOW_PRIVATE_TARGETS = True
    assert add(signed_in, "ntfy://user:pass@10.0.0.2/topic").status_code == 302
    assert Channel.objects.get(user=user).url == "ntfy://user:pass@10.0.0.2/topic"


def test_a_name_that_cannot_be_resolved_is_refused(signed_in, dns):
    """A self-hosted service whose name has no address is refused (and so cannot be pointed inside later unseen)."""
    assert "cannot be found" in errors_of(add(signed_in, "gotifys://gotify.invalid/AbCdEfGhIjKlMnO"))["url"][0]


def test_a_public_url_is_stored_encrypted_and_shown_masked(signed_in, user, dns):
    """A public target is stored encrypted; the page shows it without its password."""
    dns["ntfy.example.org"] = ["93.184.216.34"]
    response = add(signed_in, "ntfys://alice:hunter2pass@ntfy.example.org/films", label="Phone")
    assert response.status_code == 302
    channel = Channel.objects.get(user=user)
    assert "hunter2pass" not in channel.url_encrypted
    assert channel.url == "ntfys://alice:hunter2pass@ntfy.example.org/films"
    page = signed_in.get(reverse("alert_settings")).content.decode()
    assert "Phone" in page
    assert "ntfys://alice:****@ntfy.example.org/films" in page
    assert "hunter2pass" not in page


def test_services_with_their_own_servers_need_no_look_up(signed_in, user, dns):
    """Discord, Telegram and ntfy.sh name no host of ours: they are stored without resolving anything."""
    for url in ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "ntfy://my-films-topic"):
        assert add(signed_in, url).status_code == 302
    assert Channel.objects.filter(user=user).count() == 2


def test_at_most_notify_max_channels(signed_in, user, settings):
    """A person has at most NOTIFY_MAX_CHANNELS addresses."""
    settings.NOTIFY_MAX_CHANNELS = 1
    assert add(signed_in, "ntfy://first-topic").status_code == 302
    response = add(signed_in, "ntfy://second-topic")
    assert response.status_code == 400
    assert "at most 1" in response.context["channel_form"].non_field_errors()[0]


def test_without_an_encryption_key_channels_are_off(signed_in, settings):
    """Off DEBUG and without NOTIFY_ENCRYPTION_KEY, no address can be stored, and the page says why."""
    settings.NOTIFY_ENCRYPTION_KEY = []
    settings.DEBUG = False
    assert "NOTIFY_ENCRYPTION_KEY" in signed_in.get(reverse("alert_settings")).content.decode()
    assert "NOTIFY_ENCRYPTION_KEY" in errors_of(add(signed_in, "ntfy://my-films-topic"))["url"][0]
    assert not Channel.objects.exists()


def test_another_persons_channel_cannot_be_removed_or_tested(signed_in, other_user):
    """Removing or testing someone else's channel is a 404 and changes nothing."""
    theirs = Channel(user=other_user)
    theirs.set_url("ntfy://their-topic", "ntfys://their-topic")
    theirs.save()
    assert signed_in.post(reverse("alert_channel_delete", args=[theirs.pk])).status_code == 404
    assert signed_in.post(reverse("alert_channel_test", args=[theirs.pk])).status_code == 404
    assert Channel.objects.filter(pk=theirs.pk).exists()


def test_the_digest_settings_keep_the_zone_of_the_pages(signed_in, user):
    """A daily digest at 07:00 is kept with the zone the browser reported, the zone its hour is in."""
    signed_in.cookies["tz"] = "Europe/Berlin"
    response = signed_in.post(
        reverse("alert_settings"), {"frequency": "daily", "digest_hour": "7", "digest_weekday": "0"}
    )
    assert response.status_code == 302
    saved = AlertSettings.objects.get(user=user)
    assert (saved.frequency, saved.digest_hour, saved.time_zone) == ("daily", 7, "Europe/Berlin")


def test_bad_digest_settings_are_refused(signed_in, user):
    """An hour outside the day or an unknown frequency is refused and nothing is saved."""
    response = signed_in.post(
        reverse("alert_settings"), {"frequency": "hourly", "digest_hour": "25", "digest_weekday": "0"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"frequency", "digest_hour"}
    assert not AlertSettings.objects.exists()


def test_the_accounts_settings_page_links_here(signed_in):
    """Your settings page leads to the alert settings."""
    assert reverse("alert_settings") in signed_in.get(reverse("user_settings")).content.decode()
