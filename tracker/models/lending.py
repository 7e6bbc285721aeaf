"""Loans of DVDs to friends, and the read-only links an owner shares their collection or wish list by."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from tracker import page_cache

BORROWER_MAX_LENGTH = 100
# 32 bytes from the OS's generator: a link nobody can guess or walk to.
TOKEN_BYTES = 32


class LoanQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(dvd__owner=user)

    def open(self):
        return self.filter(returned_on__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def listing(self, today=None):
        """Overdue loans first, then the other open ones (soonest due first), then those returned, latest first."""
        today = today or timezone.localdate()
        rank = Case(
            When(returned_on__isnull=True, due_on__lt=today, then=Value(0)),
            When(returned_on__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return (
            self.select_related("dvd")
            .annotate(rank=rank)
            .order_by("rank", F("due_on").asc(nulls_last=True), "-lent_on", "-pk")
        )


class Loan(models.Model):
    dvd = models.ForeignKey("tracker.DVD", on_delete=models.CASCADE, related_name="loans")
    borrower = models.CharField("lent to", max_length=BORROWER_MAX_LENGTH)
    lent_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField("due back", null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-lent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dvd"],
                condition=Q(returned_on__isnull=True),
                name="loan_one_open_per_dvd",
                violation_error_message="This DVD is already on loan: mark it returned first.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("lent_on")), name="loan_due_after_lent"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("lent_on")),
                name="loan_returned_after_lent",
            ),
        ]

    def __str__(self):
        return f"{self.dvd} lent to {self.borrower}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._retire_pages(kwargs.get("using"))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._retire_pages(kwargs.get("using"))
        return result

    @property
    def is_open(self):
        return self.returned_on is None

    def is_overdue(self, today=None):
        return self.is_open and self.due_on is not None and self.due_on < (today or timezone.localdate())

    def clean(self):
        super().clean()
        if self.due_on and self.lent_on and self.due_on < self.lent_on:
            raise ValidationError({"due_on": "The due date cannot be before the day it was lent."})
        if self.returned_on and self.lent_on and self.returned_on < self.lent_on:
            raise ValidationError({"returned_on": "It cannot come back before it was lent."})

    def _retire_pages(self, using):
        # The DVD's page and its owner's list show the "on loan" badge.
        page_cache.dvds_changed([(self.dvd_id, self.dvd.owner_id)], **({"using": using} if using else {}))

    def mark_returned(self, on=None):
        """Record the DVD as back (today unless `on` says otherwise); a loan already closed is left as it is."""
        if self.returned_on is None:
            self.returned_on = max(on or timezone.localdate(), self.lent_on)
            self.save(update_fields=["returned_on"])


class ShareKind(models.TextChoices):
    COLLECTION = "collection", "Collection"
    WISHLIST = "wishlist", "Wish list"


class ShareLinkQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(owner=user)


class ShareLink(models.Model):
    """A revocable, unguessable address showing one owner's collection or wish list to anyone who has it."""

    Kind = ShareKind

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links")
    kind = models.CharField(max_length=10, choices=ShareKind)
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="share_link_one_per_owner_and_kind"),
            models.CheckConstraint(condition=Q(kind__in=ShareKind.values), name="share_link_kind_valid"),
        ]

    def __str__(self):
        return f"{self.owner}'s {self.get_kind_display().lower()}"

    def get_absolute_url(self):
        return reverse("shared_page", args=[self.token])

    @classmethod
    def switch_on(cls, owner, kind):
        """The owner's link for `kind`, made now with a new token if they had none."""
        link, _ = cls.objects.get_or_create(owner=owner, kind=kind, defaults={"token": new_token()})
        return link

    @classmethod
    def regenerate(cls, owner, kind):
        """A new token for the owner's link: the old address stops working at once."""
        link, created = cls.objects.get_or_create(owner=owner, kind=kind, defaults={"token": new_token()})
        if not created:
            link.token = new_token()
            link.save(update_fields=["token"])
        return link


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)
