"""The import pages: upload, the job's progress, its preview (a dry run) and its report.

Every job belongs to its owner; another user's job is a 404. The long phases run as a Celery
task; with the embedded default the task runs inline in the request that the page's script
makes to the "run" address, while the page polls the job's progress from a second request.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tracker.collection_io import jobs
from tracker.forms_io import ImportUploadForm, row_choices
from tracker.models.imports import ImportJob, ImportRow, ImportStatus
from tracker.validators import is_ascii_digits

ROWS_PER_PAGE = 100
RECENT_JOBS = 10
SHOW_FILTERS = {"all": "All rows", "error": "Cannot be imported", "duplicate": "Duplicates", "skip": "Skipped"}


def _owned_job(request, pk):
    return get_object_or_404(ImportJob.objects.for_user(request.user), pk=pk)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.store_job(request.user, form.cleaned_data["file"].name, form.parsed)
        return redirect(job)
    recent = ImportJob.objects.for_user(request.user)[:RECENT_JOBS]
    return render(request, "tracker/import_upload.html", {"form": form, "recent": recent})


def _rows_page(request, job, field):
    show = request.GET.get("show", "all")
    rows = job.rows.all()
    if show in SHOW_FILTERS and show != "all":
        value = {"skip": "skipped"}.get(show, show) if field == "outcome" else show
        rows = rows.filter(**{field: value})
    page = Paginator(rows.order_by("line"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.options = row_choices(row)
    return show, page


@require_http_methods(["GET", "POST"])
def import_job(request, pk):
    job = _owned_job(request, pk)
    if request.method == "POST":
        return _job_action(request, job)
    context = {"job": job, "filters": SHOW_FILTERS}
    if job.status == ImportStatus.REVIEW:
        context["counts"] = job.plan_counts()
        context["unmatched"] = job.rows.filter(matched=False, choice="").exists()
        context["show"], context["page"] = _rows_page(request, job, "plan")
    elif job.status == ImportStatus.DONE:
        context["counts"] = job.outcome_counts()
        context["show"], context["page"] = _rows_page(request, job, "outcome")
    return render(request, "tracker/import_job.html", context)


def _job_action(request, job):
    action = request.POST.get("action")
    if action == "delete":
        # Checked in the DELETE itself, so a phase that comes back to life meanwhile is not deleted under it.
        if not ImportJob.objects.delete_unless_running(job.pk):
            messages.error(request, "This import is running; wait for it to finish before deleting it.")
            return redirect(job)
        messages.success(request, f"Deleted the import of “{job.filename}”. Nothing in your collection changed.")
        return redirect("import_upload")
    if job.status != ImportStatus.REVIEW:
        messages.error(request, "This import is no longer waiting for review.")
        return redirect(job)
    if action == "save":
        saved = _save_choices(request, job)
        messages.success(request, f"Saved {saved} choice{'s' if saved != 1 else ''}; the preview is up to date.")
        return redirect(f"{job.get_absolute_url()}?{request.GET.urlencode()}")
    if action == "import":
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.REVIEW).update(status=ImportStatus.QUEUED, done=0)
    elif action == "lookup":
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.REVIEW).update(status=ImportStatus.PARSED, done=0)
    return redirect(job)


def _save_choices(request, job):
    """Apply the choices posted for rows of this job (others are ignored), then re-plan every row."""
    posted = {
        int(key[7:]): value
        for key, value in request.POST.items()
        if key.startswith("choice-") and is_ascii_digits(key[7:])
    }
    changed = []
    for row in job.rows.filter(pk__in=list(posted)):
        value = posted[row.pk]
        if value != row.choice and value in {choice for choice, _ in row_choices(row)} and value:
            row.choice = value
            changed.append(row)
    ImportRow.objects.bulk_update(changed, ["choice"])
    if changed:
        jobs.replan(job)
    return len(changed)


def _status(job):
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "running": job.is_running,
        "stale": job.is_stale,
        "waiting": job.is_waiting,
        "failure": job.failure,
    }


@require_safe
def import_status(request, pk):
    """The job's progress, polled by the page."""
    return JsonResponse(_status(_owned_job(request, pk)))


@require_POST
def import_run(request, pk):
    """Start the job's waiting phase (or resume a dead one): queued for a worker, or run here and now with the
    embedded default. A phase whose runner is alive is left to it."""
    job = _owned_job(request, pk)
    started = jobs.start_phase(job)
    job.refresh_from_db()
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"started": started, **_status(job)})
    if job.failure:
        messages.error(request, job.failure)
    return redirect(job)
