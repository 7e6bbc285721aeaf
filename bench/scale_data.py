"""The scale benchmark's collection: one owner's 100,000 DVDs of 20,000 films with made-up but
realistic titles, directors and years, a tenth of them with stored torrents, all stale.

Rows are written with COPY on PostgreSQL (executemany on SQLite), each value prepared by the
model's own field, so a column added later with a default is filled like Django fills it.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from fakes.yts import fake_movie
from tracker.models import DVD, yts_values
from tracker.refresh import Fetched
from tracker.services.yts import parse_list_movies
from tracker.torrent_links import allowed_download_hosts

SEED = 20_000
FIRST_IMDB_NUMBER = 1_000_000
STALE_AGE = timedelta(days=8)  # older than refresh_yts's default week: every film is due
WRITE_BATCH = 5_000
ADJECTIVES = [
    "Silent", "Broken", "Crimson", "Last", "Hidden", "Golden", "Dark", "Endless", "Forgotten", "Burning",
    "Quiet", "Wild", "Frozen", "Lonely", "Secret", "Electric", "Lost", "Bitter", "Savage", "Distant",
    "Midnight", "Scarlet", "Hollow", "Restless", "Invisible", "Sweet", "Iron", "Velvet", "Fallen", "Northern",
]  # fmt: skip
NOUNS = [
    "River", "Garden", "Lighthouse", "Stranger", "Kingdom", "Harbour", "Summer", "Winter", "Promise", "Shadow",
    "Mirror", "Station", "Orchard", "Detective", "Heart", "Storm", "Voyage", "Letter", "Circus", "Empire",
    "Highway", "Island", "Daughter", "Soldier", "Window", "Mountain", "Piano", "Frontier", "Witness", "Dream",
    "Horizon", "Castle", "Ghost", "Hunter", "Canyon", "Carnival", "Tide", "Fortune", "Bridge", "Desert",
    "Thief", "Angel", "Moon", "Forest", "Machine", "Heist", "Citadel", "Lantern", "Passenger", "Valley",
]  # fmt: skip
PLACES = [
    "Paris", "Montréal", "Tokyo", "Zürich", "São Paulo", "Berlin", "Marrakesh", "Reykjavík", "Havana", "Kyoto",
    "Chicago", "Naples", "Istanbul", "Dublin", "Buenos Aires", "Oslo", "Bombay", "Lisbon", "Kraków", "Texas",
]  # fmt: skip
FIRST_NAMES = [
    "Agnès", "Akira", "Billy", "Chantal", "Hayao", "Sidney", "Ingmar", "Federico", "Kathryn", "Wong",
    "Satyajit", "Jane", "Pedro", "Claire", "Werner", "Lucrecia", "Abbas", "Sofia", "Jean-Luc", "Céline",
    "Yasujirō", "Orson", "Kelly", "Andrei", "Lynne", "Spike", "Mira", "Krzysztof", "Bong", "Greta",
]  # fmt: skip
LAST_NAMES = [
    "Varda", "Kurosawa", "Wilder", "Akerman", "Miyazaki", "Lumet", "Bergman", "Fellini", "Bigelow", "Kar-wai",
    "Ray", "Campion", "Almodóvar", "Denis", "Herzog", "Martel", "Kiarostami", "Coppola", "Godard", "Sciamma",
    "Ozu", "Welles", "Reichardt", "Tarkovsky", "Ramsay", "Lee", "Nair", "Kieślowski", "Joon-ho", "Gerwig",
    "Haneke", "Tarr", "Fassbinder", "Rohmer", "Hitchcock", "Kubrick", "Malick", "Lanthimos", "Arnold", "Hansen",
]  # fmt: skip
GENRES = ["Drama", "Crime", "Comedy", "Action", "Horror", "Science Fiction", "Animation", "Western", "Romance"]
SEQUELS = ["", "", "", "", "", "", " II", " III", ": Part Two", " 2"]
TITLE_PATTERNS = [
    "The {adj} {noun}", "{noun} of {place}", "The {noun} of the {noun2}", "A {noun} in {place}",
    "{adj} {noun}", "{first}'s {noun}", "The {noun}", "{noun} and the {noun2}", "Return to {place}",
    "The {adj} {noun}: {noun2} of {place}", "{adj} Night in {place}", "Beyond the {noun}",
]  # fmt: skip
DISK_TYPES = [DVD.DiskType.DVD, DVD.DiskType.BLURAY, DVD.DiskType.UHD]


def imdb_id(film):
    return f"tt{FIRST_IMDB_NUMBER + film * 7:07d}"


def films(count, seed=SEED):
    """`count` films: (title, year, director, genres, runtime), the same for every run.

    Titles repeat, as remakes do, but never in the same year: the importer takes the same title
    and year for the same film.
    """
    rng = random.Random(seed)
    made = []
    seen = set()
    for _ in range(count):
        words = {
            "adj": rng.choice(ADJECTIVES),
            "noun": rng.choice(NOUNS),
            "noun2": rng.choice(NOUNS),
            "place": rng.choice(PLACES),
            "first": rng.choice(FIRST_NAMES),
        }
        title = rng.choice(TITLE_PATTERNS).format(**words) + rng.choice(SEQUELS)
        director = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        genres = ", ".join(sorted(set(rng.sample(GENRES, rng.randint(1, 3)))))
        year = rng.randint(1930, 2024)
        while (title, year) in seen:
            year = rng.randint(1930, 2024)
        seen.add((title, year))
        made.append((title, year, director, genres, rng.randint(75, 190)))
    return made


def torrent_values(film_imdb_id, fetched_at):
    """The YTS columns a refresh would have written for the film (the fake's answer, parsed as the app does)."""
    payload = {"status": "ok", "data": {"movies": [fake_movie(film_imdb_id)]}}
    listed = [
        t.as_dict()
        for t in parse_list_movies(
            payload, film_imdb_id, allowed_hosts=allowed_download_hosts(), max_torrents=settings.YTS_MAX_TORRENTS
        )
    ]
    wanted = set(settings.YTS_DEFAULT_QUALITIES)
    shown = [t for t in listed if t["quality"] in wanted]
    return yts_values(Fetched(film_imdb_id, fetched_at, shown, listed=listed))


def copies(count, film_count, *, torrent_share=0.1):
    """Each DVD's values: DVD n is copy n // film_count of film n % film_count, each copy on another shelf.

    The first `torrent_share` of the films have stored torrents; the rest were looked up once with
    none found, or never; every lookup is STALE_AGE old. Added one every 53 minutes, back from now.
    """
    now = timezone.now()
    stale = now - STALE_AGE
    catalogue = films(film_count)
    with_torrents = int(film_count * torrent_share)
    torrents = {film: torrent_values(imdb_id(film), stale) for film in range(with_torrents)}
    for n in range(count):
        film, copy = n % film_count, n // film_count
        title, year, director, genres, runtime = catalogue[film]
        values = {
            "name": title,
            "release_year": year,
            "disk_type": DISK_TYPES[(film + copy) % len(DISK_TYPES)],
            "media_type": DVD.MediaType.DOWNLOAD if copy == 4 else DVD.MediaType.PHYSICAL,
            "status": DVD.Status.DISPOSED if n % 23 == 0 else DVD.Status.WISHLIST if n % 37 == 0 else DVD.Status.KEPT,
            "storage_box": f"Shelf {chr(ord('A') + copy % 26)}{film % 50 + 1}",
            "is_unwatched": n % 4 == 0,
            "is_unopened": n % 17 == 0,
            "imdb_id": imdb_id(film),
            "tmdb_id": 100_000 + film if copy == 0 else None,  # one DVD per TMDB film
            "poster_url": f"https://image.tmdb.org/t/p/w342/{film:06d}.jpg",
            "overview": f"{title}: a film by {director} about a {NOUNS[film % len(NOUNS)].lower()}, made in "
            f"{year}; a sentence or two of overview, as TMDB gives.",
            "genres": genres,
            "runtime": runtime,
            "director": director,
            "created_at": now - timedelta(minutes=53 * (count - n)),
            "updated_at": now,
        }
        if film in torrents:
            values.update(torrents[film])
        elif film % 3 == 0:
            values["yts_last_updated"] = stale  # looked up: none on YTS
        yield values


def write(objects, model=DVD):
    """Insert model instances as they are (no pre_save: created_at stays as given), in big batches."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    written = 0
    batch = []
    for obj in objects:
        batch.append([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
        if len(batch) >= WRITE_BATCH:
            written += _insert(table, columns, len(fields), batch)
            batch = []
    return written + _insert(table, columns, len(fields), batch)


def _insert(table, columns, width, rows):
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * width)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608
    return len(rows)


def make_collection(owner, count, film_count, *, torrent_share=0.1):
    """Write the owner's collection; returns how many DVDs were written."""
    return write(DVD(owner=owner, **values) for values in copies(count, film_count, torrent_share=torrent_share))
