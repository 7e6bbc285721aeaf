from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Case, CharField, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.urls import reverse
from django.utils import timezone

from tracker import background, page_cache, quality, refresh
from tracker.services.tmdb import TMDBNotFound, TMDBService
from tracker.services.yts import YTSBusy, allowed_download_hosts, is_allowed_download_url
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

FAILURE_REASON_MAX_LENGTH = 255
# The torrents of the best listed quality kept for the Upgrades page, most seeded first.
BEST_TORRENTS_KEPT = 5


SORT_ORDERINGS = {
    "title": (Lower("name"), "pk"),
    "-title": (Lower("name").desc(), "-pk"),
    "year": (F("release_year").asc(nulls_last=True), Lower("name"), "pk"),
    "-year": (F("release_year").desc(nulls_last=True), Lower("name"), "pk"),
    "added": ("created_at", "pk"),
    "-added": ("-created_at", "-pk"),
}


YTS_FIELDS = [
    "yts_data",
    "yts_last_updated",
    "yts_torrent_count",
    "yts_last_error",
    "yts_last_error_at",
    "yts_qualities",
    "yts_best_quality",
    "yts_best_torrents",
]


# A DVD whose IMDb id changes forgets the other film's torrents in the same write.
NO_TORRENTS_YET = {
    "yts_data": None,
    "yts_last_updated": None,
    "yts_torrent_count": 0,
    "yts_last_error": "",
    "yts_last_error_at": None,
    "yts_qualities": None,
    "yts_best_quality": 0,
    "yts_best_torrents": None,
}


def yts_values(fetched):
    """The columns an outcome writes: all of them for a torrent list, the failure ones for an error."""
    if fetched.failed:
        return {"yts_last_error": str(fetched.answer)[:FAILURE_REASON_MAX_LENGTH], "yts_last_error_at": fetched.started}
    listed = fetched.all_torrents
    best = quality.best_lines(t.get("quality") for t in listed)
    return {
        "yts_data": fetched.answer,
        "yts_last_updated": fetched.started,
        "yts_torrent_count": len(fetched.answer),
        "yts_last_error": "",
        "yts_last_error_at": None,
        "yts_qualities": quality.listed_qualities(listed),
        "yts_best_quality": best,
        "yts_best_torrents": quality.torrents_of(listed, best)[:BEST_TORRENTS_KEPT],
    }


# What the list page shows; loading only these halves the cost of building its 24 rows.
LIST_PAGE_FIELDS = (
    "name",
    "release_year",
    "director",
    "disk_type",
    "media_type",
    "status",
    "storage_box",
    "is_unwatched",
    "poster_url",
    "imdb_id",
    "yts_torrent_count",
    "created_at",
    "edition",
    "tmdb_id",
)


def film_key():
    """Which film a DVD is of, as one text: its TMDB id, else its IMDb id, else (no id) the DVD itself."""
    return Case(
        When(tmdb_id__isnull=False, then=Concat(Value("tmdb:"), Cast("tmdb_id", CharField()))),
        When(~Q(imdb_id=""), then=Concat(Value("imdb:"), "imdb_id")),
        default=Concat(Value("dvd:"), Cast("pk", CharField())),
        output_field=CharField(),
    )


class DVDQuerySet(models.QuerySet):
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

    def collection_page(
        self, *, q="", disk_type="", media_type="", status="", watched="", sort="title", loan="", group="", whole=False
    ):
        """The list page's rows: filtered, sorted, without the columns the list never shows.

        The wish list is left out unless asked for by its status (or `whole`, for an export); grouped
        by film, one row per film.
        """
        rows = self.search(q) if whole or status == Status.WISHLIST else self.owned().search(q)
        for field, value in (("disk_type", disk_type), ("media_type", media_type), ("status", status)):
            if value:
                rows = rows.filter(**{field: value})
        if watched:
            rows = rows.filter(is_unwatched=watched == "unwatched")
        if loan:
            rows = rows.on_loan() if loan == "on_loan" else rows.exclude(pk__in=self.on_loan().values("pk"))
        if group == "film":
            rows = rows.one_per_film()
        rows = rows.only(*LIST_PAGE_FIELDS).with_open_loan()
        return rows.order_by(*SORT_ORDERINGS.get(sort, SORT_ORDERINGS["title"]))

    def owned(self):
        """Everything but the wish list: the copies the owner has, or had."""
        return self.exclude(status=Status.WISHLIST)

    def wanted(self):
        """The wish list: films the owner means to buy."""
        return self.filter(status=Status.WISHLIST)

    def copies_of(self, tmdb_id=None, imdb_id=""):
        """The DVDs of one film: the same TMDB id or the same IMDb id (none for a film with neither)."""
        same = Q(tmdb_id=tmdb_id) if tmdb_id else Q()
        if imdb_id:
            same |= Q(imdb_id=imdb_id)
        return self.filter(same) if same else self.none()

    def one_per_film(self):
        """The first-added DVD of each film (TMDB id, else IMDb id, else the DVD itself)."""
        firsts = self.order_by().annotate(film=film_key()).values("film").annotate(first=Min("pk")).values("first")
        return self.filter(pk__in=firsts)

    def likely_duplicates(self):
        """Copies that look like one entered twice: the same film, format and edition (not the wish list)."""
        keyed = self.owned().annotate(film=film_key(), edition_key=Lower("edition"))
        twins = keyed.filter(
            film=OuterRef("film"), disk_type=OuterRef("disk_type"), edition_key=OuterRef("edition_key")
        ).exclude(pk=OuterRef("pk"))
        return keyed.filter(Exists(twins)).order_by(Lower("name"), "film", "disk_type", "edition_key", "pk")

    def on_loan(self):
        """DVDs lent out and not back yet (a DVD has at most one open loan)."""
        return self.filter(Exists(Loan.objects.filter(dvd=OuterRef("pk"), returned_on__isnull=True)))

    def with_open_loan(self):
        """Each DVD with `lent_to`, `lent_on` and `loan_due`: its open loan's borrower, date and due date
        (None when it is home). A queryset that has them already is returned as it is."""
        if "lent_to" in self.query.annotations:
            return self
        open_loan = Loan.objects.filter(dvd=OuterRef("pk"), returned_on__isnull=True)
        return self.annotate(
            lent_to=Subquery(open_loan.values("borrower")[:1]),
            lent_on=Subquery(open_loan.values("lent_on")[:1]),
            loan_due=Subquery(open_loan.values("due_on")[:1]),
        )

    def search(self, text):
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(director__icontains=text) | Q(imdb_id__iexact=text))

    def with_imdb_id(self):
        return self.exclude(imdb_id="")

    def stale(self, max_age_hours=None):
        """DVDs whose torrents were never fetched, or fetched over max_age_hours ago."""
        if max_age_hours is None:
            max_age_hours = settings.YTS_MAX_DATA_AGE_HOURS
        cutoff = timezone.now() - timedelta(hours=max_age_hours)
        return self.filter(Q(yts_last_updated__isnull=True) | Q(yts_last_updated__lt=cutoff))

    def store_yts_outcomes(self, fetched):
        """Write fetch outcomes (tracker.refresh.Fetched) to every DVD of their films, never over newer ones.

        Only the YTS columns are written, by IMDb id, so an edit saved meanwhile survives;
        a failure writes only the failure columns, so good torrents and their time are kept.
        A film is written only where neither its torrents nor its last failure are newer than
        the fetch's start, so a slow or late outcome cannot replace what a later fetch stored.
        One UPDATE for the successes and one for the failures, a value differing between
        films being a CASE on the IMDb id. Not bulk_update: its CASE per DVD and column cost
        ~3 ms of Python per DVD, most of a 10,000-DVD batch's time (`make bench`, figure 4).
        Call it through tracker.refresh.store, the one writer of fetched torrents.
        """
        # No transaction around the two: each UPDATE is whole by itself and guarded by its start
        # times, and one open across both would hold the rows' locks while this thread waits its
        # turn for the GIL and Redis, so an edit of the same DVD waited up to a second under load.
        for group in ([f for f in fetched if not f.failed], [f for f in fetched if f.failed]):
            if not group:
                continue
            started = self._per_film({f.imdb_id: f.started for f in group}, "yts_last_updated")
            nothing_newer = (Q(yts_last_updated__isnull=True) | Q(yts_last_updated__lte=started)) & (
                Q(yts_last_error_at__isnull=True) | Q(yts_last_error_at__lte=started)
            )
            rows = {f.imdb_id: yts_values(f) for f in group}
            names = rows[group[0].imdb_id]
            columns = {name: self._per_film({k: row[name] for k, row in rows.items()}, name) for name in names}
            self.filter(nothing_newer, imdb_id__in=list(rows)).update(**columns)

    def _per_film(self, values, field_name):
        """An expression giving each film (by IMDb id) its value: a constant where all agree, else a CASE."""
        field = self.model._meta.get_field(field_name)
        first = next(iter(values.values()))
        if all(value == first for value in values.values()):
            return first
        case = Case(*(When(imdb_id=k, then=Value(v, output_field=field)) for k, v in values.items()))
        return Cast(case, output_field=field) if connections[self.db].features.requires_casted_case_in_updates else case

    def upgradable(self):
        """Kept copies of films for which YTS lists a better quality than the copy gives."""
        formats = Case(
            *(When(disk_type=disk_type, then=Value(lines)) for disk_type, lines in quality.FORMAT_LINES.items()),
            default=Value(0),
        )
        # Every copy gives some lines (0 at least), so only a film with a ranked quality listed can be
        # better: said outright, the count every page shows reads a small partial index (dvd_owner_upgradable).
        return (
            self.filter(status=Status.KEPT, yts_best_quality__gt=0)
            .alias(owned_lines=Coalesce("owned_quality", formats))
            .filter(yts_best_quality__gt=F("owned_lines"))
        )

    def set_imdb_id_where_missing(self, imdb_id, **values):
        """Give the IMDb id to those of these DVDs that have none (never over one set meanwhile)."""
        return self.filter(imdb_id="").update(imdb_id=imdb_id, updated_at=timezone.now(), **NO_TORRENTS_YET, **values)


class DiskType(models.TextChoices):
    DVD = "dvd", "DVD"
    BLURAY = "bluray", "Blu-ray"
    UHD = "4k_uhd", "4K UHD"


class MediaType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    DOWNLOAD = "download", "Download"
    RIP = "rip", "Rip"


class Status(models.TextChoices):
    KEPT = "kept", "Kept"
    DISPOSED = "disposed", "Disposed"
    WISHLIST = "wishlist", "On my wish list"


class Condition(models.TextChoices):
    MINT = "mint", "Mint"
    GOOD = "good", "Good"
    WORN = "worn", "Worn"
    DAMAGED = "damaged", "Damaged"


# Offered as suggestions on the form; any other text is accepted.
EDITION_SUGGESTIONS = ("Standard", "Steelbook", "Criterion", "Collector's", "Director's Cut", "Extended", "Limited")
REGION_SUGGESTIONS = ("A", "B", "C", "Region-free", "1", "2", "3", "4", "5", "6")
# Wide enough for any price a disc is sold at, in any currency.
PRICE_DIGITS = 10


def default_currency():
    return settings.DEFAULT_CURRENCY


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
        film_changed = self.pk is not None and stored_imdb_id is not None and stored_imdb_id != self.imdb_id
        if film_changed:
            for name, value in NO_TORRENTS_YET.items():
                setattr(self, name, value)
            if update_fields is not None:
                update_fields = {*update_fields, *NO_TORRENTS_YET}
        super().save(*args, update_fields=update_fields, **kwargs)
        self._stored_imdb_id = self.imdb_id
        if film_changed and self.imdb_id:
            imdb_id = self.imdb_id
            transaction.on_commit(lambda: background.refresh_in_background(imdb_id), using=kwargs.get("using"))

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

    # --- YTS (method names and contracts from the spec) -------------------------------

    def get_cached_torrents(self):
        """Get cached YTS torrent data."""
        if self.yts_data and isinstance(self.yts_data, list):
            return self.yts_data
        return []

    def displayable_torrents(self):
        """The stored torrents whose link is https on an allowed host, re-checked at display time:
        rows written before validation existed, or edited by hand, are not trusted either."""
        hosts = allowed_download_hosts()
        return [
            t
            for t in self.get_cached_torrents()
            if isinstance(t, dict) and is_allowed_download_url(t.get("url"), hosts)
        ]

    def is_yts_data_fresh(self, max_age_hours=None):
        """Check if YTS data is fresh (within max_age_hours, default YTS_MAX_DATA_AGE_HOURS)."""
        if max_age_hours is None:
            max_age_hours = settings.YTS_MAX_DATA_AGE_HOURS
        if not self.yts_last_updated:
            return False
        return timezone.now() - self.yts_last_updated < timedelta(hours=max_age_hours)

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
        """The fields wants_background_refresh() reads, kept with the DVD's stored page to decide again."""
        return {name: getattr(self, name) for name in ("imdb_id", "yts_last_updated", "yts_last_error_at")}

    def wants_background_refresh(self):
        """Stale or never fetched, and not failed within the last YTS_FAILURE_BACKOFF_SECONDS."""
        if not self.imdb_id or self.is_yts_data_fresh():
            return False
        backoff = timedelta(seconds=settings.YTS_FAILURE_BACKOFF_SECONDS)
        return not (self.yts_last_error_at and timezone.now() - self.yts_last_error_at < backoff)

    def refresh_yts_data(self, *, force=False, patient=True):
        """Fetch torrents from YTS and store them; False if there is no IMDb id or YTS failed.

        A failure keeps the stored torrents and their timestamp and records the reason.
        `force` skips the cache (the person pressed Refresh). Every DVD with the same
        IMDb id, whoever owns it, is updated from the one answer (tracker.refresh).
        With patient=False (a web request), a full pace or a long-held lock raises YTSBusy
        and stores nothing.
        """
        if not self.imdb_id:
            return False
        result = refresh.refresh_film(self.imdb_id, refresh.Policy(use_cache=not force, patient=patient))
        if result.status == refresh.BUSY:
            raise YTSBusy("This film is being refreshed right now; try again in a few seconds")
        for name, value in result.stored.items():
            setattr(self, name, value)
        return result.status == refresh.REFRESHED

    def has_torrents(self):
        """Check if this DVD has any torrents available (may call YTS; for the shell, not templates)."""
        if not self.imdb_id:
            return False
        if self.get_cached_torrents():
            return True
        if not self.is_yts_data_fresh():
            from tracker.services import YTSService

            return len(YTSService().get_quality_torrents(self.imdb_id)) > 0
        return False

    # --- TMDB -----------------------------------------------------------------------------

    def fetch_imdb_id(self):
        """Look the IMDb id up on TMDB and store it where none was set meanwhile (filling an empty
        year or poster with valid values only), then fetch its torrents. Returns the stored id;
        raises TMDBNotFound, TMDBNotConfigured or another TMDBError.
        """
        details = TMDBService().get_movie(self.tmdb_id)
        if not details.imdb_id:
            raise TMDBNotFound("TMDB has no IMDb id for this film")
        fill = {}
        if details.year and FIRST_FILM_YEAR <= details.year <= latest_release_year():
            fill["release_year"] = Coalesce("release_year", Value(details.year))
        if details.poster_url.startswith(POSTER_URL_PREFIX) and len(details.poster_url) <= POSTER_URL_MAX_LENGTH:
            fill["poster_url"] = Case(
                When(poster_url="", then=Value(details.poster_url)),
                default=F("poster_url"),
                output_field=DVD._meta.get_field("poster_url"),
            )
        DVD.objects.filter(pk=self.pk).set_imdb_id_where_missing(details.imdb_id, **fill)
        self.refresh_from_db(fields=["imdb_id", "release_year", "poster_url", "updated_at", *YTS_FIELDS])
        if refresh.refresh_film(self.imdb_id, refresh.PAGE).status == refresh.BUSY:
            background.refresh_in_background(self.imdb_id)  # the torrents arrive a little later
        self.refresh_from_db(fields=YTS_FIELDS)
        return self.imdb_id

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
        """The stored torrents of the best listed quality, with the same link check as the torrents."""
        hosts = allowed_download_hosts()
        torrents = self.yts_best_torrents if isinstance(self.yts_best_torrents, list) else []
        return [t for t in torrents if isinstance(t, dict) and is_allowed_download_url(t.get("url"), hosts)]

    @property
    def last_refresh_failed(self):
        """True when the most recent YTS fetch failed (after any success)."""
        if not self.yts_last_error_at:
            return False
        return self.yts_last_updated is None or self.yts_last_error_at > self.yts_last_updated


from tracker.models_io import ImportJob, ImportRow  # noqa: E402, F401  (import jobs live in their own module)
from tracker.models_lending import Loan, ShareLink  # noqa: E402, F401  (so do loans and share links)
