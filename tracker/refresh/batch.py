"""Refreshing many films at once (the `refresh_yts` command): fetched on threads, stored in batches."""

from concurrent.futures import ThreadPoolExecutor, as_completed

from tracker.locks import film_lock
from tracker.refresh.film import BUSY, fetch, store
from tracker.services.yts import YTSService

WRITE_BATCH_SIZE = 100


def refresh_films(imdb_ids, policy, *, concurrency, report):
    """Refresh many films: fetched on `concurrency` threads (network only), stored here in batches.

    `report(imdb_id, change, answer)` is called for each film once its outcome is stored (a change
    from `store` with YTS's answer, or BUSY and None when another refresh holds the film).
    A KeyboardInterrupt stops the batch after storing what was fetched, then propagates; a rerun
    goes on with what is still stale.
    """
    service = YTSService()
    pending = []
    interrupted = False
    executor = ThreadPoolExecutor(concurrency, thread_name_prefix="refresh-yts")
    try:
        # No list of the futures is kept: each answer is dropped once stored, not held to the end.
        submitted = [executor.submit(_fetch_unless_locked, imdb_id, policy, service) for imdb_id in imdb_ids]
        futures = as_completed(submitted)
        del submitted
        for future in futures:
            imdb_id, fetched = future.result()
            if fetched is None:
                report(imdb_id, BUSY, None)
                continue
            pending.append(fetched)
            if len(pending) >= WRITE_BATCH_SIZE:
                _store_and_report(pending, report)
                pending = []
    except KeyboardInterrupt:
        interrupted = True
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _store_and_report(pending, report)
        executor.shutdown(wait=not interrupted)


def _fetch_unless_locked(imdb_id, policy, service):
    """Runs in a pool thread: the film's lock and YTS, no database (the write comes later, in batches)."""
    with film_lock(imdb_id) as lock:
        if not lock.acquired:
            return imdb_id, None
        return imdb_id, fetch(imdb_id, policy, lock=lock, service=service)


def _store_and_report(fetched, report):
    changes = store(fetched)
    for f in fetched:
        report(f.imdb_id, changes[f.imdb_id], f.answer)
