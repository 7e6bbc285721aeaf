"""TMDB in the pages: the Auto-fetch IMDB ID endpoint and the add page's title search."""

import logging
from dataclasses import dataclass, field

from django.http import JsonResponse

from tracker.models import DVD
from tracker.services.tmdb import TMDBError, TMDBNotConfigured, TMDBNotFound, TMDBService
from tracker.views.json import json_endpoint, json_error

logger = logging.getLogger("tracker.views")


@json_endpoint
def fetch_imdb_id(request, pk):
    """AJAX endpoint: find the DVD's IMDb id on TMDB from its TMDB id."""
    dvd = DVD.objects.for_user(request.user).filter(pk=pk).first()
    if dvd is None:
        return json_error("That DVD is not in your collection.", 404)
    if not dvd.tmdb_id:
        return json_error("This DVD has no TMDB id to look the IMDb id up with.", 400)
    try:
        imdb_id = dvd.fetch_imdb_id()
    except TMDBNotConfigured:
        return json_error("TMDB is not configured. Set TMDB_API_KEY to look IMDb ids up.", 503)
    except TMDBNotFound:
        return json_error("TMDB has no IMDb id for this film. You can add it by editing the DVD.", 404)
    except TMDBError as exc:
        return json_error(f"Could not ask TMDB: {exc}. Please try again later.", 502)
    except Exception:
        logger.exception("Fetching the IMDb id of DVD %s (TMDB %s) failed", dvd.pk, dvd.tmdb_id)
        return json_error("Something went wrong on our side while asking TMDB. It has been logged.", 500)
    return JsonResponse({"success": True, "message": f"IMDB ID found: {imdb_id}", "imdb_id": imdb_id})


@dataclass
class AddPageSearch:
    """What the add page shows of TMDB: the search box, its results, and a picked film's values."""

    configured: bool
    query: str = ""
    year: str = ""
    results: list = field(default_factory=list)
    error: str = ""
    initial: dict = field(default_factory=dict)


def add_page_search(params):
    """Run the add page's TMDB search (?tmdb_q=&tmdb_year=) or pick (?tmdb_pick=<id>), never raising."""
    service = TMDBService()
    search = AddPageSearch(
        configured=service.is_configured,
        query=params.get("tmdb_q", "").strip()[:200],
        year=params.get("tmdb_year", "").strip(),
    )
    if not search.configured:
        return search
    year = int(search.year) if search.year.isdigit() and len(search.year) == 4 else None
    pick = params.get("tmdb_pick", "")
    try:
        if pick.isdigit() and int(pick) > 0:
            search.initial = _initial_from(service.get_movie(int(pick)))
        elif search.query:
            search.results = service.search(search.query, year)
    except TMDBNotFound:
        search.error = "TMDB has no such film."
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
