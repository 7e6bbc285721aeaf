"""An import job's life: create it from a file, match its rows on TMDB, let the person review the
plan (a dry run: nothing is written), then import. Both long phases run as one Celery task each
(inline with the embedded default) and record their progress on the job; each is idempotent, so a
phase re-run after a lost worker carries on where it stopped.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker import page_cache
from tracker.collection_io.matching import Matcher, paced_tmdb
from tracker.collection_io.planning import CollectionIndex, plan_row
from tracker.collection_io.reading import read_upload
from tracker.models import DVD
from tracker.models_io import PENDING_PHASES, ImportJob, ImportRow, ImportStatus, Outcome, Plan, write_fields
from tracker.services.tmdb import TMDBError, TMDBNotConfigured, TMDBNotFound

logger = logging.getLogger("tracker.import")
BATCH = 200
# After this many failed lookups in a row TMDB is taken to be down: the rest are not tried.
MAX_CONSECUTIVE_LOOKUP_FAILURES = 5
LOOKUP_FAILED = "TMDB lookup failed"
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
        ImportRow.objects.bulk_create(
            [
                ImportRow(
                    job=job,
                    line=row.line,
                    values=row.values,
                    problems=row.problems,
                    warnings=row.warnings,
                    identified=row.identified,
                    skip_reason=row.skip[:255],
                )
                for row in parsed.rows
            ],
            batch_size=500,
        )
    return job


def start_phase(job):
    """Claim the job's waiting phase and hand it to Celery; False when there is nothing to start."""
    from tracker.tasks import run_import_job

    for waiting, running in PENDING_PHASES.items():
        if ImportJob.objects.claim(job.pk, waiting, running):
            ImportJob.objects.filter(pk=job.pk).update(failure="")
            try:
                run_import_job.delay(job.pk)
            except Exception:  # a broker outage: the job waits for the next try instead of hanging
                logger.exception("Could not queue import job %s", job.pk)
                ImportJob.objects.filter(pk=job.pk).update(
                    status=waiting, failure="The task queue could not be reached. Try again in a moment."
                )
                return False
            return True
    return False


def run_phase(job_id, progress=None):
    """The task: run whichever phase the job is in; an unexpected error puts it back to waiting."""
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.MATCHING, ImportStatus.IMPORTING):
        return "nothing to do"
    phase = match_rows if job.status == ImportStatus.MATCHING else import_rows
    try:
        phase(job, progress)
    except Exception:
        logger.exception("Import job %s failed while %s", job.pk, job.status)
        waiting = ImportStatus.PARSED if job.status == ImportStatus.MATCHING else ImportStatus.QUEUED
        ImportJob.objects.filter(pk=job.pk).update(
            status=waiting, failure="Something went wrong on our side; it has been logged. Try again."
        )
        return "failed"
    return "done"


def _batches(rows):
    """The rows in file order, a batch at a time (primary keys first: SQLite dislikes writes mid-read)."""
    pks = list(rows.order_by("line").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        yield list(ImportRow.objects.filter(pk__in=pks[start : start + BATCH]).order_by("line"))


def _report(job, done, progress):
    ImportJob.objects.progress(job.pk, done)
    if progress:
        progress(done, job.total)


# --- phase 1: matching ----------------------------------------------------------------------


class _RowMatcher:
    def __init__(self):
        self.matcher = Matcher()
        self.configured = self.matcher.configured
        self.failures_in_a_row = 0
        self.last_failure = ""

    def match(self, row):
        row.matched = True
        row.warnings = [w for w in row.warnings if not w.startswith(LOOKUP_FAILED)]
        if row.problems:
            return
        if row.skip_reason:
            row.choice = "skip"
        elif row.identified or not self.configured:
            row.choice = "typed"
        elif self.failures_in_a_row >= MAX_CONSECUTIVE_LOOKUP_FAILURES:
            self._failed(row, f"not tried after {self.failures_in_a_row} failures in a row ({self.last_failure})")
        else:
            self._search(row)

    def _search(self, row):
        try:
            row.candidates = self.matcher.candidates(row.values["name"], row.values.get("release_year"))
        except TMDBNotConfigured:
            row.choice = "typed"
            return
        except TMDBError as exc:
            self.failures_in_a_row += 1
            self.last_failure = str(exc)[:120]
            self._failed(row, self.last_failure)
            return
        self.failures_in_a_row = 0
        best = row.candidates[0] if row.candidates else None
        row.choice = f"tmdb:{best['tmdb_id']}" if best and best["confidence"] >= settings.IMPORT_MATCH_THRESHOLD else ""

    @staticmethod
    def _failed(row, reason):
        row.matched = False
        row.warnings.append(f"{LOOKUP_FAILED}: {reason}.")


def match_rows(job, progress=None):
    """Find TMDB candidates for the rows not matched yet, then plan every row."""
    matcher = _RowMatcher()
    ImportJob.objects.filter(pk=job.pk).update(uses_tmdb=matcher.configured)
    done = job.rows.exclude(matched=False, choice="").count()
    for rows in _batches(job.rows.filter(matched=False, choice="")):
        for row in rows:
            matcher.match(row)
        write_fields(ImportRow, rows, ["matched", "candidates", "choice", "warnings"])
        done += len(rows)
        _report(job, done, progress)
    replan(job)
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MATCHING).update(
        status=ImportStatus.REVIEW, done=job.total, updated_at=timezone.now()
    )


def replan(job):
    """Work out every row's plan again (after matching, or after the person changed choices)."""
    index = CollectionIndex(job.owner, within_file="tmdb" if job.kind == "json" else "all")
    for rows in _batches(job.rows.all()):
        changed = []
        for row in rows:
            plan, message, _ = plan_row(row, index, job.owner)
            if (plan, message) != (row.plan, row.plan_message):
                row.plan, row.plan_message = plan, message
                changed.append(row)
        write_fields(ImportRow, changed, ["plan", "plan_message"])


# --- phase 2: importing ---------------------------------------------------------------------


class _Details:
    """TMDB details (IMDb id, runtime, genres, director) of a matched film; a failure only costs the details."""

    def __init__(self):
        self.service = paced_tmdb()
        self.row = None

    def __call__(self, tmdb_id):
        try:
            return self.service.get_movie(tmdb_id)
        except (TMDBNotConfigured, TMDBNotFound):
            return None
        except TMDBError as exc:
            self.row.warnings.append(f"Added without its IMDb id: TMDB could not be asked ({str(exc)[:100]}).")
            return None


def import_rows(job, progress=None):
    """Add the planned DVDs, a batch per transaction together with the rows' outcomes."""
    index = CollectionIndex(job.owner, within_file="tmdb" if job.kind == "json" else "all")
    details = _Details() if job.uses_tmdb else None
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
        with transaction.atomic():
            _create(created)
            write_fields(ImportRow, rows, ["outcome", "outcome_message", "dvd", "warnings"])
        done += len(rows)
        _report(job, done, progress)
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.IMPORTING).update(
        status=ImportStatus.DONE, done=job.total, updated_at=timezone.now()
    )


def _create(created):
    try:
        with transaction.atomic():
            DVD.objects.bulk_create([dvd for _, dvd in created])
    except IntegrityError:
        # Someone added one of these films meanwhile: one at a time, so only that row fails.
        for row, dvd in created:
            dvd.pk = None
            try:
                with transaction.atomic():
                    dvd.save()
            except IntegrityError:
                row.outcome, row.outcome_message = (
                    Outcome.ERROR,
                    "This film (same TMDB id) is already in your collection.",
                )
                dvd.pk = None
    kept = [(row, dvd) for row, dvd in created if dvd.pk]
    # auto_now_add stamped them now; a backup (or an export's "added" column) knows better.
    restored = []
    for row, dvd in kept:
        row.dvd = dvd
        if row.values.get("created_at"):
            dvd.created_at = datetime.fromisoformat(row.values["created_at"])
            restored.append(dvd)
    write_fields(DVD, restored, ["created_at"])
    page_cache.dvds_changed([(dvd.pk, dvd.owner_id) for dvd in restored])
