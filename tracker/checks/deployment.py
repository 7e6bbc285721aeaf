"""System checks for running in production: DEBUG, the secret key and allowed hosts, the HTTPS switches,
LOG_FORMAT, the metrics token and directory, and the Celery broker's visibility timeout."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from tracker.checks.values import is_whole_number
from tracker.locks import lock_ttl

BOOLEAN_SETTINGS = {
    "SECURE_SSL_REDIRECT": "DJANGO_SECURE_SSL_REDIRECT",
    "TRUST_X_FORWARDED_PROTO": "DJANGO_SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD": "DJANGO_SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE": "DJANGO_SECURE_COOKIES",
}
INT_SETTINGS = {"SECURE_HSTS_SECONDS": ("DJANGO_SECURE_HSTS_SECONDS", 0), "CELERY_VISIBILITY_TIMEOUT": (None, 1)}
MIN_METRICS_TOKEN_LENGTH = 32


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


@register(Tags.compatibility)
def check_production_settings(app_configs, **kwargs):
    errors = []
    if settings.LOG_FORMAT not in ("plain", "json"):
        errors.append(Error(f"LOG_FORMAT must be 'plain' or 'json', not {settings.LOG_FORMAT!r}.", id="tracker.E020"))
    for name, variable in BOOLEAN_SETTINGS.items():
        value = getattr(settings, name)
        if not isinstance(value, bool):
            errors.append(Error(f"{variable} must be true or false, not {value!r}.", id="tracker.E023"))
    for name, (variable, minimum) in INT_SETTINGS.items():
        value = getattr(settings, name)
        if not is_whole_number(value, minimum):
            errors.append(
                Error(
                    f"{variable or name} must be a whole number of at least {minimum}, not {value!r}.",
                    id="tracker.E024",
                )
            )
    interval = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("unacked_restore_interval")
    if not is_whole_number(interval, 1):
        errors.append(
            Error(
                f"CELERY_UNACKED_RESTORE_INTERVAL must be a whole number of seconds, not {interval!r}.",
                id="tracker.E024",
            )
        )
    token = settings.METRICS_TOKEN
    if token and len(token) < MIN_METRICS_TOKEN_LENGTH:
        errors.append(
            Error(f"METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_LENGTH} characters.", id="tracker.E022")
        )
    errors += _multiprocess_dir_errors()
    errors += _visibility_warnings()
    return errors


def _multiprocess_dir_errors():
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not path:
        return []
    if not os.path.isdir(path) or not os.access(path, os.W_OK):
        return [
            Error(
                f"PROMETHEUS_MULTIPROC_DIR {path!r} is not a writable directory; create it before starting.",
                id="tracker.E021",
            )
        ]
    return []


def _visibility_warnings():
    timeout = settings.CELERY_VISIBILITY_TIMEOUT
    if not is_whole_number(timeout, 1) or not all(
        is_whole_number(getattr(settings, n), 0) for n in ("YTS_API_TIMEOUT", "YTS_MAX_RETRIES")
    ):
        return []
    longest = lock_ttl()
    if timeout > longest:
        return []
    return [
        Warning(
            f"CELERY_VISIBILITY_TIMEOUT ({timeout} s) is not longer than the longest refresh ({longest} s): "
            "a refresh still running would be handed to a second worker.",
            id="tracker.W025",
        )
    ]
