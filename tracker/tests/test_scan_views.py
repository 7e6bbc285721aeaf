"""The scan page and its answers: owner scoping, checksums, the lookup and TMDB steps, the add form it prefills,
and the manifest and service worker that install it on a phone."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.staticfiles import finders
from django.core.checks import run_checks
from django.urls import reverse
from responses import matchers

from tracker.models import DVD
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.factories import DVDFactory
from tracker.tests.test_security import INLINE_SCRIPT
from tracker.views import scan as scan_views

pytestmark = pytest.mark.django_db

UPC_URL = "https://upc.example/prod/trial/lookup"
SEARCH_URL = f"{tmdb.TMDB_BASE}/search/movie"
ALIEN = "5039036057349"
ALIEN_LISTING = "Alien [Blu-ray] [1979] [Region Free] (Director's Cut)"
HEAT_UPC = "025192232244"
ALIEN_TMDB = 348


@pytest.fixture(autouse=True)
def services_off(settings):
    """No barcode lookup and no TMDB unless a test turns them on."""
    settings.UPC_LOOKUP_URL = ""
    settings.UPC_LOOKUP_KEY = ""
    settings.UPC_LOOKUP_MAX_RETRIES = 0
    settings.UPC_LOOKUP_MAX_REQUESTS_PER_SECOND = 0
    settings.TMDB_API_KEY = ""
    settings.TMDB_ACCESS_TOKEN = ""


@pytest.fixture
def lookup_on(settings):
    settings.UPC_LOOKUP_URL = UPC_URL


@pytest.fixture
def tmdb_on(settings):
    settings.TMDB_API_BASE_URL = tmdb.TMDB_BASE
    settings.TMDB_API_KEY = "test-key"
    settings.TMDB_MAX_RETRIES = 0


def listed(http_mock, code, title):
    http_mock.get(
        UPC_URL,
        json={"code": "OK", "total": 1, "offset": 0, "items": [{"ean": code.zfill(13), "title": title}]},
        match=[matchers.query_param_matcher({"upc": code})],
    )


def alien_on_tmdb(http_mock):
    http_mock.get(
        SEARCH_URL,
        json=tmdb.search({"id": ALIEN_TMDB, "title": "Alien", "release_date": "1979-05-25"}),
        match=[matchers.query_param_matcher({"query": "Alien", "year": "1979"}, strict_match=False)],
    )


def discs(client, code):
    return client.get(reverse("scan_discs"), {"code": code})


def identify(client, code):
    return client.get(reverse("scan_identify"), {"code": code})


# --- the page ------------------------------------------------------------------------------


def test_the_scan_page_loads_the_vendored_decoder_under_a_strict_policy(signed_in):
    """The page brings the ponyfill and the .wasm address; its CSP adds only what WebAssembly needs."""
    response = signed_in.get(reverse("scan"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "vendor/barcode-detector/ponyfill.js" in html
    assert 'data-wasm-url="/static/vendor/zxing-wasm/zxing_reader.wasm"' in html
    script_src = next(d for d in response["Content-Security-Policy"].split(";") if "script-src" in d).split()
    assert script_src == ["script-src", "'self'", "'wasm-unsafe-eval'"]


def test_the_scan_page_has_no_inline_script_or_style(signed_in):
    """Everything the page does lives in static/tracker/scan.js, as the CSP requires."""
    html = signed_in.get(reverse("scan")).content.decode()
    assert not INLINE_SCRIPT.search(html)


def test_other_pages_do_not_allow_webassembly(signed_in):
    """Only the scan page may compile WebAssembly; the rest of the site keeps script-src 'self'."""
    assert "wasm-unsafe-eval" not in signed_in.get(reverse("dvd_list"))["Content-Security-Policy"]


def test_the_navbar_links_to_the_scanner_and_the_manifest(signed_in):
    """Every page links the scan page and the web app manifest."""
    html = signed_in.get(reverse("dvd_list")).content.decode()
    assert f'href="{reverse("scan")}"' in html
    assert f'<link rel="manifest" href="{reverse("web_manifest")}">' in html


def test_the_scan_page_needs_a_session(client):
    """Signed out, the scan page sends you to sign in."""
    response = client.get(reverse("scan"))
    assert response.status_code == 302
    assert "next=/scan/" in response.url


# --- the instant answer: the owner's own discs ----------------------------------------------


def test_a_disc_you_own_is_you_own_this_with_its_facts(signed_in, user):
    """A barcode on one of your kept discs answers 'owned' with title, format, edition, box and link."""
    dvd = DVDFactory(
        owner=user, name="Alien", release_year=1979, disk_type=DVD.DiskType.BLURAY, barcode=ALIEN,
        storage_box="Shelf A", box_set_name="Alien Anthology", edition="Director's Cut",
    )  # fmt: skip
    answer = discs(signed_in, ALIEN).json()
    assert answer["verdict"] == "owned"
    assert answer["dvds"] == [
        {
            "title": "Alien", "year": 1979, "format": "Blu-ray", "edition": "Director's Cut", "box": "Shelf A",
            "box_set": "Alien Anthology", "status": "kept", "url": dvd.get_absolute_url(),
        }
    ]  # fmt: skip


@pytest.mark.parametrize(("stored", "scanned"), [("0" + HEAT_UPC, HEAT_UPC), (HEAT_UPC, "0" + HEAT_UPC)])
def test_the_upc_a_and_ean_13_spellings_find_the_same_disc(signed_in, user, stored, scanned):
    """A disc stored under one spelling of its code is found when the other is scanned."""
    DVDFactory(owner=user, name="Heat", barcode=stored)
    assert discs(signed_in, scanned).json()["verdict"] == "owned"


def test_someone_elses_barcode_is_not_in_your_collection(signed_in, other_user):
    """Another user's disc with this barcode is not yours: nothing of it is shown."""
    DVDFactory(owner=other_user, name="Their Alien", barcode=ALIEN)
    answer = discs(signed_in, ALIEN).json()
    assert (answer["verdict"], answer["dvds"]) == ("unknown", [])
    assert "Their Alien" not in json.dumps(identify(signed_in, ALIEN).json())


def test_a_disc_on_your_wishlist_is_on_your_wishlist(signed_in, user):
    """A barcode on a wish-list entry answers 'wishlist' (and a kept copy with it still wins: 'owned')."""
    wished = DVDFactory(owner=user, name="Alien", barcode=ALIEN, status=DVD.Status.WISHLIST)
    answer = discs(signed_in, ALIEN).json()
    assert (answer["verdict"], [d["url"] for d in answer["dvds"]]) == ("wishlist", [wished.get_absolute_url()])
    DVDFactory(owner=user, name="Alien", barcode=ALIEN, status=DVD.Status.KEPT)
    assert discs(signed_in, ALIEN).json()["verdict"] == "owned"


def test_a_disposed_disc_is_not_owned(signed_in, user):
    """A disc you gave away is 'disposed', not 'owned', and is still shown."""
    DVDFactory(owner=user, name="Alien", barcode=ALIEN, status=DVD.Status.DISPOSED)
    answer = discs(signed_in, ALIEN).json()
    assert answer["verdict"] == "disposed"
    assert answer["dvds"][0]["status"] == "disposed"


@pytest.mark.parametrize(
    ("code", "message"),
    [("5039036057345", "check digit does not match"), ("12345", "8, 12 or 13 digits"), ("", "Enter the barcode")],
)
@pytest.mark.parametrize("endpoint", ["scan_discs", "scan_identify"])
def test_a_bad_code_is_refused_before_any_lookup(signed_in, lookup_on, tmdb_on, code, message, endpoint):
    """A code failing its checksum is a 400 saying so; nothing is looked up (no request is registered)."""
    response = signed_in.get(reverse(endpoint), {"code": code})
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_upc_a_read_as_an_ean_13_is_answered_as_printed(signed_in):
    """A decoder's 13-digit reading of a UPC-A is answered, and carried to the add form, as the 12 digits printed."""
    answer = identify(signed_in, "0" + HEAT_UPC).json()
    assert answer["code"] == HEAT_UPC
    assert answer["add_url"] == f"/dvd/add/?barcode={HEAT_UPC}"


def test_typed_spaces_and_dashes_are_ignored(signed_in, user):
    """A code typed as printed, with spaces and a dash, finds the disc."""
    DVDFactory(owner=user, barcode=ALIEN)
    assert discs(signed_in, "5 039036-057349").json()["verdict"] == "owned"


@pytest.mark.parametrize("endpoint", ["scan_discs", "scan_identify"])
def test_signed_out_the_answer_is_json_not_a_redirect(client, endpoint):
    """An ended session is a JSON 401 the page can show, not the sign-in page's HTML."""
    response = client.get(reverse(endpoint), {"code": ALIEN})
    assert response.status_code == 401
    assert "Sign in again" in response.json()["error"]


def test_answers_are_only_for_get_and_never_stored(signed_in):
    """POST is refused, and no answer may be kept by a cache or the service worker."""
    assert signed_in.post(reverse("scan_discs"), {"code": ALIEN}).status_code == 405
    assert "no-store" in discs(signed_in, ALIEN)["Cache-Control"]


# --- identifying an unknown code ----------------------------------------------------------------


def test_with_the_lookup_off_the_answer_offers_the_title_search(signed_in):
    """Without UPC_LOOKUP_URL: 'not in your collection', the lookup 'off', and an add link keeping the code."""
    answer = identify(signed_in, ALIEN).json()
    assert answer["verdict"] == "not_owned"
    assert answer["lookup"] == {"status": "off", "message": "Barcode lookup is off here: find the film by its title."}
    assert answer["add_url"] == f"/dvd/add/?barcode={ALIEN}"
    assert answer["wishlist_url"] == f"/dvd/add/?barcode={ALIEN}&status=wishlist"


def test_a_listed_code_matched_on_tmdb_prefills_the_add_link(signed_in, http_mock, lookup_on, tmdb_on):
    """The shop title is cleaned, matched on TMDB, and the add link brings code, format, edition and film."""
    listed(http_mock, ALIEN, ALIEN_LISTING)
    alien_on_tmdb(http_mock)
    answer = identify(signed_in, ALIEN).json()
    assert answer["verdict"] == "not_owned"
    assert answer["shop"] == {
        "listed_as": ALIEN_LISTING, "title": "Alien", "year": 1979, "format": "Blu-ray",
        "edition": "Director's Cut", "region": "Region Free",
    }  # fmt: skip
    assert answer["match"] == {"tmdb_id": ALIEN_TMDB, "title": "Alien", "year": 1979}
    add = urlsplit(answer["add_url"])
    assert add.path == reverse("dvd_add")
    assert parse_qs(add.query) == {
        "barcode": [ALIEN], "disk_type": ["bluray"], "edition": ["Director's Cut"], "region": ["Region Free"],
        "title": ["Alien"], "year": ["1979"], "tmdb_pick": [str(ALIEN_TMDB)],
    }  # fmt: skip


def test_another_edition_of_a_film_you_own_is_you_own_this_film(signed_in, user, http_mock, lookup_on, tmdb_on):
    """A code not on your discs, for a film you keep in another edition (same TMDB id), is 'owned_film'."""
    dvd = DVDFactory(owner=user, name="Alien", release_year=1979, tmdb_id=ALIEN_TMDB, barcode="5039036000000")
    listed(http_mock, ALIEN, ALIEN_LISTING)
    alien_on_tmdb(http_mock)
    answer = identify(signed_in, ALIEN).json()
    assert answer["verdict"] == "owned_film"
    assert [d["url"] for d in answer["dvds"]] == [dvd.get_absolute_url()]


def test_a_film_on_your_wishlist_in_another_edition_is_on_your_wishlist(signed_in, user, http_mock, lookup_on, tmdb_on):
    """A code for a film on your wish list (another edition) answers 'wishlist' with that entry."""
    wished = DVDFactory(owner=user, name="Alien", tmdb_id=ALIEN_TMDB, status=DVD.Status.WISHLIST)
    listed(http_mock, ALIEN, ALIEN_LISTING)
    alien_on_tmdb(http_mock)
    answer = identify(signed_in, ALIEN).json()
    assert (answer["verdict"], [d["url"] for d in answer["dvds"]]) == ("wishlist", [wished.get_absolute_url()])


def test_without_tmdb_the_film_is_matched_by_title_and_year(signed_in, user, http_mock, lookup_on):
    """With TMDB off, your disc with the cleaned title (and year) is the film; a disposed copy is not."""
    DVDFactory(owner=user, name="Heat", release_year=1995, status=DVD.Status.DISPOSED)
    kept = DVDFactory(owner=user, name="heat", release_year=None)
    listed(http_mock, HEAT_UPC, "HEAT [DVD] By Al Pacino")
    answer = identify(signed_in, HEAT_UPC).json()
    assert answer["verdict"] == "owned_film"
    assert [d["url"] for d in answer["dvds"]] == [kept.get_absolute_url()]
    assert answer["add_url"] == f"/dvd/add/?barcode={HEAT_UPC}&disk_type=dvd&title=Heat&tmdb_q=Heat"


def test_someone_elses_copy_of_the_film_does_not_count(signed_in, other_user, http_mock, lookup_on, tmdb_on):
    """Another user's disc of the same film leaves the answer 'not_owned'."""
    DVDFactory(owner=other_user, name="Alien", release_year=1979, tmdb_id=ALIEN_TMDB)
    listed(http_mock, ALIEN, ALIEN_LISTING)
    alien_on_tmdb(http_mock)
    assert identify(signed_in, ALIEN).json()["verdict"] == "not_owned"


def test_a_failing_lookup_still_answers(signed_in, http_mock, lookup_on):
    """A lookup that times out gives 'not_owned' with a reason and the title search; the page is not blocked."""
    http_mock.get(UPC_URL, body=requests.Timeout("slow"))
    response = identify(signed_in, ALIEN)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["verdict"], answer["lookup"]["status"]) == ("not_owned", "failed")
    assert "did not answer within 5 s" in answer["lookup"]["message"]
    assert answer["add_url"] == f"/dvd/add/?barcode={ALIEN}"


def test_a_listed_code_is_looked_up_once(signed_in, http_mock, lookup_on):
    """A second scan of the same code is answered from the cache."""
    listed(http_mock, HEAT_UPC, "HEAT [DVD]")
    identify(signed_in, HEAT_UPC)
    identify(signed_in, HEAT_UPC)
    assert len(http_mock.calls) == 1


def test_identify_is_rate_limited_per_user(signed_in, settings):
    """Over ENDPOINT_RATE_LIMIT_PER_MINUTE the lookup step answers 429 in JSON."""
    settings.ENDPOINT_RATE_LIMIT_PER_MINUTE = 1
    assert identify(signed_in, ALIEN).status_code == 200
    response = identify(signed_in, ALIEN)
    assert response.status_code == 429
    assert "a bit fast" in response.json()["error"]


# --- the add page, prefilled by a scan --------------------------------------------------------------


def test_the_add_form_is_prefilled_from_the_scan(signed_in):
    """Barcode, format, title, year, edition, region (as the collection writes it) and status come from the link."""
    params = {
        "barcode": ALIEN, "disk_type": "bluray", "edition": "Director's Cut", "region": "Region Free",
        "title": "Alien", "year": "1979", "status": "wishlist",
    }  # fmt: skip
    form = signed_in.get(reverse("dvd_add"), params).context["form"]
    names = ("barcode", "disk_type", "name", "release_year", "edition", "region", "status")
    assert {name: form.initial.get(name) for name in names} == {
        "barcode": ALIEN, "disk_type": "bluray", "name": "Alien", "release_year": 1979, "edition": "Director's Cut",
        "region": "Region-free", "status": "wishlist",
    }  # fmt: skip
    assert signed_in.get(reverse("dvd_add"), {"region": "Region B"}).context["form"].initial["region"] == "B"


def test_values_that_do_not_fit_are_not_prefilled(signed_in):
    """A bad barcode, an unknown format, a year that is no year or a status other than the wish list are ignored."""
    params = {"barcode": "5039036057345", "disk_type": "laserdisc", "year": "19x9", "status": "disposed"}
    form = signed_in.get(reverse("dvd_add"), params).context["form"]
    assert not {"barcode", "disk_type", "release_year", "status"} & set(form.initial)


def test_the_scan_survives_the_tmdb_search_and_pick(signed_in, http_mock, tmdb_on):
    """The code and format are carried by the search form and the 'Use this film' links, and the pick keeps them."""
    alien_on_tmdb(http_mock)
    html = signed_in.get(
        reverse("dvd_add"), {"tmdb_q": "Alien", "tmdb_year": "1979", "barcode": ALIEN, "disk_type": "bluray"}
    ).content.decode()
    assert f'<input type="hidden" name="barcode" value="{ALIEN}">' in html
    assert f'href="?tmdb_pick={ALIEN_TMDB}&amp;barcode={ALIEN}&amp;disk_type=bluray"' in html
    http_mock.get(f"{tmdb.TMDB_BASE}/movie/{ALIEN_TMDB}", json=tmdb.movie(ALIEN_TMDB, "tt0078748", title="Alien"))
    form = signed_in.get(reverse("dvd_add"), {"tmdb_pick": ALIEN_TMDB, "barcode": ALIEN}).context["form"]
    assert (form.initial["name"], form.initial["tmdb_id"], form.initial["barcode"]) == ("Alien", ALIEN_TMDB, ALIEN)


# --- installing on a phone ------------------------------------------------------------------------


def test_the_manifest_installs_the_scan_page(client):
    """The manifest is JSON of its own type, public, opening the scan page standalone, with icons that exist."""
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/scan/", "/", "standalone")
    assert manifest["theme_color"] == "#212529"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_the_service_worker_is_served_from_the_root(client):
    """/sw.js is JavaScript (so the browser accepts it), public, not cached, and its scope can be the whole site."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert body.startswith("const SHELL = {")
    assert 'self.addEventListener("fetch"' in body


def test_the_service_worker_keeps_the_scan_pages_assets(client):
    """It lists every file the scan page loads (the decoder and its .wasm included), each one that exists."""
    config = scan_views.service_worker_config()
    assert config["scanUrl"] == "/scan/"
    assert config["logoutUrl"] == reverse("logout")
    html_assets = {"/static/vendor/barcode-detector/ponyfill.js", "/static/tracker/scan.js", "/static/tracker/scan.css"}
    assert html_assets | {"/static/vendor/zxing-wasm/zxing_reader.wasm"} <= set(config["assets"])
    for url in config["assets"]:
        assert finders.find(url.removeprefix("/static/")), url


def test_the_service_worker_version_follows_the_files(client, monkeypatch):
    """The version is the same while the files are, and changes with any of them, so phones update."""
    first = scan_views.service_worker_config()["version"]
    assert scan_views.service_worker_config()["version"] == first
    monkeypatch.setattr(scan_views, "_content_digest", lambda path: "changed" if path.endswith("scan.js") else "same")
    assert scan_views.service_worker_config()["version"] != first


# --- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"UPC_LOOKUP_URL": "http://api.upcitemdb.com/prod/trial/lookup"}, "tracker.E002"),
        ({"UPC_LOOKUP_TIMEOUT": "soon"}, "tracker.E001"),
        ({"UPC_LOOKUP_MAX_REQUESTS_PER_SECOND": -1}, "tracker.E001"),
    ],
)
def test_lookup_misconfigurations_are_check_errors(settings, overrides, error):
    """A plain-http lookup URL or a bad number is a `manage.py check` error."""
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert error in {message.id for message in run_checks() if message.level >= 40}


def test_the_lookup_is_optional(settings):
    """No UPC_LOOKUP_URL is no error: the scan page works without a lookup."""
    settings.UPC_LOOKUP_URL = ""
    assert not [m for m in run_checks() if m.level >= 40 and "UPC_LOOKUP" in m.msg]
