"""Validators shared by the model, the forms and the API parsers."""

import re

from django.core.validators import RegexValidator
from django.utils import timezone

IMDB_ID_RE = re.compile(r"^tt\d{7,10}$")

validate_imdb_id = RegexValidator(
    IMDB_ID_RE,
    message="Enter an IMDb id like tt0111161: “tt” followed by 7 or more digits.",
    code="invalid_imdb_id",
)

FIRST_FILM_YEAR = 1888  # Roundhay Garden Scene, the oldest surviving film.


def latest_release_year():
    """Films are listed up to a year ahead of their release."""
    return timezone.now().year + 1


# EAN-8, UPC-A (12), EAN-13 and GTIN-14: the barcodes printed on disc cases.
validate_barcode = RegexValidator(
    re.compile(r"^\d{8,14}$"),
    message="Enter the barcode's 8 to 14 digits (EAN or UPC).",
    code="invalid_barcode",
)
