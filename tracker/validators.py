"""Validators shared by the model, the forms and the API parsers."""

import re
import zoneinfo
from functools import cache

from babel.numbers import is_currency
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

# \A and \Z, not ^ and $: "$" also matches before a final newline. [0-9], not \d: \d (like
# str.isdigit()) also takes Arabic-Indic, full-width and other scripts' digits.
IMDB_ID_RE = re.compile(r"\Att[0-9]{7,10}\Z")

validate_imdb_id = RegexValidator(
    IMDB_ID_RE,
    message="Enter an IMDb id like tt0111161: “tt” followed by 7 or more digits.",
    code="invalid_imdb_id",
)


def is_ascii_digits(text):
    """Whether `text` is one or more of 0-9 and nothing else (str.isdigit() also takes '٣' and '²')."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


FIRST_FILM_YEAR = 1888  # Roundhay Garden Scene, the oldest surviving film.


def latest_release_year():
    """Films are listed up to a year ahead of their release."""
    return timezone.now().year + 1


# EAN-8, UPC-A (12), EAN-13 and GTIN-14: the barcodes printed on disc cases.
validate_barcode = RegexValidator(
    re.compile(r"\A[0-9]{8,14}\Z"),
    message="Enter the barcode's 8 to 14 digits (EAN or UPC).",
    code="invalid_barcode",
)


def validate_currency(code):
    """An ISO 4217 currency code, in capitals (EUR, USD, GBP…)."""
    if not is_currency(code):
        raise ValidationError(
            "“%(code)s” is not a currency code: use ISO 4217's three capitals, like EUR, USD or GBP.",
            code="invalid_currency",
            params={"code": code},
        )


MAX_ZONE_NAME_LENGTH = 64


@cache
def _known_zones():
    # Only names from the tz database: the cookie is visitor input and must never name a file.
    return frozenset(zoneinfo.available_timezones())


def zone_from_name(name):
    """The ZoneInfo for an IANA zone name, or None when the name is empty, too long or unknown."""
    if not name or len(name) > MAX_ZONE_NAME_LENGTH or name not in _known_zones():
        return None
    return zoneinfo.ZoneInfo(name)
