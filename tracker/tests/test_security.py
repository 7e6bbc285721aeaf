"""Access to every URL, the security headers, login guessing and per-user endpoint limits."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.urls import PUBLIC_URL_NAMES as ACCOUNT_PUBLIC_URL_NAMES
from alerts.urls import PUBLIC_URL_NAMES as ALERT_PUBLIC_URL_NAMES
from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory
from tracker.urls import PUBLIC_URL_NAMES as TRACKER_PUBLIC_URL_NAMES

pytestmark = pytest.mark.django_db

# Public by design, each for a reason: signing in (and the account pages before it); health probes that reveal nothing;
# the web app manifest and service worker, which browsers fetch without a session and which name no one's data.
# An alerts feed, which feed readers fetch without a session: its URL's token is the credential.
# A shared collection or wish list, likewise opened by its token.
PUBLIC_URL_NAMES = (
    {"login", "healthz", "readyz", "web_manifest", "service_worker"}
    | ACCOUNT_PUBLIC_URL_NAMES
    | ALERT_PUBLIC_URL_NAMES
    | TRACKER_PUBLIC_URL_NAMES
)


def all_patterns(resolver=None, prefix=""):
    """(route, pattern) for every URL the project serves, walked from the root URLconf."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def concrete_path(route, pk):
    path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(pk) if m.group(1) in (None, "int") else "x", route)
    return path.replace("^", "").replace("$", "").replace("\\Z", "").replace("//", "/")


def app_routes():
    """Every route outside the admin (which has its own staff login) and the public ones."""
    for route, pattern in all_patterns():
        if route.startswith("admin/") or pattern.name in PUBLIC_URL_NAMES:
            continue
        yield route, pattern.name


APP_ROUTES = sorted(set(app_routes()))


def test_the_walk_finds_the_apps_urls():
    """The URLconf walk sees the collection's pages and endpoints (so new views are covered too)."""
    names = {name for _, name in APP_ROUTES}
    assert {"dvd_list", "dvd_detail", "refresh_yts_data", "fetch_imdb_id", "logout"} <= names


@pytest.mark.parametrize(("route", "name"), APP_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_refuses_anonymous_visitors(client, dvd, route, name, method):
    """An anonymous visitor is sent to login, or gets a 401/403/405 — never a page or a change."""
    response = getattr(client, method)(concrete_path(route, dvd.pk))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login")) or name == "logout"
    else:
        assert response.status_code in (401, 403, 405), f"{route} answered {response.status_code}"
    assert DVD.objects.filter(pk=dvd.pk).exists()


DVD_ROUTES = [(route, name) for route, name in APP_ROUTES if "<int:pk>" in route and "dvd/" in route]


@pytest.mark.parametrize(("route", "name"), DVD_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_users_dvd_is_404_at_every_url(signed_in, other_user, route, name, method):
    """Every URL about a DVD answers 404 to a signed-in user who does not own it, and changes nothing."""
    theirs = DVDFactory(owner=other_user, tmdb_id=1, yts_data=[payloads.torrent()])
    response = getattr(signed_in, method)(concrete_path(route, theirs.pk))
    assert response.status_code in (404, 405)  # 405: the view takes no such method, for anyone
    theirs_after = DVD.objects.get(pk=theirs.pk)
    assert (theirs_after.name, theirs_after.yts_data) == (theirs.name, theirs.yts_data)


def test_non_numeric_pk_is_404(signed_in):
    """A pk that is not a number does not resolve."""
    assert signed_in.get("/dvd/abc/").status_code == 404
    assert signed_in.post("/dvd/1e3/refresh-yts/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_unknown_methods_are_refused(signed_in, dvd, method):
    """PUT, PATCH and DELETE change nothing: 405 on pages and endpoints."""
    for url in (dvd.get_absolute_url(), reverse("dvd_edit", args=[dvd.pk]), reverse("refresh_yts_data", args=[dvd.pk])):
        assert getattr(signed_in, method)(url).status_code == 405
    assert DVD.objects.filter(pk=dvd.pk).exists()


def test_a_body_that_is_not_json_changes_nothing(signed_in, dvd, http_mock):
    """The endpoints read no body: garbage JSON is ignored and the answer is the documented one."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    response = signed_in.post(
        reverse("refresh_yts_data", args=[dvd.pk]), data="{not json", content_type="application/json"
    )
    assert response.json()["success"] is True


def test_wrong_csrf_token_is_a_403_and_changes_nothing(client, user, dvd):
    """A forged CSRF token on a form or an endpoint is refused."""
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    client.get(reverse("dvd_list"))  # sets the CSRF cookie
    forged = {"csrfmiddlewaretoken": "x" * 64}
    assert client.post(reverse("dvd_delete", args=[dvd.pk]), forged).status_code == 403
    response = client.post(reverse("refresh_yts_data", args=[dvd.pk]), HTTP_X_CSRFTOKEN="x" * 64)
    assert response.status_code == 403
    assert response.json()["success"] is False
    assert DVD.objects.filter(pk=dvd.pk).exists()


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["dvd_list", "dvd_add", "login"])
def test_pages_carry_the_security_headers(client, signed_in, page):
    """A Content-Security-Policy without inline script, nosniff and a referrer policy on every page."""
    response = signed_in.get(reverse(page)) if page != "login" else client.get(reverse(page))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE)


def test_pages_have_no_inline_script_or_style(signed_in, dvd, user):
    """The pages work under the CSP: no inline <script>, on* handler, style attribute or javascript: URL."""
    DVD.objects.filter(pk=dvd.pk).update(yts_data=[payloads.torrent()], yts_torrent_count=1)
    tmdb_only = DVDFactory(owner=user, imdb_id="", tmdb_id=27205)
    for url in (reverse("dvd_list"), dvd.get_absolute_url(), tmdb_only.get_absolute_url(), reverse("dvd_add")):
        html = signed_in.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), f"{url}: {INLINE_SCRIPT.search(html).group(0)}"


# --- guessing and hammering ------------------------------------------------------------------


def test_login_is_locked_after_repeated_failures(client, user, settings):
    """After AXES_FAILURE_LIMIT wrong passwords, even the right one is refused for a while (429)."""
    wrong = {"username": user.username, "password": "wrong"}
    statuses = [client.post(reverse("login"), wrong).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = client.post(reverse("login"), {"username": user.username, "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_endpoints_are_rate_limited_per_user(signed_in, user, settings, http_mock):
    """Past ENDPOINT_RATE_LIMIT_PER_MINUTE calls, the endpoints answer 429 without calling upstream."""
    settings.ENDPOINT_RATE_LIMIT_PER_MINUTE = 2
    settings.YTS_REFRESH_MIN_INTERVAL = 0
    dvd = DVDFactory(owner=user, imdb_id="tt0000042")
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    url = reverse("refresh_yts_data", args=[dvd.pk])
    assert [signed_in.post(url).status_code for _ in range(3)] == [200, 200, 429]
    assert "wait a minute" in signed_in.post(url).json()["error"]
