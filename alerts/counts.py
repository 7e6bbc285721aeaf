"""The navbar's two numbers (copies with an upgrade listed, unread alerts), filled into each page.

Pages are rendered with placeholders that NavCountsMiddleware fills for each request, because
stored pages (tracker.page_cache) are kept whole and must not carry an old count. With stored
pages on, the numbers are cached under the owner's page token, which every write to one of
their DVDs replaces (a refresh, and so every new alert, included), so a stored page is still
served without reading a DVD, and both are read along with the page itself
(page_cache.read_along), in its one round trip to the cache; reading alerts forgets them. With
stored pages off, they are read afresh, in one query, on each page.
"""

from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils.html import format_html

from alerts.models import nav_counts
from tracker import page_cache

UPGRADES_MARKER = b"<!--alerts:upgrades-->"
UNREAD_MARKER = b"<!--alerts:unread-->"


def _key(user_pk):
    return f"alerts:counts:{user_pk}"


def cache_keys(user):
    """The owner's page token and their stored counts: what for_user() reads."""
    return [page_cache.owner_version_key(user.pk), _key(user.pk)]


def for_user(user, found=None):
    """{'upgrades': n, 'unread': n} for a signed-in user; `found`: cache_keys() already read."""
    if not page_cache.enabled():
        return nav_counts(user)
    # One round trip for the token and the counts (none when read along with a stored page).
    version_key, counts_key = cache_keys(user)
    if found is None:
        found = cache.get_many([version_key, counts_key])
    version = found.get(version_key)
    if version is None:
        return nav_counts(user)
    stored = found.get(counts_key)
    if stored is not None and stored[0] == version:
        return stored[1]
    counts = nav_counts(user)
    cache.set(counts_key, (version, counts), settings.PAGE_CACHE_SECONDS)
    return counts


def forget(user_pk):
    """After alerts were read (no DVD was written, so the page token stands)."""
    cache.delete(_key(user_pk))


@lru_cache(maxsize=512)
def _badge(count, label):
    """The badge's HTML as bytes (remembered: every page fills two)."""
    if not count:
        return b""
    html = format_html(
        '<span class="badge rounded-pill text-bg-warning ms-1" data-nav-count>{}'
        '<span class="visually-hidden"> {}</span></span>',
        count,
        label,
    )
    return html.encode()


class NavCountsMiddleware:
    """Fill the navbar's count placeholders of an HTML page for the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if page_cache.enabled() and user is not None and user.is_authenticated:
            page_cache.read_along(request, cache_keys(user))
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or user is None
            or not user.is_authenticated
            or UPGRADES_MARKER not in response.content
        ):
            return response
        found = for_user(user, page_cache.read_along_found(request))
        content = response.content
        for marker, name, label in (
            (UPGRADES_MARKER, "upgrades", "with a better quality on YTS"),
            (UNREAD_MARKER, "unread", "unread"),
        ):
            content = content.replace(marker, _badge(found[name], label))
        response.content = content
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(content))
        return response
