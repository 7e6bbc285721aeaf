"""What the scan page answers about a barcode: the owner's discs with it, or what it is and whether they own the film.

Two steps, so that the common answer is instant: `discs_answer` reads only the owner's own
discs (one query); `identify` asks the barcode lookup and TMDB (cached, and allowed to
fail) only for a code none of their discs carries. Every query is scoped to the owner.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from tracker.barcodes import barcode_problem, digits_of, equivalent_codes
from tracker.models import DVD
from tracker.services.tmdb import TMDBError, TMDBNotConfigured, TMDBService
from tracker.services.upc import UPCBusy, UPCError, UPCNotConfigured, UPCService
from tracker.shop_titles import clean_shop_title

# A barcode on discs of several statuses answers with the first of these it has.
VERDICT_BY_STATUS = ((DVD.Status.KEPT, "owned"), (DVD.Status.WISHLIST, "wishlist"), (DVD.Status.DISPOSED, "disposed"))


@dataclass(frozen=True)
class Lookup:
    """How the barcode lookup went: found, not_listed, off, busy or failed, and what to tell the shopper."""

    status: str
    message: str = ""


def disc_facts(dvd):
    """One of the owner's discs as the answer shows it."""
    return {
        "title": dvd.name,
        "year": dvd.release_year,
        "format": dvd.get_disk_type_display(),
        "edition": dvd.edition,
        "box": dvd.storage_box,
        "box_set": dvd.box_set_name,
        "status": dvd.status,
        "url": dvd.get_absolute_url(),
    }


def discs_answer(user, code):
    """The owner's discs with this barcode: 'owned' (kept), 'wishlist', 'disposed' (given away) or 'unknown'."""
    discs = list(DVD.objects.for_user(user).filter(barcode__in=equivalent_codes(code)).order_by("pk"))
    for status, verdict in VERDICT_BY_STATUS:
        if shown := [dvd for dvd in discs if dvd.status == status]:
            return {"success": True, "code": code, "verdict": verdict, "dvds": [disc_facts(dvd) for dvd in shown]}
    return {"success": True, "code": code, "verdict": "unknown", "dvds": []}


def identify(user, code):
    """What the code is (barcode lookup, then TMDB), and whether the owner keeps a copy of that film."""
    item, lookup = _look_up(code)
    shop = clean_shop_title(item.title) if item else None
    match = _match_on_tmdb(shop, user) if shop and shop.title else None
    copies = _copies_of_film(user, match, shop)
    kept = [dvd for dvd in copies if dvd.status == DVD.Status.KEPT]
    wished = [dvd for dvd in copies if dvd.status == DVD.Status.WISHLIST]
    return {
        "success": True,
        "code": code,
        "verdict": "owned_film" if kept else "wishlist" if wished else "not_owned",
        "lookup": {"status": lookup.status, "message": lookup.message},
        "shop": _shop_facts(item, shop),
        "match": match and {"tmdb_id": match.tmdb_id, "title": match.title, "year": match.year},
        "dvds": [disc_facts(dvd) for dvd in kept or wished],
        "add_url": add_url(code, shop, match),
        "wishlist_url": add_url(code, shop, match, status=DVD.Status.WISHLIST),
    }


def _look_up(code):
    service = UPCService()
    try:
        item = service.lookup(code)
    except UPCNotConfigured:
        return None, Lookup("off", "Barcode lookup is off here: find the film by its title.")
    except UPCBusy as exc:
        return None, Lookup("busy", f"{exc}.")
    except UPCError as exc:
        return None, Lookup("failed", f"The barcode lookup did not answer ({exc}). Find the film by its title.")
    if item is None:
        return None, Lookup("not_listed", "The barcode lookup does not know this code. Find the film by its title.")
    return item, Lookup("found")


def _match_on_tmdb(shop, user):
    """The TMDB film the shop title names, or None (TMDB off, failing, over the user's allowance, or no match)."""
    service = TMDBService.for_user(user.pk)
    try:
        films = service.search(shop.title, shop.year)
        # Shops often give the disc's release year rather than the film's.
        if not films and shop.year:
            films = service.search(shop.title)
    except (TMDBNotConfigured, TMDBError):
        return None
    if not films:
        return None
    wanted = _comparable(shop.title)
    same_title = [film for film in films if _comparable(film.title) == wanted]
    return next((film for film in same_title if film.year == shop.year), None) or (same_title or films)[0]


def _comparable(title):
    return re.sub(r"\W+", " ", title.casefold()).strip()


def _copies_of_film(user, match, shop):
    """The owner's kept and wished-for discs of the film: by TMDB id, else by title (and year when both are known)."""
    if match:
        title, year, by_id = match.title, match.year, Q(tmdb_id=match.tmdb_id)
    elif shop and shop.title:
        title, year, by_id = shop.title, shop.year, Q(pk__in=[])
    else:
        return []
    by_title = Q(name__iexact=title)
    if year:
        by_title &= Q(release_year=year) | Q(release_year__isnull=True)
    if match:
        by_title &= Q(tmdb_id__isnull=True)  # a disc matched to another TMDB film is another film
    wanted = [DVD.Status.KEPT, DVD.Status.WISHLIST]
    return list(DVD.objects.for_user(user).filter(status__in=wanted).filter(by_id | by_title).order_by("pk")[:10])


def _shop_facts(item, shop):
    if item is None:
        return None
    return {
        "listed_as": item.title,
        "title": shop.title,
        "year": shop.year,
        "format": dict(DVD.DiskType.choices).get(shop.disk_type, ""),
        "edition": shop.edition,
        "region": shop.region,
    }


def add_url(code, shop, match, *, status=""):
    """The add page, prefilled with what the scan learnt (and the TMDB film picked, or searched for)."""
    params = {"barcode": code, "status": status}
    if shop:
        params.update(disk_type=shop.disk_type, edition=shop.edition, region=shop.region, title=shop.title)
        if shop.year:
            params["year"] = shop.year
    if match:
        params["tmdb_pick"] = match.tmdb_id
    elif shop and shop.title:
        params["tmdb_q"] = shop.title
    return reverse("dvd_add") + "?" + urlencode({k: v for k, v in params.items() if v})


# --- the add page's side -----------------------------------------------------------------

PREFILL_PARAMS = ("barcode", "disk_type", "edition", "region", "title", "year", "status")


def add_form_prefill(params):
    """The add form's initial values from a scan's query string; a value that does not fit is ignored."""
    initial = {}
    code = digits_of(params.get("barcode", ""))
    if code and not barcode_problem(code):
        initial["barcode"] = code
    if params.get("disk_type") in DVD.DiskType.values:
        initial["disk_type"] = params["disk_type"]
    title = " ".join(params.get("title", "").split())[:255]
    if title:
        initial["name"] = title
    year = params.get("year", "")
    if year.isdigit() and len(year) == 4:
        initial["release_year"] = int(year)
    if edition := _one_line(params.get("edition", ""), DVD._meta.get_field("edition").max_length):
        initial["edition"] = edition
    if region := _region_value(params.get("region", "")):
        initial["region"] = region
    # Kept is the form's default; the answer's "Add to wishlist" asks for the wish list.
    if params.get("status") == DVD.Status.WISHLIST:
        initial["status"] = DVD.Status.WISHLIST
    return initial


def carried_params(params):
    """The scan's parameters to keep through the add page's TMDB search and pick links."""
    return [(name, params[name]) for name in PREFILL_PARAMS if params.get(name)]


def _one_line(text, cap):
    return " ".join(str(text).split())[:cap]


def _region_value(text):
    """A region as the collection writes it ("B", "2", "Region-free"), from the cleaner's "Region B"."""
    text = _one_line(text, 100)
    if text.casefold() in ("region free", "region-free"):
        return "Region-free"
    return text.removeprefix("Region ").strip()[: DVD._meta.get_field("region").max_length]
