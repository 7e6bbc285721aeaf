"""The demo collection `make run` loads once, so a newcomer has something to click."""

from django.contrib.auth import get_user_model
from django.db import transaction

from tracker.models import DVD

DEMO_USERNAME = "demo"
# Local-only demo account on 127.0.0.1; the README tells how to change it.
DEMO_PASSWORD = "demo-dvd-collection"  # noqa: S105

POSTER = "https://image.tmdb.org/t/p/w342"
DEMO_FILMS = [
    {
        "name": "The Shawshank Redemption",
        "release_year": 1994,
        "imdb_id": "tt0111161",
        "tmdb_id": 278,
        "director": "Frank Darabont",
        "genres": "Drama, Crime",
        "runtime": 142,
        "disk_type": "bluray",
        "storage_box": "A1",
    },
    {
        "name": "The Godfather",
        "release_year": 1972,
        "imdb_id": "tt0068646",
        "tmdb_id": 238,
        "director": "Francis Ford Coppola",
        "genres": "Drama, Crime",
        "runtime": 175,
        "disk_type": "dvd",
        "storage_box": "A1",
        "box_set_name": "The Godfather Trilogy",
    },
    {
        "name": "The Dark Knight",
        "release_year": 2008,
        "imdb_id": "tt0468569",
        "tmdb_id": 155,
        "director": "Christopher Nolan",
        "genres": "Action, Crime, Drama",
        "runtime": 152,
        "disk_type": "4k_uhd",
        "storage_box": "A2",
    },
    {
        "name": "Pulp Fiction",
        "release_year": 1994,
        "imdb_id": "tt0110912",
        "tmdb_id": 680,
        "director": "Quentin Tarantino",
        "genres": "Thriller, Crime",
        "runtime": 154,
        "disk_type": "dvd",
        "storage_box": "A2",
        "is_unwatched": True,
    },
    {
        "name": "Spirited Away",
        "release_year": 2001,
        "imdb_id": "tt0245429",
        "tmdb_id": 129,
        "director": "Hayao Miyazaki",
        "genres": "Animation, Family, Fantasy",
        "runtime": 125,
        "disk_type": "bluray",
        "storage_box": "B1",
    },
    {
        "name": "Amélie",
        "release_year": 2001,
        "imdb_id": "tt0211915",
        "tmdb_id": 194,
        "director": "Jean-Pierre Jeunet",
        "genres": "Comedy, Romance",
        "runtime": 122,
        "disk_type": "dvd",
        "storage_box": "B1",
        "is_unopened": True,
        "is_unwatched": True,
    },
    {
        "name": "Alien",
        "release_year": 1979,
        "imdb_id": "tt0078748",
        "tmdb_id": 348,
        "director": "Ridley Scott",
        "genres": "Horror, Science Fiction",
        "runtime": 117,
        "disk_type": "bluray",
        "storage_box": "B2",
        "media_type": "rip",
    },
    # Without an IMDb id, to show the "IMDB ID not available" path.
    {
        "name": "Inception",
        "release_year": 2010,
        "imdb_id": "",
        "tmdb_id": 27205,
        "director": "Christopher Nolan",
        "genres": "Action, Science Fiction",
        "runtime": 148,
        "disk_type": "bluray",
        "storage_box": "B2",
    },
]


@transaction.atomic
def load_demo():
    """Create the demo user and films that are missing; returns (user, created_user, films_added)."""
    user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    added = 0
    for film in DEMO_FILMS:
        values = {k: v for k, v in film.items() if k not in ("name", "tmdb_id")}
        _, was_added = DVD.objects.get_or_create(
            owner=user, tmdb_id=film["tmdb_id"], defaults={"name": film["name"], **values}
        )
        added += was_added
    return user, created, added
