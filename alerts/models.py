"""What happened to the films people have (Notification), and how each person hears of it.

A Notification is written once per person, film, kind and quality (a unique constraint, so
repeated and concurrent refreshes record it once). A Channel is one Apprise URL, stored
encrypted; a Delivery row says a notification reached a channel, so a failed send leaves the
notification pending for the next attempt and nothing is lost or sent twice.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from alerts import crypto
from tracker.models import DVD

FEED_TOKEN_BYTES = 32
LAST_ERROR_MAX_LENGTH = 255
# A channel being sent to is leased for this long, so two workers never send the same notification twice.
SEND_LEASE_SECONDS = 300


def token_digest(token):
    """Only this digest is stored: a database read does not hand out working feed URLs."""
    return hashlib.sha256(token.encode()).hexdigest()


class Kind(models.TextChoices):
    AVAILABLE = "available", "Torrents appeared"
    UPGRADE = "upgrade", "Better quality"
    WISHLIST = "wishlist", "Wish list film available"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def mark_read(self):
        return self.unread().update(read_at=timezone.now())

    def pending_for(self, channel):
        """The channel's user's notifications made since it was added that it has not received, oldest first."""
        return (
            self.filter(user_id=channel.user_id, created_at__gte=channel.created_at)
            .exclude(deliveries__channel=channel)
            .select_related("dvd")
            .order_by("created_at", "pk")
        )


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    dvd = models.ForeignKey("tracker.DVD", on_delete=models.CASCADE, related_name="notifications")
    imdb_id = models.CharField("IMDb id", max_length=12)
    kind = models.CharField(max_length=10, choices=Kind)
    quality = models.CharField(max_length=10, blank=True, help_text="The better quality, for an upgrade.")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "imdb_id", "kind", "quality"], name="notification_once_per_film"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notification_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_user_unread"),
        ]

    def __str__(self):
        return self.text


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "As they happen"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest"


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class AlertSettingsQuerySet(models.QuerySet):
    def for_feed_token(self, token):
        """The settings whose feed URL carries this token, or None (a revoked or made-up token)."""
        if not token or len(token) > 100:
            return None
        return self.filter(feed_token_digest=token_digest(token)).select_related("user").first()


class AlertSettings(models.Model):
    """How one person hears of their alerts; a person without a row has the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_settings")
    frequency = models.CharField("send", max_length=10, choices=Frequency, default=Frequency.IMMEDIATE)
    digest_hour = models.PositiveSmallIntegerField(
        "at", default=8, choices=[(h, f"{h:02d}:00") for h in range(24)], help_text="For a digest, in your time zone."
    )
    digest_weekday = models.PositiveSmallIntegerField("on", default=0, choices=WEEKDAYS, help_text="For a weekly one.")
    # The zone the digest hour is in: the one the pages were shown in when the settings were saved.
    time_zone = models.CharField(max_length=64, blank=True)
    feed_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    feed_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AlertSettingsQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "alert settings"
        constraints = [
            models.UniqueConstraint(
                fields=["feed_token_digest"], condition=~Q(feed_token_digest=""), name="alert_feed_token_unique"
            ),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="alert_frequency_valid"),
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="alert_digest_hour_valid"),
            models.CheckConstraint(condition=Q(digest_weekday__lte=6), name="alert_digest_weekday_valid"),
        ]

    def __str__(self):
        return f"Alert settings of user {self.user_id}"

    @classmethod
    def of(cls, user):
        return cls.objects.filter(user=user).first() or cls(user=user)

    def new_feed_token(self):
        """Replace the feed URL's token (the old URL stops working); returns the new token, shown once."""
        token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
        self.feed_token_digest = token_digest(token)
        self.feed_created_at = timezone.now()
        self.save()
        return token

    def revoke_feed(self):
        self.feed_token_digest = ""
        self.feed_created_at = None
        self.save()

    @property
    def has_feed(self):
        return bool(self.feed_token_digest)


class ChannelQuerySet(models.QuerySet):
    def claim(self, pk, now):
        """Lease the channel for one send; False when another worker holds it."""
        free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
        return self.filter(free, pk=pk).update(sending_until=now + timedelta(seconds=SEND_LEASE_SECONDS)) == 1

    def with_pending(self):
        """Enabled channels that have notifications to send (made since they were added, not yet received)."""
        pending = Notification.objects.filter(
            user_id=models.OuterRef("user_id"), created_at__gte=models.OuterRef("created_at")
        ).exclude(deliveries__channel=models.OuterRef("pk"))
        return self.filter(enabled=True).filter(models.Exists(pending))


class Channel(models.Model):
    """One Apprise URL of one person (ntfy, e-mail, Gotify, Discord…), encrypted at rest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_channels")
    label = models.CharField(max_length=60, blank=True)
    url_encrypted = models.TextField(editable=False)
    url_masked = models.CharField("URL", max_length=500, editable=False)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=LAST_ERROR_MAX_LENGTH, blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    sending_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.label or self.url_masked

    @property
    def url(self):
        return crypto.decrypt(self.url_encrypted)

    def set_url(self, url, masked):
        self.url_encrypted = crypto.encrypt(url)
        self.url_masked = masked[:500]

    @property
    def last_delivery_failed(self):
        return bool(self.last_error_at) and (self.last_success_at is None or self.last_error_at > self.last_success_at)


class Delivery(models.Model):
    """A notification that reached a channel (alone or in a digest)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["channel", "notification"], name="delivery_once_per_channel"),
        ]

    def __str__(self):
        return f"Alert {self.notification_id} to channel {self.channel_id}"


def upgradable_dvds(user, lines=None):
    """The user's kept copies for which a better quality is listed: best quality first, then the biggest step."""
    rows = DVD.objects.for_user(user).upgradable()
    if lines:
        rows = rows.filter(yts_best_quality=lines)
    return rows.order_by("-yts_best_quality", "owned_lines", "name", "pk")


def upgrade_counts_by_quality(user):
    """{lines: number of copies} for the Upgrades page's filter."""
    rows = DVD.objects.for_user(user).upgradable().values("yts_best_quality").annotate(n=Count("pk")).order_by()
    return {row["yts_best_quality"]: row["n"] for row in rows}


def _count(rows):
    """A scalar subquery counting `rows`, which refer to the outer row through OuterRef."""
    # COUNT as a plain function, not an aggregate: Django would otherwise group the subquery.
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def nav_counts(user):
    """{'upgrades': n, 'unread': n} in one query: every page shows them."""
    upgrades = DVD.objects.filter(owner=OuterRef("pk")).upgradable()
    unread = Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
    found = get_user_model().objects.filter(pk=user.pk).values(upgrades=_count(upgrades), unread=_count(unread))
    return found.first() or {"upgrades": 0, "unread": 0}
