"""Barcode lookup: which product a disc's EAN/UPC is, from a provider with UPCitemdb's API shape.

Configured by UPC_LOOKUP_URL (the lookup endpoint; off when unset) and UPC_LOOKUP_KEY (sent as
UPCitemdb's `user_key` header, never in the URL, so it cannot reach a log line). Answers go
through the pure `parse_lookup`, which keeps only a capped title, brand and category.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from tracker.barcodes import equivalent_codes
from tracker.services.http import BadResponse, JSONClient, Unavailable, UpstreamError, shared_client
from tracker.services.pacing import wait_for_turn

logger = logging.getLogger("tracker.services")

TITLE_CAP = 300
TEXT_CAP = 100
# UPCitemdb answers a code it does not know with one of these (HTTP 400 or 404, or 200 with no items).
NOT_LISTED_CODES = frozenset({"INVALID_UPC", "NOT_FOUND", "INVALID_QUERY"})
# A shopper waits for the answer: a full pace is reported at once rather than queued for.
PACING_MAX_WAIT_SECONDS = 1
NOT_LISTED = ""  # cached for a code the provider does not list (None is a cache miss)


class UPCError(UpstreamError):
    """The barcode lookup could not give a usable answer."""


class UPCUnavailable(UPCError, Unavailable):
    """The provider could not be reached, timed out, refused the key or answered with an error status."""


class UPCBadResponse(UPCError, BadResponse):
    """The provider answered with something other than its documented JSON."""


class UPCBusy(UPCError):
    """Our own pace (UPC_LOOKUP_MAX_REQUESTS_PER_SECOND) is full: the provider was not asked."""


class UPCNotConfigured(UPCError):
    """UPC_LOOKUP_URL is not set."""


@dataclass(frozen=True)
class ShopItem:
    """A product as the lookup names it: the shop's title, before any cleaning."""

    title: str
    brand: str = ""
    category: str = ""


# --- parsing ---------------------------------------------------------------------------


def _text(item, field, cap):
    value = item.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UPCBadResponse(f"The barcode lookup sent a {type(value).__name__} for {field!r}")
    return " ".join(value.split())[:cap]


def _listed_codes(item):
    return {value for field in ("ean", "upc", "gtin") if isinstance(value := item.get(field), str) and value.isdigit()}


def parse_lookup(payload, code):
    """The product listed under `code`, or None when the provider does not list it.

    Raises UPCBadResponse for anything that is not the API's documented answer.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("code"), str):
        raise UPCBadResponse("The barcode lookup answered without the code field of its API")
    status = payload["code"]
    if status in NOT_LISTED_CODES:
        return None
    if status != "OK":
        raise UPCBadResponse(f"The barcode lookup answered with an error: {status[:TEXT_CAP]}")
    items = payload.get("items")
    if not items:
        return None
    if not isinstance(items, list):
        raise UPCBadResponse("The barcode lookup sent items that are not a list")
    wanted = set(equivalent_codes(code))
    for item in items:
        if not isinstance(item, dict):
            raise UPCBadResponse(f"The barcode lookup sent a {type(item).__name__} where an item belongs")
        listed = _listed_codes(item)
        # An item for another code is not this disc, whatever order the provider lists them in.
        if listed and not listed & wanted:
            continue
        title = _text(item, "title", TITLE_CAP)
        if title:
            return ShopItem(
                title=title, brand=_text(item, "brand", TEXT_CAP), category=_text(item, "category", TEXT_CAP)
            )
    return None


# --- fetching --------------------------------------------------------------------------


class UPCClient(JSONClient):
    service_name = "The barcode lookup"
    Unavailable = UPCUnavailable
    BadResponse = UPCBadResponse
    setting_names = (
        "UPC_LOOKUP_URL",
        "UPC_LOOKUP_KEY",
        "UPC_LOOKUP_TIMEOUT",
        "UPC_LOOKUP_MAX_RETRIES",
        "UPC_LOOKUP_MAX_RESPONSE_BYTES",
    )

    def __init__(self, url, *, key, timeout, max_retries, max_response_bytes):
        super().__init__(timeout=timeout, max_retries=max_retries, max_response_bytes=max_response_bytes)
        self.url = url
        self.key = key

    @classmethod
    def from_settings(cls):
        return cls(
            settings.UPC_LOOKUP_URL.strip(),
            key=settings.UPC_LOOKUP_KEY,
            timeout=settings.UPC_LOOKUP_TIMEOUT,
            max_retries=settings.UPC_LOOKUP_MAX_RETRIES,
            max_response_bytes=settings.UPC_LOOKUP_MAX_RESPONSE_BYTES,
        )

    @property
    def is_configured(self):
        return bool(self.url)

    def lookup(self, code):
        """The product listed under `code`, or None; raises UPCError when the provider gave no usable answer."""
        if not self.is_configured:
            raise UPCNotConfigured("The barcode lookup is not configured (UPC_LOOKUP_URL)")
        headers = {"user_key": self.key, "key_type": "3scale"} if self.key else None
        return parse_lookup(self.get_json(self.url, params={"upc": code}, headers=headers), code)

    def _check_status(self, response):
        # UPCitemdb refuses a code it cannot look up with 400 or 404 and a JSON body that says so.
        if response.status_code in (400, 404):
            return
        if response.status_code == 401:
            raise UPCUnavailable("The barcode lookup refused the key (HTTP 401); check UPC_LOOKUP_KEY")
        super()._check_status(response)


def cache_key(code):
    # By GTIN-14, so that the UPC-A and EAN-13 spellings of one code share an answer.
    return f"upc:lookup:v1:{code.zfill(14)}"


class UPCService:
    """The barcode lookup behind the cache and the pace."""

    def __init__(self, client=None):
        self.client = client or shared_client(UPCClient)

    @property
    def is_configured(self):
        return self.client.is_configured

    def lookup(self, code):
        """The ShopItem listed under `code`, or None; raises UPCError (never cached) when the lookup failed."""
        key = cache_key(code)
        cached = cache.get(key)
        if cached is not None:
            return cached or None
        if not self.is_configured:
            raise UPCNotConfigured("The barcode lookup is not configured (UPC_LOOKUP_URL)")
        if not wait_for_turn("upc", settings.UPC_LOOKUP_MAX_REQUESTS_PER_SECOND, PACING_MAX_WAIT_SECONDS):
            raise UPCBusy("Many barcodes are being looked up right now; try again in a second")
        try:
            item = self.client.lookup(code)
        except UPCError as exc:
            logger.warning("Barcode lookup failed for %s: %s", code, exc)
            raise
        if item is None:
            cache.set(key, NOT_LISTED, timeout=settings.UPC_LOOKUP_EMPTY_CACHE_TIMEOUT)
        else:
            cache.set(key, item, timeout=settings.UPC_LOOKUP_CACHE_TIMEOUT)
        return item
