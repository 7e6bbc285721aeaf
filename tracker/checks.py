"""System checks for the settings read from the environment: a bad value is a
`manage.py check` error naming the variable, not a crash at request time."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from tracker.services.http import base_url_problem, split_base_urls

POSITIVE_INT_SETTINGS = (
    "YTS_CACHE_TIMEOUT",
    "YTS_EMPTY_CACHE_TIMEOUT",
    "YTS_MAX_DATA_AGE_HOURS",
    "YTS_API_TIMEOUT",
    "YTS_MAX_RESPONSE_BYTES",
    "YTS_MAX_TORRENTS",
)
NON_NEGATIVE_INT_SETTINGS = ("YTS_MAX_RETRIES", "YTS_REFRESH_MIN_INTERVAL")


def _is_int(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


@register(Tags.compatibility)
def check_yts_settings(app_configs, **kwargs):
    errors = []
    for name, minimum in [(n, 1) for n in POSITIVE_INT_SETTINGS] + [(n, 0) for n in NON_NEGATIVE_INT_SETTINGS]:
        value = getattr(settings, name)
        if not _is_int(value, minimum):
            errors.append(
                Error(f"{name} must be a whole number of at least {minimum}, not {value!r}.", id="tracker.E001")
            )
    base_urls = split_base_urls(settings.YTS_API_BASE_URL)
    if not base_urls:
        errors.append(Error("YTS_API_BASE_URL is empty.", id="tracker.E002"))
    errors.extend(
        Error(f"YTS_API_BASE_URL: {problem}.", id="tracker.E002")
        for problem in map(base_url_problem, base_urls)
        if problem
    )
    if not settings.YTS_DEFAULT_QUALITIES:
        errors.append(Error("YTS_DEFAULT_QUALITIES lists no quality.", id="tracker.E003"))
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
