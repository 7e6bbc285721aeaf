"""Sending alerts to people's channels: at once, or as a digest at their hour; retried with back-off.

Runs on a Celery worker or the thread pool (alerts.background), and from `manage.py
send_notifications` (cron, or Celery beat every NOTIFY_SEND_CRON), never in a page request or a
refresh. A channel is leased while it is sent to, so two workers never send one alert twice; an
alert counts as delivered to a channel only once the service accepted it (a Delivery row), so a
failure leaves it pending: the channel waits BACKOFF_BASE_SECONDS, doubling up to
BACKOFF_MAX_SECONDS, and tries again, showing the reason on the settings page meanwhile.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from alerts import background, crypto, targets
from alerts.models import AlertSettings, Channel, Delivery, Frequency, Kind, Notification
from tracker.validators import zone_from_name

logger = logging.getLogger("alerts.delivery")

BACKOFF_BASE_SECONDS = 60
# Below CELERY_VISIBILITY_TIMEOUT's default, so a retry's countdown never outlives its message.
BACKOFF_MAX_SECONDS = 1800
# More pending alerts than this go to an immediate channel as one message.
IMMEDIATE_ONE_BY_ONE = 5
DIGEST_LINES = 50
SENT, FAILED, NOTHING, BUSY = "sent", "failed", "nothing", "busy"


def backoff_seconds(failures):
    """The wait after the n-th failure in a row: 1, 2, 4… minutes, at most half an hour."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(failures - 1, 0), BACKOFF_MAX_SECONDS)


def latest_digest_time(alert_settings, now):
    """The latest moment at or before `now` when this person's digest was due."""
    zone = zone_from_name(alert_settings.time_zone) or timezone.get_default_timezone()
    local = now.astimezone(zone)
    moment = local.replace(hour=alert_settings.digest_hour, minute=0, second=0, microsecond=0)
    weekly = alert_settings.frequency == Frequency.WEEKLY
    if weekly:
        moment -= timedelta(days=(local.weekday() - alert_settings.digest_weekday) % 7)
    if moment > local:
        moment -= timedelta(days=7 if weekly else 1)
    return moment


def deliver_user(user_id, now=None):
    """Send one person's pending alerts on each channel that may send now; queue a retry for failed ones."""
    now = now or timezone.now()
    alert_settings = AlertSettings.objects.filter(user_id=user_id).first() or AlertSettings(user_id=user_id)
    outcomes = {}
    for channel in Channel.objects.with_pending().filter(user_id=user_id):
        if _may_send(channel, alert_settings, now):
            outcomes[channel.pk] = deliver(channel, digest=alert_settings.frequency != Frequency.IMMEDIATE, now=now)
    _retry_later(user_id, outcomes)
    return outcomes


def send_due(now=None):
    """Everyone's channels that may send now: immediate ones with alerts left over, digests due, retries due."""
    now = now or timezone.now()
    channels = list(Channel.objects.with_pending())
    settings_of = {s.user_id: s for s in AlertSettings.objects.filter(user_id__in={c.user_id for c in channels})}
    outcomes = {}
    for channel in channels:
        alert_settings = settings_of.get(channel.user_id) or AlertSettings(user_id=channel.user_id)
        if _may_send(channel, alert_settings, now):
            outcomes[channel.pk] = deliver(channel, digest=alert_settings.frequency != Frequency.IMMEDIATE, now=now)
    return outcomes


def _may_send(channel, alert_settings, now):
    if channel.next_attempt_at and channel.next_attempt_at > now:
        return False
    if alert_settings.frequency == Frequency.IMMEDIATE or channel.failures:
        return True
    due = latest_digest_time(alert_settings, now)
    return Notification.objects.pending_for(channel).filter(created_at__lt=due).exists()


def deliver(channel, *, digest, now=None):
    """Send the channel's pending alerts (one message each, or one digest); SENT, FAILED, NOTHING or BUSY."""
    now = now or timezone.now()
    if not Channel.objects.claim(channel.pk, now):
        return BUSY
    try:
        pending = list(Notification.objects.pending_for(channel))
        if not pending:
            return NOTHING
        for title, body, included in messages(pending, digest=digest):
            try:
                targets.send(channel.url, title, body)
            except (targets.TargetRefused, crypto.NotConfigured, crypto.Undecryptable) as exc:
                _failed(channel, str(exc), now)
                return FAILED
            Delivery.objects.bulk_create(
                [Delivery(channel=channel, notification=n, sent_at=now) for n in included], ignore_conflicts=True
            )
        _succeeded(channel, now)
        return SENT
    finally:
        Channel.objects.filter(pk=channel.pk).update(sending_until=None)


def send_test(channel_id):
    """Send a test message now and record how it went (a success also lets waiting alerts go)."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return FAILED
    now = timezone.now()
    try:
        targets.send(channel.url, "Test from DVD Collection Tracker", "Alerts about your films will arrive here.")
    except (targets.TargetRefused, crypto.NotConfigured, crypto.Undecryptable) as exc:
        Channel.objects.filter(pk=channel.pk).update(last_error=_reason(str(exc)), last_error_at=now)
        logger.warning("Test message to channel %s failed: %s", channel.pk, _reason(str(exc)))
        return FAILED
    _succeeded(channel, now)
    return SENT


def messages(pending, *, digest):
    """(title, body, alerts it carries) to send for these pending alerts, oldest first."""
    link = _link("notifications")
    if digest or len(pending) > IMMEDIATE_ONE_BY_ONE:
        shown = pending[:DIGEST_LINES]
        lines = [f"- {n.text}" for n in shown]
        if len(pending) > len(shown):
            lines.append(f"…and {len(pending) - len(shown)} more.")
        title = f"{len(pending)} new film alert{'s' if len(pending) != 1 else ''}"
        return [(title, "\n".join(lines) + link, pending)]
    return [(title_of(n), n.text + link, [n]) for n in pending]


def title_of(notification):
    if notification.kind == Kind.UPGRADE:
        return f"Better quality listed: {notification.quality}"
    return Kind(notification.kind).label


def _link(name):
    base = settings.NOTIFY_SITE_URL.rstrip("/")
    return f"\n{base}{reverse(name)}" if base else ""


def _reason(text):
    return text[: Channel._meta.get_field("last_error").max_length]


def _failed(channel, reason, now):
    failures = channel.failures + 1
    wait = backoff_seconds(failures)
    Channel.objects.filter(pk=channel.pk).update(
        failures=F("failures") + 1,
        next_attempt_at=now + timedelta(seconds=wait),
        last_error=_reason(reason),
        last_error_at=now,
    )
    channel.failures, channel.next_attempt_at = failures, now + timedelta(seconds=wait)
    # The channel's id only: its URL is a secret, and the reason has been scrubbed of it.
    logger.warning(
        "Delivery to channel %s failed (%d in a row, next try in %d s): %s", channel.pk, failures, wait, reason
    )


def _succeeded(channel, now):
    Channel.objects.filter(pk=channel.pk).update(failures=0, next_attempt_at=None, last_success_at=now)


def _retry_later(user_id, outcomes):
    if FAILED not in outcomes.values():
        return
    failed = Channel.objects.filter(pk__in=[pk for pk, outcome in outcomes.items() if outcome == FAILED])
    first = min((c.next_attempt_at for c in failed if c.next_attempt_at), default=None)
    if first is not None:
        background.deliver_soon({user_id}, delay=max(1, (first - timezone.now()).total_seconds()))
