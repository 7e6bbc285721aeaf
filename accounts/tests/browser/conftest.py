# The collection's browser harness (Debian's Chromium through Playwright, the fake YTS and TMDB, the
# watchers that fail a journey on a console error or a failed request), reused for the account pages.
from tracker.tests.browser.conftest import (  # noqa: F401
    app,
    browser,
    collector,
    fake_tmdb,
    fake_yts,
    ui,
    ui_without_javascript,
)
