"""Apprise URLs: reading them, refusing the ones that point inside our own network, and sending.

A URL whose service runs on a host the user names (a webhook, a self-hosted ntfy or Gotify, a
mail server...) is refused when that host is, or resolves to, a loopback, private, link-local
or otherwise non-public address, unless NOTIFY_ALLOW_PRIVATE_TARGETS is set: otherwise anyone
with an account could make the server probe its own network. The check runs when a URL is
added and again before each send (a name may resolve elsewhere by then). Services with fixed
public endpoints (Discord, Telegram, Slack...) name no host of the user's.

Apprise explains a refusal or a failure only in its log; its records are kept here per thread
(so one person's reason never shows another's URL) and never reach the application's logs.
"""

import ipaddress
import logging
import socket
import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import apprise
from django.conf import settings

REASON_MAX_LENGTH = 200
LOCAL_NAME_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


class TargetRefused(ValueError):
    """The URL cannot be used; the message says why, in words for the person who gave it."""


class _ThreadRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages = []

    def emit(self, record):
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def apprise_messages():
    """Apprise's warnings and errors logged by this thread inside the block, as a list of strings."""
    handler = _ThreadRecords()
    apprise_logger = logging.getLogger("apprise")
    apprise_logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        apprise_logger.removeHandler(handler)


def scrub(text, url):
    """`text` without the URL or its password (Apprise's own messages mostly mask them already)."""
    if not url:
        return text
    text = text.replace(url, "the URL")
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password and len(password) >= 3:
        text = text.replace(password, "****")
    return text


def parse(url):
    """The Apprise plugin for `url`; raises TargetRefused with Apprise's reason when it cannot read it."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused("Enter an Apprise URL, for example ntfys://ntfy.sh/your-topic.")
    with apprise_messages() as messages:
        plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        reason = messages[-1] if messages else "it is not a URL of a service Apprise knows"
        raise TargetRefused(f"Apprise cannot use this URL: {scrub(reason, url)[:REASON_MAX_LENGTH]}.")
    return plugin


def masked(plugin):
    """The URL as it may be shown: Apprise's privacy form, without its tuning parameters."""
    return plugin.url(privacy=True).split("?", 1)[0]


def target_hosts(plugin):
    """The hosts the user chose for this service (none for one with fixed public endpoints)."""
    if not getattr(plugin, "protocol", None):  # only a secure scheme: the service's own servers
        return []
    if getattr(plugin, "mode", None) in ("cloud", "t2bot"):  # ntfy://topic is ntfy.sh; matrix's t2bot, t2bot.io
        return []
    hosts = [getattr(plugin, "smtp_host", None) or getattr(plugin, "host", None)]
    return [h for h in hosts if h]


def resolve(host):
    """Every address `host` resolves to (the name itself when it is an address)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return {info[4][0] for info in infos}


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_host(host):
    """Raise TargetRefused when `host` is, or resolves to, an address that is not public."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(LOCAL_NAME_SUFFIXES):
        raise TargetRefused(f"{host} is a local name; alerts go only to public addresses.")
    try:
        addresses = resolve(name)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"The address of {host} cannot be found.") from exc
    if not addresses or not all(_is_public(a) for a in addresses):
        raise TargetRefused(f"{host} is a loopback or private address; alerts go only to public addresses.")


def check(plugin):
    """Raise TargetRefused when the plugin would send into a private network (unless that is allowed)."""
    if settings.NOTIFY_ALLOW_PRIVATE_TARGETS is True:
        return
    for host in target_hosts(plugin):
        check_host(host)


def validated(url):
    """(url, masked URL) for a URL that may be stored; raises TargetRefused."""
    url = (url or "").strip()
    plugin = parse(url)
    check(plugin)
    return url, masked(plugin)


def send(url, title, body):
    """Send one message; raises TargetRefused with a reason safe to store and show when it did not go."""
    plugin = parse(url)
    check(plugin)
    with apprise_messages() as messages:
        try:
            sent = plugin.notify(body=body, title=title)
        except Exception as exc:  # a plugin's own bug must not lose the alert: it is retried
            messages.append(f"{type(exc).__name__}: {exc}")
            sent = False
    if not sent:
        reason = messages[-1] if messages else "the service did not accept the message"
        raise TargetRefused(scrub(reason, url)[:REASON_MAX_LENGTH])
