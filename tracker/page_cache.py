"""Rendered collection pages kept in the cache, so a page seen again costs one cache read, not a render.

A DVD's page and a user's list pages are stored whole, as rendered for that user, time zone, release
and query string, under a version token: one per DVD and one per owner. A stored page whose token
differs from the current one is never served.

Every write to a DVD retires pages through one function, dvds_changed(), given the (DVD, owner)
pairs the write touched, before and after it, so a DVD given to another owner leaves both owners'
lists. The write paths that reach it:
- a save or delete (tracker/apps.py's signals: pre_save reads the owner stored before a save,
  post_save and post_delete retire; a queryset delete sends post_delete for each row);
- DVDQuerySet.update, and so bulk_update, which writes through it (the rows before the UPDATE and,
  when it sets the owner, after), and DVDQuerySet.bulk_create;
- code that writes by other means calls it itself: the importer's raw UPDATE
  (tracker/collection_io/jobs.py), a change of display preferences (accounts/preferences.py).
A page is stored under the token read *before* its data was read from the database, and
dvds_changed() sets new tokens after the write, both at once and again after the transaction
commits, so no ordering of a reader and a writer can leave an older page under the newest token.

A list page is stored only when its query string is the canonical one the list view rebuilds from
the cleaned filters (tracker/views/collection.py, list_query), which its own links use: any other
spelling of a page is rendered and not stored, so made-up query strings cannot fill the cache.
Searches are not stored either. Pages are kept apart by release: RELEASE_ID where the deploy sets it,
else a digest of the project's code and templates (and the static manifest), read once per process,
so a deploy never serves a page rendered by the last one.

What differs per request is kept out: the CSRF token is a placeholder swapped for the request's
own; a request with messages to show renders as usual and is not stored. A page is stored with
the facts its view needs to act when serving it again (a stale DVD's page still starts a
background refresh). PAGE_CACHE_SECONDS bounds every entry's life; it is 0 (off) without Redis,
where other processes' writes (manage.py commands) could not reach this process's local-memory cache.
"""

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache as default_cache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from tracker.services.tmdb import TMDBService

# Rendered where {% csrf_token %} puts the token: the escaped form of "<csrf-token>", which escaped
# user text can never produce (its "&" would be escaped too).
CSRF_PLACEHOLDER = "<csrf-token>"
_RENDERED_PLACEHOLDER = b"&lt;csrf-token&gt;"
# Request attributes of read_along(): the keys asked for, and what the page lookup found.
_ALONG_KEYS = "_page_cache_read_along"
_ALONG_FOUND = "_page_cache_read_along_found"
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
        # With the cache off, no request pays for the fingerprints (without RELEASE_ID, the first reads the code).
        self.key = self._key(page, variant) if self.storable else None
        self.version_key = version_key
        self.version = None

    def _key(self, page, variant):
        renderer = (_release(), _settings_fingerprint())
        viewer = (self.request.user.get_username(), timezone.get_current_timezone_name())
        return f"pages:{page}:user:{self.request.user.pk}:{_digest(renderer, viewer, variant)}"

    @classmethod
    def of_dvd(cls, request, pk):
        page = cls(request, f"dvd:{pk}", _dvd_version_key(pk))
        # The navigation's search box echoes ?q=; a detail page with a query string is not stored.
        page.storable = page.storable and not request.GET
        return page

    @classmethod
    def of_list(cls, request, query, searched):
        """A list page, stored only when requested by its canonical query string, and never for a search."""
        page = cls(request, "list", _owner_version_key(request.user.pk), variant=query)
        # Searches are one-off and their text is anything: storing them would only fill the cache.
        page.storable = page.storable and not searched and request.META.get("QUERY_STRING", "") == query
        return page

    def lookup(self):
        """The stored page, or None; on None, render the page and store() it."""
        if not self.storable:
            return None
        along = getattr(self.request, _ALONG_KEYS, ())
        found = default_cache.get_many([self.key, self.version_key, *along])
        setattr(self.request, _ALONG_FOUND, {key: found.get(key) for key in along})
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


def read_along(request, keys):
    """Have this request's page lookup read `keys` too, in its one round trip to the cache.

    Middleware that reads the cache on every page (the navbar's counts) asks before the view runs,
    then takes what was read from read_along_found(); a stored page then costs one round trip.
    """
    setattr(request, _ALONG_KEYS, tuple(keys))


def read_along_found(request):
    """{key: value or None} read along with the page lookup, or None when no lookup read them."""
    return getattr(request, _ALONG_FOUND, None)


def dvds_changed(rows, using=DEFAULT_DB_ALIAS):
    """Retire the stored pages of these DVDs and their owners' lists: rows are (dvd pk, owner pk) pairs.

    The one place pages retire: every write to DVDs calls it once the rows are written.
    """
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


def dvd_saving(sender, instance, using, update_fields=None, **kwargs):
    """pre_save receiver for DVD: remember the owner stored before, for post_save to retire too."""
    instance._page_cache_stored_rows = []
    if enabled() and instance.pk is not None and (update_fields is None or "owner" in update_fields):
        stored = sender._base_manager.using(using).filter(pk=instance.pk)
        instance._page_cache_stored_rows = list(stored.values_list("pk", "owner_id"))


def dvd_written(sender, instance, using, **kwargs):
    """post_save and post_delete receiver for DVD."""
    before = vars(instance).pop("_page_cache_stored_rows", [])
    dvds_changed([*before, (instance.pk, instance.owner_id)], using=using)


def _dvd_version_key(pk):
    return f"pages:version:dvd:{pk}"


def _owner_version_key(pk):
    return f"pages:version:owner:{pk}"


def owner_version_key(pk):
    """The cache key of the owner's token, which changes with every write to one of their DVDs.

    Other per-owner caches keyed by the token (alerts.counts) retire with the pages, by the same writes.
    """
    return _owner_version_key(pk)


def _new_token():
    return secrets.token_hex(8)


@cache
def _release():
    """What the running code is: RELEASE_ID when the deploy names it, else a digest of the project's files."""
    return settings.RELEASE_ID or _project_digest()


def _project_digest():
    """The project's own apps, URLs and templates, and the static manifest whose file names pages carry."""
    base = Path(settings.BASE_DIR)
    folders = [Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == base]
    folders += [Path(import_module(settings.ROOT_URLCONF).__file__).parent]
    folders += [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    files = {
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in (".py", ".html") and "tests" not in path.relative_to(folder).parts
    }
    digest = hashlib.sha256()
    for path in [*sorted(files), Path(settings.STATIC_ROOT) / "staticfiles.json"]:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4096)
def _digest(renderer, viewer, variant):
    # Remembered: hashing is a tenth of serving a stored page, and few viewers ask for many variants.
    return hashlib.sha256(repr((renderer, viewer, variant)).encode()).hexdigest()[:32]


@cache
def _settings_fingerprint():
    tmdb_configured = TMDBService().is_configured  # the detail page's Auto-fetch button
    return repr([tmdb_configured, *(getattr(settings, name) for name in RENDERING_SETTINGS)])


@receiver(setting_changed)
def _forget_settings(**kwargs):
    _settings_fingerprint.cache_clear()
    _release.cache_clear()
