"""The Movie Database (TMDB) API v3: IMDb ids, film details and title search.

Configured by TMDB_API_KEY (v3 key) or TMDB_ACCESS_TOKEN (v4 read token). Like the YTS
client, every answer goes through pure `parse_*` functions that keep only typed, capped values.
"""

import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from dvdtracker.env import split_base_urls
from tracker.limits import allow_tmdb_lookup
from tracker.services.http import (
    BadResponse,
    JSONClient,
    Unavailable,
    UpstreamError,
    shared_client,
)
from tracker.validators import IMDB_ID_RE

logger = logging.getLogger("tracker.services")

POSTER_BASE_URL = "https://image.tmdb.org/t/p/"
POSTER_PATH_RE = re.compile(r"\A/[A-Za-z0-9_-]{1,100}\.(?:jpg|jpeg|png|webp)\Z")
TITLE_CAP = 255
OVERVIEW_CAP = 2000
SEARCH_RESULTS_CAP = 20
YEAR_RE = re.compile(r"\A([0-9]{4})-[0-9]{2}-[0-9]{2}\Z")


class TMDBError(UpstreamError):
    """TMDB could not give a usable answer."""


class TMDBUnavailable(TMDBError, Unavailable):
    """TMDB could not be reached, timed out, refused our key or answered with an error status."""


class TMDBBadResponse(TMDBError, BadResponse):
    """TMDB answered with something other than its documented JSON."""


class TMDBNotFound(TMDBError):
    """TMDB has no such film, or no IMDb id for it."""


class TMDBNotConfigured(TMDBError):
    """Neither TMDB_API_KEY nor TMDB_ACCESS_TOKEN is set."""


class TMDBAllowanceUsed(TMDBError):
    """The user's pages have asked TMDB TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE times in the last minute."""


@dataclass(frozen=True)
class MovieSummary:
    tmdb_id: int
    title: str
    year: int | None
    poster_url: str
    overview: str = ""


@dataclass(frozen=True)
class MovieDetails(MovieSummary):
    imdb_id: str = ""
    runtime: int | None = None
    genres: str = ""
    director: str = ""


# --- parsing ---------------------------------------------------------------------------


def _require_object(payload, what):
    if not isinstance(payload, dict):
        raise TMDBBadResponse(f"TMDB answered {what} with something that is not an object")
    return payload


def _text(payload, field, cap):
    value = payload.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TMDBBadResponse(f"TMDB sent a {type(value).__name__} for {field!r}")
    return value.strip()[:cap]


def _positive_int(payload, field):
    value = payload.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TMDBBadResponse(f"TMDB sent {value!r} for {field!r}")
    return value if value > 0 else None


def parse_imdb_id(value):
    """A valid IMDb id, or '' for anything else (TMDB sends null or '' when it has none)."""
    return value if isinstance(value, str) and IMDB_ID_RE.match(value) else ""


def poster_url(poster_path, size="w342"):
    """The CDN URL of a poster path, or '' when the path is not a plain image file name."""
    if isinstance(poster_path, str) and POSTER_PATH_RE.match(poster_path):
        return f"{POSTER_BASE_URL}{size}{poster_path}"
    return ""


def _summary_fields(payload):
    tmdb_id = _positive_int(payload, "id")
    if tmdb_id is None:
        raise TMDBBadResponse("TMDB sent a film without an id")
    year_match = YEAR_RE.match(_text(payload, "release_date", 10))
    return {
        "tmdb_id": tmdb_id,
        "title": _text(payload, "title", TITLE_CAP) or _text(payload, "original_title", TITLE_CAP),
        "year": int(year_match.group(1)) if year_match else None,
        "poster_url": poster_url(payload.get("poster_path")),
        "overview": _text(payload, "overview", OVERVIEW_CAP),
    }


def parse_external_ids(payload):
    """The IMDb id in a /movie/{id}/external_ids answer ('' when TMDB has none)."""
    return parse_imdb_id(_require_object(payload, "external ids").get("imdb_id"))


def _names(items, what, keep=lambda item: True):
    if items is None:
        return []
    if not isinstance(items, list):
        raise TMDBBadResponse(f"TMDB sent {what} that are not a list")
    return [
        item["name"].strip()
        for item in items
        if isinstance(item, dict) and isinstance(item.get("name"), str) and keep(item)
    ]


def parse_movie(payload):
    """A /movie/{id} answer (optionally with external_ids and credits appended) as MovieDetails."""
    payload = _require_object(payload, "a film")
    credits = payload.get("credits")
    crew = credits.get("crew") if isinstance(credits, dict) else None
    directors = _names(crew, "crew", keep=lambda person: person.get("job") == "Director")
    imdb_id = parse_imdb_id(payload.get("imdb_id"))
    external = payload.get("external_ids")
    if not imdb_id and isinstance(external, dict):
        imdb_id = parse_external_ids(external)
    return MovieDetails(
        **_summary_fields(payload),
        imdb_id=imdb_id,
        runtime=_positive_int(payload, "runtime"),
        genres=", ".join(_names(payload.get("genres"), "genres"))[:TITLE_CAP],
        director=", ".join(directors)[:TITLE_CAP],
    )


def parse_search(payload):
    """A /search/movie answer as a list of MovieSummary (films without a title are skipped)."""
    results = _require_object(payload, "a search").get("results")
    if results is None:
        return []
    if not isinstance(results, list):
        raise TMDBBadResponse("TMDB sent search results that are not a list")
    films = []
    for raw in results[:SEARCH_RESULTS_CAP]:
        film = MovieSummary(**_summary_fields(_require_object(raw, "a search result")))
        if film.title:
            films.append(film)
    return films


# --- fetching --------------------------------------------------------------------------


class TMDBClient(JSONClient):
    service_name = "TMDB"
    Unavailable = TMDBUnavailable
    BadResponse = TMDBBadResponse
    setting_names = (
        "TMDB_API_BASE_URL",
        "TMDB_API_KEY",
        "TMDB_ACCESS_TOKEN",
        "TMDB_API_TIMEOUT",
        "TMDB_MAX_RETRIES",
        "TMDB_MAX_RESPONSE_BYTES",
    )

    def __init__(self, base_url, *, api_key, access_token, timeout, max_retries, max_response_bytes):
        super().__init__(timeout=timeout, max_retries=max_retries, max_response_bytes=max_response_bytes)
        self.base_url = base_url
        self.api_key = api_key
        self.access_token = access_token

    @classmethod
    def from_settings(cls):
        return cls(
            split_base_urls(settings.TMDB_API_BASE_URL)[0],
            api_key=settings.TMDB_API_KEY,
            access_token=settings.TMDB_ACCESS_TOKEN,
            timeout=settings.TMDB_API_TIMEOUT,
            max_retries=settings.TMDB_MAX_RETRIES,
            max_response_bytes=settings.TMDB_MAX_RESPONSE_BYTES,
        )

    @property
    def is_configured(self):
        return bool(self.api_key or self.access_token)

    def get(self, path, **params):
        if not self.is_configured:
            raise TMDBNotConfigured("TMDB is not configured")
        headers = {}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        else:
            params["api_key"] = self.api_key
        return self.get_json(self.base_url + path, params=params, headers=headers)

    def _check_status(self, response):
        if response.status_code == 404:
            raise TMDBNotFound("TMDB has no such film")
        if response.status_code == 401:
            raise TMDBUnavailable("TMDB refused the API key (HTTP 401); check TMDB_API_KEY or TMDB_ACCESS_TOKEN")
        super()._check_status(response)

    def imdb_id(self, tmdb_id):
        return parse_external_ids(self.get(f"/movie/{int(tmdb_id)}/external_ids"))

    def movie(self, tmdb_id):
        return parse_movie(self.get(f"/movie/{int(tmdb_id)}", append_to_response="external_ids,credits"))

    def search(self, title, year=None):
        params = {"query": title, "include_adult": "false"}
        if year:
            params["year"] = int(year)
        return parse_search(self.get("/search/movie", **params))


class TMDBService:
    """TMDB behind the cache: the calls the pages and commands make."""

    def __init__(self, client=None, *, allow_call=None):
        self.client = client or shared_client(TMDBClient)
        # Asked before each call that would reach TMDB; a cached answer costs nothing, so it is not asked.
        self.allow_call = allow_call

    @classmethod
    def for_user(cls, user_id):
        """The service for a page: its calls to TMDB count against the user's per-minute allowance."""
        return cls(allow_call=lambda: allow_tmdb_lookup(user_id))

    @property
    def is_configured(self):
        return self.client.is_configured

    def get_imdb_id(self, tmdb_id):
        """The film's IMDb id; raises TMDBNotFound when TMDB has none, TMDBError on failure."""
        imdb_id = self._logged(self.client.imdb_id, tmdb_id)
        if not imdb_id:
            raise TMDBNotFound("TMDB has no IMDb id for this film")
        return imdb_id

    def get_movie(self, tmdb_id):
        """The film's details (title, year, poster, IMDb id when TMDB has it), cached for TMDB_MOVIE_CACHE_TIMEOUT."""
        key = f"tmdb:movie:v1:{int(tmdb_id)}"
        details = cache.get(key)
        if details is None:
            details = self._logged(self.client.movie, tmdb_id)
            # An answer without an IMDb id is not kept: TMDB often adds one later, and Auto-fetch asks for just that.
            if details.imdb_id:
                cache.set(key, details, timeout=settings.TMDB_MOVIE_CACHE_TIMEOUT)
        return details

    def search(self, title, year=None):
        """Films matching a title (and year), cached for TMDB_SEARCH_CACHE_TIMEOUT."""
        title = " ".join(title.split())
        if not title:
            return []
        digest = hashlib.sha256(f"{title.casefold()}|{year or ''}".encode()).hexdigest()[:32]
        key = f"tmdb:search:v1:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        films = self._logged(self.client.search, title, year)
        cache.set(key, films, timeout=settings.TMDB_SEARCH_CACHE_TIMEOUT)
        return films

    def _logged(self, call, *args):
        if self.allow_call is not None and self.client.is_configured and not self.allow_call():
            raise TMDBAllowanceUsed("too many TMDB lookups in the last minute")
        try:
            return call(*args)
        except (TMDBNotFound, TMDBNotConfigured):
            raise
        except TMDBError as exc:
            logger.warning("TMDB %s%r failed: %s", call.__name__, args, exc)
            raise
