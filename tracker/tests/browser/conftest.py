"""Fixtures of the browser journeys: Debian's Chromium, driven by Playwright, on pytest-django's live_server.

The tests skip (not fail) where /usr/bin/chromium or the playwright package is missing, so `make test`
passes on a laptop without a browser; .ci/run installs Chromium and sets BROWSER_TESTS=required, so there
a missing browser fails instead of skipping.
"""

import hashlib
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError

from fakes import FakeTMDB, FakeYTS
from tracker.refresh import background
from tracker.tests.factories import UserFactory

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Not UTC, so a journey can tell that "Last updated" is shown in the browser's own zone.
BROWSER_TIME_ZONE = "America/New_York"
SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"  # UserFactory's
TMDB_KEY = "browser-tests-key"
TIMEOUT_MS = 10_000
# The app's real background refresh, captured before the suite's autouse fixture records it instead.
REAL_RUN_IN_THREAD = background.run_in_thread
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the whole package (closed after its last test)."""
    if not CHROMIUM.exists():
        if os.environ.get("BROWSER_TESTS") == "required":  # CI: a missing browser must not pass as skips
            pytest.fail(f"{CHROMIUM} is not installed and BROWSER_TESTS=required")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop running in this thread for as long as it is
        # started, and Django then refuses ORM calls (factories, assertions) made from it.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(scope="package")
def fake_yts():
    with FakeYTS() as fake:
        yield fake


@pytest.fixture(scope="package")
def fake_tmdb():
    with FakeTMDB(api_key=TMDB_KEY) as fake:
        yield fake


@pytest.fixture
def app(browser, live_server, settings, http_mock, fake_yts, fake_tmdb):
    """The app on live_server, talking to the fake YTS and TMDB (which `responses` lets through)."""
    http_mock.add_passthru("http://127.0.0.1")
    fake_yts.reset(config=True)
    fake_tmdb.reset(config=True)
    settings.YTS_API_BASE_URL = fake_yts.base_url
    settings.TMDB_API_BASE_URL = fake_tmdb.base_url
    settings.TMDB_API_KEY = TMDB_KEY
    settings.TMDB_ACCESS_TOKEN = ""
    settings.TMDB_MAX_RETRIES = 0
    # Journeys press Refresh several times; the rate-limit journey sets its own interval.
    settings.YTS_REFRESH_MIN_INTERVAL = 0
    return live_server


@pytest.fixture
def real_background_refreshes(monkeypatch, settings):
    """Undo the suite's recording of background refreshes: pages refresh in a thread, as in `make run`."""
    settings.BACKGROUND_REFRESH = "threads"  # with REDIS_URL it would be a Celery task no worker runs
    monkeypatch.setattr(background, "run_in_thread", REAL_RUN_IN_THREAD)
    monkeypatch.setattr(background, "refresh_film", _waiting_for_table_locks(background.refresh_film))


def _waiting_for_table_locks(refresh_film):
    """The refresh, tried again while the suite's in-memory SQLite refuses its write as "table is locked".

    Connections to that database share one cache, where another connection's table lock (the live
    server's request threads use the same table) makes a write fail at once instead of waiting its turn
    as on a file database (`make run`) or PostgreSQL; this waits the way they would, for up to five seconds.
    """

    def refresh(*args, **kwargs):
        deadline = time.monotonic() + 5
        while True:
            try:
                return refresh_film(*args, **kwargs)
            except OperationalError as error:
                if "is locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    return refresh


@pytest.fixture
def collector(db):
    return UserFactory(username="alex")


@pytest.fixture(params=list(VIEWPORTS))
def ui(request, browser, app):
    """A fresh browser context at one viewport; fails the test on console errors or failed requests."""
    yield from _journey(request, browser, app, request.param, javascript=True)


@pytest.fixture
def ui_without_javascript(request, browser, app):
    """A phone with JavaScript turned off, watched like `ui`."""
    yield from _journey(request, browser, app, "phone", javascript=False)


def _journey(request, browser, app, viewport, *, javascript):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        timezone_id=BROWSER_TIME_ZONE,
        locale="en-US",
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(TIMEOUT_MS)
    journey = Journey(context, app.url, viewport, request.node.originalname.removeprefix("test_"))
    yield journey
    context.close()
    assert not journey.problems, "The browser saw problems:\n" + "\n".join(journey.problems)


def fake_poster(url):
    """A made-up poster for a TMDB image URL: the tests never fetch real images."""
    hue = int(hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()[:4], 16) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="342" height="513" viewBox="0 0 342 513">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl({hue},45%,45%)"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},50%,18%)"/></linearGradient></defs>'
        '<rect width="342" height="513" fill="url(#g)"/>'
        '<circle cx="171" cy="230" r="80" fill="none" stroke="rgba(255,255,255,.55)" stroke-width="10"/>'
        '<circle cx="171" cy="230" r="14" fill="rgba(255,255,255,.55)"/></svg>'
    )


class Journey:
    """One person's browser: the page, screenshots, and everything that went wrong on the way."""

    def __init__(self, context, base_url, viewport, name):
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.viewport = viewport
        self.name = name
        self.problems = []
        self.expected = set()  # (path, status) answers the journey expects, e.g. a 404 or a 429
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught JavaScript error: {error}"))
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._request_failed)

    # --- helpers for the journeys ------------------------------------------------------

    def url(self, path):
        return self.base_url + path

    def goto(self, path):
        return self.page.goto(self.url(path))

    def expect_status(self, path, status):
        """Declare an error answer the journey expects, so it is not counted as a problem."""
        self.expected.add((path, status))

    def sign_in(self, user, path="/"):
        self.goto(path)
        self.page.get_by_label("Username").fill(user.username)
        self.page.get_by_label("Password").fill(PASSWORD)
        # The sign-in page is already loaded, so waiting for a load state would not wait for the next one.
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()

    def sign_out(self):
        """Sign out from the navbar and wait for the sign-in page it leads to."""
        self.open_menu()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign out").click()

    def open_menu(self):
        """On a phone the navbar is collapsed behind its toggler; wait until it has opened."""
        toggler = self.page.get_by_role("button", name="Toggle navigation")
        if toggler.is_visible():
            toggler.click()
            # Bootstrap adds .show once the menu has finished growing: the next step clicks inside it,
            # and a click aimed while it still moves need not land where it was aimed.
            self.page.locator(".navbar-collapse.show").wait_for()

    def shot(self, step):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{step}-{self.viewport}.png"
        self.page.screenshot(path=path, full_page=True, animations="disabled")
        return path

    def axe_violations(self, impacts=("serious", "critical")):
        """axe-core's violations of the given impacts on the current page."""
        # Evaluated through the DevTools protocol rather than added as a <script>: the page's
        # Content-Security-Policy rightly refuses inline scripts.
        self.page.evaluate(AXE_SCRIPT.read_text())
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in results["violations"] if v["impact"] in impacts]

    # --- watchers ----------------------------------------------------------------------

    def _ours(self, url):
        return urlsplit(url).netloc == self.origin

    def _expected(self, url, status):
        return (urlsplit(url).path, status) in self.expected

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if self._ours(url) or url.startswith("data:"):
            route.continue_()
        elif host == "image.tmdb.org":
            route.fulfill(status=200, content_type="image/svg+xml", body=fake_poster(url))
        else:
            self.problems.append(f"the page tried to reach {url}")
            route.abort()

    def _console(self, message):
        if message.type != "error":
            return
        failed = FAILED_LOAD.match(message.text)
        location = message.location.get("url", "")
        if failed and self._expected(location, int(failed[1])):
            return
        self.problems.append(f"console error: {message.text} ({location})")

    def _response(self, response):
        if self._ours(response.url) and response.status >= 400 and not self._expected(response.url, response.status):
            self.problems.append(f"{response.status} from {response.request.method} {response.url}")

    def _request_failed(self, request):
        # ERR_ABORTED is the browser cancelling a request itself (a favicon or a poll cut short by
        # the journey moving to the next page), not our server failing to answer.
        if self._ours(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")
