"""The DVD: one copy (or wish) of a film in an owner's collection, and its queryset."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.dispatch import Signal
from django.urls import reverse

from tracker import page_cache, quality, torrent_links
from tracker.models.choices import Condition, DiskType, MediaType, Status
from tracker.models.listing import ListingQuerySet
from tracker.models.yts_columns import FAILURE_REASON_MAX_LENGTH, NO_TORRENTS_YET, YTSColumnsQuerySet, is_fresh
from tracker.validators import (
    FIRST_FILM_YEAR,
    latest_release_year,
    validate_barcode,
    validate_currency,
    validate_imdb_id,
)

# Posters are shown only from TMDB's image CDN: any other URL could track the viewer.
POSTER_URL_PREFIX = "https://image.tmdb.org/t/p/"
POSTER_URL_MAX_LENGTH = 500

# A database bound that holds for ever; the moving "next year" bound is checked by the
# model's validation, since CHECK constraints cannot call now() on SQLite.
LAST_STORABLE_YEAR = 2200


class DVDQuerySet(ListingQuerySet, YTSColumnsQuerySet):
    """DVD.objects: the list pages' queries (listing.py), the YTS columns' (yts_columns.py), page-retiring writes."""

    def for_user(self, user):
        return self.filter(owner=user)

    # Writes that send no signal retire the stored pages themselves (saves and deletes do by signal);
    # bulk_update writes through update(). A new owner's list is retired as well as the old one's.
    def update(self, **kwargs):
        if not page_cache.enabled():
            return super().update(**kwargs)
        before = list(self.values_list("pk", "owner_id"))
        count = super().update(**kwargs)
        after = []
        if {"owner", "owner_id"} & kwargs.keys():
            written = self.model._base_manager.using(self.db).filter(pk__in=[pk for pk, _ in before])
            after = list(written.values_list("pk", "owner_id"))
        page_cache.dvds_changed(before + after, using=self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        page_cache.dvds_changed([(dvd.pk, dvd.owner_id) for dvd in created], using=self.db)
        return created

    def with_imdb_id(self):
        return self.exclude(imdb_id="")


# Wide enough for any price a disc is sold at, in any currency.
PRICE_DIGITS = 10


def default_currency():
    return settings.DEFAULT_CURRENCY


# Sent with `imdb_id` once a save that gave a DVD another film's IMDb id is committed: the receiver
# (tracker.lookups, connected in TrackerConfig.ready) fetches that film's torrents, which the model cannot
# do itself without needing the refresh code, which needs the model.
film_changed = Signal()


class DVD(models.Model):
    DiskType = DiskType
    MediaType = MediaType
    Status = Status
    Condition = Condition

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dvds")
    name = models.CharField("title", max_length=255)
    release_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(FIRST_FILM_YEAR)]
    )
    disk_type = models.CharField(max_length=10, choices=DiskType, default=DiskType.DVD)
    media_type = models.CharField(max_length=10, choices=MediaType, default=MediaType.PHYSICAL)
    status = models.CharField(max_length=10, choices=Status, default=Status.KEPT)
    storage_box = models.CharField(max_length=100, blank=True, help_text="Where the disc is shelved.")
    is_unwatched = models.BooleanField("unwatched", default=False)
    is_unopened = models.BooleanField("unopened", default=False)
    box_set_name = models.CharField(max_length=255, blank=True)
    imdb_id = models.CharField(
        "IMDb id", max_length=12, blank=True, validators=[validate_imdb_id], help_text="For example tt0111161."
    )
    tmdb_id = models.PositiveIntegerField("TMDB id", null=True, blank=True, validators=[MinValueValidator(1)])
    barcode = models.CharField(
        max_length=14, blank=True, validators=[validate_barcode], help_text="The EAN/UPC on the case (8 to 14 digits)."
    )
    poster_url = models.URLField(max_length=POSTER_URL_MAX_LENGTH, blank=True)
    overview = models.TextField(blank=True)
    genres = models.CharField(max_length=255, blank=True, help_text="Comma-separated.")
    runtime = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(6000)], help_text="Minutes."
    )
    director = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)
    # The copy: which edition of the film it is, and how and where it was bought.
    edition = models.CharField(max_length=100, blank=True, help_text="Standard, Steelbook, Criterion…")
    region = models.CharField(max_length=20, blank=True, help_text="A, B, C, 1–6 or Region-free.")
    disc_count = models.PositiveSmallIntegerField(
        "discs", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    purchase_date = models.DateField(null=True, blank=True)
    purchase_price = models.DecimalField(
        max_digits=PRICE_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message="A price cannot be negative.")],
    )
    purchase_currency = models.CharField(
        "currency",
        max_length=3,
        default=default_currency,
        validators=[validate_currency],
        help_text="ISO 4217: EUR, USD…",
    )
    purchase_store = models.CharField("store", max_length=100, blank=True)
    condition = models.CharField(max_length=10, choices=Condition, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # YTS integration fields (names and help texts from the spec).
    yts_data = models.JSONField(blank=True, null=True, help_text="Cached YTS torrent data")
    yts_last_updated = models.DateTimeField(blank=True, null=True, help_text="When YTS data was last refreshed")
    # Kept beside yts_data so the list page and the batch query never load the JSON.
    yts_torrent_count = models.PositiveSmallIntegerField(default=0, editable=False)
    yts_last_error = models.CharField(max_length=FAILURE_REASON_MAX_LENGTH, blank=True, editable=False)
    yts_last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    # From the same answer, unfiltered: every quality YTS lists (None: not fetched since these existed),
    # the best one in lines (0: none), and its torrents, for the upgrade alerts and the Upgrades page.
    yts_qualities = models.JSONField(null=True, blank=True, editable=False)
    yts_best_quality = models.PositiveSmallIntegerField(default=0, editable=False)
    yts_best_torrents = models.JSONField(null=True, blank=True, editable=False)
    # The quality this copy gives; unset, its format's (tracker.quality.FORMAT_LINES).
    owned_quality = models.PositiveSmallIntegerField(
        "quality you own",
        null=True,
        blank=True,
        choices=quality.OWNED_CHOICES,
        help_text="Leave empty for the format's own (DVD 480p, Blu-ray 1080p, 4K UHD 2160p).",
    )

    objects = DVDQuerySet.as_manager()

    class Meta:
        verbose_name = "DVD"
        verbose_name_plural = "DVDs"
        ordering = [Lower("name"), "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(disk_type__in=DiskType.values), name="dvd_disk_type_valid"),
            models.CheckConstraint(condition=Q(media_type__in=MediaType.values), name="dvd_media_type_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="dvd_status_valid"),
            models.CheckConstraint(
                condition=Q(release_year__isnull=True)
                | Q(release_year__gte=FIRST_FILM_YEAR, release_year__lte=LAST_STORABLE_YEAR),
                name="dvd_release_year_range",
            ),
            models.CheckConstraint(condition=Q(runtime__isnull=True) | Q(runtime__gt=0), name="dvd_runtime_positive"),
            models.CheckConstraint(condition=Q(tmdb_id__isnull=True) | Q(tmdb_id__gt=0), name="dvd_tmdb_id_positive"),
            models.CheckConstraint(
                condition=Q(purchase_price__isnull=True) | Q(purchase_price__gte=0), name="dvd_price_not_negative"
            ),
            models.CheckConstraint(condition=Q(condition__in=["", *Condition.values]), name="dvd_condition_valid"),
            models.CheckConstraint(
                condition=Q(disc_count__isnull=True) | Q(disc_count__gt=0), name="dvd_disc_count_positive"
            ),
        ]
        # Each sort's index holds every column its pages are picked by (tracker.paging), the status for the
        # list's "not the wish list", and the pk: a page deep into 100,000 DVDs is read from the index alone
        # (an index-only scan on PostgreSQL). The -year sort's (NULLS LAST) and the search's trigram indexes
        # exist on PostgreSQL only, made by a migration's tracker.postgres_only.PostgresOnly.
        indexes = [
            models.Index(F("owner"), Lower("name"), F("id"), F("name"), F("status"), name="dvd_owner_title"),
            models.Index(
                F("owner"),
                F("release_year"),
                Lower("name"),
                F("id"),
                F("name"),
                F("status"),
                name="dvd_owner_year_title",
            ),
            models.Index(fields=["owner", "created_at", "id", "status"], name="dvd_owner_added"),
            # The list's count; the navbar's count of upgrades; the statistics' purchases.
            models.Index(fields=["owner", "status"], name="dvd_owner_status"),
            models.Index(
                fields=["owner", "yts_best_quality", "owned_quality", "disk_type", "id"],
                condition=Q(status=Status.KEPT, yts_best_quality__gt=0),
                name="dvd_owner_upgradable",
            ),
            models.Index(fields=["owner"], condition=Q(purchase_price__isnull=False), name="dvd_owner_priced"),
            models.Index(fields=["imdb_id", "yts_last_updated"], name="dvd_imdb_refresh"),
            # Copies of one film: the DVD page's "other copies", the add form's question, ?group=film.
            models.Index(fields=["owner", "tmdb_id"], name="dvd_owner_tmdb"),
        ]

    def __str__(self):
        return f"{self.name} ({self.release_year})" if self.release_year else self.name

    def save(self, *args, update_fields=None, **kwargs):
        """Save; a changed IMDb id forgets the other film's torrents in the same write and fetches its own."""
        stored_imdb_id = getattr(self, "_stored_imdb_id", None)
        changed_film = self.pk is not None and stored_imdb_id is not None and stored_imdb_id != self.imdb_id
        if changed_film:
            for name, value in NO_TORRENTS_YET.items():
                setattr(self, name, value)
            if update_fields is not None:
                update_fields = {*update_fields, *NO_TORRENTS_YET}
        super().save(*args, update_fields=update_fields, **kwargs)
        self._stored_imdb_id = self.imdb_id
        if changed_film and self.imdb_id:
            imdb_id, sender = self.imdb_id, type(self)
            transaction.on_commit(lambda: film_changed.send(sender, imdb_id=imdb_id), using=kwargs.get("using"))

    def get_absolute_url(self):
        return reverse("dvd_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        dvd = super().from_db(db, field_names, values)
        dvd._stored_imdb_id = dvd.__dict__.get("imdb_id")  # None when the field was deferred
        return dvd

    def get_constraints(self):
        """The constraints full_clean() asks the database about: not the CHECKs, which the fields'
        own validators already state (asking costs a round trip each on every form save)."""
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        super().clean()
        if self.release_year and self.release_year > latest_release_year():
            raise ValidationError(
                {"release_year": f"The year can be at most {latest_release_year()}, next year's releases included."}
            )

    @property
    def safe_poster_url(self):
        return self.poster_url if self.poster_url.startswith(POSTER_URL_PREFIX) else ""

    # --- YTS (method names and contracts from the spec)

    # The spec's three calls out of a DVD keep their names here; their bodies live in tracker.lookups,
    # beside the refresh path and the services they call, which import this module: hence the
    # imports at call time, in these three delegations only.
    def refresh_yts_data(self, *, force=False, patient=True):
        """Refresh YTS torrent data from the API (tracker.lookups.refresh_yts_data)."""
        from tracker import lookups

        return lookups.refresh_yts_data(self, force=force, patient=patient)

    def has_torrents(self):
        """Check if this DVD has any torrents available (tracker.lookups.has_torrents)."""
        from tracker import lookups

        return lookups.has_torrents(self)

    def fetch_imdb_id(self):
        """Look the IMDb id up on TMDB and store it (tracker.lookups.fetch_imdb_id)."""
        from tracker import lookups

        return lookups.fetch_imdb_id(self)

    def get_cached_torrents(self):
        """Get cached YTS torrent data."""
        if self.yts_data and isinstance(self.yts_data, list):
            return self.yts_data
        return []

    def is_yts_data_fresh(self, max_age_hours=None):
        """Check if YTS data is fresh (within max_age_hours, default YTS_MAX_DATA_AGE_HOURS)."""
        return is_fresh(self.yts_last_updated, max_age_hours)

    def claim_refresh_slot(self):
        """True at most once per YTS_REFRESH_MIN_INTERVAL seconds for this DVD."""
        interval = settings.YTS_REFRESH_MIN_INTERVAL
        if interval <= 0:
            return True
        # With Redis down, django-redis's IGNORE_EXCEPTIONS makes add() answer None: let the refresh run.
        return cache.add(self._refresh_slot_key(), True, timeout=interval) is not False

    def give_back_refresh_slot(self):
        """Undo claim_refresh_slot when YTS was not asked after all (its pace was full)."""
        cache.delete(self._refresh_slot_key())

    def _refresh_slot_key(self):
        return f"yts:refresh-slot:{self.pk}"

    def refresh_facts(self):
        """What refresh.background.should_refresh_in_background is given, kept with the stored page."""
        return {name: getattr(self, name) for name in ("imdb_id", "yts_last_updated", "yts_last_error_at")}

    @property
    def owned_lines(self):
        """The lines this copy gives (its override, else its format's)."""
        return quality.owned_lines(self.disk_type, self.owned_quality)

    @property
    def owned_quality_name(self):
        return quality.name(self.owned_lines)

    @property
    def best_quality_name(self):
        """The best quality YTS lists for the film ('' when none is ranked)."""
        return quality.name(self.yts_best_quality)

    def displayable_best_torrents(self):
        """The stored torrents of the best listed quality whose link may be shown (for the Upgrades template)."""
        return torrent_links.displayable(self.yts_best_torrents)

    @property
    def last_refresh_failed(self):
        """True when the most recent YTS fetch failed (after any success)."""
        if not self.yts_last_error_at:
            return False
        return self.yts_last_updated is None or self.yts_last_error_at > self.yts_last_updated
