"""The fixed choices of a DVD's fields, and the suggestions its free-text fields offer."""

from django.db import models


class DiskType(models.TextChoices):
    DVD = "dvd", "DVD"
    BLURAY = "bluray", "Blu-ray"
    UHD = "4k_uhd", "4K UHD"


class MediaType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    DOWNLOAD = "download", "Download"
    RIP = "rip", "Rip"


class Status(models.TextChoices):
    KEPT = "kept", "Kept"
    DISPOSED = "disposed", "Disposed"
    WISHLIST = "wishlist", "On my wish list"


class Condition(models.TextChoices):
    MINT = "mint", "Mint"
    GOOD = "good", "Good"
    WORN = "worn", "Worn"
    DAMAGED = "damaged", "Damaged"


# Offered as suggestions on the form; any other text is accepted.
EDITION_SUGGESTIONS = ("Standard", "Steelbook", "Criterion", "Collector's", "Director's Cut", "Extended", "Limited")
REGION_SUGGESTIONS = ("A", "B", "C", "Region-free", "1", "2", "3", "4", "5", "6")
