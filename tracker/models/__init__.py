"""The tracker's models: the DVD (dvd.py, with its choices, list queries and YTS columns beside it),
import jobs (imports.py), and loans and share links (lending.py)."""

from tracker.models.choices import EDITION_SUGGESTIONS, REGION_SUGGESTIONS, Condition, DiskType, MediaType, Status
from tracker.models.dvd import (
    DVD,
    LAST_STORABLE_YEAR,
    POSTER_URL_MAX_LENGTH,
    POSTER_URL_PREFIX,
    PRICE_DIGITS,
    DVDQuerySet,
    default_currency,
    film_changed,
)
from tracker.models.imports import ImportJob, ImportRow, ImportStatus
from tracker.models.lending import Loan, ShareKind, ShareLink
from tracker.models.listing import LIST_PAGE_FIELDS, SORT_ORDERINGS, film_key
from tracker.models.yts_columns import (
    BEST_TORRENTS_KEPT,
    FAILURE_REASON_MAX_LENGTH,
    NO_TORRENTS_YET,
    YTS_FIELDS,
    yts_values,
)

__all__ = [
    "BEST_TORRENTS_KEPT",
    "DVD",
    "EDITION_SUGGESTIONS",
    "FAILURE_REASON_MAX_LENGTH",
    "LAST_STORABLE_YEAR",
    "LIST_PAGE_FIELDS",
    "NO_TORRENTS_YET",
    "POSTER_URL_MAX_LENGTH",
    "POSTER_URL_PREFIX",
    "PRICE_DIGITS",
    "REGION_SUGGESTIONS",
    "SORT_ORDERINGS",
    "YTS_FIELDS",
    "Condition",
    "DVDQuerySet",
    "DiskType",
    "ImportJob",
    "ImportRow",
    "ImportStatus",
    "Loan",
    "MediaType",
    "ShareKind",
    "ShareLink",
    "Status",
    "default_currency",
    "film_changed",
    "film_key",
    "yts_values",
]
