"""The scan page on a 360 px phone: Chromium's fake camera films a barcode drawn by python-barcode.

Each camera test launches its own Chromium (from the package's Playwright), since the video file is a
launch argument. Headless Chromium on Linux has no native BarcodeDetector, so these read the codes
with the vendored decoder (ZXing in WebAssembly), as a phone without one would. The barcode lookup is
the local fake UPCitemdb, TMDB the local fake TMDB.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from fakes.upc import FakeUPC
from tracker.models import DVD
from tracker.tests.browser.conftest import BROWSER_TIME_ZONE, CHROMIUM, LAUNCH_ARGS, TIMEOUT_MS, Journey
from tracker.tests.factories import DVDFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
ALIEN = "5039036057349"  # the fake lookup lists it as "Alien [Blu-ray] [1979] [Region Free] (Director's Cut)"
HEAT_UPC = "025192232244"  # listed as "HEAT [DVD] By Al Pacino"; the fake TMDB knows Heat (1995)
# The first decode waits for the 1 MB .wasm to compile; later answers are quicker.
FIRST_DECODE_MS = 30_000
VIDEO_SIZE = (640, 480)


def barcode_video(code, path, frames=5):
    """A still Y4M video (what Chromium's fake camera plays) of the code's bars, black on white."""
    import barcode
    from barcode.writer import ImageWriter
    from PIL import Image

    kind = {13: "ean13", 12: "upca", 8: "ean8"}[len(code)]
    drawn = barcode.get(kind, code, writer=ImageWriter())
    assert drawn.get_fullcode() == code
    bars = drawn.render({"module_width": 0.5, "module_height": 22, "quiet_zone": 6.5, "font_size": 10, "dpi": 150})
    width, height = VIDEO_SIZE
    scale = width * 0.9 / bars.width
    bars = bars.resize((round(bars.width * scale), round(bars.height * scale)), Image.LANCZOS)
    frame = Image.new("RGB", VIDEO_SIZE, "white")
    frame.paste(bars, ((width - bars.width) // 2, (height - bars.height) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    chroma = [plane.resize((width // 2, height // 2), Image.BOX).tobytes() for plane in (blue, red)]
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma.tobytes() + chroma[0] + chroma[1])
    return path


def signed_in_context(browser, base_url, user, **options):
    """A phone-sized context already signed in as `user` (the session cookie of a forced login)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US", timezone_id=BROWSER_TIME_ZONE, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return context


@pytest.fixture(scope="module")
def fake_upc():
    with FakeUPC() as fake:
        yield fake


@pytest.fixture
def shop(app, fake_upc, settings):
    """The app with the fake barcode lookup switched on."""
    fake_upc.reset(config=True)
    settings.UPC_LOOKUP_URL = fake_upc.lookup_url
    settings.UPC_LOOKUP_KEY = ""
    settings.UPC_LOOKUP_MAX_REQUESTS_PER_SECOND = 0
    return app


@pytest.fixture
def open_phone(request, browser, shop, tmp_path):
    """Opens a phone whose camera films a code (or has no camera), watched like the journeys' pages."""
    opened = []

    def open_with(user, *, filming=None, base_url=None, extra_args=(), tolerated=None):
        args = list(extra_args)
        if filming:
            video = barcode_video(filming, tmp_path / f"{filming}.y4m")
            args += [
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ]
        chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[*LAUNCH_ARGS, *args])
        base_url = base_url or shop.url
        context = signed_in_context(chromium, base_url, user)
        if filming:
            context.grant_permissions(["camera"], origin=base_url)
        journey = Journey(context, base_url, "phone", request.node.originalname.removeprefix("test_"))
        opened.append((chromium, context, journey, tolerated))
        return journey

    yield open_with
    problems = []
    for chromium, context, journey, tolerated in opened:
        context.close()
        chromium.close()
        problems += [problem for problem in journey.problems if not (tolerated and tolerated.search(problem))]
    assert not problems, "The browser saw problems:\n" + "\n".join(problems)


def test_scanning_a_disc_you_own_says_you_own_this(open_phone, collector):
    """The camera reads the EAN-13 with the vendored decoder; the answer names the disc, its edition and box."""
    dvd = DVDFactory(
        owner=collector, name="Alien", release_year=1979, disk_type=DVD.DiskType.BLURAY, barcode=ALIEN,
        storage_box="Shelf A", edition="Director's Cut",
    )  # fmt: skip
    phone = open_phone(collector, filming=ALIEN)
    page = phone.page
    phone.goto("/scan/")
    answer = page.locator("#scan-answer")
    expect(answer.locator(".scan-headline")).to_have_text("You own this", timeout=FIRST_DECODE_MS)
    expect(page.locator("#scan-app")).to_have_attribute("data-decoder", "zxing-wasm")
    expect(answer.get_by_role("link", name="Alien (1979)")).to_have_attribute("href", dvd.get_absolute_url())
    expect(answer).to_contain_text("Blu-ray · Director's Cut · Box: Shelf A")
    expect(answer.locator(".scan-code")).to_have_text(ALIEN)
    assert phone.axe_violations() == []
    phone.shot("you-own-this")  # docs/screenshots/scan-phone.png, the README's picture, is a copy of it


def test_scanning_an_unknown_disc_offers_to_add_it_prefilled(open_phone, collector, other_user):
    """A UPC-A on nobody's disc of yours is 'Not in your collection', named by the lookup and TMDB; Add it prefills."""
    DVDFactory(owner=other_user, name="Heat", barcode=HEAT_UPC)  # someone else's copy is not yours
    phone = open_phone(collector, filming=HEAT_UPC)
    page = phone.page
    phone.goto("/scan/")
    answer = page.locator("#scan-answer")
    expect(answer.locator(".scan-headline")).to_have_text("Not in your collection", timeout=FIRST_DECODE_MS)
    expect(answer).to_contain_text("Heat (1995) · DVD")
    expect(answer.get_by_role("link", name="Add to wishlist")).to_be_visible()
    phone.shot("not-in-your-collection")
    answer.get_by_role("link", name="Add it").click()
    expect(page.locator("#id_name")).to_have_value("Heat")
    expect(page.locator("#id_barcode")).to_have_value(HEAT_UPC)
    expect(page.locator("#id_disk_type")).to_have_value("dvd")
    expect(page.locator("#id_tmdb_id")).to_have_value("949")


def test_a_typed_code_with_a_bad_check_digit_asks_for_another_scan(open_phone, collector):
    """Without a camera, a typed code is checked first: a wrong check digit says so and asks nothing."""
    DVDFactory(owner=collector, name="Alien", barcode=ALIEN)
    phone = open_phone(collector)
    page = phone.page
    phone.goto("/scan/")
    expect(page.get_by_role("button", name="Start the camera")).to_be_visible()
    asked = []
    page.on("request", lambda request: "/scan/discs/" in request.url and asked.append(request.url))
    page.get_by_label("Or type the code").fill("5039036057345")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#scan-code-error")).to_have_text(
        "The check digit does not match: the code was misread or mistyped. Scan it again."
    )
    expect(page.get_by_label("Or type the code")).to_have_attribute("aria-invalid", "true")
    phone.shot("bad-check-digit")
    assert asked == []
    page.get_by_label("Or type the code").fill("5 039036 057349")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#scan-answer .scan-headline")).to_have_text("You own this")


def test_the_scan_page_opens_offline_from_the_home_screen_copy(open_phone, collector):
    """Once visited, the service worker answers the page and its assets with the network gone, and says offline."""
    # With the network gone, asking for an answer fails: that is what the page must explain.
    phone = open_phone(
        collector,
        tolerated=re.compile(r"ERR_INTERNET_DISCONNECTED.*/scan/discs/|/scan/discs/.*ERR_INTERNET_DISCONNECTED"),
    )
    page = phone.page
    phone.goto("/scan/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    stored = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const cache = await caches.open(names.find((name) => name.startsWith("dvdtracker-")));
            return (await cache.keys()).map((request) => new URL(request.url).pathname);
        }"""
    )
    assert {"/scan/", "/static/tracker/scan.js", "/static/vendor/zxing-wasm/zxing_reader.wasm"} <= set(stored)
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Scan a barcode")).to_be_visible()
    expect(page.get_by_text("You are offline.")).to_be_visible()
    page.get_by_label("Or type the code").fill(ALIEN)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#scan-answer")).to_contain_text("answers need the network")
    page.context.set_offline(False)


def test_over_plain_http_the_page_explains_why_there_is_no_camera(open_phone, collector, settings, live_server):
    """Opened by a name that is not localhost over http, the page says the camera needs HTTPS; typing still works."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "dvd.home.example"]
    port = re.search(r":(\d+)$", live_server.url)[1]
    phone = open_phone(
        collector,
        base_url=f"http://dvd.home.example:{port}",
        extra_args=["--host-resolver-rules=MAP dvd.home.example 127.0.0.1"],
        # Chromium's own note that Django's Cross-Origin-Opener-Policy needs HTTPS: true, and the point here.
        tolerated=re.compile(r"Cross-Origin-Opener-Policy header has been ignored"),
    )
    page = phone.page
    phone.goto("/scan/")
    expect(page.get_by_role("alert")).to_contain_text("The camera needs a secure connection.")
    expect(page.get_by_role("region", name="Camera")).to_be_hidden()
    phone.shot("plain-http")
    page.get_by_label("Or type the code").fill(ALIEN)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#scan-answer .scan-headline")).to_have_text("Not in your collection")
