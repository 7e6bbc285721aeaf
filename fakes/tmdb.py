"""A fake TMDB API v3 (movie details, external ids, search) on 127.0.0.1: `with FakeTMDB() as fake: fake.base_url`."""

import hashlib
import re

from fakes.catalogue import FILMS, Film
from fakes.replies import json_reply
from fakes.server import FakeServer

MOVIE_PATH_RE = re.compile(r"/3/movie/(\d{1,9})(/external_ids)?")
SEARCH_PATH = "/3/search/movie"
DEFAULT_API_KEY = "fake-tmdb-api-key"
DEFAULT_BEARER = "fake-tmdb-read-access"
NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
INVALID_KEY = {
    "success": False,
    "status_code": 7,
    "status_message": "Invalid API key: You must be granted a valid key.",
}


def poster_path(film):
    # Shaped like TMDB's, but made up: a browser test must not fetch real images.
    return "/" + hashlib.sha1(f"poster{film.tmdb_id}".encode(), usedforsecurity=False).hexdigest()[:27] + ".jpg"


def summary(film):
    """A film as /3/search/movie lists it."""
    return {
        "adult": False,
        "id": film.tmdb_id,
        "title": film.title,
        "original_title": film.original_title or film.title,
        "original_language": film.original_language,
        "release_date": film.release_date,
        "poster_path": poster_path(film),
        "overview": film.overview,
        "genre_ids": [genre_id for genre_id, _ in film.genres],
        "popularity": film.popularity,
        "vote_average": film.vote_average,
    }


def details(film):
    """A film as /3/movie/{id} describes it."""
    value = summary(film)
    del value["genre_ids"]
    value.update(
        runtime=film.runtime,
        genres=[{"id": genre_id, "name": name} for genre_id, name in film.genres],
        imdb_id=film.imdb_id,
        status="Released",
        tagline="",
    )
    return value


def external_ids(film):
    return {
        "id": film.tmdb_id,
        "imdb_id": film.imdb_id,
        "wikidata_id": None,
        "facebook_id": None,
        "instagram_id": None,
        "twitter_id": None,
    }


class FakeTMDB(FakeServer):
    """Fake TMDB API v3 over a small catalogue; needs api_key=<api_key> or Authorization: Bearer <bearer>."""

    api_prefix = "/3"
    calls_label = "by_path"
    default_port = 8766
    config_defaults = {**FakeServer.config_defaults, "api_key": DEFAULT_API_KEY, "bearer": DEFAULT_BEARER}
    wrong_shape_payload = {"data": {"results": []}}
    status_error_payload = {
        "success": False,
        "status_code": 11,
        "status_message": "Internal error: Something went wrong, contact TMDB.",
    }

    def __init__(self, *, films=(), api_key=DEFAULT_API_KEY, bearer=DEFAULT_BEARER, **options):
        extra = [film if isinstance(film, Film) else Film(**film) for film in films]
        self.films = {film.tmdb_id: film for film in (*FILMS, *extra)}
        super().__init__(api_key=api_key, bearer=bearer, **options)

    def check_extra(self, name, value):
        if name not in ("api_key", "bearer"):
            return super().check_extra(name, value)
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
        return value

    def authorized(self, query, headers):
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        bearer_ok = scheme.lower() == "bearer" and token.strip() == self.setting("bearer")
        return bearer_ok or query.get("api_key") == self.setting("api_key")

    def answer(self, path, query, headers):
        if not self.authorized(query, headers):
            return json_reply(401, INVALID_KEY)
        if path == SEARCH_PATH:
            return json_reply(200, self.search(query))
        match = MOVIE_PATH_RE.fullmatch(path)
        film = self.films.get(int(match[1])) if match else None
        if film is None:
            return json_reply(404, NOT_FOUND)
        return json_reply(200, external_ids(film) if match[2] else details(film))

    def search(self, query):
        """Films whose title contains the query, case-insensitively, released in `year` when given."""
        text = query.get("query", "").strip().casefold()
        year = query.get("year") or query.get("primary_release_year") or ""
        page = query.get("page", "1")
        hits = [
            film
            for film in self.films.values()
            if text
            and (text in film.title.casefold() or text in film.original_title.casefold())
            and (not year or str(film.year) == year.strip())
        ]
        hits.sort(key=lambda film: -film.popularity)
        results = [summary(film) for film in hits] if page == "1" else []
        return {
            "page": int(page) if page.isdigit() else 1,
            "results": results,
            "total_pages": 1,
            "total_results": len(hits),
        }

    @classmethod
    def argument_parser(cls):
        parser = super().argument_parser()
        parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the api_key query parameter accepted")
        parser.add_argument("--bearer", default=DEFAULT_BEARER, help="the Authorization: Bearer token accepted")
        return parser

    @classmethod
    def options(cls, args):
        return {**super().options(args), "api_key": args.api_key, "bearer": args.bearer}


if __name__ == "__main__":
    raise SystemExit(FakeTMDB.main())
