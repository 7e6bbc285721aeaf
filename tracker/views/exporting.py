"""Export the collection, or the list page's current filter, as CSV or as a JSON backup."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tracker.collection_io.backup import backup_chunks
from tracker.collection_io.exporting import csv_lines
from tracker.forms import CollectionFilterForm
from tracker.models import DVD


def filtered_collection(request):
    """The signed-in user's DVDs under the list page's filters (?q=&disk_type=…), every column loaded.

    Every copy, and the wish list too unless a status is chosen: an export is the whole account."""
    filters = {**CollectionFilterForm(request.GET).filters(), "group": ""}
    return DVD.objects.for_user(request.user).collection_page(**filters, whole=True).defer(None), filters


def _download(chunks, content_type, extension, request):
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="dvd-collection-{request.user.pk}-{stamp}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def export_page(request):
    rows, filters = filtered_collection(request)
    return render(
        request,
        "tracker/export.html",
        {
            "count": rows.count(),
            "filtered": any(v for k, v in filters.items() if k != "sort"),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
def export_csv(request):
    rows, _ = filtered_collection(request)
    return _download(csv_lines(rows), "text/csv; charset=utf-8", "csv", request)


@require_safe
def export_json(request):
    rows, _ = filtered_collection(request)
    return _download(backup_chunks(rows), "application/json; charset=utf-8", "json", request)
