import contextlib
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Lower
from django.urls import reverse
from django.utils import timezone

from tracker import page_cache
from tracker.locks import film_lock
from tracker.ops.metrics import timed_refresh
from tracker.validators import FIRST_FILM_YEAR, latest_release_year, validate_barcode, validate_imdb_id

# Posters are shown only from TMDB's image CDN: any other URL could track the viewer.
POSTER_URL_PREFIX = "https://image.tmdb.org/t/p/"

# A database bound that holds for ever; the moving "next year" bound is checked by the
# model's validation, since CHECK constraints cannot call now() on SQLite.
LAST_STORABLE_YEAR = 2200

FAILURE_REASON_MAX_LENGTH = 255


SORT_ORDERINGS = {
    "title": (Lower("name"), "pk"),
    "-title": (Lower("name").desc(), "-pk"),
    "year": (F("release_year").asc(nulls_last=True), Lower("name"), "pk"),
    "-year": (F("release_year").desc(nulls_last=True), Lower("name"), "pk"),
    "added": ("created_at", "pk"),
    "-added": ("-created_at", "-pk"),
}


YTS_FIELDS = ["yts_data", "yts_last_updated", "yts_torrent_count", "yts_last_error", "yts_last_error_at"]


def yts_values(outcome, now):
    """The columns a fetch outcome writes: all of them for a torrent list, the failure ones for an error."""
    if isinstance(outcome, Exception):
        return {"yts_last_error": str(outcome)[:FAILURE_REASON_MAX_LENGTH], "yts_last_error_at": now}
    return {
        "yts_data": outcome,
        "yts_last_updated": now,
        "yts_torrent_count": len(outcome),
        "yts_last_error": "",
        "yts_last_error_at": None,
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
)


class DVDQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(owner=user)

    # Writes that send no signal retire the stored pages themselves (saves and deletes do by signal).
    def update(self, **kwargs):
        changed = list(self.values_list("pk", "owner_id")) if page_cache.enabled() else []
        count = super().update(**kwargs)
        page_cache.dvds_changed(changed, using=self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        page_cache.dvds_changed([(dvd.pk, dvd.owner_id) for dvd in created], using=self.db)
        return created

    def collection_page(self, *, q="", disk_type="", media_type="", status="", watched="", sort="title"):
        """The list page's rows: filtered, sorted, without the columns the list never shows."""
        rows = self.search(q)
        for field, value in (("disk_type", disk_type), ("media_type", media_type), ("status", status)):
            if value:
                rows = rows.filter(**{field: value})
        if watched:
            rows = rows.filter(is_unwatched=watched == "unwatched")
        return rows.only(*LIST_PAGE_FIELDS).order_by(*SORT_ORDERINGS.get(sort, SORT_ORDERINGS["title"]))

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

    def store_yts_outcomes(self, outcomes, now):
        """Write fetch outcomes ({imdb_id: torrent list or YTSError}) to every DVD of those films.

        Only the YTS columns are written, by IMDb id, so an edit saved meanwhile survives;
        a failure writes only the failure columns, so good torrents and their time are kept.
        One UPDATE for the successes and one for the failures, a column differing between
        films being a CASE on the IMDb id. Not bulk_update: its CASE per DVD and column cost
        ~3 ms of Python per DVD, most of a 10,000-DVD batch's time (`make bench`, figure 4).
        """
        successes = {k: v for k, v in outcomes.items() if not isinstance(v, Exception)}
        failures = {k: v for k, v in outcomes.items() if isinstance(v, Exception)}
        with transaction.atomic():
            for group in (successes, failures):
                if group:
                    self.filter(imdb_id__in=list(group)).update(**self._columns_per_film(group, now))

    def _columns_per_film(self, outcomes, now):
        """update() arguments giving each film its outcome's values: a constant where all agree, else a CASE."""
        rows = {imdb_id: yts_values(outcome, now) for imdb_id, outcome in outcomes.items()}
        casted = connections[self.db].features.requires_casted_case_in_updates
        columns = {}
        for name, first in next(iter(rows.values())).items():
            if all(row[name] == first for row in rows.values()):
                columns[name] = first
                continue
            field = self.model._meta.get_field(name)
            case = Case(*(When(imdb_id=k, then=Value(row[name], output_field=field)) for k, row in rows.items()))
            columns[name] = Cast(case, output_field=field) if casted else case
        return columns

    def refresh_if_stale(self, imdb_id, max_age_hours=None, *, patient=False):
        """Refresh a film unless it is fresh or being refreshed elsewhere: 'refreshed', 'failed', 'fresh' or 'busy'.

        Impatient (the default, for threads of the web process) gives 'busy' instead of queueing for
        YTS_MAX_REQUESTS_PER_SECOND; a worker can afford to wait (patient=True).
        """
        from tracker.services.yts import YTSBusy

        with film_lock(imdb_id, wait=False) as lock:
            if not lock.acquired:
                return "busy"
            dvd = self.filter(imdb_id=imdb_id).stale(max_age_hours).first()
            if dvd is None:
                return "fresh"
            try:
                return "refreshed" if dvd.fetch_and_store_yts(patient=patient) else "failed"
            except YTSBusy:
                return "busy"


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


class DVD(models.Model):
    DiskType = DiskType
    MediaType = MediaType
    Status = Status

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
    poster_url = models.URLField(max_length=500, blank=True)
    overview = models.TextField(blank=True)
    genres = models.CharField(max_length=255, blank=True, help_text="Comma-separated.")
    runtime = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(6000)], help_text="Minutes."
    )
    director = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # YTS integration fields (names and help texts from the spec).
    yts_data = models.JSONField(blank=True, null=True, help_text="Cached YTS torrent data")
    yts_last_updated = models.DateTimeField(blank=True, null=True, help_text="When YTS data was last refreshed")
    # Kept beside yts_data so the list page and the batch query never load the JSON.
    yts_torrent_count = models.PositiveSmallIntegerField(default=0, editable=False)
    yts_last_error = models.CharField(max_length=FAILURE_REASON_MAX_LENGTH, blank=True, editable=False)
    yts_last_error_at = models.DateTimeField(null=True, blank=True, editable=False)

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
            models.UniqueConstraint(
                fields=["owner", "tmdb_id"],
                condition=Q(tmdb_id__isnull=False),
                name="dvd_one_per_owner_and_tmdb_id",
                violation_error_message="This film (same TMDB id) is already in your collection.",
            ),
        ]
        indexes = [
            models.Index("owner", Lower("name"), name="dvd_owner_name_ci"),
            models.Index(fields=["owner", "release_year"], name="dvd_owner_year"),
            models.Index(fields=["owner", "created_at"], name="dvd_owner_created"),
            models.Index(fields=["imdb_id", "yts_last_updated"], name="dvd_imdb_refresh"),
        ]

    def __str__(self):
        return f"{self.name} ({self.release_year})" if self.release_year else self.name

    def get_absolute_url(self):
        return reverse("dvd_detail", args=[self.pk])

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
        from tracker.services.yts import allowed_download_hosts, is_allowed_download_url

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
        return cache.add(f"yts:refresh-slot:{self.pk}", True, timeout=interval) is not False

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
        IMDb id, whoever owns it, is updated from the one answer, and simultaneous
        refreshes of one film share one upstream call through the film's lock.
        With patient=False (a web request), a full pace raises YTSBusy and stores nothing.
        """
        if not self.imdb_id:
            return False
        started = timezone.now()
        with film_lock(self.imdb_id, wait=True) as lock:
            if lock.waited:
                # Another refresh of this film ran while we waited: its answer is ours too.
                self.refresh_from_db(fields=YTS_FIELDS)
                if self.yts_last_updated and self.yts_last_updated >= started:
                    return True
                if self.yts_last_error_at and self.yts_last_error_at >= started:
                    return False
            return self.fetch_and_store_yts(force=force, patient=patient)

    @timed_refresh  # its duration, by outcome, for /metrics
    def fetch_and_store_yts(self, *, force=False, patient=True):
        """One fetch and one write, without the lock (callers hold it); YTSBusy (nothing asked) propagates."""
        from tracker.services.yts import YTSBusy, YTSError, YTSService

        try:
            outcome = YTSService().fetch_quality_torrents(self.imdb_id, use_cache=not force, patient=patient)
        except YTSBusy:
            raise
        except YTSError as exc:
            outcome = exc
        now = timezone.now()
        DVD.objects.store_yts_outcomes({self.imdb_id: outcome}, now)
        for field, value in yts_values(outcome, now).items():
            setattr(self, field, value)
        return not isinstance(outcome, YTSError)

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
        """Look the IMDb id up on TMDB, store it (filling an empty year or poster), then fetch torrents.

        Returns the IMDb id; raises TMDBNotFound, TMDBNotConfigured or another TMDBError.
        """
        from tracker.services.tmdb import TMDBNotFound, TMDBService
        from tracker.services.yts import YTSBusy

        details = TMDBService().get_movie(self.tmdb_id)
        if not details.imdb_id:
            raise TMDBNotFound("TMDB has no IMDb id for this film")
        values = {"imdb_id": details.imdb_id, "updated_at": timezone.now()}
        if not self.release_year and details.year:
            values["release_year"] = details.year
        if not self.poster_url and details.poster_url:
            values["poster_url"] = details.poster_url
        DVD.objects.filter(pk=self.pk).update(**values)
        for field, value in values.items():
            setattr(self, field, value)
        with contextlib.suppress(YTSBusy):  # the page's background refresh will fetch them instead
            self.refresh_yts_data(patient=False)
        return details.imdb_id

    @property
    def last_refresh_failed(self):
        """True when the most recent YTS fetch failed (after any success)."""
        if not self.yts_last_error_at:
            return False
        return self.yts_last_updated is None or self.yts_last_error_at > self.yts_last_updated


from tracker.models_io import ImportJob, ImportRow  # noqa: E402, F401  (import jobs live in their own module)
