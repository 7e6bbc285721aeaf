"""What a stored torrent may become on a page: a download link only if https on an allowed host, a magnet link
only from a valid info hash (with YTS_MAGNET_TRACKERS).

Stored torrents are checked again here at display time, whatever checked them when they were fetched: rows
written before validation existed, or edited by hand, are not trusted either. The YTS parser uses the same
rules, so that what it keeps is what a page may show.
"""

import re
from urllib.parse import quote, urlsplit

from django.conf import settings

from dvdtracker.env import split_base_urls

URL_CAP = 500
INFO_HASH_RE = re.compile(r"\A(?:[0-9a-fA-F]{40}|[A-Za-z2-7]{32})\Z")
TRACKER_SCHEMES = ("udp", "http", "https", "wss")
DISPLAY_NAME_CAP = 200


# --- download links ----------------------------------------------------------------------


def allowed_download_hosts():
    """The hosts a download link may be on: YTS_ALLOWED_DOWNLOAD_HOSTS and those of the YTS_API_BASE_URL mirrors."""
    hosts = set(settings.YTS_ALLOWED_DOWNLOAD_HOSTS)
    hosts.update(urlsplit(url).hostname for url in split_base_urls(settings.YTS_API_BASE_URL))
    return frozenset(h for h in hosts if h)


def is_allowed_download_url(url, allowed_hosts):
    if not isinstance(url, str) or len(url) > URL_CAP:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and (parts.hostname or "") in allowed_hosts and not parts.username


def displayable(torrents):
    """Those of the stored `torrents` (a DVD's yts_data or yts_best_torrents) whose download link may be shown."""
    if not isinstance(torrents, list):
        return []
    hosts = allowed_download_hosts()
    return [t for t in torrents if isinstance(t, dict) and is_allowed_download_url(t.get("url"), hosts)]


# --- magnet links --------------------------------------------------------------------------


def tracker_problem(url):
    """Why `url` cannot be a magnet link's tracker, or ''."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{url!r} is not a URL"
    if parts.scheme not in TRACKER_SCHEMES or not parts.hostname:
        return f"{url!r} must be a udp://, http://, https:// or wss:// tracker address"
    if parts.scheme == "udp" and port is None:
        return f"{url!r} needs a port (udp://host:port/announce)"
    return ""


def display_name(name, year=None, quality=""):
    """'Film (1999) [1080p]', the name a torrent client shows before it has the metadata."""
    text = " ".join(str(name).split())
    if year:
        text += f" ({year})"
    if quality:
        text += f" [{quality}]"
    return text[:DISPLAY_NAME_CAP]


def magnet_uri(info_hash, name, trackers=None):
    """A magnet: URI, or '' when the hash is not 40 hex or 32 base32 characters."""
    if not isinstance(info_hash, str) or not INFO_HASH_RE.fullmatch(info_hash):
        return ""
    if trackers is None:
        trackers = settings.YTS_MAGNET_TRACKERS
    parts = [f"xt=urn:btih:{info_hash}", f"dn={quote(name, safe='')}"]
    parts += [f"tr={quote(tracker, safe='')}" for tracker in trackers if not tracker_problem(tracker)]
    return "magnet:?" + "&".join(parts)


def torrent_magnet(torrent, dvd):
    """The magnet link of one stored torrent of `dvd` ('' when its hash is missing or invalid)."""
    if not isinstance(torrent, dict):
        return ""
    name = display_name(dvd.name, dvd.release_year, str(torrent.get("quality") or ""))
    return magnet_uri(torrent.get("hash"), name)
