"""The statistics page: the signed-in user's collection in figures and charts."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from tracker import charts
from tracker.models import DVD
from tracker.stats import collection_stats


@require_safe
def stats_page(request):
    stats = collection_stats(DVD.objects.for_user(request.user))
    total = stats["totals"]["total"]
    context = {
        "totals": stats["totals"],
        "hours": round((stats["totals"]["minutes"] or 0) / 60),
        "sections": [
            ("By format", charts.bars(stats["formats"]), "primary"),
            ("By media", charts.bars(stats["media"]), "info"),
            ("Watched or not", charts.bars(stats["watched"]), "warning"),
            ("Torrents", charts.bars(stats["torrents"]), "success"),
            ("By decade", charts.bars(stats["decades"]), "secondary"),
            ("Top genres", charts.bars(stats["genres"], whole=total), "danger"),
            (f"Added per month (last {len(stats['months'])})", charts.bars(stats["months"]), "primary"),
        ],
    }
    return render(request, "tracker/stats.html", context)
