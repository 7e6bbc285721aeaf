"""Column names: this app's CSV export, and the headings of CLZ Movies' and Letterboxd's exports it reads.

A header row maps to DVD fields (`map_headings`), and each field has its cell parser (`PARSERS`,
from `cells`); this app's own export is read back verbatim (`OWN_EXPORT_PARSERS`).
"""

import re

from tracker.collection_io.cells import (
    parse_barcode,
    parse_bool,
    parse_condition,
    parse_currency,
    parse_datetime,
    parse_disc_count,
    parse_disk_type,
    parse_imdb_id,
    parse_list,
    parse_media_type,
    parse_multiline,
    parse_price,
    parse_purchase_date,
    parse_runtime,
    parse_status,
    parse_text,
    parse_tmdb_id,
    parse_url,
    parse_verbatim,
    parse_year,
)

# This app's own CSV export: (heading, what it holds). The importer reads every heading back.
EXPORT_COLUMNS = [
    ("id", "id"),
    ("title", "name"),
    ("year", "release_year"),
    ("format", "disk_type"),
    ("media_type", "media_type"),
    ("status", "status"),
    ("location", "storage_box"),
    ("box_set", "box_set_name"),
    ("unwatched", "is_unwatched"),
    ("unopened", "is_unopened"),
    ("imdb_id", "imdb_id"),
    ("tmdb_id", "tmdb_id"),
    ("barcode", "barcode"),
    ("director", "director"),
    ("genres", "genres"),
    ("runtime", "runtime"),
    ("poster_url", "poster_url"),
    ("overview", "overview"),
    ("notes", "notes"),
    ("edition", "edition"),
    ("region", "region"),
    ("discs", "disc_count"),
    ("condition", "condition"),
    ("purchase_date", "purchase_date"),
    ("purchase_price", "purchase_price"),
    ("currency", "purchase_currency"),
    ("store", "purchase_store"),
    ("loaned_to", "lent_to"),
    ("loaned_on", "lent_on"),
    ("loan_due", "loan_due"),
    ("added", "created_at"),
    ("updated", "updated_at"),
    ("torrents_updated", "yts_last_updated"),
    ("torrent_count", "yts_torrent_count"),
    ("torrent_urls", "torrent_urls"),
]

# Normalised heading -> field, best first within each field. "is_watched" is read inverted
# into is_unwatched; "ignore" headings are known and deliberately not imported.
ALIASES = {
    "name": ["title", "name", "movie title", "film title", "movie", "film"],
    "release_year": ["year", "release year", "movie release year", "release date", "original release date"],
    "disk_type": ["format", "disc format", "disk type", "media format"],
    "media_type": ["media type", "media"],
    "status": ["status", "collection status"],
    "storage_box": ["location", "storage box", "storage", "shelf"],
    "box_set_name": ["box set", "box set name", "boxset"],
    "is_unwatched": ["unwatched"],
    "is_watched": ["seen it", "watched", "seen"],
    "is_unopened": ["unopened", "sealed"],
    "imdb_id": ["imdb id", "imdb url", "imdb number", "imdb", "imdb link", "imdbid"],
    "tmdb_id": ["tmdb id", "tmdb", "tmdbid", "tmdb url"],
    "barcode": ["barcode", "upc", "ean", "upc ean"],
    "director": ["director", "directors"],
    "genres": ["genres", "genre"],
    "runtime": ["runtime", "running time", "length", "duration"],
    "poster_url": ["poster url", "poster"],
    "overview": ["overview", "plot", "description", "synopsis"],
    "notes": ["notes", "note", "comments"],
    "created_at": ["added", "added date", "date added", "date"],
    "edition": ["edition", "edition name"],
    "region": ["region", "region code"],
    "disc_count": ["discs", "disc count", "number of discs", "nr of discs", "no of discs"],
    "condition": ["condition"],
    "purchase_date": ["purchase date", "purchased", "date purchased", "purchased on"],
    "purchase_price": ["purchase price", "price paid", "price"],
    "purchase_currency": ["currency", "purchase currency"],
    "purchase_store": ["store", "purchase store", "purchased at", "shop", "bought at"],
    "lent_to": ["loaned to", "lent to", "on loan to", "borrower"],
    "lent_on": ["loaned on", "lent on", "loan date", "date loaned"],
    "loan_due": ["loan due", "due date", "due back", "loan due date"],
    "ignore": [
        "id", "updated", "torrents updated", "torrent count", "torrent urls", "letterboxd uri", "rating",
        "rewatch", "tags", "watched date", "sort title", "index", "review",
    ],
}  # fmt: skip
_PRIORITY = {alias: (field, rank) for field, names in ALIASES.items() for rank, alias in enumerate(names)}

# A leading apostrophe was added by our export to keep spreadsheets from running a formula, and to
# text that starts with an apostrophe before one of these, so that taking one off gives it back.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
OWN_EXPORT = "DVD Collection Tracker CSV"


def normalise_heading(heading):
    return " ".join(re.sub(r"[^0-9a-z]+", " ", heading.replace("\ufeff", "").casefold()).split())


def map_headings(headings):
    """[(heading, field or '')] for a header row: each field from its best-ranked heading only."""
    best = {}
    for index, heading in enumerate(headings):
        found = _PRIORITY.get(normalise_heading(heading))
        if found and found[0] != "ignore" and (found[0] not in best or found[1] < best[found[0]][1]):
            best[found[0]] = (index, found[1])
    by_index = {index: field for field, (index, _) in best.items()}
    return [(heading, by_index.get(index, "")) for index, heading in enumerate(headings)]


def source_label(headings):
    """Which export a header row comes from, for the preview."""
    names = {normalise_heading(h) for h in headings}
    if {"torrent urls", "media type"} <= names:
        return OWN_EXPORT
    if "letterboxd uri" in names:
        return "Letterboxd CSV"
    if names & {"collection status", "imdb url", "imdb number", "seen it", "movie release year"}:
        return "CLZ Movies CSV"
    return "CSV"


def unquote_formula(text):
    """The cell without the apostrophe our export put before a formula-like (or apostrophe-led) text."""
    if len(text) > 1 and text[0] == QUOTE and text[1] in (*FORMULA_PREFIXES, QUOTE):
        return text[1:]
    return text


PARSERS = {
    "name": parse_text,
    "release_year": parse_year,
    "disk_type": parse_disk_type,
    "media_type": parse_media_type,
    "status": parse_status,
    "storage_box": parse_text,
    "box_set_name": parse_text,
    "is_unwatched": parse_bool,
    "is_watched": lambda text: parse_bool(text, invert=True),
    "is_unopened": parse_bool,
    "imdb_id": parse_imdb_id,
    "tmdb_id": parse_tmdb_id,
    "barcode": parse_barcode,
    "director": parse_list,
    "genres": parse_list,
    "runtime": parse_runtime,
    "poster_url": parse_url,
    "overview": parse_multiline,
    "notes": parse_multiline,
    "created_at": parse_datetime,
    "edition": parse_text,
    "region": parse_text,
    "disc_count": parse_disc_count,
    "condition": parse_condition,
    "purchase_date": parse_purchase_date,
    "purchase_price": parse_price,
    "purchase_currency": parse_currency,
    "purchase_store": parse_text,
    "lent_to": parse_text,
    "lent_on": parse_purchase_date,
    "loan_due": parse_purchase_date,
}
FIELD_OF = {"is_watched": "is_unwatched"}


# This app's own export wrote its text from the database: it is read back as it is, spaces,
# line ends and list separators included, so that an export imported again is the same DVDs.
VERBATIM_FIELDS = (
    "name", "storage_box", "box_set_name", "director", "genres", "overview", "notes", "edition", "region",
    "purchase_store", "lent_to",
)  # fmt: skip
OWN_EXPORT_PARSERS = {**PARSERS, **dict.fromkeys(VERBATIM_FIELDS, parse_verbatim)}
