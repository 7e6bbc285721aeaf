"""The statistics page: the signed-in user's collection in figures and charts."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from tracker import charts, stats_copies
from tracker.models import DVD
from tracker.stats import collection_stats


@require_safe
def stats_page(request):
    # The wish list is what the owner means to buy: its films are not counted.
    owned = DVD.objects.for_user(request.user).owned()
    stats = collection_stats(owned)
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
            ("Copies per film", charts.bars(stats_copies.copies_per_film(owned)), "info"),
        ],
        "value": stats_copies.value_per_currency(owned),
        "spend": stats_copies.spend_per_year(owned),
    }
    return render(request, "tracker/stats.html", context)
