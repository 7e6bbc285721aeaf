"""Refreshing a film's torrents: the one path that asks YTS and stores what it answered.

Every refresh goes through here: the detail page's background refresh, the Refresh button, the
Celery tasks, the IMDb id look-up, the spec's `DVD.refresh_yts_data`, and the `refresh_yts`
batch. What runs when Refresh is pressed, end to end:

1. the view (`refresh_yts_data` in tracker/views/refresh.py, through `press_refresh`, which the
   API's button shares) claims the DVD's refresh slot and calls `refresh_film(imdb_id, BUTTON)`;
2. `refresh_film` takes the film's lock (tracker/locks.py) and waits for YTS's pace
   (tracker/services/pacing.py), at most YTS_PACING_MAX_WAIT_SECONDS together, else answers BUSY
   having asked nothing;
3. `fetch` asks YTS (tracker/services/yts.py) and touches no database;
4. `store` reads what was stored, writes the outcome through `DVDQuerySet.store_yts_outcomes`
   (tracker/models/yts_columns.py; never over a newer one), and has alerts.events record what changed for the
   films' owners.

The modules:
- `film`: `refresh_film`, `fetch`, `store`, `Policy` and its presets (BUTTON, PAGE, WORKER),
  the statuses a refresh ends with, and `Fetched`/`Result`;
- `batch`: `refresh_films`, many films fetched on threads and stored in batches (`refresh_yts`);
- `background`: `refresh_in_background`, the page's refresh on a Celery worker or the web
  process's threads, and `should_refresh_in_background`, whether a page should start one.
"""

from tracker.refresh.batch import WRITE_BATCH_SIZE, refresh_films
from tracker.refresh.film import (
    ANSWERED_MARKER_SECONDS,
    BUSY,
    BUTTON,
    FAILED,
    FRESH,
    MISSING,
    PAGE,
    REFRESHED,
    WORKER,
    Fetched,
    Policy,
    Result,
    fetch,
    refresh_film,
    store,
)

__all__ = [
    "ANSWERED_MARKER_SECONDS",
    "BUSY",
    "BUTTON",
    "FAILED",
    "FRESH",
    "MISSING",
    "PAGE",
    "REFRESHED",
    "WORKER",
    "WRITE_BATCH_SIZE",
    "Fetched",
    "Policy",
    "Result",
    "fetch",
    "refresh_film",
    "refresh_films",
    "store",
]
