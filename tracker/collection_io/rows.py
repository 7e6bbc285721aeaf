"""What reading a file produces: rows with their values, problems and warnings, or a file-level error."""

from dataclasses import dataclass, field


class ImportFileError(Exception):
    """The file cannot be imported at all; the message says why, for the person who uploaded it."""


@dataclass
class ParsedRow:
    line: int
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # The file says exactly which film this is (an IMDb or TMDB id, or a backup entry): no search.
    identified: bool = False
    skip: str = ""


@dataclass
class ParsedFile:
    kind: str
    source: str
    columns: list
    rows: list
