# The browser journeys' fixtures: headless Chromium on live_server, watched for console errors and outside requests.
from tracker.tests.browser.conftest import app, browser, collector, fake_tmdb, fake_yts, ui  # noqa: F401
