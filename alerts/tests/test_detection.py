"""Event detection as a pure function of the qualities before, after, and the quality owned."""

from hypothesis import given
from hypothesis import strategies as st

from alerts.detection import AVAILABLE, UPGRADE, WISHLIST, Event, detect
from tracker import quality

QUALITIES = ["480p", "720p", "1080p", "2160p", "3D"]
qualities = st.lists(st.sampled_from(QUALITIES), unique=True, max_size=5)
owned = st.none() | st.sampled_from([480, 720, 1080, 2160])


@given(qualities, owned)
def test_an_unchanged_answer_records_nothing(listed, owns):
    """The same qualities before and after, in any order, are no news."""
    assert detect(listed, list(reversed(listed)), owns) == []


@given(qualities, owned)
def test_nothing_is_news_without_a_known_before_or_after(listed, owns):
    """A first fetch (nothing known before) and a failed refresh (nothing known after) record nothing."""
    assert detect(None, listed, owns) == []
    assert detect(listed, None, owns) == []


@given(qualities, qualities, owned)
def test_at_most_one_event_per_refresh(before, after, owns):
    """One refresh of one film gives a person at most one event."""
    assert len(detect(before, after, owns)) <= 1


@given(qualities, qualities, st.sampled_from([480, 720, 1080, 2160]))
def test_an_upgrade_is_exactly_a_new_best_above_what_is_owned(before, after, owns):
    """An upgrade is recorded iff the best quality after beats both the copy and the best before, and names it."""
    best_after = quality.best_lines(after)
    events = detect(before, after, owns)
    expected = best_after > max(owns, quality.best_lines(before))
    assert (Event(UPGRADE, quality.name(best_after)) in events) == expected
    if expected:
        assert quality.name(best_after) in after


@given(qualities, qualities, st.sampled_from([480, 720, 1080, 2160]))
def test_torrents_appearing_is_news_unless_it_is_an_upgrade(before, after, owns):
    """'Torrents appeared' is recorded iff there were none and now are some, and no upgrade says more."""
    events = detect(before, after, owns)
    appeared = not before and bool(after)
    upgraded = any(e.kind == UPGRADE for e in events)
    assert (Event(AVAILABLE) in events) == (appeared and not upgraded)


@given(qualities, qualities)
def test_a_wishlist_film_is_news_when_it_becomes_available(before, after):
    """For a film only on the wish list, the one event is its first torrents."""
    events = detect(before, after, None)
    assert events == ([Event(WISHLIST)] if after and not before else [])


def test_alien_on_dvd_gets_its_2160p_release():
    """The worked example: a DVD (480p) of a film that had 720p and 1080p now has 2160p."""
    assert detect(["1080p", "720p"], ["2160p", "1080p", "720p"], 480) == [Event(UPGRADE, "2160p")]


def test_a_3d_release_is_not_an_upgrade():
    """A quality without lines ("3D") is listed but never better than a copy."""
    assert detect(["1080p"], ["1080p", "3D"], 480) == []
