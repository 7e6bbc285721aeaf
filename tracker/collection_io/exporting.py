"""The CSV export: one row per DVD, every field, and the stored torrents' download links.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe; this app's importer takes it off again. So do cells that start
with an apostrophe the importer would otherwise take off, so that every text reads back as it was.
"""

import csv
from datetime import UTC

from django.db import transaction

from tracker.collection_io.columns import EXPORT_COLUMNS, FORMULA_PREFIXES, QUOTE, unquote_formula

TORRENT_URL_SEPARATOR = " "
CHUNK_SIZE = 500


class _Line:
    """A file-like object whose write() hands the CSV line back, for streaming."""

    def write(self, value):
        return value


def neutralise(value):
    text = "" if value is None else str(value)
    return QUOTE + text if text.startswith(FORMULA_PREFIXES) or unquote_formula(text) != text else text


def _cell(dvd, field):
    if field == "id":
        return dvd.pk
    if field == "torrent_urls":
        return TORRENT_URL_SEPARATOR.join(
            t["url"] for t in dvd.get_cached_torrents() if isinstance(t, dict) and isinstance(t.get("url"), str)
        )
    value = getattr(dvd, field, None)  # the loan's columns are annotations (DVDQuerySet.with_open_loan)
    if field in ("disk_type", "media_type", "status", "condition"):
        return getattr(dvd, f"get_{field}_display")()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).isoformat()
    return value


def streamed_rows(queryset):
    """The queryset's rows, read CHUNK_SIZE at a time as they are sent, in one transaction.

    On PostgreSQL a server-side cursor opened outside a transaction is WITH HOLD, which computes
    every row before the first is read: a 100,000-DVD download started after ~4 s (`make bench-scale`).
    In a transaction the first rows leave at once, and the file is one consistent snapshot.
    """
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)


def export_row(dvd):
    return [neutralise(_cell(dvd, field)) for _, field in EXPORT_COLUMNS]


def csv_lines(queryset):
    """The export, a line at a time, without holding the collection in memory."""
    writer = csv.writer(_Line())
    yield "\ufeff"  # a byte-order mark, so Excel opens the file as UTF-8
    yield writer.writerow([heading for heading, _ in EXPORT_COLUMNS])
    for dvd in streamed_rows(queryset.with_open_loan()):
        yield writer.writerow(export_row(dvd))
