"""Recording alerts from a refresh: called by tracker.refresh.store once the outcomes are written.

For each film whose outcome was written (not a failure, not one a newer outcome replaced), the
qualities stored before are compared with those written, for each person who has the film
(alerts.detection). Events are inserted with ignore_conflicts over a unique constraint, so a
batch run again, or two refreshes of one film at once, record each event once. Sending them is
queued for after the commit, never done here.
"""

import logging
from collections import defaultdict

from django.db import transaction

from alerts import background, counts, detection
from alerts.models import Channel, Frequency, Notification
from tracker import quality
from tracker.models import DVD

logger = logging.getLogger("alerts.events")

# What tracker.refresh.store reads before its write, for this module.
BEFORE_FIELDS = (
    "pk",
    "owner_id",
    "imdb_id",
    "name",
    "release_year",
    "status",
    "disk_type",
    "owned_quality",
    "yts_data",
    "yts_qualities",
)


def record(stored_before, fetched):
    """Record the events of these outcomes (tracker.refresh.Fetched) against the rows read before the write."""
    outcomes = {f.imdb_id: f for f in fetched if not f.failed}
    # A copy whose qualities were never stored has nothing to compare with (a first fetch is no news).
    candidates = [row["pk"] for row in stored_before if row["imdb_id"] in outcomes and row["yts_qualities"] is not None]
    if not candidates:
        return
    # Only the copies this outcome was written to: where a newer one is stored, its refresh speaks.
    stored_now = DVD.objects.filter(pk__in=candidates).order_by().values_list("pk", "imdb_id", "yts_last_updated")
    written = {pk for pk, imdb_id, updated in stored_now if updated == outcomes[imdb_id].started}
    rows = [row for row in stored_before if row["pk"] in written]
    notifications = []
    for (owner_id, imdb_id), copies in _by_person_and_film(rows).items():
        after = quality.listed_qualities(outcomes[imdb_id].all_torrents)
        for event in _events(copies, after):
            notifications.append(_notification(owner_id, imdb_id, copies, after, event))
    if not notifications:
        return
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    people = {n.user_id for n in notifications}
    for person in people:  # a page may have cached their counts between the write and these rows
        counts.forget(person)
    logger.info("Recorded %d alerts (any already recorded are skipped) for %d people", len(notifications), len(people))
    transaction.on_commit(lambda: _deliver(people))


def _by_person_and_film(rows):
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row["owner_id"], row["imdb_id"])].append(row)
    return grouped


def _best_copy(copies):
    """The copy the person's news is about: their best kept copy, else one on their wish list, else None."""
    kept = [c for c in copies if c["status"] == "kept"]
    if kept:
        return max(kept, key=_owned_lines), _owned_lines(max(kept, key=_owned_lines))
    wished = [c for c in copies if c["status"] == "wishlist"]
    return (wished[0], None) if wished else (None, None)


def _owned_lines(copy):
    return quality.owned_lines(copy["disk_type"], copy["owned_quality"])


def _events(copies, after):
    copy, owned = _best_copy(copies)
    if copy is None:  # only disposed copies: no longer theirs
        return []
    return detection.detect(copy["yts_qualities"], after, owned)


def _notification(owner_id, imdb_id, copies, after, event):
    copy, owned = _best_copy(copies)
    title = f"{copy['name']} ({copy['release_year']})" if copy["release_year"] else copy["name"]
    best = quality.name(quality.best_lines(after)) or ", ".join(after)
    if event.kind == detection.UPGRADE:
        text = f"{title} now has a {event.quality} release on YTS; your copy is {quality.name(owned)}."
    elif event.kind == detection.WISHLIST:
        text = f"{title}, on your wish list, is now on YTS (best: {best})."
    else:
        text = f"{title} has torrents on YTS now (best: {best})."
    return Notification(
        user_id=owner_id, dvd_id=copy["pk"], imdb_id=imdb_id, kind=event.kind, quality=event.quality, text=text[:300]
    )


def _deliver(people):
    immediate = (
        Channel.objects.filter(user_id__in=people, enabled=True)
        .exclude(user__alert_settings__frequency__in=[Frequency.DAILY, Frequency.WEEKLY])
        .values_list("user_id", flat=True)
        .distinct()
    )
    background.deliver_soon(set(immediate))
