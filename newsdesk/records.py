"""The record types every stage takes and hands on.

This is the only place their fields are defined. Stages are plain functions over iterables of these
records, so a step can run in-process today and on a distributed engine later without change. Every
record converts to and from a plain dict (``to_dict`` / ``from_dict``) so it can cross a process
boundary or be written as JSON.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from collections.abc import Callable
from functools import cache
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from types import UnionType
from typing import Any, get_args, get_origin, get_type_hints

# How far a long store-level step has got: (step name, items done, items in all).
Progress = Callable[[str, int, int], None]


def utc_time(value: str | None) -> str | None:
    """A stored time as the store keeps it: a time with a UTC offset is written in UTC ("...T02:00:00+08:00" ->
    "...T18:00:00Z" the day before), so that the text order of stored times is their order in time (dates are
    compared and sorted as text: a Hong Kong and a New York report had sorted hours apart, and a story "ended"
    before it began). A bare day, a naive time or anything unreadable stays as it is."""
    if not value or len(value) <= 10 or value.endswith("Z"):
        return value
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_day(value: str | None) -> str | None:
    """The calendar day a time names as written, in its own zone ("2016-10-06T01:30:00+03:00" -> "2016-10-06"),
    before ``utc_time`` moves it; None for a time without a day."""
    return value[:10] if value and len(value) >= 10 and value[4] == "-" and value[7] == "-" else None


def content_hash(data: bytes) -> str:
    """Stable identity of raw input: the same bytes are the same page, whichever path they came by."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Page:
    """Raw input exactly as it arrived, plus where and when it came from.

    ``kind`` says how to read ``raw``: ``html``, ``text`` (already-scraped plain text, one block per
    line) or ``feed`` (a feed entry without a fetchable page; its hints carry title and summary).
    """

    uri: str  # where we read it: a file path, "path#record" inside an archive, or a URL
    raw: bytes
    kind: str
    url: str | None = None  # the page's own web address, when known
    fetched: str | None = None  # ISO time the bytes were captured
    source: str | None = None  # site or feed name, when the container says so
    hints: dict[str, Any] = field(default_factory=dict)  # title/published/summary given by a feed or JSONL
    hash: str = ""

    def __post_init__(self) -> None:
        if not self.hash:
            # The address is part of identity: the same wire copy at another URL is another source, while
            # the same file read again (from any path) is already known.
            self.hash = content_hash((self.url or "").encode() + b"\n" + self.raw)


@dataclass
class Block:
    """One unit of article text in reading order: a paragraph (``p``) or a subhead (``h``)."""

    kind: str
    text: str


@dataclass
class Teaser:
    """A (headline, standfirst) item found on a page next to, but not part of, its article."""

    headline: str
    standfirst: str = ""
    url: str | None = None
    page_hash: str = ""
    published: str | None = None
    id: str = ""
    language: str | None = None  # ISO 639-1: its feed's, its page's article's, or a sure guess; None when unknown

    def __post_init__(self) -> None:
        if not self.id:
            key = f"{self.page_hash}\n{self.headline}\n{self.standfirst}".encode()
            self.id = "t" + content_hash(key)[:15]


@dataclass
class Caption:
    text: str
    credit: str | None = None


@dataclass
class Article:
    """The story a page carries, separated from page furniture."""

    page_hash: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    title_source: str = "publisher"  # publisher | generated | none
    standfirst: str | None = None
    byline: str | None = None
    agency: str | None = None
    published: str | None = None  # ISO date or datetime
    dateline: str | None = None
    language: str | None = None
    site: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    captions: list[Caption] = field(default_factory=list)
    teasers: list[Teaser] = field(default_factory=list)
    id: str = ""
    # the calendar day of ``published`` where it was published, when the store holds ``published`` in UTC: a
    # Baghdad report of 01:30 on 6 October is stored as the 5th, and its "Thursday" is still the 6th
    published_day: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = "a" + self.page_hash[:15]
        self.blocks = [b if isinstance(b, Block) else Block(**b) for b in self.blocks]
        self.captions = [c if isinstance(c, Caption) else Caption(**c) for c in self.captions]
        self.teasers = [t if isinstance(t, Teaser) else Teaser(**t) for t in self.teasers]

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def subheads(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "h"]

    @property
    def text(self) -> str:
        """Body text with blocks separated by blank lines; facts store offsets into this string."""
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def body_hash(self) -> str:
        return content_hash(" ".join(self.text.split()).lower().encode())

    @property
    def untitled(self) -> bool:
        return not self.title


@dataclass
class Source:
    """One place that ran an article: a site, its URL, and when it was seen there."""

    article_id: str
    page_hash: str
    site: str | None = None
    url: str | None = None
    seen: str | None = None


@dataclass
class StoryMember:
    """An article or teaser as one of a story's items."""

    item_id: str  # an article id ("a…") or teaser id ("t…")
    headline: str
    published: str | None = None
    site: str | None = None
    score: float = 0.0  # centrality within the story
    kind: str = "article"  # article | teaser


@dataclass
class Story:
    """Items grouped as reports of one story, with the headline and standfirst written for it."""

    id: str
    members: list[StoryMember] = field(default_factory=list)
    headline: str | None = None
    standfirst: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None


@dataclass
class Entity:
    """A person, organisation or other named thing, normalised across its mentions."""

    label: str  # PERSON, ORG, GPE, LOC, NORP, ...
    name: str  # canonical form ("Bashar al-Assad")
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, text) in Article.text


@dataclass
class Place:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    mentions: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class DateMention:
    text: str
    value: str | None  # ISO date, or "YYYY", "YYYY-MM", or a range "A/B"
    start: int = 0
    end: int = 0
    relation: str = "on"  # on | since | before | after | until


@dataclass
class Figure:
    """A casualty or impact figure with who, where, when and according to whom."""

    category: str  # killed, injured, missing, displaced, arrested, ...
    text: str  # the number as stated ("nearly 20")
    low: float | None = None
    high: float | None = None
    victims: str | None = None
    subgroups: list[str] = field(default_factory=list)
    event: str | None = None
    place: str | None = None
    time: str | None = None
    attributed_to: str | None = None
    sentence: str = ""
    start: int = 0
    end: int = 0
    replaced: bool = False  # the report says this toll was since replaced ("initially put at 12")
    added: bool = False  # people added to an earlier toll ("two more patients died"), not the whole toll


@dataclass
class Facts:
    article_id: str
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Failure:
    """An item a stage could not handle or chose to pass over: said once, counted by reason, never silently dropped."""

    uri: str
    stage: str
    reason: str
    skipped: bool = False  # deliberately passed over (an image record in a WARC), not an error

    def __str__(self) -> str:
        return f"{shown(self.uri)}: {'skipped' if self.skipped else self.stage + ' failed'}: {self.reason}"


def to_dict(record: Any) -> dict[str, Any]:
    """The record as JSON-ready data: nested records as dicts, bytes (a page's ``raw``) as base64 text. An
    article also gives its ``paragraphs`` and ``subheads``, for readers of the JSON; ``from_dict`` passes them
    over."""
    data = asdict(record, dict_factory=lambda pairs: {k: _json_ready(v) for k, v in pairs})
    if isinstance(record, Article):
        data["paragraphs"] = record.paragraphs
        data["subheads"] = record.subheads
    return data


def _json_ready(value: Any) -> Any:
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    """The record ``to_dict`` gave, also after a trip through JSON: nested records, tuples and bytes are
    rebuilt from the field types (they had come back as dicts, lists and missing). Keys that are no field
    are passed over, so a record stored by another version still reads."""
    types = _field_types(cls)
    return cls(**{k: _rebuilt(types[k], v) for k, v in data.items() if k in types})


@cache
def _field_types(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls)  # the annotations are strings here (postponed evaluation)
    return {f.name: hints[f.name] for f in fields(cls)}


def _rebuilt(kind: Any, value: Any) -> Any:
    """``value`` as JSON gave it, turned back into the ``kind`` of the field it belongs to."""
    origin, arguments = get_origin(kind), get_args(kind)
    if value is None:
        return None
    if origin is UnionType:
        present = [arm for arm in arguments if arm is not type(None)]
        return _rebuilt(present[0], value) if len(present) == 1 else value
    if is_dataclass(kind) and isinstance(value, dict):
        return from_dict(kind, value)
    if kind is bytes and isinstance(value, str):
        return base64.b64decode(value)
    if origin is list and arguments:
        return [_rebuilt(arguments[0], item) for item in value]
    if origin is tuple and arguments:
        return tuple(_rebuilt(item_kind, item) for item_kind, item in zip(arguments, value, strict=True))
    return value


def shown(path: object) -> str:
    """The path as failure lines and the store show it: as it is, unless it holds a control character (a
    newline split one failure line in two; an escape sequence recoloured the terminal) or a byte that is no
    UTF-8 (a surrogate no terminal can print). Those are escaped as Python writes them, and then so are
    backslashes, so the escaped name still reads one way only."""
    text = str(path)
    if not any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cs")
                   or c == "\\" else c for c in text)
