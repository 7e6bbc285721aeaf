"""A fake YTS API (list_movies.json) on 127.0.0.1: `with FakeYTS() as fake: fake.base_url`."""

import hashlib
import re
import time
from datetime import UTC, datetime
from functools import lru_cache

from fakes.catalogue import BY_IMDB
from fakes.replies import json_reply
from fakes.server import FakeServer

LIST_MOVIES_PATH = "/api/v2/list_movies.json"
IMDB_ID_RE = re.compile(r"tt\d{1,10}")
# (quality, type, codec, typical size in GiB): the four kinds every fake film is listed in.
TORRENT_KINDS = (
    ("720p", "bluray", "x264", 1.1),
    ("1080p", "bluray", "x264", 2.1),
    ("1080p", "web", "x265", 1.6),
    ("2160p", "bluray", "x265", 5.9),
)
UPLOADS_START = 1420070400  # 2015-01-01: upload dates are spread over the ten years after it
GIB = 1024**3


def _digest(*parts):
    return hashlib.sha1("".join(parts).encode(), usedforsecurity=False).hexdigest().upper()


def _human_size(size_bytes):
    if size_bytes >= GIB:
        return f"{size_bytes / GIB:.1f} GB"
    return f"{size_bytes / 1024**2:.1f} MB"


def fake_torrent(imdb_id, quality, type_, codec, gigabytes):
    """One torrent, derived only from the IMDb id and its kind."""
    info_hash = _digest(imdb_id, quality, type_)
    n = int(info_hash[:8], 16)
    size_bytes = int(gigabytes * (0.85 + (n % 30) / 100) * GIB)
    uploaded = UPLOADS_START + n % (10 * 365 * 86400)
    return {
        "url": f"https://yts.mx/torrent/download/{info_hash}",
        "hash": info_hash,
        "quality": quality,
        "type": type_,
        "is_repack": "0",
        "video_codec": codec,
        "bit_depth": "10" if codec == "x265" else "8",
        "audio_channels": "5.1" if quality == "2160p" or type_ == "web" else "2.0",
        "seeds": n % 2000,
        "peers": (n >> 11) % 300,
        "size": _human_size(size_bytes),
        "size_bytes": size_bytes,
        "date_uploaded": datetime.fromtimestamp(uploaded, tz=UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "date_uploaded_unix": uploaded,
    }


@lru_cache(maxsize=4096)
def fake_movie(imdb_id):
    """The film YTS lists for imdb_id: a catalogue film's title and year, otherwise made-up ones."""
    film = BY_IMDB.get(imdb_id)
    n = int(_digest(imdb_id)[:8], 16)
    title = film.title if film else f"Film {imdb_id}"
    year = film.year if film else 1950 + n % 75
    slug = f"{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}-{year}"
    return {
        "id": int(imdb_id[2:]),
        "url": f"https://yts.mx/movies/{slug}",
        "imdb_code": imdb_id,
        "title": title,
        "title_english": title,
        "title_long": f"{title} ({year})",
        "slug": slug,
        "year": year,
        "rating": round(5 + (n % 45) / 10, 1),
        "runtime": film.runtime if film else 80 + n % 80,
        "language": "en",
        "state": "ok",
        "torrents": [fake_torrent(imdb_id, *kind) for kind in TORRENT_KINDS],
    }


class FakeYTS(FakeServer):
    """Fake YTS API: every tt+digits IMDb id is listed with four torrents, except the `unlisted` ones."""

    api_prefix = "/api/v2"
    calls_label = "by_imdb"
    default_port = 8765
    config_defaults = {**FakeServer.config_defaults, "unlisted": frozenset()}
    status_error_payload = {"status": "error", "status_message": "Something went wrong, try again later", "data": {}}

    def __init__(self, *, unlisted=(), **options):
        super().__init__(unlisted=unlisted, **options)

    def check_extra(self, name, value):
        if name != "unlisted":
            return super().check_extra(name, value)
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            raise ValueError("unlisted must be a list of IMDb ids")
        return frozenset(value)

    def count_key(self, path, query):
        return query.get("query_term", "") if path == LIST_MOVIES_PATH else None

    def answer(self, path, query, headers):
        if path != LIST_MOVIES_PATH:
            return json_reply(404, {"status": "error", "status_message": "Not found"})
        term = query.get("query_term", "").strip()
        listed = IMDB_ID_RE.fullmatch(term) and term not in self.setting("unlisted")
        limit = query.get("limit", "")
        data = {"movie_count": 1 if listed else 0, "limit": int(limit) if limit.isdigit() else 20, "page_number": 1}
        if listed:
            data["movies"] = [fake_movie(term)]
        meta = {"server_time": int(time.time()), "server_timezone": "UTC", "api_version": 2, "execution_time": "0 ms"}
        return json_reply(200, {"status": "ok", "status_message": "Query was successful", "data": data, "@meta": meta})

    @classmethod
    def argument_parser(cls):
        parser = super().argument_parser()
        parser.add_argument("--unlisted", default="", help="comma-separated IMDb ids YTS does not list")
        return parser

    @classmethod
    def options(cls, args):
        unlisted = [item.strip() for item in args.unlisted.split(",") if item.strip()]
        return {**super().options(args), "unlisted": unlisted}


if __name__ == "__main__":
    raise SystemExit(FakeYTS.main())
