import pytest

from tracker.collection_io import matching
from tracker.collection_io.matching import Matcher, confidence, normalise_title, search_title
from tracker.services.tmdb import MovieSummary


def film(title, year):
    return MovieSummary(tmdb_id=1, title=title, year=year, poster_url="")


@pytest.mark.parametrize(
    ("title", "year", "found", "expected"),
    [
        ("The Matrix", 1999, film("The Matrix", 1999), 100),
        ("Matrix, The", 1999, film("The Matrix", 1999), 100),
        ("the matrix!", 1999, film("The Matrix", 1999), 100),
        ("Amelie", 2001, film("Amélie", 2001), 100),
        ("The Matrix", None, film("The Matrix", 1999), 88),
        ("The Matrix", 2000, film("The Matrix", 1999), 92),
        ("The Matrix", 2003, film("The Matrix", 1999), 75),
    ],
)
def test_confidence_weighs_title_and_year(title, year, found, expected):
    """Same title and year is 100%; a missing year, a year apart or another year costs confidence."""
    assert confidence(title, year, found) == expected


def test_a_different_title_has_low_confidence():
    """A loosely related title scores well below the automatic-pick threshold."""
    assert confidence("The Matrix Reloaded", 2003, film("The Matrix", 1999)) < 60


def test_sort_titles_are_searched_article_first():
    """CLZ's 'Matrix, The' is searched as 'The Matrix' and compares equal to it."""
    assert search_title("Matrix, The") == "The Matrix"
    assert normalise_title("Matrix, The") == normalise_title("The  Matrix")


class RecordingService:
    is_configured = True

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def search(self, title, year=None):
        self.calls.append((title, year))
        return self.answers.get((title, year), [])


def test_a_year_with_no_result_is_searched_again_without_it():
    """Release years differ between countries: no film that year means a second search without the year."""
    service = RecordingService({("Heat", None): [film("Heat", 1995)]})
    candidates = Matcher(service).candidates("Heat", 1996)
    assert service.calls == [("Heat", 1996), ("Heat", None)]
    assert candidates[0]["confidence"] == 92


def test_candidates_are_best_first_and_capped():
    """Candidates are sorted by confidence, TMDB's order breaking ties, five at most."""
    films = [film(f"Alien {n}", 1979) for n in range(7)] + [film("Alien", 1979)]
    candidates = Matcher(RecordingService({("Alien", 1979): films})).candidates("Alien", 1979)
    assert len(candidates) == 5
    assert candidates[0]["title"] == "Alien"
    assert candidates[1]["title"] == "Alien 0"


def test_only_calls_that_reach_tmdb_are_paced(monkeypatch, settings):
    """Each TMDB request waits its turn under TMDB_MAX_REQUESTS_PER_SECOND; cached answers do not."""
    settings.TMDB_MAX_REQUESTS_PER_SECOND = 7
    turns = []
    monkeypatch.setattr(matching, "wait_for_turn", lambda service, rate: turns.append((service, rate)))

    class Client:
        is_configured = True

        def search(self, title, year=None):
            return [film(title, year)]

    service = matching.TMDBService(matching.PacedTMDBClient(Client()))
    service.search("Alien", 1979)
    service.search("Alien", 1979)
    assert turns == [("tmdb", 7)]
