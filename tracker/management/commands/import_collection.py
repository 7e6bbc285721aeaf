"""Import a CSV, plain-text list or JSON backup into a user's collection, as the Import page does."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker.collection_io import jobs
from tracker.collection_io.rows import ImportFileError
from tracker.management.progress import ProgressBar
from tracker.models.imports import ImportJob, ImportStatus, Plan


class Command(BaseCommand):
    help = (
        "Import a file into a user's collection: titles are matched on TMDB (best match at or above "
        "IMPORT_MATCH_THRESHOLD), duplicates are skipped, and every row that is not added is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (this app's, CLZ Movies', Letterboxd's), plain text or JSON backup.")
        parser.add_argument("--user", required=True, help="The username whose collection receives the DVDs.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; change nothing.")

    def handle(self, *args, file, user, dry_run, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"There is no user called {user!r}.")
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Could not read {file}: {exc.strerror}.") from None
        try:
            job = jobs.create_job(owner, Path(file).name, data)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{job.source}: {job.total} rows.")
        verbose = options["verbosity"] >= 1
        self._run(job, ImportStatus.PARSED, ImportStatus.MATCHING, "Checking the rows", verbose)
        if dry_run:
            self._report(job, "plan", "plan_message", Plan.CREATE)
            counts = job.plan_counts()
            job.delete()
            self.stdout.write(
                f"Dry run: {counts['create']} would be added, {counts['duplicate']} already in the collection, "
                f"{counts['error']} cannot be imported, {counts['skip']} skipped. Nothing was changed."
            )
            return
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.REVIEW).update(status=ImportStatus.QUEUED)
        self._run(job, ImportStatus.QUEUED, ImportStatus.IMPORTING, "Importing", verbose)
        self._report(job, "outcome", "outcome_message", "created")
        counts = job.outcome_counts()
        self.stdout.write(
            f"Added: {counts['created']}, already in the collection: {counts['duplicate']}, "
            f"not imported: {counts['error']}, skipped: {counts['skipped']}."
        )

    def _run(self, job, waiting, running, what, verbose):
        if not ImportJob.objects.claim(job.pk, waiting, running):
            raise CommandError(f"Import job {job.pk} is not {waiting}.")
        bar = ProgressBar(self.stdout, job.total, enabled=verbose)
        last = [0]

        def progress(done, total):
            while last[0] < done:
                bar.step()
                last[0] += 1

        if verbose and not bar.enabled:
            self.stdout.write(f"{what}…")
        if jobs.run_phase(job.pk, progress) != "done":
            job.refresh_from_db()
            raise CommandError(job.failure or f"The import stopped while {running}.")
        job.refresh_from_db()

    def _report(self, job, field, message_field, good):
        # Streamed: a re-import of 100,000 rows reports every one of them, which as a list held 500 MB.
        for row in job.rows.exclude(**{field: good}).order_by("line").iterator(chunk_size=1000):
            label = getattr(row, f"get_{field}_display")()
            self.stdout.write(f"Line {row.line} “{row.title}”: {label}. {getattr(row, message_field)}")
