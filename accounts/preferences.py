"""Each user's settings as the pages read them: from the cache, so a page pays no query for them.

A save writes the new values to the cache (and retires the user's stored pages, which were rendered
with the old ones); a miss reads the row, or the defaults when the user never saved any."""

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import cache

from accounts.models import UserSettings
from tracker import page_cache

CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Preferences:
    time_zone: str = ""
    list_view: str = "grid"
    list_sort: str = "title"
    currency: str = "USD"
    torrent_qualities: tuple = field(default_factory=tuple)

    @classmethod
    def of_row(cls, row):
        return cls(
            time_zone=row.time_zone,
            list_view=row.list_view,
            list_sort=row.list_sort,
            currency=row.currency,
            torrent_qualities=tuple(row.torrent_qualities or ()),
        )

    def list_query(self):
        """The list page's query string for these defaults; empty when they are the app's own."""
        if (self.list_sort, self.list_view) == (Preferences.list_sort, Preferences.list_view):
            return ""
        return f"sort={self.list_sort}&view={self.list_view}"

    def shown_torrents(self, torrents):
        """The stored torrents in the qualities this user chose (all of them when none is chosen)."""
        if not self.torrent_qualities:
            return torrents
        return [t for t in torrents if t.get("quality") in self.torrent_qualities]


def _key(user_pk):
    return f"accounts:preferences:{user_pk}"


def for_user(user):
    """The user's preferences; the defaults for an anonymous visitor."""
    if not user.is_authenticated:
        return Preferences()
    found = cache.get(_key(user.pk))
    if found is not None:
        return Preferences(**found)
    row = UserSettings.objects.filter(user=user).first()
    preferences = Preferences.of_row(row) if row else Preferences()
    remember(user.pk, preferences)
    return preferences


def shown_torrents(user, torrents):
    """The torrents of a DVD's page in the qualities `user` chose to see."""
    return for_user(user).shown_torrents(torrents)


def remember(user_pk, preferences):
    cache.set(_key(user_pk), asdict(preferences), CACHE_SECONDS)


def saved(row):
    """After a save: the new values for the next pages, and none of the pages rendered with the old."""
    remember(row.user_id, Preferences.of_row(row))
    dvds = row.user.dvds.values_list("pk", flat=True)
    page_cache.dvds_changed([(None, row.user_id), *((pk, row.user_id) for pk in dvds)])


def forget(user_pk):
    cache.delete(_key(user_pk))


def stored_qualities():
    """The qualities a user can choose among: those the app stores (YTS_DEFAULT_QUALITIES)."""
    return list(settings.YTS_DEFAULT_QUALITIES)
