# The fake YTS and TMDB on 127.0.0.1 that the browser journeys use: the live server refreshes and searches for real.
from tracker.tests.browser.conftest import fake_tmdb, fake_yts  # noqa: F401
