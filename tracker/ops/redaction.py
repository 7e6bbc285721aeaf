"""Secrets taken out of text bound for a log or an error report.

Two nets: every configured secret by value (a setting named …KEY, …TOKEN, …SECRET or …PASSWORD,
and the password inside any URL setting or the database settings), in the plain, URL-quoted
and HTML-escaped forms it can take; and anything shaped like a credential (`api_key=…`,
`Bearer …`, a cookie's session id, a URL's password), whose value no setting holds.

Importable before Django is set up (gunicorn's config): then only the shapes are redacted.
"""

import html
import re
from functools import lru_cache
from urllib.parse import quote, quote_plus, urlsplit

from django.conf import settings
from django.core.signals import setting_changed

REDACTED = "[redacted]"
SECRET_SETTING_NAME = re.compile(r"(?:KEY|TOKEN|SECRET|PASSWORD)(?:_FALLBACKS)?\Z")
# Shorter values would blank out ordinary words wherever they occur, and hide little.
MIN_SECRET_LENGTH = 6
CREDENTIAL_NAMES = r"api_key|access_token|token|secret|password|passwd|sessionid|session_key|csrftoken|sso_token"
CREDENTIAL_SHAPES = (
    # api_key=…, password: …, 'token': '…' in query strings, cookies, dicts and JSON.
    (
        re.compile(rf"""(?i)\b((?:{CREDENTIAL_NAMES})['"]?\s*[=:]\s*['"]?)(?!{re.escape(REDACTED)})[^\s'"&;,)}}\]]+"""),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\1{REDACTED}"),
    # scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@"), rf"\1{REDACTED}@"),
)


def redact(text, extra_secrets=()):
    """`text` with the configured secrets, the `extra_secrets` and every credential-shaped value replaced."""
    secrets = tuple(s for s in extra_secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH)
    secrets = configured_secrets() + secrets
    if secrets:
        text = _pattern_for(secrets).sub(REDACTED, text)
    for shape, replacement in CREDENTIAL_SHAPES:
        text = shape.sub(replacement, text)
    return text


def configured_secrets():
    """The secret values in the settings (none before Django is set up)."""
    return _secrets_in_settings() if settings.configured else ()


@lru_cache(maxsize=1)
def _secrets_in_settings():
    # Read once, and again whenever a setting changes (tests do).
    values = []
    for name in dir(settings):
        if not name.isupper():
            continue
        value = getattr(settings, name, None)
        if SECRET_SETTING_NAME.search(name):
            values += [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
        elif isinstance(value, str) and "://" in value:
            values.append(_url_password(value))
    values += [database.get("PASSWORD") for database in settings.DATABASES.values()]
    values += [_url_password(str(cache.get("LOCATION", ""))) for cache in settings.CACHES.values()]
    return tuple({v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH})


def _url_password(url):
    try:
        return urlsplit(url).password
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _pattern_for(secrets):
    forms = {
        form for secret in secrets for form in (secret, quote(secret, safe=""), quote_plus(secret), html.escape(secret))
    }
    # Longest first, so that a secret containing another is replaced whole.
    return re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))


def _forget_secrets(**kwargs):
    _secrets_in_settings.cache_clear()


setting_changed.connect(_forget_secrets)
