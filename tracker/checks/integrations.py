"""System checks for the outside services and the collection: YTS, TMDB and barcode-lookup numbers and addresses,
the refresh schedule and runner, the page cache, import matching, magnet trackers and the currency."""

from babel.numbers import is_currency
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from dvdtracker.celery import cron
from dvdtracker.env import split_base_urls
from tracker.checks.values import is_whole_number
from tracker.services.http import base_url_problem
from tracker.torrent_links import tracker_problem

POSITIVE_INT_SETTINGS = (
    "YTS_CACHE_TIMEOUT",
    "YTS_EMPTY_CACHE_TIMEOUT",
    "YTS_MAX_DATA_AGE_HOURS",
    "YTS_API_TIMEOUT",
    "YTS_MAX_RESPONSE_BYTES",
    "YTS_MAX_TORRENTS",
    "TMDB_API_TIMEOUT",
    "TMDB_MAX_RESPONSE_BYTES",
    "TMDB_SEARCH_CACHE_TIMEOUT",
    "TMDB_MOVIE_CACHE_TIMEOUT",
    "YTS_BATCH_CONCURRENCY",
    "YTS_BACKGROUND_THREADS",
    "IMPORT_MAX_UPLOAD_BYTES",
    "IMPORT_MAX_ROWS",
    "IMPORT_JOB_RETENTION_DAYS",
    "UPC_LOOKUP_TIMEOUT",
    "UPC_LOOKUP_MAX_RESPONSE_BYTES",
    "UPC_LOOKUP_CACHE_TIMEOUT",
    "UPC_LOOKUP_EMPTY_CACHE_TIMEOUT",
)
NON_NEGATIVE_INT_SETTINGS = (
    "YTS_MAX_RETRIES",
    "YTS_REFRESH_MIN_INTERVAL",
    "TMDB_MAX_RETRIES",
    "YTS_MAX_REQUESTS_PER_SECOND",
    "YTS_FAILURE_BACKOFF_SECONDS",
    "PAGE_CACHE_SECONDS",
    "TMDB_MAX_REQUESTS_PER_SECOND",
    "TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE",
    "ENDPOINT_RATE_LIMIT_PER_MINUTE",
    "IMPORT_MATCH_THRESHOLD",
    "SHARED_PAGE_RATE_LIMIT_PER_MINUTE",
    "UPC_LOOKUP_MAX_RETRIES",
    "UPC_LOOKUP_MAX_REQUESTS_PER_SECOND",
)

# Seconds that may be fractional.
NON_NEGATIVE_NUMBER_SETTINGS = ("YTS_PACING_MAX_WAIT_SECONDS",)


def _base_url_errors(name):
    base_urls = split_base_urls(getattr(settings, name))
    if not base_urls:
        return [Error(f"{name} is empty.", id="tracker.E002")]
    return [Error(f"{name}: {problem}.", id="tracker.E002") for problem in map(base_url_problem, base_urls) if problem]


@register(Tags.compatibility)
def check_integration_settings(app_configs, **kwargs):
    errors = []
    for name, minimum in [(n, 1) for n in POSITIVE_INT_SETTINGS] + [(n, 0) for n in NON_NEGATIVE_INT_SETTINGS]:
        value = getattr(settings, name)
        if not is_whole_number(value, minimum):
            errors.append(
                Error(f"{name} must be a whole number of at least {minimum}, not {value!r}.", id="tracker.E001")
            )
    for name in NON_NEGATIVE_NUMBER_SETTINGS:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
            errors.append(Error(f"{name} must be a number of at least 0, not {value!r}.", id="tracker.E001"))
    errors += _base_url_errors("YTS_API_BASE_URL") + _base_url_errors("TMDB_API_BASE_URL")
    if settings.UPC_LOOKUP_URL:  # optional: the scan page works without a barcode lookup
        errors += _base_url_errors("UPC_LOOKUP_URL")
    if not settings.YTS_DEFAULT_QUALITIES:
        errors.append(Error("YTS_DEFAULT_QUALITIES lists no quality.", id="tracker.E003"))
    try:
        cron(settings.YTS_BATCH_REFRESH_CRON)
    except ValueError as exc:
        errors.append(Error(f"YTS_BATCH_REFRESH_CRON: {exc}.", id="tracker.E004"))
    errors += _collector_errors()
    if settings.BACKGROUND_REFRESH not in ("celery", "threads"):
        errors.append(
            Error(
                f"BACKGROUND_REFRESH must be 'celery' or 'threads', not {settings.BACKGROUND_REFRESH!r}.",
                id="tracker.E005",
            )
        )
    errors += _page_cache_warnings()
    return errors


def _page_cache_warnings():
    seconds, backend = settings.PAGE_CACHE_SECONDS, settings.CACHES["default"]["BACKEND"]
    if is_whole_number(seconds, 1) and backend.endswith("LocMemCache"):
        return [
            Warning(
                "PAGE_CACHE_SECONDS is on with the local-memory cache: pages stored by one process do not see "
                "another's writes (a second worker, manage.py refresh_yts). Set REDIS_URL, or PAGE_CACHE_SECONDS=0.",
                id="tracker.W008",
            )
        ]
    return []


def _collector_errors():
    errors = []
    if isinstance(settings.IMPORT_MATCH_THRESHOLD, int) and settings.IMPORT_MATCH_THRESHOLD > 100:
        errors.append(Error("IMPORT_MATCH_THRESHOLD is a percentage: at most 100.", id="tracker.E006"))
    for problem in filter(None, map(tracker_problem, settings.YTS_MAGNET_TRACKERS)):
        errors.append(Error(f"YTS_MAGNET_TRACKERS: {problem}.", id="tracker.E007"))
    if not is_currency(settings.DEFAULT_CURRENCY):
        errors.append(
            Error(
                f"DEFAULT_CURRENCY must be an ISO 4217 code (EUR, USD, GBP…), not {settings.DEFAULT_CURRENCY!r}.",
                id="tracker.E008",
            )
        )
    return errors
