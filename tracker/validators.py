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
