"""Running an import job's phases: claims, batches and heartbeats (what each row becomes is decided elsewhere).

A job's life:
1. `create_job` / `store_job`: the file's rows stored (status PARSED);
2. `start_phase` claims the waiting phase and queues `tracker.tasks.run_import_job`, which calls `run_phase`;
3. `match_rows` (MATCHING): each row matched on TMDB by `matching.RowMatcher`, then `replan`
   (`planning.plan_row`) says what every row would do; the person reviews that plan (REVIEW: a dry
   run, nothing written) and may change choices (`replan` again);
4. once the person confirms (QUEUED), `import_rows` (IMPORTING): the planned DVDs (and their open
   loans) added, with TMDB's details from `matching.DetailsLookup`; then DONE.

Both long phases run as one Celery task each (inline with the embedded default) and record their
progress on the job; each is idempotent, so a phase re-run after a lost worker carries on where it
stopped. A phase has one runner at a time: each run takes the job with a token of its own (a
redelivered Celery message or a second click finds it taken), held as a `Claim`, and writes each
batch — the DVDs together with the rows marked done — in one transaction that first checks the
token still holds the job. A runner whose phase was taken over (Resume on a phase whose heartbeat
went stale) gets `ClaimLost` and writes nothing more.
"""

import logging
import time
from contextlib import contextmanager, nullcontext
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker import page_cache, tasks
from tracker.collection_io.matching import DetailsLookup, RowMatcher
from tracker.collection_io.planning import CollectionIndex, plan_row
from tracker.collection_io.reading import read_upload
from tracker.models import DVD, Loan
from tracker.models.imports import (
    PENDING_PHASES,
    STALE_PHASE_SECONDS,
    ImportJob,
    ImportRow,
    ImportStatus,
    Outcome,
    Plan,
    write_fields,
)

logger = logging.getLogger("tracker.import")
BATCH = 200
# Rows of a new job inserted per statement (and held as model objects at once).
ROWS_PER_INSERT = 500
# A runner writes its heartbeat at least this often, between rows (one row can wait long on TMDB),
# well within STALE_PHASE_SECONDS, after which its phase may be taken over.
HEARTBEAT_SECONDS = STALE_PHASE_SECONDS / 8
OUTCOME_OF_PLAN = {
    Plan.CREATE: Outcome.CREATED,
    Plan.DUPLICATE: Outcome.DUPLICATE,
    Plan.ERROR: Outcome.ERROR,
    Plan.SKIP: Outcome.SKIPPED,
}


def create_job(owner, filename, data):
    """Read the file and store its rows; raises ImportFileError, having stored nothing, when it cannot be read."""
    return store_job(owner, filename, read_upload(filename, data))


def store_job(owner, filename, parsed):
    """A new job holding a parsed file's rows (the owner's expired jobs are deleted meanwhile)."""
    with transaction.atomic():
        ImportJob.objects.for_user(owner).expired().delete()
        job = ImportJob.objects.create(
            owner=owner,
            filename=filename[:255],
            kind=parsed.kind,
            source=parsed.source,
            columns=parsed.columns,
            total=len(parsed.rows),
        )
        # A batch of model objects at a time: all 100,000 of a big file at once held ~1 KB each.
        for start in range(0, len(parsed.rows), ROWS_PER_INSERT):
            ImportRow.objects.bulk_create(
                ImportRow(
                    job=job,
                    line=row.line,
                    values=row.values,
                    problems=row.problems,
                    warnings=row.warnings,
                    identified=row.identified,
                    skip_reason=row.skip[:255],
                )
                for row in parsed.rows[start : start + ROWS_PER_INSERT]
            )
    return job


def start_phase(job):
    """Claim the job's waiting phase and hand it to Celery; False when there is nothing to start."""
    for waiting, running in PENDING_PHASES.items():
        if ImportJob.objects.claim(job.pk, waiting, running):
            ImportJob.objects.filter(pk=job.pk).update(failure="")
            try:
                tasks.run_import_job.delay(job.pk)
            except Exception:  # a broker outage: the job waits for the next try instead of hanging
                logger.exception("Could not queue import job %s", job.pk)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=waiting, failure="The task queue could not be reached. Try again in a moment."
                )
                return False
            return True
    return False


def run_phase(job_id, progress=None):
    """The task: take the job's running phase and run it; an unexpected error puts it back to waiting.

    "busy" when a live runner holds the phase, "superseded" when another runner took it over meanwhile.
    """
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.MATCHING, ImportStatus.IMPORTING):
        return "nothing to do"
    token = ImportJob.objects.take(job.pk, job.status)
    if not token:
        return "busy"
    claim = Claim(job, token, progress)
    phase = match_rows if job.status == ImportStatus.MATCHING else import_rows
    try:
        phase(job, claim)
    except ClaimLost:
        logger.info("Import job %s was taken over while %s; this runner stopped", job.pk, job.status)
        return "superseded"
    except Exception:
        logger.exception("Import job %s failed while %s", job.pk, job.status)
        waiting = ImportStatus.PARSED if job.status == ImportStatus.MATCHING else ImportStatus.QUEUED
        put_back = ImportJob.objects.filter(pk=job.pk, runner=token).update(
            status=waiting, runner="", failure="Something went wrong on our side; it has been logged. Try again."
        )
        return "failed" if put_back else "superseded"
    return "done"


class ClaimLost(Exception):
    """Another runner has taken the phase over (or the job was deleted): this one must write nothing more."""


class Claim:
    """One runner's hold on a job's phase: its writes, its heartbeat and its end, each under its token."""

    def __init__(self, job, token, progress=None):
        self.job = job
        self.token = token
        self.progress = progress
        self.beaten_at = time.monotonic()

    def beat(self, **fields):
        """The heartbeat (with `fields` written to the job); raises ClaimLost once the job is no longer ours."""
        if not ImportJob.objects.heartbeat(self.job.pk, self.token, **fields):
            raise ClaimLost
        self.beaten_at = time.monotonic()

    def keep_alive(self):
        """Between rows: a heartbeat when the last one is getting old, so a slow TMDB does not make us look dead."""
        if time.monotonic() - self.beaten_at >= HEARTBEAT_SECONDS:
            self.beat()

    @contextmanager
    def writing(self, done):
        """The block's writes in one transaction with the heartbeat: all of them while the job is ours, else none."""
        with transaction.atomic():
            # First: on PostgreSQL the UPDATE also locks the job's row until the commit, so a take-over
            # waits for this batch (and then finds the heartbeat fresh) or came first (and this raises).
            self.beat(done=done)
            yield
        if self.progress:
            self.progress(done, self.job.total)

    def finish(self, running, finished):
        """The phase is over: the job moves on and is no longer held."""
        if not ImportJob.objects.filter(pk=self.job.pk, runner=self.token, status=running).update(
            status=finished, runner="", done=self.job.total, updated_at=timezone.now()
        ):
            raise ClaimLost


def _batches(rows):
    """The rows in file order, a batch at a time (primary keys first: SQLite dislikes writes mid-read)."""
    pks = list(rows.order_by("line").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        yield list(ImportRow.objects.filter(pk__in=pks[start : start + BATCH]).order_by("line"))


# --- phase 1: matching ----------------------------------------------------------------------


def match_rows(job, claim):
    """Find TMDB candidates for the rows not matched yet, then plan every row."""
    matcher = RowMatcher()
    claim.beat(uses_tmdb=matcher.configured)
    done = job.rows.exclude(matched=False, choice="").count()
    for rows in _batches(job.rows.filter(matched=False, choice="")):
        for row in rows:
            matcher.match(row)
            claim.keep_alive()
        done += len(rows)
        with claim.writing(done):
            write_fields(ImportRow, rows, ["matched", "candidates", "choice", "warnings"])
    replan(job, claim)
    claim.finish(ImportStatus.MATCHING, ImportStatus.REVIEW)


def replan(job, claim=None):
    """Work out every row's plan again (after matching, or after the person changed choices)."""
    index = CollectionIndex.for_job(job)
    for rows in _batches(job.rows.all()):
        changed = []
        for row in rows:
            plan, message, _ = plan_row(row, index, job.owner)
            if (plan, message) != (row.plan, row.plan_message):
                row.plan, row.plan_message = plan, message
                changed.append(row)
        with claim.writing(job.total) if claim else nullcontext():
            write_fields(ImportRow, changed, ["plan", "plan_message"])


# --- phase 2: importing ---------------------------------------------------------------------


def import_rows(job, claim):
    """Add the planned DVDs, a batch per transaction together with the rows' outcomes."""
    index = CollectionIndex.for_job(job)
    details = DetailsLookup() if job.uses_tmdb else None
    done = job.rows.exclude(outcome="").count()
    for rows in _batches(job.rows.filter(outcome="")):
        created = []
        for row in rows:
            if details:
                details.row = row
            plan, message, dvd = plan_row(row, index, job.owner, fetch_details=details)
            row.outcome, row.outcome_message = OUTCOME_OF_PLAN[plan], message
            if dvd is not None:
                created.append((row, dvd))
            claim.keep_alive()
        done += len(rows)
        with claim.writing(done):
            _create(created)
            write_fields(ImportRow, rows, ["outcome", "outcome_message", "dvd", "warnings"])
    claim.finish(ImportStatus.IMPORTING, ImportStatus.DONE)


def _create(created):
    try:
        with transaction.atomic():
            DVD.objects.bulk_create([dvd for _, dvd in created])
    except IntegrityError:
        # The database refused one of these (a check that validation missed): one at a time, so only that row fails.
        for row, dvd in created:
            dvd.pk = None
            try:
                with transaction.atomic():
                    dvd.save()
            except IntegrityError:
                row.outcome, row.outcome_message = (
                    Outcome.ERROR,
                    "The database refused this DVD; nothing was stored for this row.",
                )
                dvd.pk = None
    kept = [(row, dvd) for row, dvd in created if dvd.pk]
    Loan.objects.bulk_create(filter(None, (open_loan(row, dvd) for row, dvd in kept)))
    # auto_now_add stamped them now; a backup (or an export's "added" column) knows better.
    restored = []
    for row, dvd in kept:
        row.dvd = dvd
        if row.values.get("created_at"):
            dvd.created_at = datetime.fromisoformat(row.values["created_at"])
            restored.append(dvd)
    write_fields(DVD, restored, ["created_at"])
    page_cache.dvds_changed([(dvd.pk, dvd.owner_id) for dvd in restored])


def open_loan(row, dvd):
    """The open loan a row names (CLZ's Loaned To, this app's export), for a DVD kept; else None.

    Without its date it was lent today, or on its due date if that has passed (so it shows as overdue);
    a due date before the date given is left out: a file cannot break the loan's rules."""
    borrower = " ".join(str(row.values.get("lent_to") or "").split())[: Loan._meta.get_field("borrower").max_length]
    if not borrower or dvd.status != DVD.Status.KEPT:
        return None
    due_on = date.fromisoformat(row.values["loan_due"]) if row.values.get("loan_due") else None
    if row.values.get("lent_on"):
        lent_on = date.fromisoformat(row.values["lent_on"])
    else:
        lent_on = min(timezone.localdate(), due_on or timezone.localdate())
    return Loan(dvd=dvd, borrower=borrower, lent_on=lent_on, due_on=due_on if due_on and due_on >= lent_on else None)
