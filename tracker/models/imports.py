"""Import jobs: an uploaded file's rows, their TMDB matches, the preview and the per-row report.

A job lives in the database so that its progress can be polled from the page while a Celery
worker (or, with the embedded default, the request that started it) works through the rows.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

# A phase whose heartbeat is older than this is taken to have died with its process.
STALE_PHASE_SECONDS = 120


class ImportStatus(models.TextChoices):
    PARSED = "parsed", "Waiting to check the rows"
    MATCHING = "matching", "Checking the rows (and looking titles up on TMDB)"
    REVIEW = "review", "Ready to review"
    QUEUED = "queued", "Waiting to import"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"


# The phase that each waiting status starts, and the status a running phase has.
PENDING_PHASES = {ImportStatus.PARSED: ImportStatus.MATCHING, ImportStatus.QUEUED: ImportStatus.IMPORTING}
RUNNING = (ImportStatus.MATCHING, ImportStatus.IMPORTING)


class Plan(models.TextChoices):
    CREATE = "create", "Will be added"
    DUPLICATE = "duplicate", "Already in your collection"
    ERROR = "error", "Cannot be imported"
    SKIP = "skip", "Skipped"


class Outcome(models.TextChoices):
    CREATED = "created", "Added"
    DUPLICATE = "duplicate", "Already in your collection"
    ERROR = "error", "Not imported"
    SKIPPED = "skipped", "Skipped"


def write_fields(model, objects, fields, using="default"):
    """UPDATE each object's `fields` by primary key, in one executemany.

    Django's bulk_update builds a CASE expression per field and row; for the thousands of rows an
    import touches per phase that costs seconds of Python, where a prepared UPDATE costs milliseconds.
    """
    if not objects:
        return
    connection = connections[using]
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    # Identifiers come from the model's own metadata, quoted; every value is a parameter.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    params = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns] + [obj.pk]
        for obj in objects
    ]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _stale_before():
    return timezone.now() - timedelta(seconds=STALE_PHASE_SECONDS)


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(owner=user)

    def claim(self, pk, waiting, running):
        """Move a job from `waiting` (or a dead `running`) to `running`, for a runner to take; True for the one
        caller that won. Taking a dead phase over clears its runner's token: that runner, if it was only slow,
        writes nothing more."""
        return bool(
            self.filter(Q(status=waiting) | Q(status=running, updated_at__lt=_stale_before()), pk=pk).update(
                status=running, done=0, runner="", updated_at=timezone.now()
            )
        )

    def take(self, pk, running):
        """Become the one runner of the job's `running` phase: a new token, or "" while a live runner holds it."""
        token = secrets.token_hex(16)
        taken = self.filter(Q(runner="") | Q(updated_at__lt=_stale_before()), pk=pk, status=running).update(
            runner=token, updated_at=timezone.now()
        )
        return token if taken else ""

    def heartbeat(self, pk, token, **fields):
        """Record progress (and `fields`) while `token` holds the job; False once another runner has it.

        The write is also the heartbeat that tells a live phase from a dead one, and, inside a transaction,
        the row lock that makes a runner's batch and a take-over happen one after the other."""
        return bool(self.filter(pk=pk, runner=token).update(updated_at=timezone.now(), **fields))

    def delete_unless_running(self, pk):
        """Delete the job unless a live runner holds it (a dead phase can be deleted); True when deleted."""
        deleted, _ = self.filter(pk=pk).exclude(status__in=RUNNING, updated_at__gte=_stale_before()).delete()
        return bool(deleted)

    def expired(self):
        return self.filter(updated_at__lt=timezone.now() - timedelta(days=settings.IMPORT_JOB_RETENTION_DAYS))


class ImportJob(models.Model):
    Status = ImportStatus

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, help_text="csv, text or json.")
    source = models.CharField(max_length=60, help_text="The recognised kind of file.")
    columns = models.JSONField(default=list, blank=True, help_text="[column heading, field] pairs recognised.")
    status = models.CharField(max_length=10, choices=ImportStatus, default=ImportStatus.PARSED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    uses_tmdb = models.BooleanField(default=False)
    # Set when a phase stopped on an unexpected error; the job waits for "Try again".
    failure = models.CharField(max_length=255, blank=True)
    # The token of the process running the phase ("" until one takes it): a runner writes only while it holds it.
    runner = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "created_at"], name="importjob_owner_created")]

    def __str__(self):
        return f"Import of {self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("import_job", args=[self.pk])

    @property
    def is_running(self):
        return self.status in RUNNING

    @property
    def is_stale(self):
        """A running phase whose runner has sent no heartbeat for a while: it died, and can be resumed or deleted."""
        return self.is_running and self.updated_at < _stale_before()

    @property
    def is_waiting(self):
        return self.status in PENDING_PHASES

    @property
    def percent(self):
        return 100 if not self.total else min(100, round(100 * self.done / self.total))

    def plan_counts(self):
        return _counts(self.rows.values("plan"), "plan", Plan)

    def outcome_counts(self):
        return _counts(self.rows.exclude(outcome="").values("outcome"), "outcome", Outcome)


def _counts(rows, field, choices):
    found = dict(rows.annotate(n=Count("pk")).values_list(field, "n").order_by())
    return {value: found.get(value, 0) for value in choices.values}


class ImportRow(models.Model):
    Plan = Plan
    Outcome = Outcome

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(help_text="Line (or entry) number in the file.")
    values = models.JSONField(default=dict, help_text="The DVD's fields as read from the file.")
    problems = models.JSONField(default=list, help_text="Why the row cannot be imported as read.")
    warnings = models.JSONField(default=list)
    identified = models.BooleanField(default=False, help_text="The file gives an IMDb or TMDB id: no search needed.")
    skip_reason = models.CharField(max_length=255, blank=True, help_text="Why the row is skipped unless chosen.")
    matched = models.BooleanField(default=False)
    candidates = models.JSONField(default=list, help_text="TMDB films found, best first, with confidence.")
    # "" (no choice yet), "typed" (as read), "skip", or "tmdb:<id>".
    choice = models.CharField(max_length=20, blank=True)
    plan = models.CharField(max_length=10, choices=Plan, blank=True)
    plan_message = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome, blank=True)
    outcome_message = models.CharField(max_length=255, blank=True)
    dvd = models.ForeignKey("tracker.DVD", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["job", "line"]
        indexes = [models.Index(fields=["job", "line"], name="importrow_job_line")]

    def __str__(self):
        return f"Line {self.line}: {self.values.get('name', '')}"

    @property
    def title(self):
        return self.values.get("name", "")

    @property
    def chosen_tmdb_id(self):
        return int(self.choice[5:]) if self.choice.startswith("tmdb:") else None

    @property
    def chosen_candidate(self):
        tmdb_id = self.chosen_tmdb_id
        return next((c for c in self.candidates if c["tmdb_id"] == tmdb_id), None)
