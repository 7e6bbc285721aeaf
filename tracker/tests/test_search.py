import pytest
from django.db import connection

from tracker.models import DVD
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(user, other_user):
    DVDFactory(owner=user, name="The Lighthouse", director="Robert Eggers", imdb_id="tt7984734")
    DVDFactory(owner=user, name="Ran", director="Akira Kurosawa", imdb_id="tt0089881")
    DVDFactory(owner=user, name="Amélie", director="Jean-Pierre Jeunet", imdb_id="tt0211915")
    DVDFactory(owner=user, name="100% Wolf", director="Alexs Stadermann", imdb_id="tt6777338")
    DVDFactory(owner=other_user, name="Lighthouse Keepers", imdb_id="tt0000001")
    return DVD.objects.for_user(user)


def found(rows, text):
    return sorted(rows.search(text).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("ighthou", ["The Lighthouse"]),
        ("LIGHTHOUSE", ["The Lighthouse"]),
        ("kurosawa", ["Ran"]),
        ("amél", ["Amélie"]),
        ("TT0089881", ["Ran"]),
        ("tt00898", []),  # an IMDb id matches whole, never a part of one
        ("100%", ["100% Wolf"]),
        ("%", ["100% Wolf"]),  # the wildcards are plain characters
        ("_", []),
        ("  ran  ", ["Ran"]),
        ("", ["100% Wolf", "Amélie", "Ran", "The Lighthouse"]),
    ],
)
def test_search_finds_title_and_director_fragments_and_whole_imdb_ids(shelf, text, names):
    """Any case, accents kept; an IMDb id whole; %, _ as themselves; only your DVDs (on SQLite and PostgreSQL)."""
    assert found(shelf, text) == names


@pytest.mark.postgres
@pytest.mark.parametrize("text", ["ighthou", "TT0089881"])
def test_on_postgresql_the_searchs_conditions_are_read_from_its_indexes(shelf, text):
    """Each of the search's conditions is one an index serves: trigrams for titles and directors, the IMDb id's."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql, params = DVD.objects.search(text).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("dvd_name_trgm", "dvd_director_trgm", "dvd_imdb_id_upper"):
        assert index in plan
