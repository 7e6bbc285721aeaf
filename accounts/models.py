"""Invitations to open an account, and each user's own settings."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tracker.forms import CollectionFilterForm
from tracker.validators import zone_from_name

TOKEN_BYTES = 32


def token_digest(token):
    """Only this digest is stored: a database read does not hand out working invitation links."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token):
        """The usable invitation behind a link's token, or None."""
        if not token or len(token) > 100:
            return None
        return self.usable().filter(token_digest=token_digest(token)).first()

    def claim(self, pk, user):
        """Mark the invitation used by `user`; False when it was used, revoked or expired meanwhile."""
        return self.usable().filter(pk=pk).update(used_at=timezone.now(), used_by=user) == 1


class Invitation(models.Model):
    """A single-use link that lets one person open an account while sign-up is closed."""

    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(blank=True, help_text="Optional: the link is also sent to this address.")
    note = models.CharField(max_length=100, blank=True, help_text="Who it is for, as a reminder.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invitation {self.pk} ({self.state})"

    @classmethod
    def issue(cls, created_by, email="", note="", days=None):
        """A new invitation and the token of its link (shown once: only its digest is kept)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        days = days or settings.INVITATION_DAYS
        invitation = cls.objects.create(
            token_digest=token_digest(token),
            email=email,
            note=note,
            created_by=created_by,
            expires_at=timezone.now() + timedelta(days=days),
        )
        return invitation, token

    @property
    def state(self):
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


LIST_VIEWS = {"grid": "Posters in a grid", "list": "Compact list"}
CURRENCIES = {
    "USD": "US dollar (USD)",
    "EUR": "Euro (EUR)",
    "GBP": "Pound sterling (GBP)",
    "CAD": "Canadian dollar (CAD)",
    "AUD": "Australian dollar (AUD)",
    "CHF": "Swiss franc (CHF)",
    "SEK": "Swedish krona (SEK)",
    "NOK": "Norwegian krone (NOK)",
    "DKK": "Danish krone (DKK)",
    "PLN": "Polish złoty (PLN)",
    "JPY": "Japanese yen (JPY)",
    "NZD": "New Zealand dollar (NZD)",
}


def validate_time_zone(name):
    if name and zone_from_name(name) is None:
        raise ValidationError(f"“{name}” is not a time zone name such as Europe/Paris.")


class UserSettings(models.Model):
    """One user's preferences; a user without a row has the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Times are shown in this zone. Empty: the zone your browser reports.",
    )
    list_view = models.CharField(max_length=8, choices=list(LIST_VIEWS.items()), default="grid")
    list_sort = models.CharField(max_length=8, choices=list(CollectionFilterForm.SORTS.items()), default="title")
    currency = models.CharField(max_length=3, choices=list(CURRENCIES.items()), default="USD")
    # The torrent qualities to show, among those stored (YTS_DEFAULT_QUALITIES); empty: all of them.
    torrent_qualities = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "user settings"

    def __str__(self):
        return f"Settings of user {self.user_id}"
