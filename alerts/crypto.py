"""Apprise URLs hold tokens and passwords: they are stored encrypted (Fernet) with NOTIFY_ENCRYPTION_KEY.

The setting is one key, or several separated by commas to rotate: the first encrypts, any of
them decrypts. With DEBUG on and no key, a development key is derived from the secret key so
that `make run` works; off DEBUG, push and e-mail need a key of their own (`check --deploy` says so).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class NotConfigured(Exception):
    """No NOTIFY_ENCRYPTION_KEY: channels cannot be stored or read."""


class Undecryptable(Exception):
    """The stored URL was encrypted with a key that is no longer configured."""


def configured_keys():
    keys = settings.NOTIFY_ENCRYPTION_KEY
    return [key for key in keys if key] if isinstance(keys, list | tuple) else []


def key_problem(key):
    """Why `key` is not a Fernet key, or ''."""
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return "a key must be 32 url-safe base64-encoded bytes (Fernet.generate_key())"
    return ""


def is_configured():
    return bool(configured_keys()) or settings.DEBUG is True


def _development_key():
    digest = hashlib.sha256(f"alerts-channel-urls:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet():
    keys = configured_keys()
    if not keys:
        if settings.DEBUG is not True:
            raise NotConfigured("Set NOTIFY_ENCRYPTION_KEY to store push and e-mail addresses.")
        keys = [_development_key()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise Undecryptable("This address was stored with another NOTIFY_ENCRYPTION_KEY; add it again.") from exc
