"""What one row would do: add a DVD, be a duplicate, fail validation, or be skipped.

The preview (dry run) and the import use the same function, so what the preview promises is
what the import does. Duplicates are films already in the collection, or earlier in the file,
with the same TMDB id, IMDb id, or title and year.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from tracker.collection_io.matching import normalise_title
from tracker.models import DVD
from tracker.models_io import Plan

DATETIME_FIELDS = ("created_at", "yts_last_updated", "yts_last_error_at")
DETAIL_FIELDS = ("imdb_id", "runtime", "genres", "director")
_MODEL_FIELDS = {f.name for f in DVD._meta.concrete_fields} - {"id", "owner", "created_at", "updated_at"}
MESSAGE_CAP = 255


def film_keys(values):
    keys = []
    if values.get("tmdb_id"):
        keys.append(("tmdb", values["tmdb_id"]))
    if values.get("imdb_id"):
        keys.append(("imdb", values["imdb_id"]))
    if values.get("name"):
        keys.append(("title", normalise_title(values["name"]), values.get("release_year")))
    return keys


class CollectionIndex:
    """The films an owner has, and those rows planned so far will add: key -> what holds it."""

    def __init__(self, owner, within_file="all"):
        self.taken = {}
        # A backup may hold one film twice (a DVD and a Blu-ray); only the TMDB id must be unique.
        self.within_file = within_file
        rows = (
            DVD.objects.for_user(owner)
            .order_by(Lower("name"))
            .values_list("name", "release_year", "imdb_id", "tmdb_id")
        )
        for name, year, imdb_id, tmdb_id in rows.iterator(chunk_size=2000):
            label = f"“{name}{f' ({year})' if year else ''}” is already in your collection."
            for key in film_keys({"name": name, "release_year": year, "imdb_id": imdb_id, "tmdb_id": tmdb_id}):
                self.taken.setdefault(key, label)

    def find(self, values):
        return next((self.taken[key] for key in film_keys(values) if key in self.taken), "")

    def add(self, values, line):
        for key in film_keys(values):
            if self.within_file == "all" or key[0] == "tmdb":
                self.taken.setdefault(key, f"Same film as line {line} of this file.")


def resolved_values(row, details=None):
    """The DVD's values: the file's, with the chosen TMDB film's title, year and id (and details, if fetched)."""
    values = dict(row.values)
    chosen = row.chosen_candidate
    if chosen:
        values["name"] = chosen["title"]
        values["tmdb_id"] = chosen["tmdb_id"]
        values["release_year"] = chosen["year"] or values.get("release_year")
        for name in ("poster_url", "overview"):
            values[name] = values.get(name) or chosen[name]
    if details is not None:
        for name in DETAIL_FIELDS:
            values[name] = values.get(name) or getattr(details, name)
    return values


def build_dvd(owner, values):
    fields = {name: value for name, value in values.items() if name in _MODEL_FIELDS and value is not None}
    for name in DATETIME_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = datetime.fromisoformat(fields[name])
    dvd = DVD(owner=owner, **fields)
    if "yts_data" in fields:
        dvd.yts_torrent_count = len(fields["yts_data"] or [])
    return dvd


def validation_problems(dvd):
    """The model's own validation; uniqueness is the index's job (and the database's)."""
    try:
        dvd.full_clean(exclude=["owner"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            f"{DVD._meta.get_field(name).verbose_name.capitalize() if name != '__all__' else 'DVD'}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def no_match_message(row):
    lookup_failure = next((w for w in row.warnings if w.startswith("TMDB lookup failed")), "")
    if lookup_failure:
        return f"{lookup_failure} Look the titles up again later, or import it as typed."
    if row.candidates:
        best = row.candidates[0]
        year = f" ({best['year']})" if best["year"] else ""
        return f"No confident match (best: “{best['title']}”{year}, {best['confidence']}%). Pick it or import as typed."
    return "No match on TMDB. Check the title, or import it as typed."


def plan_row(row, index, owner, fetch_details=None):
    """(plan, message, unsaved DVD or None) for a row, adding the film to `index` when it will be created.

    `fetch_details(tmdb_id)`, given at import time, fills the IMDb id, runtime, genres and director
    of a row matched on TMDB; it is called only for a row that is not a duplicate by then.
    """
    if row.problems:
        return Plan.ERROR, " ".join(row.problems)[:MESSAGE_CAP], None
    if row.choice == "skip":
        return Plan.SKIP, (row.skip_reason or "You chose to skip this row.")[:MESSAGE_CAP], None
    values = resolved_values(row)
    duplicate = index.find(values)
    if not duplicate and not row.choice:
        return Plan.ERROR, no_match_message(row)[:MESSAGE_CAP], None
    if not duplicate and fetch_details and row.chosen_tmdb_id and not values.get("imdb_id"):
        values = resolved_values(row, fetch_details(row.chosen_tmdb_id))
        duplicate = index.find(values)
    if duplicate:
        return Plan.DUPLICATE, duplicate, None
    dvd = build_dvd(owner, values)
    problems = validation_problems(dvd)
    if problems:
        return Plan.ERROR, " ".join(problems)[:MESSAGE_CAP], None
    index.add(values, row.line)
    return Plan.CREATE, "", dvd
