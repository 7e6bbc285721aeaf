"""Rendered collection pages kept in the cache, so a page seen again costs one cache read, not a render.

A DVD's page and a user's list pages are stored whole, as rendered for that user, time zone and
query string, under a version token: one per DVD and one per owner. Every write to a DVD — a
save or delete (signals), a queryset update or bulk_create (DVDQuerySet), the importer's raw
UPDATE — gives the DVD and its owner new tokens, so a stored page whose token differs is never
served. A page is stored under the token read *before* its data was read from the database, and
writers set new tokens both at once and again after their transaction commits, so no ordering of
a reader and a writer can leave an older page under the newest token.

What differs per request is kept out: the CSRF token is a placeholder swapped for the request's
own; a request with messages to show, or with a search, renders as usual and is not stored. A page
is stored with the facts its view needs to act when serving it again (a stale DVD's page still
starts a background refresh). PAGE_CACHE_SECONDS bounds every entry's life; it is 0 (off) without
Redis, where other processes' writes (manage.py commands) could not reach this process's
local-memory cache.
"""

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache as default_cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from tracker.services.tmdb import TMDBService

# Rendered where {% csrf_token %} puts the token: the escaped form of "<csrf-token>", which escaped
# user text can never produce (its "&" would be escaped too).
CSRF_PLACEHOLDER = "<csrf-token>"
_RENDERED_PLACEHOLDER = b"&lt;csrf-token&gt;"
# Settings that change what a page shows without a write to any DVD (and whether TMDB is configured).
RENDERING_SETTINGS = ("YTS_API_BASE_URL", "YTS_ALLOWED_DOWNLOAD_HOSTS", "YTS_MAGNET_TRACKERS", "STATIC_URL")


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


@dataclass(frozen=True)
class StoredPage:
    response: HttpResponse
    facts: dict


class CachedPage:
    """One page of one user, looked up before its data is read and stored after it is rendered."""

    def __init__(self, request, page, version_key, variant=""):
        self.request = request
        self.storable = enabled() and not len(get_messages(request))
        # With the cache off, no request pays for the fingerprints (the first one reads every template).
        self.key = self._key(page, variant) if self.storable else None
        self.version_key = version_key
        self.version = None

    def _key(self, page, variant):
        renderer = (_code_fingerprint(), _settings_fingerprint())
        viewer = (self.request.user.get_username(), timezone.get_current_timezone_name())
        digest = hashlib.sha256(repr((renderer, viewer, variant)).encode()).hexdigest()[:32]
        return f"pages:{page}:user:{self.request.user.pk}:{digest}"

    @classmethod
    def of_dvd(cls, request, pk):
        page = cls(request, f"dvd:{pk}", _dvd_version_key(pk))
        # The navigation's search box echoes ?q=; a detail page with a query string is not stored.
        page.storable = page.storable and not request.GET
        return page

    @classmethod
    def of_list(cls, request):
        page = cls(request, "list", _owner_version_key(request.user.pk), variant=request.GET.urlencode())
        # Searches are one-off and their text is anything: storing them would only fill the cache.
        page.storable = page.storable and not request.GET.get("q", "").strip()
        return page

    def lookup(self):
        """The stored page, or None; on None, render the page and store() it."""
        if not self.storable:
            return None
        found = default_cache.get_many([self.key, self.version_key])
        self.version = found.get(self.version_key)
        entry = found.get(self.key)
        if self.version is None:
            self.version = _new_token()
            if not default_cache.add(self.version_key, self.version, settings.PAGE_CACHE_SECONDS):
                self.version = default_cache.get(self.version_key)
            return None
        if entry is None or entry[0] != self.version:
            return None
        _, facts, content = entry
        return StoredPage(HttpResponse(self._with_csrf_token(content)), facts)

    def context(self, **context):
        """The template context, with the CSRF token as a placeholder that store() replaces."""
        return {**context, "csrf_token": CSRF_PLACEHOLDER}

    def store(self, response, facts=None, keep=True):
        """Keep a rendered 200 page (with facts the view needs when it serves it again); return it to send."""
        if keep and self.storable and self.version and response.status_code == 200:
            default_cache.set(self.key, (self.version, facts or {}, response.content), settings.PAGE_CACHE_SECONDS)
        response.content = self._with_csrf_token(response.content)
        return response

    def _with_csrf_token(self, content):
        return content.replace(_RENDERED_PLACEHOLDER, get_token(self.request).encode())


def dvds_changed(rows, using="default"):
    """Retire the stored pages of these DVDs and their owners' lists: rows are (dvd pk, owner pk) pairs."""
    if not enabled():
        return
    keys = {_dvd_version_key(pk) for pk, _ in rows if pk} | {_owner_version_key(owner) for _, owner in rows}
    if not keys:
        return

    def bump():
        default_cache.set_many({key: _new_token() for key in keys}, settings.PAGE_CACHE_SECONDS)

    # Now, for readers inside this transaction; again after commit, for a reader that rendered
    # the old rows meanwhile under the token set now.
    bump()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump, using=using)


def dvd_written(sender, instance, using, **kwargs):
    """post_save and post_delete receiver for DVD."""
    dvds_changed([(instance.pk, instance.owner_id)], using=using)


def _dvd_version_key(pk):
    return f"pages:version:dvd:{pk}"


def _owner_version_key(pk):
    return f"pages:version:owner:{pk}"


def _new_token():
    return secrets.token_hex(8)


@cache
def _code_fingerprint():
    """The templates' and the app's code, so that a deploy never serves a page rendered by the last one."""
    base = Path(settings.BASE_DIR)
    code = [path for path in base.glob("tracker/**/*.py") if "tests" not in path.parts]
    files = sorted([*base.glob("templates/**/*.html"), *code])
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    digest = hashlib.sha256()
    for path in [*files, manifest] if manifest.exists() else files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _settings_fingerprint():
    tmdb_configured = TMDBService().is_configured  # the detail page's Auto-fetch button
    return repr([tmdb_configured, *(getattr(settings, name) for name in RENDERING_SETTINGS)])


@receiver(setting_changed)
def _forget_settings(**kwargs):
    _settings_fingerprint.cache_clear()
