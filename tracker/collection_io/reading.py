"""An uploaded file's bytes to rows: a JSON backup, a CSV with a recognised title column, or plain text.

Anything wrong with the file as a whole raises `ImportFileError` with a message for the person,
before anything is written; anything wrong with one row is recorded on that row.
"""

import csv
import io
import re

from django.conf import settings

from tracker.collection_io import backup, profiler
from tracker.collection_io.columns import (
    ALIASES,
    FIELD_OF,
    OWN_EXPORT,
    OWN_EXPORT_PARSERS,
    PARSERS,
    map_headings,
    normalise_heading,
    source_label,
    unquote_formula,
)
from tracker.collection_io.rows import ImportFileError, ParsedFile, ParsedRow
from tracker.validators import is_ascii_digits

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
TEXT_YEAR_RE = re.compile(r"\A(?P<title>.+?)\s*[\(\[](?P<year>[0-9]{4})[\)\]]\Z")


def decode(data):
    """The file's text: UTF-8, with or without a byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("The file is UTF-16 text. Save it as “CSV UTF-8” (or UTF-8 text) and upload it again.")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ImportFileError("This is not a text file. Upload a CSV, a plain-text list of titles or a JSON backup.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start} is not UTF-8). "
            "Save it as “CSV UTF-8” (or UTF-8 text) and upload it again."
        ) from None


def read_upload(filename, data):
    """Parse an upload; raises ImportFileError (nothing is stored) for a file that cannot be imported."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1e6:.1f} MB; the most this import takes is "
            f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1e6:.1f} MB. Split it and import the parts one after another."
        )
    if profiler.looks_like_profiler(filename, data):
        return _checked(profiler.read_profiler(data))
    text = decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    name = filename.lower()
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        parsed = backup.read_backup(text)
    else:
        parsed = _read_csv(text, must_be_csv=name.endswith((".csv", ".tsv"))) or _read_lines(text)
    return _checked(parsed)


def _checked(parsed):
    """The parsed file, unless it has no rows or more than an import takes."""
    if not parsed.rows:
        raise ImportFileError("The file has no rows to import.")
    if len(parsed.rows) > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            f"The file has more than {settings.IMPORT_MAX_ROWS} rows, the most one import takes. "
            "Split it and import the parts one after another."
        )
    return parsed


def _dialect(text):
    sample = text[:SNIFF_BYTES]
    first_line = sample.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        return csv.excel
    # The sniffer guesses from character counts; a delimiter absent from the header is a wrong guess.
    return dialect if dialect.delimiter in first_line else csv.excel


def _read_csv(text, must_be_csv):
    """A ParsedFile, or None when the first row names no title column (the file is then a list of titles)."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        headings = next(reader)
    except (csv.Error, StopIteration):
        headings = []
    columns = map_headings(headings)
    if not any(field_name == "name" for _, field_name in columns):
        if must_be_csv:
            raise ImportFileError(
                "No title column was found in the first row. Name it one of: "
                + ", ".join(f"“{alias.title()}”" for alias in ALIASES["name"][:3])
                + " (CLZ Movies and Letterboxd exports are recognised as they are)."
            )
        return None
    source = source_label(headings)
    own = _OwnExport(headings) if source == OWN_EXPORT else None
    rows = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_row_from_cells(start, cells, columns, own))
                if len(rows) > settings.IMPORT_MAX_ROWS:
                    break
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"Line {start} of the CSV cannot be read ({exc}); nothing was imported.") from None
    return ParsedFile("csv", source, [list(pair) for pair in columns], rows)


class _OwnExport:
    """This app's own export: its text is read as written, and each row names the DVD it came from."""

    parsers = OWN_EXPORT_PARSERS

    def __init__(self, headings):
        self.id_column = next((i for i, heading in enumerate(headings) if normalise_heading(heading) == "id"), None)

    def exported_id(self, cells):
        if self.id_column is None or self.id_column >= len(cells):
            return None
        text = cells[self.id_column].strip()
        return int(text) if is_ascii_digits(text) else None


def _row_from_cells(line, cells, columns, own=None):
    row = ParsedRow(line)
    parsers = own.parsers if own else PARSERS
    for (_, field_name), cell in zip(columns, cells, strict=False):
        if not field_name:
            continue
        parsed = parsers[field_name](unquote_formula(cell))
        if parsed.problem:
            row.problems.append(parsed.problem)
        if parsed.warning:
            row.warnings.append(parsed.warning)
        if parsed.skip:
            row.skip = parsed.skip
        if parsed.value is not None and parsed.value != "":
            row.values[FIELD_OF.get(field_name, field_name)] = parsed.value
    exported_id = own.exported_id(cells) if own else None
    if exported_id is not None:
        row.values["exported_id"] = exported_id
    if not row.values.get("name"):
        row.problems.insert(0, "No title.")
    # A row of our own export is a DVD as its owner kept it (matched or typed): it is not searched again.
    row.identified = bool(own or row.values.get("imdb_id") or row.values.get("tmdb_id"))
    return row


def _read_lines(text):
    """Plain text: one title a line, optionally 'Title (1999)'; blank lines and # comments are skipped."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line or line.startswith("#"):
            continue
        row = ParsedRow(number, {"name": line})
        match = TEXT_YEAR_RE.match(line)
        if match:
            row.values = {"name": match["title"], "release_year": int(match["year"])}
        rows.append(row)
        if len(rows) > settings.IMPORT_MAX_ROWS:
            break
    return ParsedFile("text", "Plain text, one title a line", [], rows)
