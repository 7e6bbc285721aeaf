"""A DVD's YTS columns: their names, the values a fetch outcome writes to them, and the queries that
read and write them (a base of DVDQuerySet)."""

from datetime import timedelta

from django.conf import settings
from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from tracker import quality
from tracker.models.choices import Status

FAILURE_REASON_MAX_LENGTH = 255
# The torrents of the best listed quality kept for the Upgrades page, most seeded first.
BEST_TORRENTS_KEPT = 5


YTS_FIELDS = [
    "yts_data",
    "yts_last_updated",
    "yts_torrent_count",
    "yts_last_error",
    "yts_last_error_at",
    "yts_qualities",
    "yts_best_quality",
    "yts_best_torrents",
]


# A DVD whose IMDb id changes forgets the other film's torrents in the same write.
NO_TORRENTS_YET = {
    "yts_data": None,
    "yts_last_updated": None,
    "yts_torrent_count": 0,
    "yts_last_error": "",
    "yts_last_error_at": None,
    "yts_qualities": None,
    "yts_best_quality": 0,
    "yts_best_torrents": None,
}


def yts_values(fetched):
    """The columns an outcome writes: all of them for a torrent list, the failure ones for an error."""
    if fetched.failed:
        return {"yts_last_error": str(fetched.answer)[:FAILURE_REASON_MAX_LENGTH], "yts_last_error_at": fetched.started}
    listed = fetched.all_torrents
    best = quality.best_lines(t.get("quality") for t in listed)
    return {
        "yts_data": fetched.answer,
        "yts_last_updated": fetched.started,
        "yts_torrent_count": len(fetched.answer),
        "yts_last_error": "",
        "yts_last_error_at": None,
        "yts_qualities": quality.listed_qualities(listed),
        "yts_best_quality": best,
        "yts_best_torrents": quality.torrents_of(listed, best)[:BEST_TORRENTS_KEPT],
    }


def fresh_cutoff(max_age_hours=None):
    """The moment before which stored torrents are stale (max_age_hours, default YTS_MAX_DATA_AGE_HOURS)."""
    if max_age_hours is None:
        max_age_hours = settings.YTS_MAX_DATA_AGE_HOURS
    return timezone.now() - timedelta(hours=max_age_hours)


def is_fresh(last_updated, max_age_hours=None):
    """Torrents stored at `last_updated` (None: never) are still fresh."""
    return last_updated is not None and last_updated > fresh_cutoff(max_age_hours)


class YTSColumnsQuerySet(models.QuerySet):
    """The DVD queries that read or write the YTS columns (DVDQuerySet is built on it)."""

    def stale(self, max_age_hours=None):
        """DVDs whose torrents were never fetched, or fetched over max_age_hours ago."""
        return self.filter(Q(yts_last_updated__isnull=True) | Q(yts_last_updated__lt=fresh_cutoff(max_age_hours)))

    def store_yts_outcomes(self, fetched):
        """Write fetch outcomes (tracker.refresh.Fetched) to every DVD of their films, never over newer ones.

        Only the YTS columns are written, by IMDb id, so an edit saved meanwhile survives;
        a failure writes only the failure columns, so good torrents and their time are kept.
        A film is written only where neither its torrents nor its last failure are newer than
        the fetch's start, so a slow or late outcome cannot replace what a later fetch stored.
        One UPDATE for the successes and one for the failures, a value differing between
        films being a CASE on the IMDb id. Not bulk_update: its CASE per DVD and column cost
        ~3 ms of Python per DVD, most of a 10,000-DVD batch's time (`make bench`, figure 4).
        Call it through tracker.refresh.store, the one writer of fetched torrents.
        """
        # No transaction around the two: each UPDATE is whole by itself and guarded by its start
        # times, and one open across both would hold the rows' locks while this thread waits its
        # turn for the GIL and Redis, so an edit of the same DVD waited up to a second under load.
        for group in ([f for f in fetched if not f.failed], [f for f in fetched if f.failed]):
            if not group:
                continue
            started = self._per_film({f.imdb_id: f.started for f in group}, "yts_last_updated")
            nothing_newer = (Q(yts_last_updated__isnull=True) | Q(yts_last_updated__lte=started)) & (
                Q(yts_last_error_at__isnull=True) | Q(yts_last_error_at__lte=started)
            )
            rows = {f.imdb_id: yts_values(f) for f in group}
            names = rows[group[0].imdb_id]
            columns = {name: self._per_film({k: row[name] for k, row in rows.items()}, name) for name in names}
            self.filter(nothing_newer, imdb_id__in=list(rows)).update(**columns)

    def _per_film(self, values, field_name):
        """An expression giving each film (by IMDb id) its value: a constant where all agree, else a CASE."""
        field = self.model._meta.get_field(field_name)
        first = next(iter(values.values()))
        if all(value == first for value in values.values()):
            return first
        case = Case(*(When(imdb_id=k, then=Value(v, output_field=field)) for k, v in values.items()))
        return Cast(case, output_field=field) if connections[self.db].features.requires_casted_case_in_updates else case

    def upgradable(self):
        """Kept copies of films for which YTS lists a better quality than the copy gives."""
        formats = Case(
            *(When(disk_type=disk_type, then=Value(lines)) for disk_type, lines in quality.FORMAT_LINES.items()),
            default=Value(0),
        )
        # Every copy gives some lines (0 at least), so only a film with a ranked quality listed can be
        # better: said outright, the count every page shows reads a small partial index (dvd_owner_upgradable).
        return (
            self.filter(status=Status.KEPT, yts_best_quality__gt=0)
            .alias(owned_lines=Coalesce("owned_quality", formats))
            .filter(yts_best_quality__gt=F("owned_lines"))
        )

    def set_imdb_id_where_missing(self, imdb_id, **values):
        """Give the IMDb id to those of these DVDs that have none (never over one set meanwhile)."""
        return self.filter(imdb_id="").update(imdb_id=imdb_id, updated_at=timezone.now(), **NO_TORRENTS_YET, **values)
