"""Personal access tokens: a script's credential for the API, stored as a digest and shown once."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "dvdt_"  # noqa: S105 (tells this site's tokens from others in a leaked log or file)
# The start of a token that the settings page shows, to tell tokens apart (their random part is 43 characters).
SHOWN_CHARACTERS = len(TOKEN_PREFIX) + 6
MAX_TOKEN_LENGTH = 100
# "Last used" is written at most this often per token: not a database write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_digest(raw):
    """Only this is stored: a database read hands out no working token."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Scope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(owner=user)

    def active(self):
        return self.filter(revoked_at__isnull=True, owner__is_active=True)

    def issue(self, owner, name, scope):
        """A new token; returns (token, raw). The raw token exists only in this answer."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix, digest = raw[:SHOWN_CHARACTERS], token_digest(raw)
        token = self.create(owner=owner, name=name, scope=scope, prefix=prefix, digest=digest)
        return token, raw

    def authenticate(self, raw):
        """The usable token `raw` is, with its owner, or None (unknown, revoked, or its owner deactivated)."""
        if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
            return None
        token = self.active().select_related("owner").filter(digest=token_digest(raw)).first()
        if token is not None:
            token.mark_used()
        return token

    def revoke(self, owner, pk):
        """Revoke one of `owner`'s tokens; False when it is not theirs or already revoked."""
        return bool(self.for_user(owner).filter(pk=pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


class ApiToken(models.Model):
    Scope = Scope

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “Home Assistant”.")
    scope = models.CharField(max_length=5, choices=Scope, default=Scope.READ)
    prefix = models.CharField(max_length=SHOWN_CHARACTERS, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=Scope.values), name="apitoken_scope_valid"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self):
        return self.scope == Scope.WRITE

    def mark_used(self):
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
