"""Stored pages (tracker/page_cache.py): served again without a render, never once anything they show has changed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tracker.models import DVD
from tracker.page_cache import CachedPage
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def stored(dvd, torrents, *, age=timedelta(hours=1)):
    DVD.objects.filter(pk=dvd.pk).update(
        yts_data=torrents, yts_torrent_count=len(torrents), yts_last_updated=timezone.now() - age
    )


def view(client, path):
    """The page's text, and whether rendering it read any DVD from the database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), any("tracker_dvd" in q["sql"] for q in queries)


def without_csrf_tokens(content):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)


def test_a_page_seen_again_is_served_without_reading_the_dvd(signed_in, dvd):
    """The second view of a DVD's page shows the same page and reads no DVD row."""
    stored(dvd, [payloads.torrent()])
    first, first_read = view(signed_in, dvd.get_absolute_url())
    again, again_read = view(signed_in, dvd.get_absolute_url())
    assert (first_read, again_read) == (True, False)
    assert without_csrf_tokens(again) == without_csrf_tokens(first)  # each response masks the token anew
    assert "Bluray 1080p x264" in " ".join(again.split())


def test_with_the_page_cache_off_every_view_reads_the_dvd(signed_in, dvd, settings):
    """PAGE_CACHE_SECONDS=0 (the default without Redis) renders every view."""
    settings.PAGE_CACHE_SECONDS = 0
    assert view(signed_in, dvd.get_absolute_url())[1]
    assert view(signed_in, dvd.get_absolute_url())[1]


def test_each_dvd_has_its_own_stored_page(signed_in, user):
    """Two DVDs of one user, each viewed twice, each show their own title."""
    first, second = DVDFactory(owner=user, name="First film"), DVDFactory(owner=user, name="Second film")
    for _ in range(2):
        assert "First film" in view(signed_in, first.get_absolute_url())[0]
        assert "Second film" in view(signed_in, second.get_absolute_url())[0]


def test_another_user_never_gets_my_stored_page(signed_in, dvd, other_user):
    """My stored page is not served to someone else: they get a 404 for my DVD."""
    view(signed_in, dvd.get_absolute_url())
    them = Client()
    them.force_login(other_user)
    assert them.get(dvd.get_absolute_url()).status_code == 404


def test_a_stored_page_carries_the_visitors_own_csrf_token(dvd, user):
    """The token in a stored page is this request's, and a form posted with it is accepted."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(dvd.get_absolute_url())
    content = client.get(dvd.get_absolute_url()).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content))
    assert len(tokens) == 1
    assert "csrf-token" not in content
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # 403 if the token were not this session's


def test_an_edit_shows_at_once(signed_in, dvd):
    """After an edit, the DVD's page and the list show the new title."""
    view(signed_in, dvd.get_absolute_url())
    view(signed_in, reverse("dvd_list"))
    form = {"name": "Renamed film", "disk_type": dvd.disk_type, "media_type": dvd.media_type, "status": dvd.status}
    form |= {"imdb_id": dvd.imdb_id, "release_year": dvd.release_year}
    assert signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form).status_code == 302
    signed_in.get(dvd.get_absolute_url())  # shows (and uses up) the "Saved your changes" message
    assert "Renamed film" in view(signed_in, dvd.get_absolute_url())[0]
    assert "Renamed film" in view(signed_in, reverse("dvd_list"))[0]


def test_a_message_is_shown_once_not_stored_with_the_page(signed_in, dvd):
    """The "Saved your changes" alert appears on the next page only, never again from a stored page."""
    view(signed_in, dvd.get_absolute_url())
    form = {"name": dvd.name, "disk_type": dvd.disk_type, "media_type": dvd.media_type, "status": dvd.status}
    signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form | {"imdb_id": dvd.imdb_id})
    assert "Saved your changes" in view(signed_in, dvd.get_absolute_url())[0]
    assert "Saved your changes" not in view(signed_in, dvd.get_absolute_url())[0]
    assert "Saved your changes" not in view(signed_in, dvd.get_absolute_url())[0]


def test_a_refresh_shows_its_torrents_on_every_owners_pages(signed_in, dvd, other_user, http_mock):
    """A Refresh (a queryset UPDATE by IMDb id) updates my page, my list and another owner's copy of the film."""
    theirs = DVDFactory(owner=other_user, imdb_id=dvd.imdb_id)
    them = Client()
    them.force_login(other_user)
    stored(dvd, [])
    stored(theirs, [])
    for client, copy in ((signed_in, dvd), (them, theirs)):
        assert "No torrents available" in view(client, copy.get_absolute_url())[0]
    assert "torrents available</span>" not in view(signed_in, reverse("dvd_list"))[0]
    http_mock.get(YTS_LIST_URL, json=payloads.list_movies(payloads.movie(dvd.imdb_id)))
    assert signed_in.post(reverse("refresh_yts_data", args=[dvd.pk])).status_code == 200
    for client, copy in ((signed_in, dvd), (them, theirs)):
        assert "Bluray 1080p x264" in " ".join(view(client, copy.get_absolute_url())[0].split())
    assert "torrents available</span>" in view(signed_in, reverse("dvd_list"))[0]


def test_a_deleted_dvd_leaves_no_stored_page(signed_in, dvd):
    """After a delete, its page is a 404 and the list no longer names it."""
    view(signed_in, dvd.get_absolute_url())
    view(signed_in, reverse("dvd_list"))
    signed_in.post(reverse("dvd_delete", args=[dvd.pk]))
    assert signed_in.get(dvd.get_absolute_url()).status_code == 404
    signed_in.get(reverse("dvd_list"))  # the "Deleted" message
    assert dvd.name not in view(signed_in, reverse("dvd_list"))[0]


def test_bulk_writes_show_at_once(signed_in, user, dvd):
    """DVDs added by bulk_create (imports) and changed by update() (fetch_imdb_ids) show on the next view."""
    view(signed_in, reverse("dvd_list"))
    view(signed_in, dvd.get_absolute_url())
    DVD.objects.bulk_create([DVD(owner=user, name="Imported film", imdb_id="tt7654321")])
    assert "Imported film" in view(signed_in, reverse("dvd_list"))[0]
    DVD.objects.filter(pk=dvd.pk).update(director="Frank Darabont")
    assert "Frank Darabont" in view(signed_in, dvd.get_absolute_url())[0]


def test_an_import_shows_its_dvds_on_the_list(signed_in, user, tmp_path):
    """DVDs added by the import command appear on a list page that was stored before."""
    view(signed_in, reverse("dvd_list"))
    upload = tmp_path / "films.csv"
    upload.write_text("title,year,imdb_id\nImported by command,2001,tt0241527\n")
    call_command("import_collection", str(upload), "--user", user.username)
    assert "Imported by command" in view(signed_in, reverse("dvd_list"))[0]


def test_a_page_rendered_from_rows_a_transaction_is_changing_is_not_served_after_it_commits(
    signed_in, user, dvd, rf, django_capture_on_commit_callbacks
):
    """A reader that rendered the old row while a write was uncommitted never leaves that page in view."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        DVD.objects.filter(pk=dvd.pk).update(name="Changed in a transaction")
        # Another connection would still read the old row now, and store its page under the current token.
        request = rf.get(dvd.get_absolute_url())
        request.user = user
        reader = CachedPage.of_dvd(request, dvd.pk)
        assert reader.lookup() is None
        reader.store(HttpResponse("the page of the old row"))
    assert "Changed in a transaction" in view(signed_in, dvd.get_absolute_url())[0]


def test_a_stale_stored_page_still_starts_a_background_refresh(signed_in, dvd, background_refreshes):
    """A page stored while fresh, served after its torrents went stale, still queues the refresh."""
    stored(dvd, [payloads.torrent()], age=timedelta(hours=24) - timedelta(seconds=10))
    view(signed_in, dvd.get_absolute_url())
    assert background_refreshes == []
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):  # stale now, still within PAGE_CACHE_SECONDS
        content, read = view(signed_in, dvd.get_absolute_url())
    assert not read
    assert "Bluray 1080p x264" in " ".join(content.split())
    assert background_refreshes == [dvd.imdb_id]


def test_a_failures_age_is_never_served_from_a_stored_page(signed_in, dvd, http_mock, settings):
    """The "last refresh failed N ago" notice is worked out on each view."""
    stored(dvd, [payloads.torrent()], age=timedelta(hours=30))
    http_mock.get(YTS_LIST_URL, status=500)
    dvd.refresh_yts_data()
    assert "failed 0\xa0minutes ago" in view(signed_in, dvd.get_absolute_url())[0]
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert "failed 10\xa0minutes ago" in view(signed_in, dvd.get_absolute_url())[0]


def test_a_new_time_zone_renders_its_own_page(signed_in, dvd):
    """The "Last updated" time follows the browser's time zone cookie, whatever zone a stored page had."""
    stored(dvd, [payloads.torrent()])
    assert "UTC" in view(signed_in, dvd.get_absolute_url())[0]
    signed_in.cookies["tz"] = "Asia/Tokyo"
    assert "JST" in view(signed_in, dvd.get_absolute_url())[0]


def test_list_filters_and_searches_each_show_their_own_rows(signed_in, user):
    """A filter's stored page is its own; searches always run."""
    DVDFactory(owner=user, name="Alien", disk_type="bluray")
    DVDFactory(owner=user, name="Brazil", disk_type="dvd")
    for _ in range(2):
        assert "Brazil" not in view(signed_in, reverse("dvd_list") + "?disk_type=bluray")[0]
        assert "Alien" not in view(signed_in, reverse("dvd_list") + "?disk_type=dvd")[0]
    view(signed_in, reverse("dvd_list") + "?q=Alien")
    assert view(signed_in, reverse("dvd_list") + "?q=Alien")[1]


@pytest.mark.parametrize(
    ("query", "stored_again"),
    [
        ("?sort=-year&view=list", True),
        ("?view=list&sort=-year", False),  # the same page, its parameters in another order
        ("?page=1", False),  # page 1 is the page without ?page
        ("?q=%20%20", False),  # no search: the whole collection
        ("?page=9", False),  # past the end: page 1 is shown
        ("?sort=bogus", False),
        ("?utm_source=mail", False),
        ("?view=list&view=grid", False),
    ],
)
def test_only_list_pages_the_pages_own_links_produce_are_stored(signed_in, user, query, stored_again):
    """Made-up query strings render every time, so they cannot fill the cache with copies of one page."""
    DVDFactory(owner=user, name="Alien")
    assert "Alien" in view(signed_in, reverse("dvd_list") + query)[0]
    assert view(signed_in, reverse("dvd_list") + query)[1] is not stored_again


def test_a_settings_change_renders_anew(signed_in, user, settings):
    """Configuring TMDB shows the Auto-fetch button on a DVD whose page was stored without it."""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=278)
    settings.TMDB_API_KEY = ""
    assert 'id="fetch-imdb-btn"' not in view(signed_in, dvd.get_absolute_url())[0]
    settings.TMDB_API_KEY = "key"
    assert 'id="fetch-imdb-btn"' in view(signed_in, dvd.get_absolute_url())[0]


def test_the_page_cache_on_a_per_process_cache_is_a_check_warning(settings):
    """PAGE_CACHE_SECONDS on with the local-memory cache warns that other processes' writes go unseen."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "tracker.W008" in {message.id for message in run_checks()}
    settings.PAGE_CACHE_SECONDS = 0
    assert "tracker.W008" not in {message.id for message in run_checks()}


def stored_list_pages():
    """The keys of the list pages in the cache, on Redis or on the local-memory cache."""
    if hasattr(cache, "keys"):  # django-redis
        return set(cache.keys("pages:list:*"))
    return {key for key in cache._cache if "pages:list:" in key}


def test_made_up_list_query_strings_store_nothing_beyond_the_canonical_pages(signed_in, user):
    """Whitespace searches, reordered, unknown, bad or repeated parameters render without adding cache entries."""
    DVDFactory.create_batch(30, owner=user, disk_type="bluray")
    canonical = ["", "?disk_type=bluray&sort=-year", "?page=2&view=list"]
    made_up = [
        "?q=%20%20",
        "?q=+++",
        "?q=%09&disk_type=bluray&sort=-year",
        "?q=",
        "?sort=-year&disk_type=bluray",
        "?view=list&page=2",
        "?disk_type=bluray&sort=-year&utm_source=mail",
        "?fbclid=1",
        "?sort=bogus",
        "?disk_type=betamax&sort=-year",
        "?page=01",
        "?page=1",
        "?page=abc",
        "?page=" + "9" * 5000,  # more digits than int() reads
        "?page=2&page=2&view=list",
        "?disk_type=bluray&disk_type=bluray&sort=-year",
        "?view=grid",
        "?q=&disk_type=bluray&media_type=&status=&watched=&sort=-year&view=grid",
    ]
    for query in canonical + made_up:
        assert view(signed_in, reverse("dvd_list") + query)[0]
    assert len(stored_list_pages()) == len(canonical)
    for query in canonical:
        assert not view(signed_in, reverse("dvd_list") + query)[1]


def give_by_save(dvd, new_owner):
    dvd.owner = new_owner
    dvd.save()


def give_by_admin(dvd, new_owner):
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    change_url = reverse("admin:tracker_dvd_change", args=[dvd.pk])
    form = admin.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    response = admin.post(change_url, data | {"owner": new_owner.pk, "_save": "Save"})
    assert response.status_code == 302, response.context["adminform"].form.errors


def give_by_update(dvd, new_owner):
    DVD.objects.filter(pk=dvd.pk).update(owner=new_owner)


def give_by_bulk_update(dvd, new_owner):
    dvd.owner = new_owner
    DVD.objects.bulk_update([dvd], ["owner"])


@pytest.mark.parametrize("give", [give_by_save, give_by_admin, give_by_update, give_by_bulk_update])
def test_a_dvd_given_to_another_owner_leaves_one_list_and_joins_the_other(signed_in, dvd, other_user, give):
    """After a change of owner, the old owner's list no longer shows the DVD and the new owner's does."""
    them = Client()
    them.force_login(other_user)
    DVDFactory(owner=other_user, name="Their own film")
    assert dvd.name in view(signed_in, reverse("dvd_list"))[0]
    assert dvd.name not in view(them, reverse("dvd_list"))[0]
    view(signed_in, dvd.get_absolute_url())
    give(dvd, other_user)
    assert dvd.name not in view(signed_in, reverse("dvd_list"))[0]
    assert dvd.name in view(them, reverse("dvd_list"))[0]
    assert signed_in.get(dvd.get_absolute_url()).status_code == 404
    assert dvd.name in view(them, dvd.get_absolute_url())[0]


@pytest.mark.parametrize(
    "delete",
    [
        pytest.param(lambda dvd: dvd.delete(), id="model"),
        pytest.param(lambda dvd: DVD.objects.filter(pk=dvd.pk).delete(), id="queryset"),
    ],
)
def test_a_dvd_deleted_any_way_leaves_its_owners_list(signed_in, dvd, delete):
    """A DVD deleted by the model or by a queryset is gone from its owner's stored list."""
    DVDFactory(owner=dvd.owner, name="Another film")
    assert dvd.name in view(signed_in, reverse("dvd_list"))[0]
    delete(dvd)
    assert dvd.name not in view(signed_in, reverse("dvd_list"))[0]


def test_a_new_release_renders_anew(signed_in, dvd, settings):
    """A page stored by one release (RELEASE_ID) is not served by the next."""
    settings.RELEASE_ID = "first"
    view(signed_in, dvd.get_absolute_url())
    assert not view(signed_in, dvd.get_absolute_url())[1]
    settings.RELEASE_ID = "second"
    assert view(signed_in, dvd.get_absolute_url())[1]
