"""TMDB candidates for an imported title, best first, each with a confidence in percent.

Searches go through TMDBService (cached for TMDB_SEARCH_CACHE_TIMEOUT), and every call that
does reach TMDB waits for its turn under TMDB_MAX_REQUESTS_PER_SECOND, shared through Redis
when it is configured, so a 10,000-row import is a polite client.
"""

import re
import unicodedata
from difflib import SequenceMatcher

from django.conf import settings

from tracker.services.http import shared_client
from tracker.services.pacing import wait_for_turn
from tracker.services.tmdb import TMDBClient, TMDBService

CANDIDATES_KEPT = 5
OVERVIEW_KEPT = 200
TITLE_WEIGHT = 0.75
YEAR_WEIGHT = 0.25
TRAILING_ARTICLE_RE = re.compile(r"^(?P<rest>.+),\s*(?P<article>the|a|an)$", re.I)


class PacedTMDBClient:
    """The shared TMDB client, with each call paced; cache hits never get this far."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def search(self, title, year=None):
        wait_for_turn("tmdb", settings.TMDB_MAX_REQUESTS_PER_SECOND)
        return self._client.search(title, year)

    def movie(self, tmdb_id):
        wait_for_turn("tmdb", settings.TMDB_MAX_REQUESTS_PER_SECOND)
        return self._client.movie(tmdb_id)


def paced_tmdb():
    return TMDBService(PacedTMDBClient(shared_client(TMDBClient)))


def search_title(title):
    """CLZ's sort titles put the article last ('Matrix, The'); TMDB's search wants it first."""
    match = TRAILING_ARTICLE_RE.match(title.strip())
    return f"{match['article']} {match['rest']}" if match else title.strip()


def normalise_title(title):
    """Casefolded, accents and punctuation removed, article first: for comparing titles."""
    text = unicodedata.normalize("NFKD", search_title(title)).casefold().replace("&", " and ")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def title_similarity(a, b):
    a, b = normalise_title(a), normalise_title(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def year_agreement(wanted, found):
    """1 for the same year, 0.7 a year apart (festival and release dates differ), 0 otherwise; 0.5 unknown."""
    if not wanted or not found:
        return 0.5
    return {0: 1.0, 1: 0.7}.get(abs(wanted - found), 0.0)


def confidence(title, year, film):
    score = TITLE_WEIGHT * title_similarity(title, film.title) + YEAR_WEIGHT * year_agreement(year, film.year)
    return round(100 * score)


def candidate(film, score):
    return {
        "tmdb_id": film.tmdb_id,
        "title": film.title,
        "year": film.year,
        "poster_url": film.poster_url,
        "overview": film.overview[:OVERVIEW_KEPT],
        "confidence": score,
    }


class Matcher:
    def __init__(self, service=None):
        self.service = service or paced_tmdb()

    @property
    def configured(self):
        return self.service.is_configured

    def candidates(self, title, year=None):
        """Up to five films, best first; raises TMDBError when TMDB cannot be asked."""
        query = search_title(title)
        films = self.service.search(query, year) if year else []
        if not films:
            # No year, or none that year: release years differ between countries and festivals.
            films = self.service.search(query)
        scored = sorted(
            ((confidence(title, year, film), index, film) for index, film in enumerate(films)),
            key=lambda item: (-item[0], item[1]),
        )
        return [candidate(film, score) for score, _, film in scored[:CANDIDATES_KEPT]]
