"""The scan page, its two JSON answers, and what installs it on a phone: the web app manifest and the service worker."""

import hashlib
import json
import os
from functools import cache, wraps

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from tracker.barcodes import barcode_problem, digits_of, printed_form
from tracker.limits import allow_endpoint_call
from tracker.scanning import discs_answer, identify
from tracker.services.tmdb import TMDBService
from tracker.views.ajax import json_error

APP_NAME = "DVD Collection Tracker"
THEME_COLOUR = "#212529"  # the navbar's
BACKGROUND_COLOUR = "#f8f9fa"
# What the service worker keeps, so that the scan page opens without waiting on the network.
SHELL_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/font/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/font/fonts/bootstrap-icons.woff2",
    "tracker/app.css",
    "tracker/scan.css",
    "tracker/favicon.svg",
    "tracker/icons/icon-192.png",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "tracker/app.js",
    "vendor/barcode-detector/ponyfill.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
    "tracker/scan.js",
)
SERVICE_WORKER_SOURCE = "tracker/sw.js"
WASM_ASSET = "vendor/zxing-wasm/zxing_reader.wasm"


@require_safe
# The vendored decoder is WebAssembly; compiling it is all this page adds to the site's policy.
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
def scan_page(request):
    return render(
        request,
        "tracker/scan.html",
        {"tmdb_configured": TMDBService().is_configured, "wasm_url": static(WASM_ASSET)},
    )


def barcode_json(view):
    """GET ?code=, signed in: a bad code or a missing session is answered in JSON, never with a redirect."""

    @login_not_required
    @wraps(view)
    def wrapper(request):
        if not request.user.is_authenticated:
            response = json_error("Your session has ended. Sign in again to continue.", 401)
        elif request.method not in ("GET", "HEAD"):
            response = json_error("This address only answers GET requests.", 405)
            response["Allow"] = "GET, HEAD"
        elif problem := barcode_problem(digits_of(request.GET.get("code", ""))):
            response = json_error(problem, 400)
        else:
            response = view(request, printed_form(digits_of(request.GET["code"])))
        # What someone owns is theirs: neither the browser's cache nor the service worker keeps it.
        add_never_cache_headers(response)
        return response

    return wrapper


@barcode_json
def scan_discs(request, code):
    """The owner's discs with this barcode (the instant answer)."""
    return JsonResponse(discs_answer(request.user, code))


@barcode_json
def scan_identify(request, code):
    """What the code is and whether the owner has the film (barcode lookup and TMDB, cached)."""
    if not allow_endpoint_call(request.user.pk):
        return json_error("You are going a bit fast. Please wait a minute and try again.", 429)
    return JsonResponse(identify(request.user, code))


# --- installing on a phone --------------------------------------------------------------


@login_not_required
@require_safe
def web_manifest(request):
    """The web app manifest: the scan page is what the home-screen icon opens."""
    icon = {"type": "image/png"}
    manifest = {
        "id": reverse("scan"),
        "name": APP_NAME,
        "short_name": "DVDs",
        "description": "Your DVD collection, and a barcode scanner that says whether you own a disc.",
        "start_url": reverse("scan"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {**icon, "src": static("tracker/icons/icon-192.png"), "sizes": "192x192"},
            {**icon, "src": static("tracker/icons/icon-512.png"), "sizes": "512x512"},
            {**icon, "src": static("tracker/icons/icon-maskable-512.png"), "sizes": "512x512", "purpose": "maskable"},
        ],
        "shortcuts": [
            {"name": "Scan a barcode", "url": reverse("scan")},
            {"name": "My collection", "url": reverse("dvd_list")},
        ],
    }
    return HttpResponse(json.dumps(manifest, indent=2), content_type="application/manifest+json")


@login_not_required
@require_safe
def service_worker(request):
    """static/tracker/sw.js, after the list of what it keeps; from /sw.js, so that its scope is the whole site."""
    config = service_worker_config()
    body = f"const SHELL = {json.dumps(config, indent=2)};\n\n{_read_static(SERVICE_WORKER_SOURCE)}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new release must reach phones on their next visit
    return response


def service_worker_config():
    """The asset URLs (hashed names in production) and a version that changes whenever any of them does."""
    assets = [static(path) for path in SHELL_ASSETS]
    fingerprint = hashlib.sha256()
    for path, url in zip((SERVICE_WORKER_SOURCE, *SHELL_ASSETS), ("", *assets), strict=True):
        fingerprint.update(f"{url}|{_content_digest(finders.find(path))}".encode())
    return {
        "version": fingerprint.hexdigest()[:16],
        "scanUrl": reverse("scan"),
        "logoutUrl": _url_or_blank("logout"),
        "assets": assets,
    }


def _read_static(path):
    found = finders.find(path)
    with open(found, encoding="utf-8") as source:
        return source.read()


def _content_digest(path):
    # By content, not modification time: every web host of a release must give the same version.
    info = os.stat(path)
    return _digest_of(path, info.st_size, info.st_mtime_ns)


@cache
def _digest_of(path, size, mtime_ns):
    with open(path, "rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def _url_or_blank(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
