"""TMDB API v3 answers written from its documented shapes, for the tests."""

TMDB_BASE = "https://api.themoviedb.org/3"
INCEPTION = 27205


def external_ids(tmdb_id=INCEPTION, imdb_id="tt1375666"):
    return {"id": tmdb_id, "imdb_id": imdb_id, "wikidata_id": "Q25188", "facebook_id": None, "twitter_id": None}


def movie(tmdb_id=INCEPTION, imdb_id="tt1375666", **overrides):
    value = {
        "id": tmdb_id,
        "imdb_id": imdb_id,
        "title": "Inception",
        "original_title": "Inception",
        "release_date": "2010-07-15",
        "poster_path": "/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg",
        "overview": "Cobb, a skilled thief who commits corporate espionage by infiltrating the subconscious.",
        "runtime": 148,
        "genres": [{"id": 28, "name": "Action"}, {"id": 878, "name": "Science Fiction"}],
        "external_ids": external_ids(tmdb_id, imdb_id),
        "credits": {
            "cast": [],
            "crew": [{"name": "Christopher Nolan", "job": "Director"}, {"name": "X", "job": "Editor"}],
        },
    }
    value.update(overrides)
    return value


def search(*films):
    results = [
        {
            "id": f["id"],
            "title": f["title"],
            "original_title": f["title"],
            "release_date": f.get("release_date", ""),
            "poster_path": f.get("poster_path"),
            "overview": "",
            "popularity": 50.0,
        }
        for f in films
    ]
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
BAD_KEY = {"success": False, "status_code": 7, "status_message": "Invalid API key: You must be granted a valid key."}
