"""Magnet links for stored torrents: the info hash, a display name and YTS_MAGNET_TRACKERS."""

from urllib.parse import quote, urlsplit

from django.conf import settings

from tracker.services.yts import INFO_HASH_RE

TRACKER_SCHEMES = ("udp", "http", "https", "wss")
DISPLAY_NAME_CAP = 200


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
