"""A refresh whose film is locked is looked at again: the lock may belong to a killed worker."""

import pytest
from celery.exceptions import Retry

from tracker.locks import film_lock, lock_ttl
from tracker.tasks import BUSY_RETRIES, refresh_film


@pytest.fixture
def locked(dvd):
    """The film's lock, held by a worker that will never release it."""
    with film_lock(dvd.imdb_id) as lock:
        assert lock.acquired
        yield dvd


@pytest.fixture
def as_worker():
    """Run the task as a worker delivers it, not called directly."""
    refresh_film.push_request(retries=0, is_eager=False, called_directly=False)
    yield
    refresh_film.pop_request()


def test_a_busy_film_is_retried_once_its_lock_has_surely_expired(locked, as_worker, monkeypatch):
    """A worker that finds the film locked schedules the refresh again after the lock's lifetime."""
    scheduled = []

    def retry(**options):
        scheduled.append(options)
        return Retry()

    monkeypatch.setattr(refresh_film, "retry", retry)
    with pytest.raises(Retry):
        refresh_film.run(locked.imdb_id)
    assert scheduled == [{"countdown": lock_ttl()}]


def test_a_busy_film_called_directly_just_reports_busy(locked):
    """From the shell or the inline default, a locked film answers 'busy' and schedules nothing."""
    assert refresh_film(locked.imdb_id) == "busy"


def test_retries_stop_after_the_allowance(locked):
    """A film locked through every retry gives up as 'busy'; the nightly batch catches up."""
    refresh_film.push_request(retries=BUSY_RETRIES, is_eager=False, called_directly=False)
    try:
        assert refresh_film.run(locked.imdb_id) == "busy"
    finally:
        refresh_film.pop_request()
