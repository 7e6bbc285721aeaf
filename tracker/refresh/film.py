"""Refreshing one film: `refresh_film` under the film's lock, `fetch` from YTS, `store` the outcome.

A `Policy` says how: only when the film is stale or always, through the cache or past it,
and whether the caller may wait (a worker, the shell) or must answer now (a web request, which
waits at most YTS_PACING_MAX_WAIT_SECONDS on the film's lock and YTS's pace together, then is
told 'busy' having asked nothing).

What holds, however refreshes interleave:
- one upstream call per film at a time: `refresh_film` holds the film's lock for the fetch and
  the write, and a caller that waited for the lock takes the answer of the refresh it waited
  for instead of asking again;
- an outcome never replaces a newer one: each carries the time its fetch started, and
  `DVDQuerySet.store_yts_outcomes` writes only where nothing newer is stored (this covers the
  batch, which writes in batches after releasing each film's lock, and a lock lost to Redis);
- a failure keeps the stored torrents and their time, and records only its reason.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from alerts import events
from tracker.locks import film_lock, lock_ttl
from tracker.models import DVD, YTS_FIELDS
from tracker.ops.metrics import timed_refresh
from tracker.services.yts import ALL_QUALITIES, YTSError, YTSService

REFRESHED, FAILED, FRESH, BUSY, MISSING = "refreshed", "failed", "fresh", "busy", "missing"
# How long "YTS was asked about this film at T" is remembered for callers waiting on its lock.
ANSWERED_MARKER_SECONDS = 600


@dataclass(frozen=True)
class Policy:
    only_if_stale: bool = False
    max_age_hours: int | None = None  # with only_if_stale; None: YTS_MAX_DATA_AGE_HOURS
    use_cache: bool = True
    patient: bool = True

    def lock_wait_seconds(self):
        # A refresh that is only wanted when stale leaves a film being refreshed to that refresh.
        if self.only_if_stale:
            return 0
        return lock_ttl() if self.patient else settings.YTS_PACING_MAX_WAIT_SECONDS


# The Refresh button: now, past the cache, answering within YTS_PACING_MAX_WAIT_SECONDS.
BUTTON = Policy(use_cache=False, patient=False)
# A page's background refresh on the web process's threads, and the same on a Celery worker.
PAGE = Policy(only_if_stale=True, patient=False)
WORKER = Policy(only_if_stale=True)


@dataclass(frozen=True)
class Fetched:
    """What YTS answered about a film (its torrents in YTS_DEFAULT_QUALITIES, or a YTSError).

    `listed` is every torrent of the film, whatever its quality, from the same answer: what the
    qualities stored beside the torrents (and the upgrade alerts) are read from.
    """

    imdb_id: str
    started: object  # when the fetch started: what "newer" means when outcomes are stored
    answer: object
    asked_yts: bool = True  # False when the answer came from the cache
    listed: object = None  # None: only `answer` is known (a failure, or a caller that fetched filtered)

    @property
    def failed(self):
        return isinstance(self.answer, YTSError)

    @property
    def all_torrents(self):
        """Every torrent YTS listed for the film ([] for a failure)."""
        if self.failed:
            return []
        return self.answer if self.listed is None else self.listed


@dataclass(frozen=True)
class Result:
    status: str
    stored: dict = field(default_factory=dict)  # the film's YTS columns after the refresh

    @property
    def torrent_count(self):
        return self.stored.get("yts_torrent_count", 0)


def refresh_film(imdb_id, policy=Policy()):
    """Refresh one film for every DVD that has it; a Result whose status is one of the constants above."""
    requested = time.time()
    deadline = None if policy.patient else time.monotonic() + settings.YTS_PACING_MAX_WAIT_SECONDS
    with film_lock(imdb_id, wait_seconds=policy.lock_wait_seconds()) as lock:
        if not lock.acquired:
            return Result(BUSY)
        films = DVD.objects.filter(imdb_id=imdb_id)
        if policy.only_if_stale:
            films = films.stale(policy.max_age_hours)
        if not films.exists():
            return Result(FRESH if policy.only_if_stale else MISSING)
        if lock.waited and _answered_since(imdb_id, requested):
            # The refresh we waited for asked YTS after we were asked: its stored outcome is ours.
            stored = _stored(imdb_id)
            return Result(FAILED if DVD(**stored).last_refresh_failed else REFRESHED, stored)
        fetched = fetch(imdb_id, policy, lock=lock, deadline=deadline)
        if fetched is None:
            return Result(BUSY)
        store([fetched])
        if fetched.asked_yts:
            cache.set(_answered_key(imdb_id), time.time(), ANSWERED_MARKER_SECONDS)
    return Result(FAILED if fetched.failed else REFRESHED, _stored(imdb_id))


@timed_refresh  # its duration, by outcome, for /metrics
def fetch(imdb_id, policy, *, lock=None, deadline=None, service=None):
    """Ask YTS (or the cache) about one film, without touching the database; None when the pace said no."""
    service = service or YTSService()
    turn = {}

    def on_turn():
        # YTS's pace gave us a turn: the lock gets its whole lifetime for the call that follows.
        if lock is not None:
            lock.renew()
        turn["started"] = timezone.now()

    max_wait = None if deadline is None else max(0.0, deadline - time.monotonic())
    started = timezone.now()
    listed = None
    try:
        # Unfiltered once: the stored torrents are the default qualities, the upgrade alerts read all of them.
        listed = service.fetch_quality_torrents(
            imdb_id, ALL_QUALITIES, use_cache=policy.use_cache, max_wait=max_wait, on_turn=on_turn
        )
        answer = service.filter_torrents_by_quality(listed)
    except YTSError as exc:
        if "started" not in turn:  # YTSBusy: the pace gave no turn, so YTS was not asked
            return None
        answer = exc
    return Fetched(imdb_id, turn.get("started", started), answer, asked_yts="started" in turn, listed=listed)


def store(fetched):
    """Store outcomes (the only writer of fetched torrents) and say, film by film, what changed.

    Returns {imdb_id: 'refreshed', 'unchanged', 'no torrents' or 'failed'}. What changed for the
    people who have the films (a better quality, torrents at last) is recorded by alerts.events.
    """
    if not fetched:
        return {}
    ids = [f.imdb_id for f in fetched]
    stored_before = list(DVD.objects.filter(imdb_id__in=ids).order_by().values(*events.BEFORE_FIELDS))
    before = {row["imdb_id"]: row["yts_data"] for row in stored_before}
    DVD.objects.store_yts_outcomes(fetched)
    events.record(stored_before, fetched)
    return {f.imdb_id: _change(f.answer, before.get(f.imdb_id)) for f in fetched}


def _change(answer, before):
    if isinstance(answer, YTSError):
        return "failed"
    if not answer:
        return "no torrents"
    return "unchanged" if answer == before else "refreshed"


def _answered_key(imdb_id):
    return f"yts:answered:{imdb_id}"


def _answered_since(imdb_id, moment):
    answered = cache.get(_answered_key(imdb_id))
    return answered is not None and answered >= moment


def _stored(imdb_id):
    return DVD.objects.filter(imdb_id=imdb_id).values(*YTS_FIELDS).order_by("pk").first() or {}
