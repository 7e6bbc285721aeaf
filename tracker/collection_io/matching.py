"""Which TMDB film an imported row is: its candidates, best first, and the choice made for it.

- `RowMatcher`: the matching phase's decision for one row (skipped, as typed, or searched on
  TMDB, choosing the best candidate at IMPORT_MATCH_THRESHOLD or above, else leaving it to the person);
- `DetailsLookup`: the import phase's TMDB details (IMDb id, runtime, genres, director) of a chosen film;
- `Matcher` and the scoring under it: TMDB's films for a title and year, each with a confidence in percent.

Both lookups stop asking after MAX_CONSECUTIVE_LOOKUP_FAILURES failures in a row, so that a failing
TMDB does not hold every row for its timeouts and retries. Searches go through TMDBService (cached
for TMDB_SEARCH_CACHE_TIMEOUT), and every call that does reach TMDB waits for its turn under
TMDB_MAX_REQUESTS_PER_SECOND, shared through Redis when it is configured, so a 10,000-row import
is a polite client.
"""

import re
import unicodedata
from difflib import SequenceMatcher

from django.conf import settings

from tracker.services.http import shared_client
from tracker.services.pacing import wait_for_turn
from tracker.services.tmdb import TMDBClient, TMDBError, TMDBNotConfigured, TMDBNotFound, TMDBService

CANDIDATES_KEPT = 5
OVERVIEW_KEPT = 200
TITLE_WEIGHT = 0.75
YEAR_WEIGHT = 0.25
TRAILING_ARTICLE_RE = re.compile(r"^(?P<rest>.+),\s*(?P<article>the|a|an)$", re.I)
# After this many failed lookups in a row TMDB is taken to be down: the rest are not tried.
MAX_CONSECUTIVE_LOOKUP_FAILURES = 5
LOOKUP_FAILED = "TMDB lookup failed"


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


class RowMatcher:
    """The matching phase's decision for each row: its TMDB candidates and its `choice`, set on the row."""

    def __init__(self):
        self.matcher = Matcher()
        self.configured = self.matcher.configured
        self.failures_in_a_row = 0
        self.last_failure = ""

    def match(self, row):
        row.matched = True
        row.warnings = [w for w in row.warnings if not w.startswith(LOOKUP_FAILED)]
        if row.problems:
            return
        if row.skip_reason:
            row.choice = "skip"
        elif row.identified or not self.configured:
            row.choice = "typed"
        elif self.failures_in_a_row >= MAX_CONSECUTIVE_LOOKUP_FAILURES:
            self._failed(row, f"not tried after {self.failures_in_a_row} failures in a row ({self.last_failure})")
        else:
            self._search(row)

    def _search(self, row):
        try:
            row.candidates = self.matcher.candidates(row.values["name"], row.values.get("release_year"))
        except TMDBNotConfigured:
            row.choice = "typed"
            return
        except TMDBError as exc:
            self.failures_in_a_row += 1
            self.last_failure = str(exc)[:120]
            self._failed(row, self.last_failure)
            return
        self.failures_in_a_row = 0
        best = row.candidates[0] if row.candidates else None
        row.choice = f"tmdb:{best['tmdb_id']}" if best and best["confidence"] >= settings.IMPORT_MATCH_THRESHOLD else ""

    @staticmethod
    def _failed(row, reason):
        row.matched = False
        row.warnings.append(f"{LOOKUP_FAILED}: {reason}.")


class DetailsLookup:
    """TMDB details (IMDb id, runtime, genres, director) of a matched film; a failure only costs the details.

    Called with a TMDB id while `row` is the row being imported, whose warnings say what was missed.
    """

    def __init__(self):
        self.service = paced_tmdb()
        self.row = None
        self.failures_in_a_row = 0
        self.last_failure = ""

    def __call__(self, tmdb_id):
        if self.failures_in_a_row >= MAX_CONSECUTIVE_LOOKUP_FAILURES:
            self.row.warnings.append(
                f"Added without its IMDb id: TMDB was not asked after {self.failures_in_a_row} failures "
                f"in a row ({self.last_failure})."
            )
            return None
        try:
            details = self.service.get_movie(tmdb_id)
        except (TMDBNotConfigured, TMDBNotFound):
            return None
        except TMDBError as exc:
            self.failures_in_a_row += 1
            self.last_failure = str(exc)[:100]
            self.row.warnings.append(f"Added without its IMDb id: TMDB could not be asked ({self.last_failure}).")
            return None
        self.failures_in_a_row = 0
        return details
