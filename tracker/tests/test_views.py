from datetime import timedelta

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests.conftest import YTS_LIST_URL
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db


def refresh_url(dvd):
    return reverse("refresh_yts_data", args=[dvd.pk])


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dvd_list", "dvd_add"])
def test_pages_redirect_anonymous_visitors_to_login(client, name):
    """Every page but login asks a visitor to sign in."""
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["dvd_detail", "dvd_edit", "dvd_delete"])
def test_another_users_dvd_is_not_found(signed_in, other_user, name):
    """Another user's DVD answers 404, never 403, so ids cannot be probed."""
    theirs = DVDFactory(owner=other_user)
    assert signed_in.get(reverse(name, args=[theirs.pk])).status_code == 404


def test_another_users_dvd_cannot_be_deleted(signed_in, other_user):
    """POSTing a delete for someone else's DVD changes nothing."""
    theirs = DVDFactory(owner=other_user)
    assert signed_in.post(reverse("dvd_delete", args=[theirs.pk])).status_code == 404
    assert DVD.objects.filter(pk=theirs.pk).exists()


def test_login_page_is_public_and_signs_in(client, user):
    """The login page renders for anyone and a right password lands on the collection."""
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": user.username, "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response.url == reverse("dvd_list")


def test_logout_signs_out(signed_in):
    """Signing out (POST) ends the session; pages then redirect to login."""
    signed_in.post(reverse("logout"))
    assert signed_in.get(reverse("dvd_list")).status_code == 302


# --- list -------------------------------------------------------------------------------


def test_empty_collection_invites_the_first_dvd(signed_in):
    """An empty collection shows the empty state."""
    assert "Your collection is empty — add your first DVD" in signed_in.get(reverse("dvd_list")).content.decode()


def test_list_shows_only_my_dvds(signed_in, user, other_user):
    """The list shows the owner's DVDs and no one else's."""
    DVDFactory(owner=user, name="Mine")
    DVDFactory(owner=other_user, name="Theirs")
    content = signed_in.get(reverse("dvd_list")).content.decode()
    assert "Mine" in content
    assert "Theirs" not in content


def titles(response):
    return [dvd.name for dvd in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "alien"}, ["Alien"]),
        ({"q": "Scott"}, ["Alien", "Blade Runner"]),
        ({"q": "tt0078748"}, ["Alien"]),
        ({"disk_type": "bluray"}, ["Blade Runner"]),
        ({"media_type": "rip"}, ["Casablanca"]),
        ({"status": "disposed"}, ["Casablanca"]),
        ({"watched": "unwatched"}, ["Blade Runner"]),
        ({"watched": "watched"}, ["Alien", "Casablanca"]),
        ({"sort": "-title"}, ["Casablanca", "Blade Runner", "Alien"]),
        ({"sort": "year"}, ["Casablanca", "Alien", "Blade Runner"]),
        ({"sort": "-added"}, ["Casablanca", "Blade Runner", "Alien"]),
        ({"disk_type": "betamax", "sort": "nonsense"}, ["Alien", "Blade Runner", "Casablanca"]),
    ],
)
def test_list_search_filters_and_sorts(signed_in, user, query, expected):
    """Search covers title, director and IMDb id; filters and sorts apply; bad values fall back."""
    DVDFactory(owner=user, name="Alien", director="Ridley Scott", release_year=1979, imdb_id="tt0078748")
    DVDFactory(
        owner=user,
        name="Blade Runner",
        director="Ridley Scott",
        release_year=1982,
        disk_type="bluray",
        is_unwatched=True,
    )
    DVDFactory(owner=user, name="Casablanca", release_year=1942, media_type="rip", status="disposed")
    assert titles(signed_in.get(reverse("dvd_list"), query)) == expected


def test_pagination_keeps_the_filters(signed_in, user):
    """Page links carry the search and filters."""
    DVDFactory.create_batch(30, owner=user, disk_type="bluray")
    response = signed_in.get(reverse("dvd_list"), {"disk_type": "bluray", "q": "Film"})
    assert "q=Film&amp;disk_type=bluray&amp;page=2" in response.content.decode()
    second = signed_in.get(reverse("dvd_list"), {"disk_type": "bluray", "q": "Film", "page": 2})
    assert len(second.context["page"].object_list) == 6


def test_list_runs_a_fixed_number_of_queries_at_10000_dvds(signed_in, user, django_assert_max_num_queries):
    """The list page's query count does not grow with the collection (10,000 DVDs)."""
    DVD.objects.bulk_create(DVD(owner=user, name=f"Film {i:05d}", imdb_id=f"tt{i:07d}") for i in range(10_000))
    with django_assert_max_num_queries(5):
        response = signed_in.get(reverse("dvd_list"), {"sort": "-year", "q": "Film", "page": 400})
    assert response.context["page"].paginator.count == 10_000


def test_list_shows_torrent_availability_from_stored_data(signed_in, user):
    """The torrents badge comes from the stored count; the list asks YTS nothing."""
    DVDFactory(owner=user, name="Has torrents", yts_torrent_count=3)
    assert 'title="Torrents listed on YTS"' in signed_in.get(reverse("dvd_list")).content.decode()


# --- add / edit / delete ----------------------------------------------------------------


def form_data(**overrides):
    data = {"name": "Heat", "release_year": 1995, "disk_type": "dvd", "media_type": "physical", "status": "kept"}
    data.update(overrides)
    return data


def test_add_creates_a_dvd_for_the_signed_in_user(signed_in, user):
    """A valid add form creates the DVD in my collection and shows it."""
    response = signed_in.post(reverse("dvd_add"), form_data(imdb_id=" TT0113277 "))
    dvd = DVD.objects.get()
    assert (dvd.owner, dvd.imdb_id) == (user, "tt0113277")
    assert response.url == dvd.get_absolute_url()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"imdb_id": "tt12"}, "imdb_id"),
        ({"release_year": timezone.now().year + 2}, "release_year"),
        ({"name": "x" * 256}, "name"),
        ({"name": "   "}, "name"),
        ({"runtime": 0}, "runtime"),
        ({"tmdb_id": -4}, "tmdb_id"),
        ({"disk_type": "vhs"}, "disk_type"),
    ],
)
def test_add_refuses_bad_input_next_to_the_field(signed_in, overrides, field):
    """Bad input re-renders the form with an error on the field and saves nothing."""
    response = signed_in.post(reverse("dvd_add"), form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DVD.objects.exists()


def test_add_asks_before_a_second_copy_of_the_same_tmdb_film(signed_in, user):
    """Adding a TMDB id already in my collection asks first, and adds nothing until confirmed."""
    DVDFactory(owner=user, tmdb_id=949)
    response = signed_in.post(reverse("dvd_add"), form_data(tmdb_id=949))
    assert "Add another copy?" in response.content.decode()
    assert DVD.objects.count() == 1


def test_edit_changes_the_dvd(signed_in, dvd):
    """The edit form saves changes."""
    signed_in.post(reverse("dvd_edit", args=[dvd.pk]), form_data(name="Heat (Director's Cut)", imdb_id=dvd.imdb_id))
    dvd.refresh_from_db()
    assert dvd.name == "Heat (Director's Cut)"


def test_delete_asks_first_then_deletes_on_post(signed_in, dvd):
    """GET shows a confirmation; POST deletes."""
    assert "cannot be undone" in signed_in.get(reverse("dvd_delete", args=[dvd.pk])).content.decode()
    assert DVD.objects.filter(pk=dvd.pk).exists()
    signed_in.post(reverse("dvd_delete", args=[dvd.pk]))
    assert not DVD.objects.filter(pk=dvd.pk).exists()


# --- detail page: the torrent section ---------------------------------------------------


def stored(dvd, torrents, *, age=timedelta(hours=1)):
    DVD.objects.filter(pk=dvd.pk).update(
        yts_data=torrents, yts_torrent_count=len(torrents), yts_last_updated=timezone.now() - age
    )


def test_detail_lists_torrents_with_the_specs_text_and_attributes(signed_in, dvd):
    """Each torrent is a link 'Bluray 1080p x264 (2.1 GB)' with size/seeds/peers, opening safely."""
    stored(dvd, [payloads.torrent()])
    content = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert 'id="refresh-yts-btn"' in content
    assert f'data-dvd-id="{dvd.pk}"' in content  # app.js binds it to refreshYtsData (no inline script)
    assert 'id="yts-refresh-result"' in content
    assert 'title="Size: 2.1 GB, Seeds: 150, Peers: 10"' in content
    assert 'target="_blank"' in content
    assert 'rel="noopener noreferrer"' in content
    assert "Bluray 1080p x264" in " ".join(content.split())
    assert '<small class="torrent-size">(2.1 GB)</small>' in content
    assert "Last updated:" in content


def test_a_torrent_missing_optional_fields_shows_no_none(signed_in, dvd):
    """A torrent without type, codec or size renders without 'None'."""
    stored(dvd, [{"url": "https://yts.mx/torrent/download/X", "quality": "720p"}])
    content = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "None" not in content
    assert "720p" in content


def test_detail_says_when_yts_has_no_torrents(signed_in, dvd):
    """Fresh empty data shows the spec's 'No torrents available' alert."""
    stored(dvd, [])
    assert "No torrents available for this movie on YTS." in signed_in.get(dvd.get_absolute_url()).content.decode()


def test_stale_page_renders_stored_data_and_queues_a_refresh(signed_in, dvd, background_refreshes):
    """Stale data is shown at once and a background refresh is queued; YTS is not asked (responses would fail)."""
    stored(dvd, [payloads.torrent()], age=timedelta(hours=30))
    response = signed_in.get(dvd.get_absolute_url())
    assert len(response.context["torrents"]) == 1
    assert "Last updated:" in response.content.decode()
    assert background_refreshes == [dvd.imdb_id]


def test_never_fetched_page_says_it_is_looking(signed_in, dvd, background_refreshes):
    """A DVD never looked up shows 'Looking for torrents…' and queues the lookup."""
    content = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert 'id="yts-pending"' in content
    assert "Looking for torrents…" in content
    assert background_refreshes == [dvd.imdb_id]


def test_a_film_is_queued_once_for_many_visits(signed_in, dvd, background_refreshes):
    """Many visits to a stale DVD within a minute queue one refresh."""
    for _ in range(5):
        signed_in.get(dvd.get_absolute_url())
    assert background_refreshes == [dvd.imdb_id]


def test_fresh_page_queues_nothing(signed_in, dvd, background_refreshes):
    """Fresh data is shown as it is, with nothing queued."""
    stored(dvd, [payloads.torrent()])
    signed_in.get(dvd.get_absolute_url())
    assert background_refreshes == []


def test_a_recent_failure_is_not_retried_on_every_visit(signed_in, dvd, background_refreshes, http_mock):
    """Within YTS_FAILURE_BACKOFF_SECONDS of a failed refresh, visits queue nothing."""
    http_mock.get(YTS_LIST_URL, status=500)
    dvd.refresh_yts_data()
    signed_in.get(dvd.get_absolute_url())
    assert background_refreshes == []


def test_detail_with_fresh_data_asks_yts_nothing(signed_in, dvd):
    """Fresh data is shown without a request (responses would fail on one)."""
    stored(dvd, [payloads.torrent()])
    assert signed_in.get(dvd.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.Timeout("timed out")},
        {"status": 500},
        {"body": "<!DOCTYPE html><html>Attention Required! | Cloudflare</html>", "content_type": "text/html"},
        {"json": {"status": "error", "status_message": "Service down", "data": {}}},
    ],
)
def test_detail_keeps_torrents_and_says_the_refresh_failed(signed_in, dvd, http_mock, failure):
    """After a timeout, a 500, HTML or status:error, the old torrents stay and the page says the refresh failed."""
    stored(dvd, [payloads.torrent()], age=timedelta(hours=30))
    http_mock.get(YTS_LIST_URL, **failure)
    dvd.refresh_yts_data()
    content = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "Bluray 1080p x264" in " ".join(content.split())
    assert "The last refresh failed" in content


def test_each_failure_in_turn_keeps_the_torrents(signed_in, dvd, http_mock, settings):
    """The Done-when sequence: timeout, 500, HTML, status:error in turn; the torrents survive all four."""
    settings.YTS_REFRESH_MIN_INTERVAL = 0
    stored(dvd, [payloads.torrent()])
    for failure in (
        {"body": requests.Timeout("timed out")},
        {"status": 500},
        {"body": "<html></html>", "content_type": "text/html"},
        {"json": {"status": "error", "status_message": "x", "data": {}}},
    ):
        http_mock.get(YTS_LIST_URL, **failure)
        assert signed_in.post(refresh_url(dvd)).status_code == 502
    content = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert "Bluray 1080p x264" in " ".join(content.split())
    assert "The last refresh failed" in content


def test_missing_imdb_id_without_tmdb_key_explains_instead_of_a_dead_button(signed_in, user, settings):
    """With no TMDB key the fetch button is not shown; the page says how to add the id."""
    settings.TMDB_API_KEY = settings.TMDB_ACCESS_TOKEN = ""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=27205)
    content = signed_in.get(dvd.get_absolute_url()).content.decode()
    assert 'id="fetch-imdb-btn"' not in content
    assert "IMDB ID not available" in content


def test_poster_from_another_host_is_not_rendered(signed_in, user):
    """A poster URL off TMDB's image host is not used as an image source."""
    dvd = DVDFactory(owner=user, poster_url="https://tracker.example/pixel.gif")
    assert "tracker.example" not in signed_in.get(dvd.get_absolute_url()).content.decode()


# --- the refresh endpoint ---------------------------------------------------------------


def test_refresh_answers_the_specs_success_json(signed_in, dvd, http_mock):
    """A successful refresh answers the spec's JSON with the count and a formatted time."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    response = signed_in.post(refresh_url(dvd))
    data = response.json()
    assert response.status_code == 200
    assert data["success"] is True
    assert data["message"] == "YTS data refreshed successfully. Found 4 torrents."
    assert data["torrent_count"] == 4
    assert timezone.datetime.strptime(data["last_updated"], "%B %d, %Y at %I:%M %p")


def test_refresh_bypasses_the_cache(signed_in, dvd, http_mock):
    """The Refresh button asks YTS even when the cache holds an answer."""
    http_mock.get(YTS_LIST_URL, json=payloads.NO_SUCH_FILM)
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    dvd.refresh_yts_data()
    assert signed_in.post(refresh_url(dvd)).json()["torrent_count"] == 4


def test_refresh_of_another_users_dvd_is_a_json_404(signed_in, other_user):
    """Someone else's DVD answers 404 in the JSON shape."""
    theirs = DVDFactory(owner=other_user)
    response = signed_in.post(refresh_url(theirs))
    assert response.status_code == 404
    assert response.json()["success"] is False


def test_refresh_by_get_is_a_json_405(signed_in, dvd):
    """GET answers 405 with Allow: POST and the JSON shape."""
    response = signed_in.get(refresh_url(dvd))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"success": False, "error": "This address only accepts POST requests."}


def test_refresh_without_imdb_id_is_a_400(signed_in, user):
    """A DVD without an IMDb id answers 400 with the spec's message."""
    dvd = DVDFactory(owner=user, imdb_id="")
    response = signed_in.post(refresh_url(dvd))
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "IMDB ID is required to fetch torrent data"}


def test_refresh_when_yts_fails_is_a_502_that_keeps_data(signed_in, dvd, http_mock):
    """YTS failing answers 502 with a readable reason; stored torrents stay."""
    stored(dvd, [payloads.torrent()])
    http_mock.get(YTS_LIST_URL, status=503)
    response = signed_in.post(refresh_url(dvd))
    assert response.status_code == 502
    assert "YTS answered HTTP 503" in response.json()["error"]
    dvd.refresh_from_db()
    assert dvd.yts_torrent_count == 1


def test_refresh_twice_quickly_is_a_429(signed_in, dvd, http_mock):
    """A second refresh within YTS_REFRESH_MIN_INTERVAL answers 429 without asking YTS."""
    http_mock.get(YTS_LIST_URL, json=payloads.FULL_FILM)
    assert signed_in.post(refresh_url(dvd)).status_code == 200
    response = signed_in.post(refresh_url(dvd))
    assert response.status_code == 429
    assert "moments ago" in response.json()["error"]


def test_refresh_without_csrf_token_is_a_json_403(client, user, dvd):
    """Without a CSRF token the endpoint answers 403 in its JSON shape."""
    client.handler.enforce_csrf_checks = True
    client.force_login(user)
    response = client.post(refresh_url(dvd))
    assert response.status_code == 403
    assert response.json()["success"] is False


def test_refresh_anonymous_is_a_json_401(client, dvd):
    """A visitor who is not signed in gets 401 JSON, not a login page."""
    response = client.post(refresh_url(dvd))
    assert response.status_code == 401
    assert response.json()["success"] is False


def test_refresh_hides_unexpected_errors(signed_in, dvd, monkeypatch, caplog):
    """An unexpected exception answers 500 without its text; the details go to the log."""

    def explode(*args, **kwargs):
        raise RuntimeError("secret database detail")

    monkeypatch.setattr("tracker.refresh.refresh_film", explode)
    response = signed_in.post(refresh_url(dvd))
    assert response.status_code == 500
    assert "secret" not in response.content.decode()
    assert "secret database detail" in caplog.text
