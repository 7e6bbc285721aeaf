"""The barcode lookup: its pure parser, its client against the local fake UPCitemdb, and the cached service."""

import logging
import time

import pytest
from django.core.cache import cache

from fakes.upc import FakeUPC
from tracker.services import pacing
from tracker.services.upc import (
    ShopItem,
    UPCBadResponse,
    UPCBusy,
    UPCClient,
    UPCNotConfigured,
    UPCService,
    UPCUnavailable,
    parse_lookup,
)

ALIEN = "5039036057349"
HEAT_UPC = "025192232244"
UNLISTED = "4006381333931"


@pytest.fixture
def upc(http_mock, settings):
    """The fake lookup, and the settings that point the app at it."""
    http_mock.add_passthru("http://127.0.0.1")
    with FakeUPC() as fake:
        settings.UPC_LOOKUP_URL = fake.lookup_url
        settings.UPC_LOOKUP_KEY = ""
        settings.UPC_LOOKUP_MAX_RETRIES = 0
        settings.UPC_LOOKUP_MAX_REQUESTS_PER_SECOND = 0
        yield fake


class FullLimiter:
    """A moving window that is always full, its next turn far away."""

    def hit(self, *args):
        return False

    def get_window_stats(self, *args):
        return type("Stats", (), {"reset_time": time.time() + 60})()


def client_for(fake, **overrides):
    options = {"key": "", "timeout": 2, "max_retries": 0, "max_response_bytes": 100_000}
    options.update(overrides)
    return UPCClient(fake.lookup_url, **options)


# --- parsing -----------------------------------------------------------------------------


def lookup_answer(*items, code="OK"):
    return {"code": code, "total": len(items), "offset": 0, "items": list(items)}


def test_the_listed_title_brand_and_category_are_kept():
    """An item for the code gives its title, brand and category, whitespace tidied."""
    payload = lookup_answer({"ean": ALIEN, "title": " Alien  [Blu-ray] ", "brand": "Fox", "category": "Media", "x": 1})
    assert parse_lookup(payload, ALIEN) == ShopItem(title="Alien [Blu-ray]", brand="Fox", category="Media")


def test_an_item_listed_under_the_upc_spelling_matches_the_ean():
    """A UPC-A listed as 12 digits answers the same code scanned as a 13-digit EAN."""
    payload = lookup_answer({"ean": "0" + HEAT_UPC, "upc": HEAT_UPC, "title": "Heat"})
    assert parse_lookup(payload, "0" + HEAT_UPC).title == "Heat"
    assert parse_lookup(payload, HEAT_UPC).title == "Heat"


def test_an_item_for_another_code_is_not_this_disc():
    """Items listed under other codes are skipped; with none left, the code is not listed."""
    payload = lookup_answer({"ean": "5051892008280", "title": "Inception"})
    assert parse_lookup(payload, ALIEN) is None


@pytest.mark.parametrize(
    "payload",
    [lookup_answer(), {"code": "OK", "total": 0}, {"code": "INVALID_UPC", "message": "Not a valid UPC code."}],
)
def test_no_items_or_an_invalid_upc_answer_mean_not_listed(payload):
    """An empty list, a missing one and UPCitemdb's INVALID_UPC all mean the provider does not know the code."""
    assert parse_lookup(payload, ALIEN) is None


def test_a_long_title_is_capped():
    """A title is kept to 300 characters, whatever the provider sends."""
    assert len(parse_lookup(lookup_answer({"ean": ALIEN, "title": "A" * 5000}), ALIEN).title) == 300


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        (["not", "an", "object"], "without the code field"),
        ({"items": []}, "without the code field"),
        ({"code": "EXCEED_LIMIT", "message": "…"}, "an error: EXCEED_LIMIT"),
        ({"code": "OK", "items": {"title": "x"}}, "not a list"),
        ({"code": "OK", "items": ["Alien"]}, "a str where an item belongs"),
        ({"code": "OK", "items": [{"ean": ALIEN, "title": ["Alien"]}]}, "a list for 'title'"),
    ],
)
def test_answers_of_another_shape_are_bad_responses(payload, text):
    """Anything but the documented shape is a UPCBadResponse saying what was wrong."""
    with pytest.raises(UPCBadResponse, match=text):
        parse_lookup(payload, ALIEN)


# --- the client against the local fake ------------------------------------------------------


def test_the_client_reads_a_listed_code(upc):
    """A listed code comes back as the shop's title, asked for once."""
    assert client_for(upc).lookup(ALIEN).title == "Alien [Blu-ray] [1979] [Region Free] (Director's Cut)"
    assert upc.calls_for(ALIEN) == 1


def test_an_unlisted_code_is_none(upc):
    """A code the provider does not list is None, not an error."""
    assert client_for(upc).lookup(UNLISTED) is None


def test_the_providers_400_for_a_code_it_rejects_is_not_listed(upc):
    """UPCitemdb's 400 INVALID_UPC is read as 'not listed', not as an outage."""
    assert client_for(upc).lookup("123") is None


def test_the_key_goes_in_the_user_key_header(upc):
    """With UPC_LOOKUP_KEY the paid API is asked with its user_key header; a wrong key is refused clearly."""
    upc.configure(key="paid-key")
    assert client_for(upc, key="paid-key").lookup(ALIEN) is not None
    with pytest.raises(UPCUnavailable, match=r"refused the key \(HTTP 401\); check UPC_LOOKUP_KEY"):
        client_for(upc, key="wrong-key").lookup(ALIEN)


@pytest.mark.parametrize(
    ("mode", "error", "text"),
    [
        ("hang", UPCUnavailable, "did not answer within 1 s"),
        ("slow-body", UPCUnavailable, "did not finish its answer within 1 s"),
        ("429", UPCUnavailable, "rate-limiting us"),
        ("503", UPCUnavailable, "answered HTTP 503"),
        ("403-html", UPCUnavailable, "answered HTTP 403"),
        ("redirect", UPCUnavailable, "redirected to elsewhere.example"),
        ("200-html", UPCBadResponse, "answered with an HTML page"),
        ("truncated", UPCBadResponse, "not valid JSON"),
        ("wrong-shape", UPCBadResponse, "without the code field"),
        ("status-error", UPCBadResponse, "an error: SERVER_ERR"),
        ("huge", UPCBadResponse, "byte cap"),
    ],
)
def test_faults_become_the_lookups_errors(upc, mode, error, text):
    """Timeouts, 429s, HTML instead of JSON and huge answers become UPCUnavailable or UPCBadResponse."""
    upc.configure(mode=mode)
    with pytest.raises(error, match=text):
        client_for(upc, timeout=1).lookup(ALIEN)


# --- the service ----------------------------------------------------------------------------


def test_answers_are_cached_by_product(upc):
    """A code is asked for once; its UPC-A and EAN-13 spellings share the answer, listed or not."""
    service = UPCService()
    assert service.lookup(HEAT_UPC).title == "HEAT [DVD] By Al Pacino"
    assert service.lookup("0" + HEAT_UPC).title == "HEAT [DVD] By Al Pacino"
    assert service.lookup(UNLISTED) is None
    assert service.lookup(UNLISTED) is None
    assert upc.calls == 2


def test_a_failure_is_not_cached(upc):
    """After a failed lookup the next scan asks again, and a good answer then stays."""
    upc.configure(mode="503", mode_count=1)
    with pytest.raises(UPCUnavailable):
        UPCService().lookup(ALIEN)
    assert UPCService().lookup(ALIEN) is not None
    assert upc.calls == 2


def test_without_a_url_nothing_is_asked(settings):
    """With UPC_LOOKUP_URL unset the lookup is off and says so."""
    settings.UPC_LOOKUP_URL = ""
    assert not UPCService().is_configured
    with pytest.raises(UPCNotConfigured):
        UPCService().lookup(ALIEN)


def test_a_full_pace_answers_busy_without_asking(upc, settings, monkeypatch):
    """Over UPC_LOOKUP_MAX_REQUESTS_PER_SECOND the shopper hears 'busy' rather than waiting in a queue."""
    settings.UPC_LOOKUP_MAX_REQUESTS_PER_SECOND = 1
    monkeypatch.setattr(pacing, "shared_limiter", lambda: FullLimiter())
    with pytest.raises(UPCBusy):
        UPCService().lookup(ALIEN)
    assert upc.calls == 0
    assert cache.get(f"upc:lookup:v1:{ALIEN.zfill(14)}") is None


def test_the_key_never_reaches_a_log_line(upc, settings, caplog):
    """A failing lookup logs the code and the reason, never UPC_LOOKUP_KEY."""
    settings.UPC_LOOKUP_KEY = "secret-user-key"
    upc.configure(key="another-key")
    with caplog.at_level(logging.DEBUG), pytest.raises(UPCUnavailable):
        UPCService().lookup(ALIEN)
    assert "Barcode lookup failed for 5039036057349" in caplog.text
    assert "secret-user-key" not in caplog.text
