"""/api/v1/dvds/: the list page's filters and sorts, the web form's validation, scoping and JSON errors."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api import errors
from tracker.models import DVD
from tracker.tests import payloads
from tracker.tests.factories import DVDFactory

pytestmark = pytest.mark.django_db
DVDS = "/api/v1/dvds/"


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def shelf(user):
    """A few DVDs of the user's, varied in what the filters look at."""
    return [
        DVDFactory(owner=user, name="Alien", release_year=1979, disk_type="bluray", director="Ridley Scott"),
        DVDFactory(owner=user, name="Blade Runner", release_year=1982, disk_type="dvd", director="Ridley Scott"),
        DVDFactory(owner=user, name="Heat", release_year=1995, disk_type="bluray", is_unwatched=True),
        DVDFactory(owner=user, name="Casablanca", release_year=None, disk_type="dvd", status="disposed"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "ridley"},
        {"disk_type": "bluray"},
        {"watched": "unwatched"},
        {"status": "disposed"},
        {"sort": "-year"},
        {"sort": "year", "disk_type": "dvd"},
        {"sort": "-title", "q": "a"},
    ],
)
def test_the_list_filters_and_sorts_as_the_list_page_does(api, signed_in, shelf, query):
    """The API lists the same DVDs in the same order as the list page for the same query."""
    page = signed_in.get(reverse("dvd_list"), {**query, "view": "list"})
    assert names(api.get(DVDS, query)) == [dvd.name for dvd in page.context["page"]]


def test_a_filter_value_the_page_does_not_offer_is_a_400(api, shelf):
    """The page falls back to its default for an unknown value; the API says what is wrong."""
    response = api.get(DVDS, {"disk_type": "vhs", "sort": "price"})
    assert response.status_code == 400
    assert set(response.json()) == {"disk_type", "sort"}
    assert "vhs is not one of the available choices" in response.json()["disk_type"][0]


def test_pages_and_their_size(api, user):
    """?page_size= and ?page= walk the list; a page past the end is a JSON 404."""
    DVDFactory.create_batch(5, owner=user)
    first = api.get(DVDS, {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(api.get(DVDS, {"page_size": 2, "page": 3}).json()["results"]) == 1
    past = api.get(DVDS, {"page": 9})
    assert past.status_code == 404
    assert past.json()["detail"]


def test_fields_picks_the_columns(api, dvd):
    """?fields= answers only the fields asked for, in the list and for one DVD."""
    assert api.get(DVDS, {"fields": "id,name"}).json()["results"] == [{"id": dvd.pk, "name": dvd.name}]
    assert api.get(f"{DVDS}{dvd.pk}/", {"fields": "imdb_id"}).json() == {"imdb_id": dvd.imdb_id}


def test_an_unknown_field_is_a_400(api, dvd):
    """?fields= with a name the DVD does not have says so."""
    response = api.get(DVDS, {"fields": "name,owner"})
    assert response.status_code == 400
    assert "Unknown field: owner" in response.json()["fields"][0]


def test_create_adds_to_the_tokens_owner_and_normalises_as_the_form_does(api, user):
    """A POST adds the DVD to the token owner's collection, cleaned as the add page cleans it."""
    response = api.post(DVDS, {"name": "Heat", "imdb_id": " TT0113277 ", "barcode": "50505827 2136"})
    assert response.status_code == 201
    dvd = DVD.objects.get()
    assert (dvd.owner, dvd.imdb_id, dvd.barcode) == (user, "tt0113277", "505058272136")
    assert (dvd.disk_type, dvd.media_type, dvd.status) == ("dvd", "physical", "kept")
    assert response.json()["id"] == dvd.pk
    assert api.get(f"{DVDS}{dvd.pk}/").json()["name"] == "Heat"


BAD_INPUTS = [
    {"imdb_id": "tt12"},
    {"release_year": timezone.now().year + 2},
    {"release_year": 1800},
    {"name": "x" * 256},
    {"name": "   "},
    {"runtime": 0},
    {"tmdb_id": -4},
    {"disk_type": "vhs"},
    {"barcode": "12345"},
    {"poster_url": "not a url"},
]


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_bad_input_gets_the_web_forms_message(api, signed_in, bad):
    """The same bad input gets the same messages from the API as from the add page, and saves nothing."""
    data = {"name": "Heat", "release_year": 1995, "disk_type": "dvd", "media_type": "physical", "status": "kept", **bad}
    page = signed_in.post(reverse("dvd_add"), data)
    response = api.post(DVDS, data)
    assert response.status_code == 400
    assert response.json() == {field: list(messages) for field, messages in page.context["form"].errors.items()}
    assert not DVD.objects.exists()


def test_a_second_copy_of_a_tmdb_film_is_added_without_asking(api, user):
    """A client that posts a film the owner has adds another copy (only the web form asks first)."""
    DVDFactory(owner=user, tmdb_id=949)
    response = api.post(DVDS, {"name": "Heat", "tmdb_id": 949, "disk_type": "bluray"})
    assert response.status_code == 201
    assert DVD.objects.filter(owner=user, tmdb_id=949).count() == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": 42}, {"name": ["Must be a string."]}),
        ({"name": "Heat", "release_year": "1995"}, {"release_year": ["Must be a whole number."]}),
        ({"name": "Heat", "is_unwatched": "no"}, {"is_unwatched": ["Must be true or false."]}),
        ({"name": "Heat", "notes": None}, {"notes": ["This field may not be null."]}),
        ({"name": "Heat", "tmdb_id": 2**40}, {"tmdb_id": ["Ensure this value is less than or equal to 2147483647."]}),
        (["Heat"], {"non_field_errors": ["Send the DVD as a JSON object."]}),
    ],
)
def test_values_of_the_wrong_json_type_are_refused(api, body, expected):
    """The API takes the JSON types its schema gives (the form would read "no" as ticked)."""
    response = api.post(DVDS, body)
    assert (response.status_code, response.json()) == (400, expected)
    assert not DVD.objects.exists()


def test_a_body_that_is_not_json_is_a_400(api):
    """Broken JSON is a 400 with a reason, not a 500."""
    response = api.generic("POST", DVDS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_patch_changes_only_what_it_names_and_keeps_the_torrents(api, dvd):
    """A partial update leaves the other fields, and the stored torrents, as they were."""
    DVD.objects.filter(pk=dvd.pk).update(yts_data=[payloads.torrent()], yts_torrent_count=1, notes="Signed copy")
    response = api.patch(f"{DVDS}{dvd.pk}/", {"storage_box": "Box 3"})
    assert response.status_code == 200
    dvd.refresh_from_db()
    assert (dvd.storage_box, dvd.notes, dvd.name, dvd.yts_torrent_count) == ("Box 3", "Signed copy", dvd.name, 1)
    assert dvd.yts_data == [payloads.torrent()]


def test_put_replaces_every_field(api, dvd):
    """A full update sets what it sends and puts the rest back to a new DVD's defaults."""
    DVD.objects.filter(pk=dvd.pk).update(notes="Signed copy", disk_type="bluray")
    response = api.put(f"{DVDS}{dvd.pk}/", {"name": "The Shawshank Redemption", "imdb_id": dvd.imdb_id})
    assert response.status_code == 200
    dvd.refresh_from_db()
    assert (dvd.notes, dvd.disk_type, dvd.release_year) == ("", "dvd", None)


def test_delete_removes_the_dvd(api, dvd):
    """DELETE answers 204 and the DVD is gone."""
    assert api.delete(f"{DVDS}{dvd.pk}/").status_code == 204
    assert not DVD.objects.exists()


# --- owner scoping, on every route ------------------------------------------------------------

OBJECT_ROUTES = [
    ("get", ""),
    ("put", ""),
    ("patch", ""),
    ("delete", ""),
    ("get", "torrents/"),
    ("post", "refresh/"),
    ("post", "fetch-imdb/"),
]


@pytest.mark.parametrize(("method", "suffix"), OBJECT_ROUTES)
def test_another_users_dvd_is_404_at_every_route(api, other_user, method, suffix):
    """Every route about a DVD answers 404 for one that is not the token owner's, and changes nothing."""
    theirs = DVDFactory(owner=other_user, tmdb_id=1, yts_data=[payloads.torrent()])
    response = getattr(api, method)(f"{DVDS}{theirs.pk}/{suffix}", {"name": "Mine now"})
    assert response.status_code == 404
    assert response.json() == {"detail": "No DVD matches the given query."}
    after = DVD.objects.get(pk=theirs.pk)
    assert (after.name, after.owner, after.yts_data) == (theirs.name, other_user, theirs.yts_data)


def test_another_users_dvds_are_not_listed_or_counted(api, other_user, dvd):
    """The list, the statistics and the export see only the token owner's DVDs."""
    DVDFactory(owner=other_user, name="Theirs")
    assert names(api.get(DVDS, {"q": "Theirs"})) == []
    assert api.get("/api/v1/stats/").json()["totals"]["total"] == 1
    export = b"".join(api.get("/api/v1/export/", {"format": "csv"}).streaming_content).decode()
    assert dvd.name in export
    assert "Theirs" not in export


# --- JSON errors everywhere under /api/ -------------------------------------------------------


def test_an_unknown_address_is_a_json_404(api):
    """An address the API does not have is a JSON 404, with a hint when only the slash is missing."""
    assert api.get("/api/v1/nowhere/").json() == {"detail": "There is no such address in the API."}
    missing_slash = api.post("/api/v1/dvds")
    assert missing_slash.status_code == 404
    assert "end with a slash: /api/v1/dvds/" in missing_slash.json()["detail"]
    assert api.get(f"{DVDS}abc/").status_code == 404


def test_a_method_a_route_does_not_take_is_a_json_405(api, dvd):
    """DELETE on the list or GET on refresh: a JSON 405 naming the allowed methods."""
    response = api.delete(DVDS)
    assert response.status_code == 405
    assert "DELETE" in response.json()["detail"]
    assert response["Allow"].startswith("GET, POST")
    assert api.get(f"{DVDS}{dvd.pk}/refresh/").status_code == 405


def test_an_unexpected_error_is_a_json_500_and_is_logged(api, write_token, monkeypatch, caplog):
    """A bug answers JSON (never Django's HTML page) and is logged with its traceback, but not the token."""

    def broken(queryset):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.views.collection.collection_stats", broken)
    response = api.get("/api/v1/stats/")
    assert (response.status_code, response.json()) == (500, {"detail": errors.SERVER_ERROR})
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)
    assert write_token not in caplog.text
