import logging

from django.http import JsonResponse
from django.utils import timezone

from tracker.models import DVD
from tracker.services.yts import YTSBusy
from tracker.views.json import json_endpoint, json_error

logger = logging.getLogger("tracker.views")


@json_endpoint
def refresh_yts_data(request, pk):
    """AJAX endpoint to refresh YTS torrent data for a specific DVD."""
    dvd = DVD.objects.for_user(request.user).filter(pk=pk).first()
    if dvd is None:
        return json_error("That DVD is not in your collection.", 404)
    if not dvd.imdb_id:
        return json_error("IMDB ID is required to fetch torrent data", 400)
    if not dvd.claim_refresh_slot():
        return json_error("This DVD's torrents were refreshed moments ago. Please wait a little and try again.", 429)
    try:
        refreshed = dvd.refresh_yts_data(force=True, patient=False)
    except YTSBusy:
        return json_error("Many refreshes are waiting for YTS right now. Please try again in a few seconds.", 429)
    except Exception:
        logger.exception("Refreshing YTS data for DVD %s (%s) failed", dvd.pk, dvd.imdb_id)
        return json_error("Something went wrong on our side while refreshing. It has been logged.", 500)
    if not refreshed:
        return json_error(f"Could not refresh from YTS: {dvd.yts_last_error}. The torrents shown before are kept.", 502)
    count = dvd.yts_torrent_count
    return JsonResponse(
        {
            "success": True,
            "message": f"YTS data refreshed successfully. Found {count} torrents.",
            "torrent_count": count,
            "last_updated": timezone.localtime(dvd.yts_last_updated).strftime("%B %d, %Y at %I:%M %p"),
        }
    )
