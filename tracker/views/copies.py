"""The Duplicates page: copies of one film that look like one disc entered twice."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from tracker.copies import duplicate_groups


@require_safe
def duplicates_page(request):
    return render(request, "tracker/duplicates.html", {"groups": duplicate_groups(request.user)})
