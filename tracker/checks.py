"""System checks for the settings read from the environment: a bad value is a
`manage.py check` error naming the variable, not a crash at request time."""

from babel.numbers import is_currency
from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register

from dvdtracker.celery import cron
from dvdtracker.env import email_settings
from tracker.services.http import base_url_problem, split_base_urls

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


def _is_int(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


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
        if not _is_int(value, minimum):
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
    if _is_int(seconds, 1) and backend.endswith("LocMemCache"):
        return [
            Warning(
                "PAGE_CACHE_SECONDS is on with the local-memory cache: pages stored by one process do not see "
                "another's writes (a second worker, manage.py refresh_yts). Set REDIS_URL, or PAGE_CACHE_SECONDS=0.",
                id="tracker.W008",
            )
        ]
    return []


def _collector_errors():
    from tracker.magnets import tracker_problem

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


@register(Tags.security)
def check_deployment_basics(app_configs, **kwargs):
    errors = []
    if not isinstance(settings.DEBUG, bool):
        errors.append(Error(f"DJANGO_DEBUG must be true or false, not {settings.DEBUG!r}.", id="tracker.E010"))
    elif not settings.DEBUG:
        if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
            errors.append(
                Error(
                    "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off; the built-in key is public.",
                    id="tracker.E011",
                )
            )
        if not settings.ALLOWED_HOSTS:
            errors.append(Error("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.", id="tracker.E012"))
    return errors


# --- accounts: sign-up, single sign-on, two-factor, e-mail -----------------------------------------
ACCOUNT_BOOLEAN_SETTINGS = ("ALLOW_SIGNUP", "OIDC_AUTO_SIGNUP", "OIDC_ONLY", "REQUIRE_STAFF_MFA")
OIDC_SETTINGS = ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


@register(Tags.compatibility)
def check_account_settings(app_configs, **kwargs):
    errors = [
        Error(f"{name} must be true or false, not {getattr(settings, name)!r}.", id="tracker.E030")
        for name in ACCOUNT_BOOLEAN_SETTINGS
        if not isinstance(getattr(settings, name), bool)
    ]
    for name in ("INVITATION_DAYS", "SOCIALACCOUNT_REQUESTS_TIMEOUT"):
        if not _is_int(getattr(settings, name), 1):
            variable = "OIDC_TIMEOUT" if name.startswith("SOCIAL") else name
            errors.append(
                Error(
                    f"{variable} must be a whole number of at least 1, not {getattr(settings, name)!r}.",
                    id="tracker.E030",
                )
            )
    if settings.EMAIL_URL and not email_settings(settings.EMAIL_URL):
        errors.append(
            Error(
                "EMAIL_URL is not a mail URL such as smtp://user:password@mail.example.org:587/?tls=True.",
                id="tracker.E031",
            )
        )
    errors += _oidc_errors()
    return errors


def _oidc_errors():
    given = [name for name in OIDC_SETTINGS if getattr(settings, name)]
    if given and len(given) < len(OIDC_SETTINGS):
        missing = ", ".join(name for name in OIDC_SETTINGS if name not in given)
        return [Error(f"Single sign-on needs {missing} too (or none of the OIDC_ settings).", id="tracker.E032")]
    if not given:
        if settings.OIDC_ONLY is True:
            return [Error("OIDC_ONLY hides the password form, but no OIDC_SERVER_URL is set.", id="tracker.E033")]
        return []
    problem = base_url_problem(settings.OIDC_SERVER_URL)
    if problem:
        return [Error(f"OIDC_SERVER_URL: {problem}.", id="tracker.E034")]
    return []


@register(Tags.security, deploy=True)
def check_account_mail(app_configs, **kwargs):
    if settings.DEBUG is False and not settings.EMAIL_URL:
        return [
            Info(
                "EMAIL_URL is not set: password-reset, address-check and invitation e-mails are not sent "
                "(invitation links are still shown to the staff user who makes them).",
                id="tracker.I035",
            )
        ]
    return []
