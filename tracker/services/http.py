"""The HTTP machinery every integration shares: one retrying session, bounded reads, URL rules.

Clients subclass `JSONClient`; it turns every way a request can go wrong into one of
two exceptions, `Unavailable` (the service could not be asked) and `BadResponse` (it
answered with something we cannot use), so callers never see a requests exception.
"""

import ipaddress
import json
import logging
import time
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tracker.ops.metrics import instrument_upstream
from tracker.validators import is_ascii_digits

logger = logging.getLogger("tracker.services")

LOOPBACK_HOSTS = {"localhost"}
RETRY_STATUSES = (429, 500, 502, 503, 504)
# A Retry-After of an hour must not hold a page or a worker for an hour.
MAX_RETRY_AFTER_SECONDS = 10
USER_AGENT = "DVDCollectionTracker/1.0 (+https://github.com/; personal collection tracker)"


class UpstreamError(Exception):
    """An upstream API could not give a usable answer; the message is fit to show a user."""


class Unavailable(UpstreamError):
    """The service could not be reached, timed out or answered with an error status."""


class BadResponse(UpstreamError):
    """The service answered, but not with the data its API documents."""


def is_loopback_host(host):
    if not host:
        return False
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def base_url_problem(url):
    """Why `url` cannot be an API base URL (https, or http on a loopback host), or ''."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and is_loopback_host(parts.hostname):
        return ""
    return f"{url!r} must be an https:// URL (plain http is allowed only for 127.0.0.1, ::1 or localhost)"


def _is_timeout(exc):
    # With a Retry adapter, requests reports an exhausted read timeout as a ConnectionError
    # wrapping urllib3's MaxRetryError; the user should still hear "did not answer".
    if isinstance(exc, requests.Timeout):
        return True
    cause = exc.args[0] if exc.args else None
    if not isinstance(cause, urllib3.exceptions.MaxRetryError):
        return False
    reason = cause.reason
    # urllib3's NewConnectionError (refused, unknown host) subclasses ConnectTimeoutError for history's sake.
    return isinstance(reason, urllib3.exceptions.ReadTimeoutError) or (
        isinstance(reason, urllib3.exceptions.ConnectTimeoutError)
        and not isinstance(reason, urllib3.exceptions.NewConnectionError)
    )


class CappedRetry(Retry):
    """urllib3's Retry, with the wait a server may ask for through Retry-After capped."""

    def get_retry_after(self, response):
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER_SECONDS)


def build_session(max_retries, backoff_factor=0.5):
    retry = CappedRetry(
        total=max_retries,
        connect=max_retries,
        read=max_retries,
        status=max_retries,
        backoff_factor=backoff_factor,
        backoff_max=MAX_RETRY_AFTER_SECONDS,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


class JSONClient:
    """Base for API clients: GET a JSON document with a timeout, a size cap and no redirects."""

    service_name = "upstream"
    Unavailable = Unavailable
    BadResponse = BadResponse
    backoff_factor = 0.5

    def __init__(self, *, timeout, max_retries, max_response_bytes):
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.session = build_session(max_retries, self.backoff_factor)

    @instrument_upstream  # counts each call by service and outcome, for /metrics
    def get_json(self, url, params=None, headers=None):
        """The decoded JSON body of a GET, or Unavailable / BadResponse."""
        try:
            # Redirects are not followed: a mirror that moved must be configured, not guessed.
            response = self.session.get(
                url, params=params, headers=headers, timeout=self.timeout, stream=True, allow_redirects=False
            )
        except requests.RequestException as exc:
            if _is_timeout(exc):
                raise self.Unavailable(f"{self.service_name} did not answer within {self.timeout} s") from exc
            raise self.Unavailable(f"{self.service_name} could not be reached ({type(exc).__name__})") from exc
        with response:
            self._check_status(response)
            body = self._read_capped(response)
        return self._decode(body)

    def _check_status(self, response):
        status = response.status_code
        if 300 <= status < 400:
            target = urlsplit(response.headers.get("Location", "")).hostname or "an unknown address"
            raise self.Unavailable(f"{self.service_name} redirected to {target}; the address may have moved")
        if status == 429:
            raise self.Unavailable(f"{self.service_name} is rate-limiting us (HTTP 429); try again later")
        if status >= 400:
            raise self.Unavailable(f"{self.service_name} answered HTTP {status}")

    def _read_capped(self, response):
        declared = response.headers.get("Content-Length", "")
        if is_ascii_digits(declared) and int(declared) > self.max_response_bytes:
            raise self.BadResponse(
                f"{self.service_name} sent {int(declared):,} bytes, over the {self.max_response_bytes:,} byte cap"
            )
        # requests' read timeout is per socket read; a server trickling bytes needs a total deadline.
        deadline = time.monotonic() + self.timeout
        chunks, size = [], 0
        try:
            while chunk := response.raw.read1(65536, decode_content=True):
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self.BadResponse(
                        f"{self.service_name} sent more than the {self.max_response_bytes:,} byte cap"
                    )
                if time.monotonic() > deadline:
                    raise self.Unavailable(f"{self.service_name} did not finish its answer within {self.timeout} s")
                chunks.append(chunk)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise self.Unavailable(f"{self.service_name} broke off its answer ({type(exc).__name__})") from exc
        return b"".join(chunks)

    def _decode(self, body):
        try:
            return json.loads(body)
        except ValueError as exc:
            looks_like_html = body.lstrip()[:1] == b"<"
            what = "an HTML page" if looks_like_html else "something that is not valid JSON"
            raise self.BadResponse(f"{self.service_name} answered with {what}") from exc


_shared_clients = {}


def shared_client(client_class):
    """One client (so one pooled session) per class and process, rebuilt when its settings change."""
    snapshot = tuple(repr(getattr(settings, name)) for name in client_class.setting_names)
    entry = _shared_clients.get(client_class)
    if entry is None or entry[0] != snapshot:
        entry = _shared_clients[client_class] = (snapshot, client_class.from_settings())
    return entry[1]
