"""The CSV export: one row per DVD, every field, and the stored torrents' download links.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) get a leading apostrophe; this app's importer takes it off again.
"""

import csv
from datetime import UTC

from tracker.collection_io.columns import EXPORT_COLUMNS, FORMULA_PREFIXES

TORRENT_URL_SEPARATOR = " "


class _Line:
    """A file-like object whose write() hands the CSV line back, for streaming."""

    def write(self, value):
        return value


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell(dvd, field):
    if field == "id":
        return dvd.pk
    if field == "torrent_urls":
        return TORRENT_URL_SEPARATOR.join(
            t["url"] for t in dvd.get_cached_torrents() if isinstance(t, dict) and isinstance(t.get("url"), str)
        )
    value = getattr(dvd, field)
    if field in ("disk_type", "media_type", "status"):
        return getattr(dvd, f"get_{field}_display")()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).isoformat()
    return value


def export_row(dvd):
    return [neutralise(_cell(dvd, field)) for _, field in EXPORT_COLUMNS]


def csv_lines(queryset):
    """The export, a line at a time, without holding the collection in memory."""
    writer = csv.writer(_Line())
    yield "\ufeff"  # a byte-order mark, so Excel opens the file as UTF-8
    yield writer.writerow([heading for heading, _ in EXPORT_COLUMNS])
    for dvd in queryset.iterator(chunk_size=500):
        yield writer.writerow(export_row(dvd))
