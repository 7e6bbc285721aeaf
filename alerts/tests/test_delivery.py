"""Sending alerts through Apprise to a local JSON webhook: exactly the expected messages, retried after failures."""

import logging
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alerts import delivery, tasks
from alerts.models import AlertSettings, Channel, Delivery, Notification
from alerts.tests.helpers import fetched_before, refreshed
from alerts.tests.webhook import Webhook
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db
UPGRADE_TITLE = "Better quality listed: 2160p"


@pytest.fixture
def webhook(http_mock, settings):
    """The local webhook, reachable through `responses` and allowed although it is on loopback."""
    settings.NOTIFY_ALLOW_PRIVATE_TARGETS = True
    http_mock.add_passthru("http://127.0.0.1")
    with Webhook() as hook:
        yield hook


def channel_for(user, url, **fields):
    channel = Channel(user=user, **fields)
    channel.set_url(url, "json://127.0.0.1/hook/****")
    channel.save()
    return channel


def upgrade(user, name, imdb_id):
    DVDFactory(owner=user, name=name, release_year=1979, imdb_id=imdb_id)
    fetched_before(imdb_id, "720p")
    refreshed(imdb_id, "720p", "2160p")


def run_queued(queued):
    """Run what was queued (as the worker or the thread pool would), then forget it."""
    jobs, queued[:] = list(queued), []
    for task, argument, _ in jobs:
        getattr(tasks, task)(argument)


def test_an_alert_reaches_the_webhook_once(user, webhook, queued_sends, django_capture_on_commit_callbacks):
    """A refresh that records an upgrade queues a send (not sent in the refresh); the webhook gets it exactly once."""
    channel_for(user, webhook.url())
    with django_capture_on_commit_callbacks(execute=True):
        upgrade(user, "Alien", "tt0078748")
    assert webhook.received == []  # nothing was sent inside the refresh
    assert queued_sends == [("deliver_notifications", user.pk, 0)]
    run_queued(queued_sends)
    run_queued([("deliver_notifications", user.pk, 0)])
    assert webhook.messages == [(UPGRADE_TITLE, "Alien (1979) now has a 2160p release on YTS; your copy is 480p.")]
    assert Delivery.objects.count() == 1


def test_a_failed_first_attempt_is_retried_after_its_back_off(signed_in, user, webhook, queued_sends):
    """The webhook fails once: the reason is shown, a retry is queued after the back-off; then the alert arrives."""
    channel = channel_for(user, webhook.url())
    upgrade(user, "Alien", "tt0078748")
    webhook.failures = 1
    assert delivery.deliver_user(user.pk) == {channel.pk: delivery.FAILED}
    channel.refresh_from_db()
    assert (channel.failures, channel.last_delivery_failed) == (1, True)
    assert "500" in channel.last_error
    assert queued_sends == [("deliver_notifications", user.pk, pytest.approx(delivery.BACKOFF_BASE_SECONDS, abs=2))]
    page = signed_in.get(reverse("alert_settings")).content.decode()
    assert "Last delivery failed" in page
    assert "500" in page
    assert delivery.deliver_user(user.pk) == {}  # still waiting: nothing is tried before the back-off
    with time_machine.travel(timezone.now() + timedelta(seconds=delivery.BACKOFF_BASE_SECONDS + 1)):
        assert delivery.deliver_user(user.pk) == {channel.pk: delivery.SENT}
    assert webhook.attempts == 2
    assert webhook.messages == [(UPGRADE_TITLE, "Alien (1979) now has a 2160p release on YTS; your copy is 480p.")]
    channel.refresh_from_db()
    assert (channel.failures, channel.next_attempt_at, channel.last_delivery_failed) == (0, None, False)


def test_the_back_off_doubles_up_to_half_an_hour():
    """1, 2, 4… minutes between attempts, never more than 30."""
    assert [delivery.backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert delivery.backoff_seconds(50) == delivery.BACKOFF_MAX_SECONDS == 1800


def test_the_sweep_retries_a_failed_channel_once_its_wait_is_over(user, webhook):
    """manage.py send_notifications (cron, or beat) sends what a failed attempt left, when its wait is over."""
    channel = channel_for(user, webhook.url())
    upgrade(user, "Alien", "tt0078748")
    webhook.failures = 1
    delivery.deliver(channel, digest=False)
    call_command("send_notifications", stdout=StringIO())
    assert webhook.received == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        out = StringIO()
        call_command("send_notifications", stdout=out)
    assert out.getvalue().startswith("Sent to 1 channel(s)")
    assert len(webhook.received) == 1


def test_many_pending_alerts_go_as_one_message(user, webhook):
    """Over five alerts at once (a big batch) reach an immediate channel as one message listing them."""
    channel_for(user, webhook.url())
    for n in range(6):
        upgrade(user, f"Film {n}", f"tt000000{n}")
    delivery.deliver_user(user.pk)
    [(title, body)] = webhook.messages
    assert title == "6 new film alerts"
    assert body.count("\n- ") + body.startswith("- ") == 6


def test_a_daily_digest_waits_for_its_hour_in_the_persons_zone(user, webhook):
    """Alerts of the day go out together at 08:00 Paris time, not before, in one message."""
    AlertSettings.objects.create(user=user, frequency="daily", digest_hour=8, time_zone="Europe/Paris")
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):  # 10:00 in Paris
        channel_for(user, webhook.url())
        upgrade(user, "Alien", "tt0078748")
        upgrade(user, "Heat", "tt0113277")
        assert delivery.deliver_user(user.pk) == {}  # a digest person gets nothing at once
    with time_machine.travel(datetime(2026, 3, 11, 6, 55, tzinfo=UTC), tick=False):  # 07:55 in Paris
        assert delivery.send_due() == {}
    with time_machine.travel(datetime(2026, 3, 11, 7, 5, tzinfo=UTC), tick=False):  # 08:05 in Paris
        assert list(delivery.send_due().values()) == [delivery.SENT]
        assert delivery.send_due() == {}
    [(title, body)] = webhook.messages
    assert title == "2 new film alerts"
    assert body.splitlines() == [
        "- Alien (1979) now has a 2160p release on YTS; your copy is 480p.",
        "- Heat (1979) now has a 2160p release on YTS; your copy is 480p.",
    ]


def test_a_weekly_digest_goes_on_its_day(user):
    """The latest weekly moment is the chosen weekday's hour, in the person's zone."""
    weekly = AlertSettings(
        user=user, frequency="weekly", digest_hour=18, digest_weekday=4, time_zone="America/New_York"
    )
    now = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday
    assert delivery.latest_digest_time(weekly, now).isoformat() == "2026-03-06T18:00:00-05:00"


def test_a_channel_added_later_does_not_get_the_backlog(user, webhook):
    """Alerts made before a channel was added are in the inbox and feed, not sent to it."""
    upgrade(user, "Alien", "tt0078748")
    channel_for(user, webhook.url())
    assert delivery.deliver_user(user.pk) == {}
    assert webhook.received == []


def test_a_channel_being_sent_to_is_not_sent_to_twice(user, webhook):
    """While one worker holds a channel's lease, another sending to it does nothing."""
    channel = channel_for(user, webhook.url())
    upgrade(user, "Alien", "tt0078748")
    assert Channel.objects.claim(channel.pk, timezone.now())
    assert delivery.deliver(channel, digest=False) == delivery.BUSY
    assert webhook.received == []


def test_a_private_target_is_refused_at_send_time_too(user, webhook, settings):
    """A URL stored while private targets were allowed is not sent to once they are not; the alert waits."""
    channel = channel_for(user, webhook.url())
    upgrade(user, "Alien", "tt0078748")
    settings.NOTIFY_ALLOW_PRIVATE_TARGETS = False
    assert delivery.deliver(channel, digest=False) == delivery.FAILED
    channel.refresh_from_db()
    assert "private" in channel.last_error
    assert webhook.attempts == 0
    assert Notification.objects.get().deliveries.count() == 0


class RootRecords(logging.Handler):
    """What reaches the root logger's handlers (the app's console and e-mail handlers), at the configured levels."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def root_records():
    handler = RootRecords()
    logging.getLogger().addHandler(handler)
    yield handler.lines
    logging.getLogger().removeHandler(handler)


def test_the_url_is_encrypted_at_rest_and_never_logged(user, webhook, root_records):
    """The stored column does not contain the URL's token; a failure's log line names the channel, not the URL."""
    channel = channel_for(user, webhook.url(secret="tok-abc123"))
    assert "tok-abc123" not in Channel.objects.values_list("url_encrypted", flat=True).get()
    assert Channel.objects.get().url == webhook.url(secret="tok-abc123")
    upgrade(user, "Alien", "tt0078748")
    webhook.failures = 1
    delivery.deliver(channel, digest=False)
    assert f"alerts.delivery: Delivery to channel {channel.pk} failed" in "\n".join(root_records)
    assert not [line for line in root_records if "tok-abc123" in line]


def test_a_url_apprise_cannot_read_is_not_logged_by_apprise(root_records):
    """Apprise logs a URL it cannot read whole; that record stays out of the application's logs."""
    from alerts import targets

    with pytest.raises(targets.TargetRefused, match="Apprise cannot use this URL"):
        targets.parse("foo://user:hunter2-secret@example.org/")
    assert not [line for line in root_records if "hunter2" in line]


def test_send_a_test_goes_through_the_background(
    signed_in, user, webhook, queued_sends, django_capture_on_commit_callbacks
):
    """The settings page's "Send a test" queues the send; run, it reaches the webhook and is shown as working."""
    channel = channel_for(user, webhook.url())
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("alert_channel_test", args=[channel.pk]))
    assert response.status_code == 302
    assert webhook.received == []
    run_queued(queued_sends)
    assert webhook.messages == [("Test from DVD Collection Tracker", "Alerts about your films will arrive here.")]
    assert "Last delivery worked" in signed_in.get(reverse("alert_settings")).content.decode()
