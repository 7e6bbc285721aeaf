"""TMDB in the pages: the Auto-fetch IMDB ID endpoint and the add page's title search."""

import logging
from dataclasses import dataclass, field

from django.http import JsonResponse

from tracker import lookups
from tracker.limits import allow_tmdb_lookup
from tracker.models import DVD
from tracker.services.tmdb import TMDBAllowanceUsed, TMDBError, TMDBNotConfigured, TMDBNotFound, TMDBService
from tracker.validators import is_ascii_digits
from tracker.views.ajax import Answer, json_endpoint, json_error

logger = logging.getLogger("tracker.views")

ALLOWANCE_USED = "You have looked up a lot of films on TMDB in the last minute. Please wait a minute and try again"


@json_endpoint
def fetch_imdb_id(request, pk):
    """AJAX endpoint: find the DVD's IMDb id on TMDB from its TMDB id."""
    dvd = DVD.objects.for_user(request.user).filter(pk=pk).first()
    if dvd is None:
        return json_error("That DVD is not in your collection.", 404)
    answer = press_fetch_imdb_id(dvd, request.user.pk)
    if not answer.ok:
        return json_error(answer.message, answer.status)
    return JsonResponse({"success": True, "message": answer.message, "imdb_id": answer.data["imdb_id"]})


def press_fetch_imdb_id(dvd, user_id):
    """The Auto-fetch button's rules for one of the person's DVDs, as an Answer (the AJAX endpoint's and the API's)."""
    if not dvd.tmdb_id:
        return Answer(400, "This DVD has no TMDB id to look the IMDb id up with.")
    # Counted apart from the endpoint limit: this one guards the TMDB quota, shared with the add page.
    if not allow_tmdb_lookup(user_id):
        return Answer(429, f"{ALLOWANCE_USED}.", retry_after=60)
    try:
        imdb_id = lookups.fetch_imdb_id(dvd)
    except TMDBNotConfigured:
        return Answer(503, "TMDB is not configured. Set TMDB_API_KEY to look IMDb ids up.")
    except TMDBNotFound:
        return Answer(404, "TMDB has no IMDb id for this film. You can add it by editing the DVD.")
    except TMDBError as exc:
        return Answer(502, f"Could not ask TMDB: {exc}. Please try again later.")
    except Exception:
        logger.exception("Fetching the IMDb id of DVD %s (TMDB %s) failed", dvd.pk, dvd.tmdb_id)
        return Answer(500, "Something went wrong on our side while asking TMDB. It has been logged.")
    return Answer(200, f"IMDB ID found: {imdb_id}", {"imdb_id": imdb_id})


@dataclass
class AddPageSearch:
    """What the add page shows of TMDB: the search box, its results, and a picked film's values."""

    configured: bool
    query: str = ""
    year: str = ""
    results: list = field(default_factory=list)
    owned: set = field(default_factory=set)  # the TMDB ids of the results the user keeps a copy of
    error: str = ""
    initial: dict = field(default_factory=dict)


def add_page_search(params, user_id):
    """Run the add page's TMDB search (?tmdb_q=&tmdb_year=) or pick (?tmdb_pick=<id>), never raising.

    The calls that reach TMDB count against the user's TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE."""
    service = TMDBService.for_user(user_id)
    search = AddPageSearch(
        configured=service.is_configured,
        query=params.get("tmdb_q", "").strip()[:200],
        year=params.get("tmdb_year", "").strip(),
    )
    if not search.configured:
        return search
    year = int(search.year) if is_ascii_digits(search.year) and len(search.year) == 4 else None
    pick = params.get("tmdb_pick", "")
    try:
        if is_ascii_digits(pick) and int(pick) > 0:
            search.initial = _initial_from(service.get_movie(int(pick)))
        elif search.query:
            search.results = service.search(search.query, year)
            kept = DVD.objects.filter(owner_id=user_id, status=DVD.Status.KEPT)
            search.owned = set(
                kept.filter(tmdb_id__in=[r.tmdb_id for r in search.results]).values_list("tmdb_id", flat=True)
            )
    except TMDBNotFound:
        search.error = "TMDB has no such film."
    except TMDBAllowanceUsed:
        search.error = f"{ALLOWANCE_USED}, or fill the form by hand."
    except TMDBError as exc:
        search.error = f"TMDB search is not available right now ({exc}). You can still fill the form by hand."
    return search


def _initial_from(details):
    return {
        "name": details.title,
        "release_year": details.year,
        "tmdb_id": details.tmdb_id,
        "imdb_id": details.imdb_id,
        "poster_url": details.poster_url,
        "overview": details.overview,
        "runtime": details.runtime,
        "genres": details.genres,
        "director": details.director,
    }
