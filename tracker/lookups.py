"""What one DVD asks of YTS and TMDB: its torrents refreshed, whether YTS lists any, its IMDb id looked up,
and the refresh a save that changed its film starts.

The spec's DVD methods of those names (DVD.refresh_yts_data, DVD.has_torrents, DVD.fetch_imdb_id) call
these: the bodies live here because they need the refresh code and the services, which need the models.
"""

from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce

from tracker import refresh
from tracker.models import DVD, POSTER_URL_MAX_LENGTH, POSTER_URL_PREFIX, YTS_FIELDS
from tracker.refresh import background
from tracker.services.tmdb import TMDBNotFound, TMDBService
from tracker.services.yts import YTSBusy, YTSService
from tracker.validators import FIRST_FILM_YEAR, latest_release_year


def refresh_yts_data(dvd, *, force=False, patient=True):
    """Fetch the DVD's torrents from YTS and store them; False if there is no IMDb id or YTS failed.

    A failure keeps the stored torrents and their timestamp and records the reason.
    `force` skips the cache (the person pressed Refresh). Every DVD with the same
    IMDb id, whoever owns it, is updated from the one answer (tracker.refresh).
    With patient=False (a web request), a full pace or a long-held lock raises YTSBusy
    and stores nothing.
    """
    if not dvd.imdb_id:
        return False
    result = refresh.refresh_film(dvd.imdb_id, refresh.Policy(use_cache=not force, patient=patient))
    if result.status == refresh.BUSY:
        raise YTSBusy("This film is being refreshed right now; try again in a few seconds")
    for name, value in result.stored.items():
        setattr(dvd, name, value)
    return result.status == refresh.REFRESHED


def has_torrents(dvd):
    """Check if this DVD has any torrents available (may call YTS; for the shell, not templates)."""
    if not dvd.imdb_id:
        return False
    if dvd.get_cached_torrents():
        return True
    if not dvd.is_yts_data_fresh():
        return len(YTSService().get_quality_torrents(dvd.imdb_id)) > 0
    return False


def fetch_imdb_id(dvd):
    """Look the IMDb id up on TMDB and store it where none was set meanwhile (filling an empty
    year or poster with valid values only), then fetch its torrents. Returns the stored id;
    raises TMDBNotFound, TMDBNotConfigured or another TMDBError.
    """
    details = TMDBService().get_movie(dvd.tmdb_id)
    if not details.imdb_id:
        raise TMDBNotFound("TMDB has no IMDb id for this film")
    fill = {}
    if details.year and FIRST_FILM_YEAR <= details.year <= latest_release_year():
        fill["release_year"] = Coalesce("release_year", Value(details.year))
    if details.poster_url.startswith(POSTER_URL_PREFIX) and len(details.poster_url) <= POSTER_URL_MAX_LENGTH:
        fill["poster_url"] = Case(
            When(poster_url="", then=Value(details.poster_url)),
            default=F("poster_url"),
            output_field=DVD._meta.get_field("poster_url"),
        )
    DVD.objects.filter(pk=dvd.pk).set_imdb_id_where_missing(details.imdb_id, **fill)
    dvd.refresh_from_db(fields=["imdb_id", "release_year", "poster_url", "updated_at", *YTS_FIELDS])
    if refresh.refresh_film(dvd.imdb_id, refresh.PAGE).status == refresh.BUSY:
        background.refresh_in_background(dvd.imdb_id)  # the torrents arrive a little later
    dvd.refresh_from_db(fields=YTS_FIELDS)
    return dvd.imdb_id


def refresh_changed_film(sender, imdb_id, **kwargs):
    """tracker.models.film_changed's receiver: fetch the torrents of the film a DVD was just given."""
    background.refresh_in_background(imdb_id)
