"""Shop titles ("Alien [Blu-ray] [1979] [Region Free] (Director's Cut)") as title, year, format, edition and region.

Barcode databases name products the way shops list them: the film's title buried in formats,
years, regions, editions, import notes and cast credits, often in capitals. `clean_shop_title`
is pure; it keeps a title that TMDB's search can match and the facts the add form wants.

What is inside brackets is read piece by piece (comma, plus or slash separated), and nothing of
it stays in the title, except an opening bracket no fact was read from, as in "(500) Days of
Summer". Outside brackets only known words are taken off the title's end, after a dash, a colon
or nothing, so "Stand by Me" and "Blade Runner 2049" keep their words; a credit ("By Walter
Matthau", "Starring …") is dropped only after a bracket or a dash.
"""

import html
import re
from dataclasses import dataclass, field

from tracker.validators import FIRST_FILM_YEAR, latest_release_year

# DVD.DiskType's values, named here so that this module stays free of the ORM.
UHD, BLURAY, DVD = "4k_uhd", "bluray", "dvd"

# Highest first: a "4K Ultra HD + Blu-ray" pack is filed as a 4K disc.
FORMAT_PATTERNS = (
    (None, re.compile(r"\bhd[\s-]?dvd\b", re.I)),  # a format the collection has no value for
    (UHD, re.compile(r"\b4k(?:\s*ultra\s*hd)?\b|\bultra\s*hd\b|\buhd\b", re.I)),
    (BLURAY, re.compile(r"\bblu[\s-]?ray(?:\s+disc)?\b|\bbluray\b|\bbd\b", re.I)),
    (DVD, re.compile(r"\bdvd(?:[\s-]video)?\b", re.I)),
)
FORMAT_RANK = [UHD, BLURAY, DVD]

REGION_RE = re.compile(
    r"\b(?:region|reg\.?)\s*(?P<code>free|all|0|[1-8](?:\s*/\s*[1-8])*|[abc](?:\s*/\s*[abc1-8])*)\b"
    r"|\b(?P<all>all[\s-]regions?|multi[\s-]?region|region[\s-]?free)\b",
    re.I,
)
YEAR_RE = re.compile(r"(?<![\d-])(1[89]\d\d|20\d\d)(?![\d-])")

# Editions by name; inside brackets any "… Edition / Cut / Version" counts too (EDITION_WORDS_RE).
KNOWN_EDITION = (
    r"(?:\d+(?:st|nd|rd|th)\s+)?anniversary(?:\s+(?:edition|collection))?"
    r"|(?:(?:two|three|four|five|2|3|4|5)[\s-]disc\s+)?(?:special|collector'?s|limited|deluxe|definitive"
    r"|ultimate|platinum|diamond|anniversary|extended|theatrical|remastered|criterion)\s+(?:edition|cut|version)"
    r"|director'?s\s+cut|extended\s+cut|final\s+cut|theatrical\s+cut|criterion\s+collection"
    r"|steel\s?book|unrated|uncut|remastered|widescreen|full\s?screen|redux"
)
# "3D" names an edition inside brackets only: "Step Up 3D" is a film's title.
KNOWN_EDITION_RE = re.compile(rf"^(?:{KNOWN_EDITION}|3d)$", re.I)
EDITION_WORDS_RE = re.compile(r"^(?:[\w'&.-]+\s+){0,4}(?:edition|cut|version)$", re.I)
JUNK_RE = re.compile(
    r"^(?:(?:uk|us|usa|eu|import|imported|japanese|german|french|italian|spanish|region|english)(?:\s+(?:import|version|"
    r"subtitles|audio|release))*|import|new|brand\s+new|(?:factory\s+)?sealed|(?:includes\s+)?digital(?:\s+(?:copy|hd|code))?"
    r"|ultraviolet|uv|bilingual|subtitled|english\s+subtitles|multi[\s-]?language|pal|ntsc|dolby(?:\s+\w+)?|dts|hdr|"
    r"atmos|slip\s?cover|with\s+slip\s?cover|combo(?:\s+pack)?|(?:\d+|two|three|four|five|six)[\s-]?discs?(?:\s+set)?"
    r"|(?:\d+|two|three|four|five|six)[\s-]?(?:film|movie)\s+(?:set|collection)|box\s+set|set|disc|discs|movie|film"
    r"|region\s+\w+|ws|fs|nr|pg|pg-13|r|mint|used|sale|exclusive|dvd\s+combo|blu-ray\s+combo)$",
    re.I,
)
CREDIT_RE = re.compile(r"^(?:by|starring|featuring|feat\.|with|directed\s+by|dir\.)\s+\S", re.I)
BRACKETED_RE = re.compile(r"[\[({]([^\[\](){}]*)[\])}]")
DASH_RE = re.compile(r"\s+[-–—|]\s+")
CHUNK_SPLIT_RE = re.compile(r"\s*(?:[,;+/|]|\s-\s)\s*")
TRAILING_SEPARATORS = " -–—:,;/+|&."
# Outside brackets: a known word at the very end, after a separator or a space.
TRAILING_FACT_RE = re.compile(
    rf"(?:^|[\s\-–—:,;/+|]+)(?P<fact>{KNOWN_EDITION}|(?:\+\s*)?digital(?:\s+(?:copy|hd))?|import"
    r"|4k(?:\s*ultra\s*hd)?|ultra\s*hd|uhd|blu[\s-]?ray(?:\s+disc)?|bluray|dvd"
    r"|(?:region|reg\.?)\s*(?:free|all|0|[1-8]|[abc])|region[\s-]?free|all\s+regions?)\s*$",
    re.I,
)
SMALL_WORDS = frozenset({
    "a", "an", "and", "as", "at", "but", "by", "for", "in", "nor", "of", "on", "or", "the", "to", "vs", "vs.", "via",
    "with",
})  # fmt: skip
ABBREVIATION_RE = re.compile(r"^(?:[a-z]\.){2,}$")  # E.T., L.A.
ROMAN_NUMERAL_RE = re.compile(r"^(?:ii|iii|iv|vi|vii|viii|ix|xi|xii|xiii)$", re.I)
MARKER = "\x00"


@dataclass(frozen=True)
class ShopTitle:
    title: str
    year: int | None = None
    disk_type: str = ""  # a DiskType value, or '' when the shop title names no format the collection knows
    edition: str = ""
    region: str = ""


@dataclass
class _Facts:
    years: list = field(default_factory=list)
    formats: list = field(default_factory=list)
    editions: list = field(default_factory=list)
    regions: list = field(default_factory=list)

    def count(self):
        return len(self.years) + len(self.formats) + len(self.editions) + len(self.regions)

    def take(self, text):
        """Read the formats, regions and years out of `text`; the rest, with each fact cut out, is returned."""
        for disk_type, pattern in FORMAT_PATTERNS:
            if disk_type and pattern.search(text):
                self.formats.append(disk_type)
            text = pattern.sub(",", text)
        for match in REGION_RE.finditer(text):
            self.regions.append(_region_name(match))
        text = REGION_RE.sub(",", text)
        for year in YEAR_RE.findall(text):
            if FIRST_FILM_YEAR <= int(year) <= latest_release_year():
                self.years.append(int(year))
        return YEAR_RE.sub(",", text)

    def take_chunk(self, chunk, *, bracketed):
        """Classify what is left between separators: True when it was a fact or noise, False when unknown."""
        chunk = chunk.strip(TRAILING_SEPARATORS + " ")
        if not chunk or not re.search(r"\w", chunk):
            return True
        if KNOWN_EDITION_RE.match(chunk) or (bracketed and EDITION_WORDS_RE.match(chunk)):
            self.editions.append(_tidy_case(chunk))
            return True
        return bool(JUNK_RE.match(chunk))

    def add(self, other):
        for name in ("years", "formats", "editions", "regions"):
            getattr(self, name).extend(getattr(other, name))


def _facts_only(text, *, bracketed):
    """The facts in `text` when it holds nothing else (a segment that is no part of a title), or None."""
    facts = _Facts()
    rest = facts.take(text)
    return facts if all(facts.take_chunk(chunk, bracketed=bracketed) for chunk in CHUNK_SPLIT_RE.split(rest)) else None


def clean_shop_title(raw):
    """A shop's product title as a ShopTitle (title '' when nothing title-like is left)."""
    text = _normalise(raw)
    facts = _Facts()
    text, opening = _cut_brackets(text, facts)
    head, _, tail = text.partition(MARKER)
    _read_tail(tail, facts)
    title = _strip_trailing_facts(_strip_dash_segments(head, facts), facts)
    if not title:
        title = _first_unknown_segment(tail, facts)
    title = (opening + " " + title).strip() if opening else title
    return ShopTitle(
        title=_tidy_case(title),
        year=min(facts.years) if facts.years else None,
        disk_type=min(facts.formats, key=FORMAT_RANK.index) if facts.formats else "",
        edition=", ".join(dict.fromkeys(facts.editions)),
        region=", ".join(dict.fromkeys(facts.regions)),
    )


def _normalise(raw):
    text = html.unescape(str(raw or ""))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("\u00a0", " ")
    return " ".join(text.split())


def _cut_brackets(text, facts):
    """Read every bracketed part into `facts` and replace it by MARKER; an unread opening one is kept aside."""
    opening = ""
    while match := BRACKETED_RE.search(text):
        inside = match.group(1)
        known = _read_bracketed(inside, facts)
        if match.start() == 0 and not known and not opening:
            opening = match.group(0)
            text = text[match.end() :]
            continue
        text = text[: match.start()] + f" {MARKER} " + text[match.end() :]
    return " ".join(text.split()), opening


def _read_bracketed(inside, facts):
    """Read one bracket's content; True when a fact was read from it or all of it is known noise."""
    before = facts.count()
    chunks = [chunk for chunk in CHUNK_SPLIT_RE.split(facts.take(inside)) if re.search(r"\w", chunk)]
    understood = [facts.take_chunk(chunk, bracketed=True) for chunk in chunks]
    return facts.count() != before or bool(chunks and all(understood))


def _read_tail(tail, facts):
    """What follows the first bracket: facts are read, credits and anything else dropped."""
    for segment in re.split(rf"{MARKER}|\s+[-–—|]\s+", tail):
        segment = segment.strip(TRAILING_SEPARATORS + " ")
        if not segment or CREDIT_RE.match(segment):
            continue
        rest = facts.take(segment)
        for chunk in CHUNK_SPLIT_RE.split(rest):
            facts.take_chunk(chunk, bracketed=True)


def _first_unknown_segment(tail, facts):
    """The title of a listing that starts with its brackets ("[DVD] Heat"): the first segment that is no fact."""
    for segment in re.split(rf"{MARKER}|\s+[-–—|]\s+", tail):
        segment = segment.strip(TRAILING_SEPARATORS + " ")
        if segment and not CREDIT_RE.match(segment) and _facts_only(segment, bracketed=True) is None:
            return _strip_trailing_facts(segment, facts)
    return ""


def _strip_dash_segments(head, facts):
    """Drop the dash-separated segments at the end that are only facts ("Heat - Special Edition - DVD")."""
    segments = DASH_RE.split(head)
    while len(segments) > 1:
        last = segments[-1]
        if CREDIT_RE.match(last):
            segments.pop()
            continue
        found = _facts_only(last, bracketed=False)
        if found is None:
            break
        facts.add(found)
        segments.pop()
    return " - ".join(segments).strip(TRAILING_SEPARATORS + " ")


def _strip_trailing_facts(title, facts):
    """Take known words off the end of the title ("Alien Blu-ray", "Heat: Director's Cut")."""
    while (match := TRAILING_FACT_RE.search(title)) and match.start() > 0:
        fact = match.group("fact")
        if KNOWN_EDITION_RE.match(fact):
            facts.editions.append(_tidy_case(fact))
        else:
            facts.take(fact)
        title = title[: match.start()].rstrip(TRAILING_SEPARATORS + " ")
    return title.strip(TRAILING_SEPARATORS + " ")


def _region_name(match):
    code = (match.group("code") or "").upper().replace(" ", "")
    if match.group("all") or code in ("FREE", "ALL", "0"):
        return "Region Free"
    return f"Region {code}"


def _tidy_case(text):
    """Shouted or lower-case text in title case; anything with mixed case is left as the shop wrote it."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or not (all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)):
        return text
    words = text.lower().split(" ")
    return " ".join(_title_word(word, i == 0 or words[i - 1].endswith(":")) for i, word in enumerate(words))


def _title_word(word, first):
    if ROMAN_NUMERAL_RE.match(word) or ABBREVIATION_RE.match(word):
        return word.upper()
    if word in ("3d", "4k", "tv", "uk", "usa"):
        return word.upper()
    if word in SMALL_WORDS and not first:
        return word
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
