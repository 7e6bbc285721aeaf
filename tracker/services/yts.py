"""YTS (YIFY Torrents) API: the client, the pure parser of its answers, and the cached service.

The answer is data from the open internet whose shape has drifted over the years, so
`parse_list_movies` keeps only the documented torrent fields with their types, and only
download links that are https on an allowed host.
"""

import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache

from dvdtracker.env import split_base_urls
from tracker.ops.metrics import count_yts_cache_lookup
from tracker.services.http import (
    BadResponse,
    JSONClient,
    Unavailable,
    UpstreamError,
    shared_client,
)
from tracker.services.pacing import wait_for_turn
from tracker.torrent_links import INFO_HASH_RE, allowed_download_hosts, is_allowed_download_url
from tracker.validators import is_ascii_digits

logger = logging.getLogger("tracker.services")

LIST_MOVIES_PATH = "/list_movies.json"
STRING_CAP = 64


class YTSError(UpstreamError):
    """YTS could not give a usable answer."""


class YTSUnavailable(YTSError, Unavailable):
    """YTS could not be reached, timed out, or answered with an error status."""


class YTSBusy(YTSError):
    """Our own pace (YTS_MAX_REQUESTS_PER_SECOND) is full: YTS was not asked, nothing failed."""


class YTSBadResponse(YTSError, BadResponse):
    """YTS answered with something other than its documented JSON."""


@dataclass(frozen=True)
class Torrent:
    url: str
    hash: str = ""
    quality: str = ""
    type: str = ""
    video_codec: str = ""
    bit_depth: str = ""
    audio_channels: str = ""
    is_repack: bool = False
    seeds: int = 0
    peers: int = 0
    size: str = ""
    size_bytes: int = 0
    date_uploaded: str = ""
    date_uploaded_unix: int = 0

    def as_dict(self):
        return asdict(self)


# --- parsing ---------------------------------------------------------------------------


def _text(torrent, field, cap=STRING_CAP):
    """A string field; YTS has sent some of them as numbers (bit_depth, audio_channels)."""
    value = torrent.get(field)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise YTSBadResponse(f"YTS sent a {type(value).__name__} for the torrent field {field!r}")
    return str(value).strip()[:cap]


def _count(torrent, field):
    value = torrent.get(field)
    if value is None:
        return 0
    if isinstance(value, str) and is_ascii_digits(value.strip()):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise YTSBadResponse(f"YTS sent {value!r} for the torrent field {field!r}")
    return min(value, 2**53)


def _flag(torrent, field):
    value = torrent.get(field)
    if value in (None, "", "0", 0, False):
        return False
    if value in ("1", 1, True):
        return True
    raise YTSBadResponse(f"YTS sent {value!r} for the torrent field {field!r}")


def parse_torrent(raw, allowed_hosts):
    """One torrent as a Torrent, or None when it has no usable download link."""
    if not isinstance(raw, dict):
        raise YTSBadResponse(f"YTS sent a {type(raw).__name__} where a torrent belongs")
    url = raw.get("url")
    if not is_allowed_download_url(url, allowed_hosts):
        logger.warning("Dropped a YTS torrent whose download link is not https on an allowed host: %.100r", url)
        return None
    info_hash = _text(raw, "hash")
    return Torrent(
        url=url,
        hash=info_hash if INFO_HASH_RE.match(info_hash) else "",
        quality=_text(raw, "quality"),
        type=_text(raw, "type"),
        video_codec=_text(raw, "video_codec"),
        bit_depth=_text(raw, "bit_depth"),
        audio_channels=_text(raw, "audio_channels"),
        is_repack=_flag(raw, "is_repack"),
        seeds=_count(raw, "seeds"),
        peers=_count(raw, "peers"),
        size=_text(raw, "size"),
        size_bytes=_count(raw, "size_bytes"),
        date_uploaded=_text(raw, "date_uploaded"),
        date_uploaded_unix=_count(raw, "date_uploaded_unix"),
    )


def parse_list_movies(payload, imdb_id, *, allowed_hosts, max_torrents):
    """The torrents of the film whose imdb_code is `imdb_id`; [] when YTS has no such film.

    Raises YTSBadResponse for anything that is not the API's documented answer.
    """
    if not isinstance(payload, dict) or "status" not in payload or "data" not in payload:
        raise YTSBadResponse("YTS answered without the status and data of its API")
    if payload["status"] != "ok":
        message = payload.get("status_message")
        detail = message[:STRING_CAP] if isinstance(message, str) else "no reason given"
        raise YTSBadResponse(f"YTS answered with an error: {detail}")
    data = payload["data"]
    if not isinstance(data, dict):
        raise YTSBadResponse("YTS answered with data that is not an object")
    movies = data.get("movies")
    if not movies:  # missing, null or [] all mean "no such film", whatever movie_count says
        return []
    if not isinstance(movies, list):
        raise YTSBadResponse("YTS answered with a movies field that is not a list")
    # query_term is a text search: only the film with this exact IMDb id is ours.
    movie = next((m for m in movies if isinstance(m, dict) and m.get("imdb_code") == imdb_id), None)
    if movie is None:
        logger.info(
            "YTS answered for %s with another film; treating it as not listed", imdb_id, extra={"imdb_id": imdb_id}
        )
        return []
    raw_torrents = movie.get("torrents")
    if not raw_torrents:
        return []
    if not isinstance(raw_torrents, list):
        raise YTSBadResponse("YTS answered with a torrents field that is not a list")
    torrents = [t for t in (parse_torrent(raw, allowed_hosts) for raw in raw_torrents) if t is not None]
    return torrents[:max_torrents]


# --- fetching --------------------------------------------------------------------------


class YTSClient(JSONClient):
    """Fetches a film's torrents from the first YTS mirror that gives a usable answer."""

    service_name = "YTS"
    Unavailable = YTSUnavailable
    BadResponse = YTSBadResponse
    setting_names = (
        "YTS_API_BASE_URL",
        "YTS_API_TIMEOUT",
        "YTS_MAX_RETRIES",
        "YTS_MAX_RESPONSE_BYTES",
        "YTS_ALLOWED_DOWNLOAD_HOSTS",
        "YTS_MAX_TORRENTS",
    )

    def __init__(self, base_urls, *, timeout, max_retries, max_response_bytes, allowed_hosts, max_torrents):
        super().__init__(timeout=timeout, max_retries=max_retries, max_response_bytes=max_response_bytes)
        self.base_urls = list(base_urls)
        self.allowed_hosts = allowed_hosts
        self.max_torrents = max_torrents

    @classmethod
    def from_settings(cls):
        return cls(
            split_base_urls(settings.YTS_API_BASE_URL),
            timeout=settings.YTS_API_TIMEOUT,
            max_retries=settings.YTS_MAX_RETRIES,
            max_response_bytes=settings.YTS_MAX_RESPONSE_BYTES,
            allowed_hosts=allowed_download_hosts(),
            max_torrents=settings.YTS_MAX_TORRENTS,
        )

    def movie_torrents(self, imdb_id):
        """All torrents YTS lists for the film, as Torrents; raises YTSError when no mirror answered."""
        params = {"query_term": imdb_id, "limit": 1, "sort_by": "rating", "order_by": "desc"}
        error = None
        for base_url in self.base_urls:
            try:
                payload = self.get_json(base_url + LIST_MOVIES_PATH, params=params)
                return parse_list_movies(
                    payload, imdb_id, allowed_hosts=self.allowed_hosts, max_torrents=self.max_torrents
                )
            except YTSError as exc:
                logger.info("YTS mirror %s failed for %s: %s", base_url, imdb_id, exc, extra={"imdb_id": imdb_id})
                error = exc
        raise error


# As `qualities`: every torrent the film has, whatever its quality.
ALL_QUALITIES = "all"


def cache_key(imdb_id):
    return f"yts:torrents:v1:{imdb_id}"


class YTSService:
    """Service for interacting with the YTS API to get torrent information (the spec's API)."""

    def __init__(self, client=None):
        self.client = client or shared_client(YTSClient)
        self.base_url = self.client.base_urls[0]

    def fetch_torrents(self, imdb_id, *, use_cache=True, max_wait=None, on_turn=None):
        """All torrents for the film as dicts, through the cache; raises YTSError on failure.

        Failures are never cached; an empty answer is cached for YTS_EMPTY_CACHE_TIMEOUT.
        A call waits for its turn under YTS_MAX_REQUESTS_PER_SECOND for at most `max_wait`
        seconds (None: as long as it takes), else raises YTSBusy having asked nothing;
        `on_turn` is called once the turn is taken, just before YTS is asked.
        """
        key = cache_key(imdb_id)
        if use_cache:
            cached = cache.get(key)
            count_yts_cache_lookup(hit=cached is not None)
            if cached is not None:
                return cached
        if not wait_for_turn("yts", settings.YTS_MAX_REQUESTS_PER_SECOND, max_wait):
            raise YTSBusy("Many refreshes are waiting for YTS right now; try again in a few seconds")
        if on_turn is not None:
            on_turn()
        try:
            torrents = [t.as_dict() for t in self.client.movie_torrents(imdb_id)]
        except YTSError as exc:
            logger.warning("YTS fetch failed for %s: %s", imdb_id, exc, extra={"imdb_id": imdb_id})
            raise
        timeout = settings.YTS_CACHE_TIMEOUT if torrents else settings.YTS_EMPTY_CACHE_TIMEOUT
        cache.set(key, torrents, timeout=timeout)
        logger.info("YTS listed %d torrents for %s", len(torrents), imdb_id, extra={"imdb_id": imdb_id})
        return torrents

    def fetch_quality_torrents(self, imdb_id, qualities=None, *, use_cache=True, max_wait=None, on_turn=None):
        """The film's torrents in `qualities` (default YTS_DEFAULT_QUALITIES, or ALL_QUALITIES); raises YTSError."""
        torrents = self.fetch_torrents(imdb_id, use_cache=use_cache, max_wait=max_wait, on_turn=on_turn)
        return self.filter_torrents_by_quality(torrents, qualities)

    # The spec's list-returning methods, kept for the shell: a failure is logged and gives [].

    def get_movie_torrents(self, imdb_id):
        """Get torrent information for a movie by IMDB ID ([] when none or when YTS failed)."""
        if not imdb_id:
            logger.warning("IMDB ID not provided")
            return []
        try:
            return self.fetch_torrents(imdb_id)
        except YTSError:
            return []

    def get_quality_torrents(self, imdb_id, qualities=None):
        """Get filtered torrents for specific qualities (default YTS_DEFAULT_QUALITIES)."""
        return self.filter_torrents_by_quality(self.get_movie_torrents(imdb_id), qualities)

    def filter_torrents_by_quality(self, torrents, qualities=None):
        """Keep the torrents whose quality is one of `qualities` (all of them for ALL_QUALITIES)."""
        if qualities == ALL_QUALITIES:
            return list(torrents)
        if qualities is None:
            qualities = settings.YTS_DEFAULT_QUALITIES
        wanted = set(qualities)
        return [t for t in torrents if t.get("quality") in wanted]
