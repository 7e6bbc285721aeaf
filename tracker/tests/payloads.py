"""YTS answers written from the API's documented shape (list_movies.json), for the tests."""

import copy

SHAWSHANK = "tt0111161"
HASH_1080 = "A" * 40


def torrent(quality="1080p", type_="bluray", codec="x264", **overrides):
    value = {
        "url": f"https://yts.mx/torrent/download/{quality}{type_}{codec}",
        "hash": HASH_1080,
        "quality": quality,
        "type": type_,
        "is_repack": "0",
        "video_codec": codec,
        "bit_depth": "8",
        "audio_channels": "2.0",
        "seeds": 150,
        "peers": 10,
        "size": "2.1 GB",
        "size_bytes": 2254857830,
        "date_uploaded": "2023-01-15 12:00:00",
        "date_uploaded_unix": 1673784000,
    }
    value.update(overrides)
    return value


DEFAULT = object()


def movie(imdb_code=SHAWSHANK, torrents=DEFAULT, **overrides):
    value = {
        "id": 1,
        "url": "https://yts.mx/movies/the-shawshank-redemption-1994",
        "imdb_code": imdb_code,
        "title": "The Shawshank Redemption",
        "year": 1994,
        "rating": 9.3,
        "torrents": [torrent()] if torrents is DEFAULT else torrents,
    }
    value.update(overrides)
    return value


def list_movies(*movies, status="ok"):
    return {
        "status": status,
        "status_message": "Query was successful",
        "data": {"movie_count": len(movies), "limit": 1, "page_number": 1, "movies": list(movies)},
        "@meta": {"server_time": 1700000000, "api_version": 2},
    }


# A film with every quality and type YTS lists: 480p, 720p, 1080p, 2160p and 3D; bluray and web; x264 and x265.
FULL_FILM = list_movies(
    movie(
        torrents=[
            torrent("480p", "web", "x264", size="700 MB"),
            torrent("720p", "bluray", "x264", size="1.1 GB"),
            torrent("720p", "web", "x264", size="1.0 GB"),
            torrent("1080p", "bluray", "x264", size="2.1 GB"),
            torrent("1080p", "web", "x265", size="1.8 GB", bit_depth="10", audio_channels="5.1"),
            torrent("2160p", "bluray", "x265", size="5.9 GB", bit_depth="10"),
            torrent("3D", "bluray", "x264", size="2.0 GB"),
        ]
    )
)
FULL_FILM_DEFAULT_QUALITY_COUNT = 4  # the 720p and 1080p ones

NO_SUCH_FILM = {
    "status": "ok",
    "status_message": "Query was successful",
    "data": {"movie_count": 0, "limit": 1, "page_number": 1},
}


def with_movies(movies):
    """A successful answer whose data.movies is exactly `movies` (null, [], a string...)."""
    payload = copy.deepcopy(NO_SUCH_FILM)
    payload["data"]["movies"] = movies
    return payload
