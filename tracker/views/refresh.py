"""The Refresh button's endpoint: fetch one DVD's torrents from YTS now (the API's refresh answers alike)."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone

from tracker import refresh
from tracker.models import DVD
from tracker.views.ajax import Answer, json_endpoint, json_error

logger = logging.getLogger("tracker.views")


# A refresh refused because YTS's pace was full can be tried again this soon.
BUSY_RETRY_SECONDS = 5


@json_endpoint
def refresh_yts_data(request, pk):
    """AJAX endpoint to refresh YTS torrent data for a specific DVD."""
    dvd = DVD.objects.for_user(request.user).filter(pk=pk).first()
    if dvd is None:
        return json_error("That DVD is not in your collection.", 404)
    answer = press_refresh(dvd)
    if not answer.ok:
        return json_error(answer.message, answer.status)
    return JsonResponse(
        {
            "success": True,
            "message": answer.message,
            "torrent_count": answer.data["torrent_count"],
            "last_updated": timezone.localtime(answer.data["last_updated"]).strftime("%B %d, %Y at %I:%M %p"),
        }
    )


def press_refresh(dvd):
    """The Refresh button's rules for one of the person's DVDs, as an Answer (the AJAX endpoint's and the API's).

    The answer's data: the torrent count and the time they were fetched."""
    if not dvd.imdb_id:
        return Answer(400, "IMDB ID is required to fetch torrent data")
    if not dvd.claim_refresh_slot():
        return Answer(
            429,
            "This DVD's torrents were refreshed moments ago. Please wait a little and try again.",
            retry_after=max(settings.YTS_REFRESH_MIN_INTERVAL, 1),
        )
    try:
        result = refresh.refresh_film(dvd.imdb_id, refresh.BUTTON)
    except Exception:
        logger.exception("Refreshing YTS data for DVD %s (%s) failed", dvd.pk, dvd.imdb_id)
        return Answer(500, "Something went wrong on our side while refreshing. It has been logged.")
    if result.status == refresh.BUSY:
        dvd.give_back_refresh_slot()  # YTS was not asked: the retry this message invites must work
        return Answer(
            429,
            "Many refreshes are waiting for YTS right now. Please try again in a few seconds.",
            retry_after=BUSY_RETRY_SECONDS,
        )
    if result.status == refresh.FAILED:
        reason = result.stored.get("yts_last_error") or "YTS did not answer"
        return Answer(502, f"Could not refresh from YTS: {reason}. The torrents shown before are kept.")
    if result.status == refresh.MISSING:
        # No DVD has this IMDb id any more: this one was deleted or given another film meanwhile.
        return Answer(409, "This DVD was changed or deleted meanwhile. Reload it and try again.")
    count = result.torrent_count
    return Answer(
        200,
        f"YTS data refreshed successfully. Found {count} torrents.",
        {"torrent_count": count, "last_updated": result.stored.get("yts_last_updated")},
    )
