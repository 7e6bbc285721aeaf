"""The benchmark's collections, bulk-created: DVDs with stored torrents (fresh or stale) or never fetched."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from fakes.yts import fake_movie
from tracker.models import DVD
from tracker.services.yts import parse_list_movies
from tracker.torrent_links import allowed_download_hosts

# Each benchmark's films have their own IMDb id range, so no cached answer serves another.
FRESH_IDS = 1_000_000
STALE_IDS = 2_000_000
STAMPEDE_IDS = 3_000_000
LIST_IDS = 4_000_000
BATCH_IDS = 5_000_000
FRESH_MANY_IDS = 6_000_000
STALE_AGE = timedelta(hours=48)
DISK_TYPES = [DVD.DiskType.DVD, DVD.DiskType.BLURAY, DVD.DiskType.UHD]
DIRECTORS = ["Agnès Varda", "Akira Kurosawa", "Billy Wilder", "Chantal Akerman", "Hayao Miyazaki", "Sidney Lumet"]


def imdb_id(base, n):
    return f"tt{base + n:07d}"


def stored_torrents(film_imdb_id):
    """What a refresh stores for the film: the fake's answer, parsed and filtered as the app does."""
    payload = {"status": "ok", "data": {"movies": [fake_movie(film_imdb_id)]}}
    torrents = parse_list_movies(
        payload, film_imdb_id, allowed_hosts=allowed_download_hosts(), max_torrents=settings.YTS_MAX_TORRENTS
    )
    wanted = set(settings.YTS_DEFAULT_QUALITIES)
    return [t.as_dict() for t in torrents if t.quality in wanted]


def make_dvds(owner, count, *, id_base, films=None, state="fresh", name_prefix="Film"):
    """Bulk-create `count` DVDs over `films` distinct IMDb ids (default: one each).

    state: "fresh" (torrents stored now), "stale" (stored STALE_AGE ago) or "never" (never fetched).
    """
    films = films or count
    now = timezone.now()
    updated = {"fresh": now, "stale": now - STALE_AGE, "never": None}[state]
    torrents = {}
    rows = []
    for n in range(count):
        film = n % films
        film_id = imdb_id(id_base, film + 1)
        if state != "never" and film_id not in torrents:
            torrents[film_id] = stored_torrents(film_id)
        data = torrents.get(film_id)
        rows.append(
            DVD(
                owner=owner,
                name=f"{name_prefix} {n + 1:05d}",
                release_year=1950 + n % 75,
                disk_type=DISK_TYPES[n % len(DISK_TYPES)],
                is_unwatched=n % 4 == 0,
                storage_box=f"B{n % 40}",
                director=DIRECTORS[n % len(DIRECTORS)],
                genres="Drama, Crime",
                runtime=90 + n % 60,
                poster_url=f"https://image.tmdb.org/t/p/w342/poster{film}.jpg",
                overview="A film the benchmark made up, with a sentence or two of overview like a real one.",
                imdb_id=film_id,
                yts_data=data,
                yts_last_updated=updated,
                yts_torrent_count=len(data or []),
            )
        )
    return DVD.objects.bulk_create(rows, batch_size=1000)
