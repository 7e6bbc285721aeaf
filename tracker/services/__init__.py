"""Outbound HTTP integrations. `from tracker.services import YTSService` as in the spec."""

from tracker.services.http import BadResponse, Unavailable, UpstreamError
from tracker.services.yts import (
    Torrent,
    YTSBadResponse,
    YTSClient,
    YTSError,
    YTSService,
    YTSUnavailable,
    parse_list_movies,
)

__all__ = [
    "BadResponse",
    "Torrent",
    "Unavailable",
    "UpstreamError",
    "YTSBadResponse",
    "YTSClient",
    "YTSError",
    "YTSService",
    "YTSUnavailable",
    "parse_list_movies",
]
