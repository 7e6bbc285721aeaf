"""What one row would do: add a DVD, be a duplicate, fail validation, or be skipped.

The preview (dry run) and the import use the same function, so what the preview promises is
what the import does. A row is a duplicate when it is the same item as a DVD already in the
collection, or as an earlier row of the file: the same film (same TMDB id, IMDb id, or title and
year) and the same copy of it (format, media type, edition, region, location, box set and barcode,
as far as the file gives them; in this app's own export, the same exported DVD). Another copy of a
film is added, and the preview says so ("Another copy of …").
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from tracker.collection_io.matching import normalise_title
from tracker.models import DVD
from tracker.models.imports import Plan

DATETIME_FIELDS = ("created_at", "yts_last_updated", "yts_last_error_at")
DETAIL_FIELDS = ("imdb_id", "runtime", "genres", "director")
_MODEL_FIELDS = {f.name for f in DVD._meta.concrete_fields} - {"id", "owner", "created_at", "updated_at"}
MESSAGE_CAP = 255
# Checked even when a row does not give it: the title has no default.
ALWAYS_VALIDATED = ("name",)
# A row's title is compared three times (find, copy_of, add), and a file holds several copies of a
# film; remembering the last few thousand titles took a sixth off planning 100,000 rows (`make bench-scale`).
_title_key = lru_cache(maxsize=4096)(normalise_title)


def film_keys(values):
    keys = []
    if values.get("tmdb_id"):
        keys.append(("tmdb", values["tmdb_id"]))
    if values.get("imdb_id"):
        keys.append(("imdb", values["imdb_id"]))
    if values.get("name"):
        keys.append(("title", _title_key(values["name"]), values.get("release_year")))
    return keys


# What tells one physical copy of a film from another.
ITEM_FIELDS = ("disk_type", "media_type", "edition", "region", "storage_box", "box_set_name", "barcode")
_ITEM_DEFAULTS = [DVD._meta.get_field(name).get_default() for name in ITEM_FIELDS]


def item_of(values):
    return tuple(values.get(name) or default for name, default in zip(ITEM_FIELDS, _ITEM_DEFAULTS, strict=True))


@dataclass(frozen=True)
class Copy:
    """A DVD of the collection, or one that a row planned so far will add."""

    label: str
    item: tuple
    line: int | None = None
    exported_id: int | None = None

    @property
    def duplicate_message(self):
        if self.line is None:
            return f"{self.label} is already in your collection."
        return f"Same film as line {self.line} of this file."

    @property
    def copy_message(self):
        if self.line is None:
            return f"Another copy of {self.label}, which is already in your collection."
        return f"Another copy of the film on line {self.line} of this file."


class CollectionIndex:
    """The DVDs an owner has, and those that the rows planned so far will add, by film key."""

    def __init__(self, owner, item_fields=ITEM_FIELDS):
        # A row is compared only on the item fields its file gives: without them, it means whichever copy is there.
        self.compared = [ITEM_FIELDS.index(name) for name in item_fields]
        self.copies = {}
        rows = (
            DVD.objects.for_user(owner)
            .order_by(Lower("name"), "pk")
            .values_list("name", "release_year", "imdb_id", "tmdb_id", *ITEM_FIELDS)
        )
        for name, year, imdb_id, tmdb_id, *item in rows.iterator(chunk_size=2000):
            label = f"“{name}{f' ({year})' if year else ''}”"
            film = {"name": name, "release_year": year, "imdb_id": imdb_id, "tmdb_id": tmdb_id}
            self._remember(film, Copy(label, tuple(item)))

    @classmethod
    def for_job(cls, job):
        """The index for a job's rows: a backup gives every item field, a CSV those it has columns for."""
        if job.kind == "json":
            return cls(job.owner)
        given = {field for _, field in job.columns}
        return cls(job.owner, [name for name in ITEM_FIELDS if name in given])

    def find(self, values):
        """Why the row is a duplicate (the same item is already there), or ""."""
        item, exported_id = item_of(values), values.get("exported_id")
        same = next((copy for copy in self._copies_of(values) if self._same_item(copy, item, exported_id)), None)
        return same.duplicate_message if same else ""

    def copy_of(self, values):
        """The DVD (or planned row) of the same film that this row is another copy of, or None."""
        return next(self._copies_of(values), None)

    def add(self, values, line):
        self._remember(values, Copy("", item_of(values), line, values.get("exported_id")))

    def _remember(self, values, copy):
        for key in film_keys(values):
            self.copies.setdefault(key, []).append(copy)

    def _copies_of(self, values):
        return (copy for key in film_keys(values) for copy in self.copies.get(key, ()))

    def _same_item(self, copy, item, exported_id):
        # Rows of this app's own export name the DVD they came from: two of them are one item only if it is one DVD.
        if copy.exported_id is not None and exported_id is not None:
            return copy.exported_id == exported_id
        return all(copy.item[i] == item[i] for i in self.compared)


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


def validation_problems(dvd, given=None):
    """The model's own validation of the fields a row gives (all of them when `given` is None); uniqueness
    is the index's job (and the database's). A field left at its default needs no check: checking them
    all took a third of planning 100,000 rows (`make bench-scale`)."""
    exclude = ["owner"]
    if given is not None:
        exclude += [name for name in _MODEL_FIELDS if name not in given and name not in ALWAYS_VALIDATED]
    try:
        dvd.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
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
    problems = validation_problems(dvd, given=values)
    if problems:
        return Plan.ERROR, " ".join(problems)[:MESSAGE_CAP], None
    copy = index.copy_of(values)
    index.add(values, row.line)
    return Plan.CREATE, copy.copy_message if copy else "", dvd
