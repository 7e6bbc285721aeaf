"""The Upgrades page, the inbox, and the navbar's counts."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from alerts.models import Notification
from alerts.tests.helpers import fetched_before, refreshed
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def badge(page, nav_id):
    """The count badge of a navbar link, or None."""
    link = re.search(rf'<a [^>]*id="{nav_id}"[^>]*>(.*?)</a>', page, re.S).group(1)
    found = re.search(r"data-nav-count>(\d+)<", link)
    return int(found.group(1)) if found else None


def test_upgrades_lists_copies_with_a_better_quality_best_first(signed_in, user, other_user):
    """DVDs with 2160p listed come before those with 1080p; copies already as good, and other people's, are absent."""
    DVDFactory(owner=user, name="Heat", imdb_id="tt0000001", disk_type="dvd")
    DVDFactory(owner=user, name="Alien", imdb_id="tt0000002", disk_type="dvd")
    DVDFactory(owner=user, name="Big", imdb_id="tt0000003", disk_type="bluray")
    DVDFactory(owner=user, name="Gone", imdb_id="tt0000002", status="disposed")
    DVDFactory(owner=other_user, name="Theirs", imdb_id="tt0000004")
    refreshed("tt0000001", "720p", "1080p")
    refreshed("tt0000002", "1080p", "2160p")
    refreshed("tt0000003", "1080p")
    refreshed("tt0000004", "2160p")
    page = signed_in.get(reverse("upgrades"))
    assert [dvd.name for dvd in page.context["page"].object_list] == ["Alien", "Heat"]
    assert page.context["filters"] == [("2160p", 1), ("1080p", 1)]
    html = page.content.decode()
    assert "2160p" in html
    assert "Theirs" not in html
    assert "Gone" not in html
    assert "https://yts.mx/torrent/download/2160p" in html  # the torrents of the better quality, with their seeds
    assert "seeds" in html


def test_upgrades_filter_by_target_quality(signed_in, user):
    """?quality=1080p shows only the copies whose best listed quality is 1080p; a made-up one shows all."""
    DVDFactory(owner=user, name="Heat", imdb_id="tt0000001")
    DVDFactory(owner=user, name="Alien", imdb_id="tt0000002")
    refreshed("tt0000001", "1080p")
    refreshed("tt0000002", "2160p")
    only = signed_in.get(reverse("upgrades"), {"quality": "1080p"})
    assert [dvd.name for dvd in only.context["page"].object_list] == ["Heat"]
    made_up = signed_in.get(reverse("upgrades"), {"quality": "<script>"})
    assert len(made_up.context["page"].object_list) == 2


def test_the_navbar_shows_the_upgrade_and_unread_counts(signed_in, user):
    """Every page's navbar counts the copies with an upgrade and the unread alerts."""
    DVDFactory(owner=user, imdb_id="tt0000001", disk_type="bluray")
    fetched_before("tt0000001", "720p", "1080p")
    page = signed_in.get(reverse("dvd_list")).content.decode()
    assert (badge(page, "nav-upgrades"), badge(page, "nav-alerts")) == (None, None)
    refreshed("tt0000001", "720p", "1080p", "2160p")
    page = signed_in.get(reverse("dvd_list")).content.decode()
    assert (badge(page, "nav-upgrades"), badge(page, "nav-alerts")) == (1, 1)
    assert "<!--alerts:" not in page


def test_stored_pages_get_the_counts_of_the_moment(signed_in, user, settings):
    """With stored pages on, a page served from the cache still shows the current counts."""
    settings.PAGE_CACHE_SECONDS = 60
    dvd = DVDFactory(owner=user, imdb_id="tt0000001")
    fetched_before("tt0000001", "720p")
    refreshed("tt0000001", "720p", "2160p")
    first = signed_in.get(dvd.get_absolute_url())
    assert badge(first.content.decode(), "nav-alerts") == 1
    signed_in.post(reverse("notification_read", args=[Notification.objects.get().pk]))  # no DVD is written
    again = signed_in.get(dvd.get_absolute_url())
    assert again.templates == []  # served whole from the cache, not rendered
    assert badge(again.content.decode(), "nav-alerts") is None


def test_a_stored_page_and_its_counts_come_in_one_cache_read(signed_in, user, settings, monkeypatch):
    """A stored page asks the cache once for the page, its token and the navbar's counts."""
    settings.PAGE_CACHE_SECONDS = 60
    dvd = DVDFactory(owner=user, imdb_id="tt0000001")
    fetched_before("tt0000001", "720p")
    refreshed("tt0000001", "720p", "2160p")
    signed_in.get(dvd.get_absolute_url())
    signed_in.get(dvd.get_absolute_url())  # the counts, cached under the owner's token
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **kw: reads.append(keys) or real_get_many(keys, *a, **kw))
    again = signed_in.get(dvd.get_absolute_url())
    assert again.templates == []
    assert (badge(again.content.decode(), "nav-upgrades"), badge(again.content.decode(), "nav-alerts")) == (1, 1)
    assert len(reads) == 1


def test_editing_a_copy_updates_the_upgrades_count(signed_in, user):
    """A DVD re-marked as 4K UHD no longer counts as upgradable."""
    dvd = DVDFactory(owner=user, imdb_id="tt0000001", disk_type="dvd")
    refreshed("tt0000001", "2160p")
    assert badge(signed_in.get(reverse("dvd_list")).content.decode(), "nav-upgrades") == 1
    dvd.disk_type = "4k_uhd"
    dvd.save()
    assert badge(signed_in.get(reverse("dvd_list")).content.decode(), "nav-upgrades") is None


def test_the_inbox_lists_alerts_and_marks_them_read(signed_in, user):
    """The inbox shows my alerts newest first; one can be marked read, then all."""
    for n, imdb_id in enumerate(["tt0000001", "tt0000002", "tt0000003"]):
        DVDFactory(owner=user, name=f"Film {n}", imdb_id=imdb_id)
        fetched_before(imdb_id, "720p")
        refreshed(imdb_id, "720p", "2160p")
    page = signed_in.get(reverse("notifications"))
    assert [n.text.split(" ")[1] for n in page.context["page"].object_list] == ["2", "1", "0"]
    first = Notification.objects.for_user(user).last()
    assert signed_in.post(reverse("notification_read", args=[first.pk])).status_code == 302
    assert Notification.objects.for_user(user).unread().count() == 2
    signed_in.post(reverse("notifications_read_all"))
    assert Notification.objects.for_user(user).unread().count() == 0


def test_another_users_alert_cannot_be_marked_read(signed_in, other_user):
    """Marking someone else's alert read is a 404 and changes nothing."""
    DVDFactory(owner=other_user, imdb_id="tt0000001")
    fetched_before("tt0000001", "720p")
    refreshed("tt0000001", "2160p")
    theirs = Notification.objects.get()
    assert signed_in.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    signed_in.post(reverse("notifications_read_all"))
    assert Notification.objects.get().read_at is None


def test_the_owned_quality_can_be_set_on_the_form(signed_in, user):
    """The add form takes a quality for the copy, which then decides what counts as an upgrade."""
    data = {"name": "Upscaled", "disk_type": "dvd", "owned_quality": "1080", "media_type": "physical", "status": "kept"}
    signed_in.post(reverse("dvd_add"), data)
    dvd = user.dvds.get()
    assert (dvd.owned_quality, dvd.owned_quality_name) == (1080, "1080p")


def test_an_alert_recorded_after_its_refreshs_write_shows_at_once(signed_in, user, settings):
    """With stored pages on, counts cached between a refresh's write and its alert are not kept."""
    from alerts import events
    from alerts.tests.helpers import outcome
    from tracker.models import DVD

    settings.PAGE_CACHE_SECONDS = 60
    DVDFactory(owner=user, imdb_id="tt0000001", disk_type="4k_uhd")
    fetched_before("tt0000001")
    rows = list(DVD.objects.filter(imdb_id="tt0000001").values(*events.BEFORE_FIELDS))
    fetched = outcome("tt0000001", "720p")
    DVD.objects.store_yts_outcomes([fetched])
    assert badge(signed_in.get(reverse("dvd_list")).content.decode(), "nav-alerts") is None
    events.record(rows, [fetched])
    assert badge(signed_in.get(reverse("dvd_list")).content.decode(), "nav-alerts") == 1
