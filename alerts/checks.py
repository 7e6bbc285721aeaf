"""System checks for the alerts' settings: a bad value is a `manage.py check` error naming the variable."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Info, Tags, register

from alerts import crypto
from dvdtracker.celery import cron
from tracker.checks import is_whole_number


@register(Tags.compatibility)
def check_alert_settings(app_configs, **kwargs):
    errors = []
    raw_keys = settings.NOTIFY_ENCRYPTION_KEY
    for number, key in enumerate(raw_keys if isinstance(raw_keys, list | tuple) else [raw_keys], start=1):
        problem = crypto.key_problem(key)
        if problem:
            errors.append(Error(f"NOTIFY_ENCRYPTION_KEY (key {number}): {problem}.", id="alerts.E001"))
    if not isinstance(settings.NOTIFY_ALLOW_PRIVATE_TARGETS, bool):
        errors.append(
            Error(
                f"NOTIFY_ALLOW_PRIVATE_TARGETS must be true or false, not {settings.NOTIFY_ALLOW_PRIVATE_TARGETS!r}.",
                id="alerts.E002",
            )
        )
    try:
        cron(settings.NOTIFY_SEND_CRON)
    except ValueError as exc:
        errors.append(Error(f"NOTIFY_SEND_CRON: {exc}.", id="alerts.E003"))
    site = settings.NOTIFY_SITE_URL
    if site and (urlsplit(site).scheme not in ("http", "https") or not urlsplit(site).hostname):
        errors.append(
            Error(
                f"NOTIFY_SITE_URL must be an http(s) URL such as https://dvds.example.org, not {site!r}.",
                id="alerts.E004",
            )
        )
    maximum = settings.NOTIFY_MAX_CHANNELS
    if not is_whole_number(maximum, 1):
        errors.append(
            Error(f"NOTIFY_MAX_CHANNELS must be a whole number of at least 1, not {maximum!r}.", id="alerts.E005")
        )
    return errors


@register(Tags.security, deploy=True)
def check_alert_encryption_key(app_configs, **kwargs):
    if settings.DEBUG is False and not crypto.configured_keys():
        return [
            Info(
                "NOTIFY_ENCRYPTION_KEY is not set: people cannot add push or e-mail alerts (the feed still works).",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="alerts.I006",
            )
        ]
    return []
