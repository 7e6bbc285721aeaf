"""The JSON backup: every field of every DVD, written in a fixed order so that a backup restored
into an empty account and exported again is the same file apart from ids and timestamps."""

import json
from datetime import UTC, datetime

from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from tracker.collection_io.cells import parse_price, parse_purchase_date
from tracker.collection_io.exporting import streamed_rows
from tracker.collection_io.rows import ImportFileError, ParsedFile, ParsedRow
from tracker.services.yts import YTSBadResponse, parse_torrent
from tracker.torrent_links import allowed_download_hosts

FORMAT = "dvd-collection-tracker-backup"
VERSION = 1

TEXT_FIELDS = [
    "name", "disk_type", "media_type", "status", "storage_box", "box_set_name", "imdb_id", "barcode",
    "director", "genres", "poster_url", "overview", "notes", "yts_last_error", "edition", "region",
    "purchase_currency", "purchase_store", "condition", "lent_to",
]  # fmt: skip
NUMBER_FIELDS = ["release_year", "tmdb_id", "runtime", "disc_count"]
# Written as text ("12.99", "2024-03-31"), read back with the CSV's parsers.
PARSED_FIELDS = {
    "purchase_price": parse_price,
    "purchase_date": parse_purchase_date,
    "lent_on": parse_purchase_date,
    "loan_due": parse_purchase_date,
}
FLAG_FIELDS = ["is_unwatched", "is_unopened"]
MOMENT_FIELDS = ["created_at", "yts_last_updated", "yts_last_error_at"]
# Written for the reader's benefit; a restore makes its own.
GENERATED_FIELDS = ["id", "updated_at", "yts_torrent_count"]
BACKUP_FIELDS = [
    "id", "name", "release_year", "disk_type", "media_type", "status", "storage_box", "box_set_name",
    "is_unwatched", "is_unopened", "imdb_id", "tmdb_id", "barcode", "director", "genres", "runtime",
    "poster_url", "overview", "notes", "created_at", "updated_at",
    "yts_data", "yts_last_updated", "yts_torrent_count", "yts_last_error", "yts_last_error_at",
    "edition", "region", "disc_count", "condition", "purchase_date", "purchase_price", "purchase_currency",
    "purchase_store", "lent_to", "lent_on", "loan_due",
]  # fmt: skip


def backup_order(queryset):
    """A fixed order that does not depend on ids, so a restored collection is written in the same order."""
    return queryset.order_by(
        Lower("name"), "name", F("release_year").asc(nulls_first=True), "created_at", "disk_type", "pk"
    )


def _moment(value):
    return value.astimezone(UTC).isoformat() if value else None


def entry(dvd):
    # The open loan's fields are annotations (DVDQuerySet.with_open_loan).
    values = {name: getattr(dvd, name, None) for name in BACKUP_FIELDS}
    values["id"] = dvd.pk
    for name in (*MOMENT_FIELDS, "updated_at"):
        values[name] = _moment(values[name])
    for name in PARSED_FIELDS:
        values[name] = None if values[name] is None else str(values[name])
    return values


def backup_chunks(queryset, exported_at=None):
    """The backup document as text chunks, one DVD a line, without holding the collection in memory."""
    exported_at = _moment(exported_at or timezone.now())
    yield f'{{"format": "{FORMAT}", "version": {VERSION}, "exported_at": "{exported_at}", "dvds": ['
    separator = "\n"
    for dvd in streamed_rows(backup_order(queryset.with_open_loan())):
        yield separator + json.dumps(entry(dvd), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


# --- reading --------------------------------------------------------------------------------


def read_backup(text):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"The JSON cannot be read (line {exc.lineno}: {exc.msg}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFileError(f"This JSON is not a backup from this app (its “format” is not “{FORMAT}”).")
    if document.get("version") != VERSION:
        raise ImportFileError(f"This backup is version {document.get('version')!r}; this app reads version {VERSION}.")
    entries = document.get("dvds")
    if not isinstance(entries, list):
        raise ImportFileError("This backup has no list of DVDs (“dvds”).")
    hosts = allowed_download_hosts()
    rows = [_row(number, entry, hosts) for number, entry in enumerate(entries, start=1)]
    return ParsedFile("json", "DVD Collection Tracker backup (JSON)", [], rows)


def _row(number, entry, hosts):
    row = ParsedRow(number, identified=True)
    if not isinstance(entry, dict):
        row.problems.append("This entry is not an object.")
        return row
    for name in TEXT_FIELDS:
        _take(row, entry, name, lambda v: isinstance(v, str), "text")
    for name in NUMBER_FIELDS:
        _take(row, entry, name, lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
    for name in FLAG_FIELDS:
        _take(row, entry, name, lambda v: isinstance(v, bool), "true or false")
    for name in MOMENT_FIELDS:
        _take(row, entry, name, _is_moment, "a date-time with its time zone")
    for name, parse in PARSED_FIELDS.items():
        if isinstance(entry.get(name), str):
            cell = parse(entry[name])
            row.values[name] = cell.value
            row.problems += [cell.problem] if cell.problem else []
            row.warnings += [cell.warning] if cell.warning else []
    # The DVD's id in the account it was exported from: two entries with different ids are two copies.
    if isinstance(entry.get("id"), int) and not isinstance(entry["id"], bool):
        row.values["exported_id"] = entry["id"]
    torrents = entry.get("yts_data")
    if torrents is not None:
        row.values["yts_data"] = _torrents(torrents, row, hosts)
    if not row.values.get("name"):
        row.problems.insert(0, "No title.")
    return row


def _take(row, entry, name, valid, what):
    value = entry.get(name)
    if value is None:
        return
    if not valid(value):
        row.problems.append(f"“{name}” must be {what}.")
        return
    row.values[name] = _moment(datetime.fromisoformat(value)) if name in MOMENT_FIELDS else value


def _is_moment(value):
    try:
        return isinstance(value, str) and timezone.is_aware(datetime.fromisoformat(value))
    except ValueError:
        return False


def _torrents(raw_torrents, row, hosts):
    """Stored torrents, re-checked like a YTS answer: a backup is a file from anywhere."""
    if not isinstance(raw_torrents, list):
        row.warnings.append("Its stored torrents were left out: they are not a list.")
        return None
    kept = []
    for raw in raw_torrents:
        try:
            torrent = parse_torrent(raw, hosts)
        except YTSBadResponse:
            torrent = None
        if torrent is not None:
            kept.append(torrent.as_dict())
    if len(kept) < len(raw_torrents):
        row.warnings.append(f"{len(raw_torrents) - len(kept)} stored torrents were left out: not valid YTS links.")
    return kept
