"""Cell values: each parser takes a cell's text and returns a `Cell`.

A `Cell` holds the value for the DVD field, or a problem (the row cannot be imported as read),
a warning (the value is dropped, the row is not) or a reason to skip the row.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from babel.numbers import is_currency
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from tracker.models import DVD
from tracker.validators import is_ascii_digits

DISK_TYPES = {
    "dvd": DVD.DiskType.DVD, "dvdvideo": DVD.DiskType.DVD, "dvdr": DVD.DiskType.DVD,
    "bluray": DVD.DiskType.BLURAY, "bd": DVD.DiskType.BLURAY, "bluraydisc": DVD.DiskType.BLURAY,
    "bluray3d": DVD.DiskType.BLURAY, "blu": DVD.DiskType.BLURAY,
    "4kuhd": DVD.DiskType.UHD, "4k": DVD.DiskType.UHD, "uhd": DVD.DiskType.UHD, "4kultrahd": DVD.DiskType.UHD,
    "ultrahd": DVD.DiskType.UHD, "ultrahdbluray": DVD.DiskType.UHD, "4kbluray": DVD.DiskType.UHD,
    "uhdbluray": DVD.DiskType.UHD, "4kuhdbluray": DVD.DiskType.UHD,
}  # fmt: skip
MEDIA_TYPES = {
    "physical": DVD.MediaType.PHYSICAL, "disc": DVD.MediaType.PHYSICAL, "disk": DVD.MediaType.PHYSICAL,
    "download": DVD.MediaType.DOWNLOAD, "digital": DVD.MediaType.DOWNLOAD, "digitalcopy": DVD.MediaType.DOWNLOAD,
    "rip": DVD.MediaType.RIP,
}  # fmt: skip
STATUSES = {
    "kept": DVD.Status.KEPT, "keep": DVD.Status.KEPT, "incollection": DVD.Status.KEPT, "owned": DVD.Status.KEPT,
    "forsale": DVD.Status.KEPT, "onloan": DVD.Status.KEPT,
    "disposed": DVD.Status.DISPOSED, "sold": DVD.Status.DISPOSED, "notincollection": DVD.Status.DISPOSED,
    "givenaway": DVD.Status.DISPOSED, "lost": DVD.Status.DISPOSED, "traded": DVD.Status.DISPOSED,
    "wishlist": DVD.Status.WISHLIST, "wanted": DVD.Status.WISHLIST, "onmywishlist": DVD.Status.WISHLIST,
    "onwishlist": DVD.Status.WISHLIST,
}  # fmt: skip
# CLZ keeps films one has ordered in the same list; they are skipped, with the reason (a wish list is kept).
NOT_OWNED_STATUSES = {"onorder", "preorder"}
CONDITIONS = {
    "mint": DVD.Condition.MINT, "new": DVD.Condition.MINT, "nearmint": DVD.Condition.MINT,
    "sealed": DVD.Condition.MINT, "good": DVD.Condition.GOOD, "verygood": DVD.Condition.GOOD,
    "fine": DVD.Condition.GOOD, "used": DVD.Condition.GOOD, "worn": DVD.Condition.WORN, "fair": DVD.Condition.WORN,
    "acceptable": DVD.Condition.WORN, "poor": DVD.Condition.DAMAGED, "damaged": DVD.Condition.DAMAGED,
}  # fmt: skip
PRICE_RE = re.compile(r"\A[^0-9-]{0,4}\s*(-?)\s*([0-9]{1,8})(?:[.,]([0-9]{1,2}))?\s*[^0-9]{0,4}\Z")
PURCHASE_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y", "%d %B %Y")
TRUE_WORDS = {"yes", "y", "true", "1", "x", "✓", "✔"}
FALSE_WORDS = {"no", "n", "false", "0"}
# Ids and years are [0-9] (\d takes any script's digits), and not followed by a digit of any script:
# "tt0111161٣" is not tt0111161.
IMDB_IN_TEXT_RE = re.compile(r"tt[0-9]{7,10}(?!\d)")
YEAR_IN_TEXT_RE = re.compile(r"(?<!\d)(1[89][0-9][0-9]|2[01][0-9][0-9])(?!\d)")
TMDB_URL_RE = re.compile(r"themoviedb\.org/movie/([0-9]{1,9})")
RUNTIME_RE = re.compile(r"\A(?:([0-9]{1,2})\s*h(?:ours?|rs?)?\s*)?(?:([0-9]{1,4})\s*(?:m|min|mins|minutes)?)?\Z", re.I)
LIST_SEPARATORS_RE = re.compile(r"\s*[;/|]\s*|\s*,\s*")

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Cell:
    value: object = None
    problem: str = ""
    warning: str = ""
    skip: str = ""


def _key(text):
    return re.sub(r"[^0-9a-z✓✔]+", "", text.casefold())


def parse_year(text, heading_field="release_year"):
    text = text.strip()
    if not text:
        return Cell()
    if re.fullmatch(r"[0-9]{4}(?:\.0+)?", text):
        return Cell(int(text[:4]))
    # A release date ("1999-03-31", "Mar 31, 1999") holds the year somewhere.
    match = YEAR_IN_TEXT_RE.search(text) if not text.isdigit() else None
    if match and len(text) >= 8:
        return Cell(int(match[1]))
    return Cell(problem=f"Year “{text[:20]}” is not a four-digit year.")


def _choice(table, what, allowed):
    def parse(text):
        text = text.strip()
        if not text:
            return Cell()
        value = table.get(_key(text))
        if value is None:
            return Cell(problem=f"Unknown {what} “{text[:30]}”: use {allowed}.")
        return Cell(value)

    return parse


parse_disk_type = _choice(DISK_TYPES, "format", "DVD, Blu-ray or 4K UHD")
parse_media_type = _choice(MEDIA_TYPES, "media type", "Physical, Download or Rip")


def parse_status(text):
    if _key(text) in NOT_OWNED_STATUSES:
        return Cell(skip=f"Not in your collection (status “{text.strip()[:30]}”).")
    return _choice(STATUSES, "status", "Kept or Disposed (or CLZ's In Collection, Sold…)")(text)


def parse_bool(text, invert=False):
    word = text.strip().casefold()
    if not word:
        return Cell()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return Cell((word in TRUE_WORDS) != invert)
    return Cell(problem=f"“{text.strip()[:20]}” is not yes or no.")


def parse_imdb_id(text):
    text = text.strip()
    if not text:
        return Cell()
    match = IMDB_IN_TEXT_RE.search(text.lower())
    if match:
        return Cell(match[0])
    digits = text.removesuffix(".0")
    if is_ascii_digits(digits) and len(digits) <= 10 and int(digits) > 0:
        return Cell(f"tt{digits.zfill(7)}")
    return Cell(problem=f"“{text[:30]}” is not an IMDb id (like tt0111161) or IMDb address.")


def parse_tmdb_id(text):
    text = text.strip()
    if not text:
        return Cell()
    match = TMDB_URL_RE.search(text)
    digits = match[1] if match else text.removesuffix(".0")
    if is_ascii_digits(digits) and 0 < int(digits) < 2**31:
        return Cell(int(digits))
    return Cell(problem=f"“{text[:30]}” is not a TMDB id (a number).")


def parse_barcode(text):
    digits = re.sub(r"[\s-]", "", text.strip()).removesuffix(".0")
    if not digits:
        return Cell()
    if is_ascii_digits(digits) and 8 <= len(digits) <= 14:
        return Cell(digits)
    return Cell(warning=f"Barcode “{text.strip()[:20]}” left out: a barcode is 8 to 14 digits.")


def parse_runtime(text):
    text = text.strip().removesuffix(".0")
    if not text:
        return Cell()
    match = RUNTIME_RE.match(text)
    if match and (match[1] or match[2]):
        minutes = int(match[1] or 0) * 60 + int(match[2] or 0)
        if minutes > 0:
            return Cell(minutes)
    return Cell(warning=f"Runtime “{text[:20]}” left out: give it in minutes.")


def parse_list(text):
    """'Action; Drama' or 'Action / Drama' as 'Action, Drama'."""
    return Cell(", ".join(part for part in LIST_SEPARATORS_RE.split(text.strip()) if part))


def parse_url(text):
    text = text.strip()
    if not text:
        return Cell()
    try:
        _url_validator(text)
    except ValidationError:
        return Cell(warning="Poster address left out: it is not a web address.")
    return Cell(text)


def parse_datetime(text):
    """An ISO date or date-time as an ISO string in UTC; anything else is left out silently."""
    text = text.strip()
    try:
        # A bare date is taken at noon, so that no time zone moves it to another day.
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(12))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        return Cell()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return Cell(moment.astimezone(UTC).isoformat())


def parse_text(text):
    return Cell(" ".join(text.split()))


def parse_disc_count(text):
    digits = text.strip().removesuffix(".0")
    if not digits:
        return Cell()
    if is_ascii_digits(digits) and 0 < int(digits) < 1000:
        return Cell(int(digits))
    return Cell(warning=f"Number of discs “{text.strip()[:20]}” left out: give a whole number.")


def parse_condition(text):
    if not text.strip():
        return Cell()
    value = CONDITIONS.get(_key(text))
    if value is None:
        return Cell(warning=f"Condition “{text.strip()[:20]}” left out: use Mint, Good, Worn or Damaged.")
    return Cell(value)


def parse_purchase_date(text):
    """A purchase date as an ISO date; one not read is left out with a warning."""
    text = text.strip()
    if not text:
        return Cell()
    for pattern in PURCHASE_DATE_FORMATS:
        try:
            # Only a calendar date is parsed: no time zone can move it.
            return Cell(datetime.strptime(text[:30], pattern).date().isoformat())  # noqa: DTZ007
        except ValueError:
            continue
    return Cell(warning=f"Purchase date “{text[:20]}” left out: give it as 2024-03-31.")


def parse_price(text):
    """A price as its decimal text ("12.99"): "$12.99", "12,99 €" and "12" are read, a negative one is refused."""
    text = text.strip()
    if not text:
        return Cell()
    match = PRICE_RE.match(text)
    if not match:
        return Cell(problem=f"Price “{text[:20]}” is not an amount like 12.99.")
    if match[1]:
        return Cell(problem=f"Price “{text[:20]}”: a price cannot be negative.")
    return Cell(f"{int(match[2])}.{(match[3] or '0').ljust(2, '0')}")


def parse_currency(text):
    code = text.strip().upper()
    if not code:
        return Cell()
    if not is_currency(code):
        return Cell(problem=f"Unknown currency “{text.strip()[:10]}”: use an ISO 4217 code like EUR, USD or GBP.")
    return Cell(code)


def parse_multiline(text):
    return Cell(text.strip().replace("\r\n", "\n"))


def parse_verbatim(text):
    return Cell(text)
