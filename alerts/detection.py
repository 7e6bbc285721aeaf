"""What one refresh of one film means to one person: a pure function of before, after and what they own."""

from dataclasses import dataclass

from tracker import quality

AVAILABLE, UPGRADE, WISHLIST = "available", "upgrade", "wishlist"


@dataclass(frozen=True)
class Event:
    kind: str
    quality: str = ""  # an upgrade's better quality; '' for the other kinds, which happen once per film


def detect(before, after, owned):
    """The events of a refresh: at most one, an upgrade taking precedence over "torrents appeared".

    `before` and `after` are the qualities YTS listed for the film before and after the refresh
    (None when not known: the film was never fetched since qualities are kept, or this refresh
    failed). `owned` is the lines of the person's best kept copy, or None for a film that is only
    on their wish list.
    """
    if before is None or after is None or set(before) == set(after):
        return []
    had_torrents, has_torrents = bool(before), bool(after)
    if owned is None:
        return [Event(WISHLIST)] if has_torrents and not had_torrents else []
    best = quality.best_lines(after)
    if best > max(owned, quality.best_lines(before)):
        return [Event(UPGRADE, quality.name(best))]
    if has_torrents and not had_torrents:
        return [Event(AVAILABLE)]
    return []
