"""Readers for settings that come from environment variables.

They never raise: a value that does not parse is kept as the raw string, so that
`tracker.checks` can report it as a `manage.py check` error with the variable's name,
instead of the process dying at import time with a bare traceback.
"""

import os

import dj_email_url

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return raw


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        return raw


def env_float(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return float(raw.strip())
    except ValueError:
        return raw


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_email_url(name):
    """Django's EMAIL_* settings from the URL in `name` (dj-email-url); {} when unset or unreadable."""
    return email_settings(env_str(name))


def email_settings(raw):
    if not raw:
        return {}
    try:
        parsed = dj_email_url.parse(raw)
    except ValueError:
        return {}
    return parsed if "EMAIL_BACKEND" in parsed else {}


def split_base_urls(value):
    """A setting that lists one or more base URLs, comma-separated, as a list without trailing slashes."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [item.strip().rstrip("/") for item in items if item.strip()]
