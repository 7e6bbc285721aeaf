"""Video qualities as YTS names them ("720p", "2160p", "3D"), ranked by their lines.

A quality is compared by its number of lines; one without (YTS's "3D") is listed but never
counts as better than anything.
"""

import re

QUALITY_RE = re.compile(r"\A(\d{3,4})p\Z")

# The quality a copy gives, from its format (tracker.models.DiskType values).
FORMAT_LINES = {"dvd": 480, "bluray": 1080, "4k_uhd": 2160}
OWNED_CHOICES = [(480, "480p (DVD)"), (720, "720p"), (1080, "1080p (Blu-ray, HD)"), (2160, "2160p (4K UHD)")]


def lines(quality):
    """The lines of a quality name ("1080p" -> 1080); 0 for a name without them, or anything else."""
    if not isinstance(quality, str):
        return 0
    match = QUALITY_RE.match(quality.strip())
    return int(match.group(1)) if match else 0


def name(lines_):
    return f"{lines_}p" if lines_ else ""


def best_lines(qualities):
    """The lines of the best ranked quality among `qualities` (0 when none is ranked)."""
    return max((lines(q) for q in qualities), default=0)


def listed_qualities(torrents):
    """The distinct qualities of these torrents, best first (unranked ones last, by name)."""
    found = {t.get("quality") for t in torrents if isinstance(t, dict) and isinstance(t.get("quality"), str)}
    found.discard("")
    return sorted(found, key=lambda q: (-lines(q), q))


def torrents_of(torrents, wanted_lines):
    """The torrents of that quality, most seeded first ([] for 0)."""
    if not wanted_lines:
        return []
    chosen = [t for t in torrents if isinstance(t, dict) and lines(t.get("quality")) == wanted_lines]
    return sorted(chosen, key=lambda t: -(t.get("seeds") or 0))


def owned_lines(disk_type, override):
    """The lines a copy gives: its override, else its format's."""
    return override or FORMAT_LINES.get(disk_type, 0)
