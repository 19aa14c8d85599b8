"""RSS, Atom and RDF feeds, parsed with feedparser.

feedparser copes with every feed dialect and most broken feeds. Each entry becomes one page: when the
entry carries full content (``content:encoded``, Atom ``content``) that HTML is extracted like any page;
otherwise the entry is a headline-only item (kind ``feed``) whose title and summary become a teaser, and
the fetcher may later fetch its link to get the article itself.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser

from newsdesk.ingest.files import read_bytes
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

FULL_CONTENT_MIN_CHARS = 400  # shorter "content" is a summary in disguise


def read_file(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    try:
        data = read_bytes(path, settings.max_page_bytes)
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        yield Failure(str(path), "read", f"cannot read feed: {exc}")
        return
    yield from parse(data, str(path))


def parse(data: bytes, uri: str, fetched: str | None = None) -> Iterator[Page | Failure]:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        yield from _parse_json_feed(data, uri, fetched)
        return
    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        yield Failure(uri, "read", f"feed has no entries{problem}")
        return
    source = site_name(parsed.feed.get("title") or "")
    for number, entry in enumerate(parsed.entries, start=1):
        yield entry_page(entry, f"{uri}#entry{number}", source, fetched, parsed.feed.get("language"),
                         parsed.feed.get("link"))
    if problem := cut_short(parsed, data):
        yield Failure(uri, "read", problem)


def _parse_json_feed(data: bytes, uri: str, fetched: str | None) -> Iterator[Page | Failure]:
    """A JSON Feed saved to a file (it had been read as one JSON Lines record, its title a teaser)."""
    from newsdesk.ingest.sources import json_feed

    try:
        title, entries = json_feed(data, "")
    except ValueError as exc:
        yield Failure(uri, "read", f"malformed JSON Feed: {exc}"[:300])
        return
    if not entries:
        yield Failure(uri, "read", "feed has no entries")
        return
    for number, entry in enumerate(entries, start=1):
        yield entry_page(entry, f"{uri}#entry{number}", site_name(title or ""), fetched)


_FEED_ENDS = (b"</rss>", b"</feed>", b"</rdf:RDF>", b"</RDF>")


def cut_short(parsed: feedparser.FeedParserDict, data: bytes) -> str | None:
    """Why a feed that broke off (a truncated download or file) lost entries, else None.

    feedparser keeps the entries before the break and flags the feed; the flag is also raised for
    what it recovers from whole (a stray character, a wrong charset), so only a feed whose document
    does not close is reported: the entries after the break are gone, and nothing else would say so."""
    if not parsed.get("bozo") or data.rstrip().endswith(_FEED_ENDS):
        return None
    return (f"feed cut short ({parsed.bozo_exception}): {len(parsed.entries)} entr"
            f"{'y' if len(parsed.entries) == 1 else 'ies'} read, any after the break lost")[:300]


_SECTION = re.compile(r"\s*:\s+|\s+[-–—|>»]\s+")


def site_name(feed_title: str) -> str | None:
    """The site a feed's title names, without the section: "Daily Globe - World" and "Daily Globe | Top
    stories" are two feeds of one site, "Daily Globe". As two sources they had counted a story's headline
    twice and kept the same headline from both feeds as two teasers."""
    name = _SECTION.split(" ".join(feed_title.split()), maxsplit=1)[0].strip()
    return name or feed_title.strip() or None


def _iso(struct: time.struct_time | None) -> str | None:
    # written out by hand: strftime leaves a year before 1000 unpadded ("1-01-01"), which is no ISO date
    return "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*struct[:6]) if struct else None


def entry_page(entry, where: str, source: str | None, fetched: str | None = None,
               language: str | None = None, base: str | None = None) -> Page | Failure:
    """One feed entry as a page; ``language`` is the feed's (an entry's own ``xml:lang`` wins), and a relative
    link ("/news/bridge") is read against ``base``, the site the feed names (a fetched feed's own address
    already serves feedparser so)."""
    title = (entry.get("title") or "").strip()
    summary = (entry.get("summary") or "").strip()
    link = entry.get("link") or None
    if link and base and not urlsplit(link).scheme and urlsplit(base).scheme in ("http", "https"):
        link = urljoin(base, link)
    published = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
    if not (title or summary):
        return Failure(where, "read", "feed entry has neither title nor summary")
    hints = {k: v for k, v in {"title": title, "summary": summary, "published": published}.items() if v}
    author = entry.get("author")
    if author:
        hints["author"] = author
    # the bytes stored for a headline-only entry (and so its hash) stay those of earlier versions: the language
    # rides along as a hint only, so that re-reading a feed finds its entries known
    language = (entry.get("title_detail") or {}).get("language") or language
    content = max((c.get("value", "") for c in entry.get("content", [])), key=len, default="")
    if len(content) >= FULL_CONTENT_MIN_CHARS:
        return Page(uri=where, raw=content.encode("utf-8"), kind="html", url=link, source=source,
                    fetched=fetched, hints=hints)
    raw = json.dumps({"link": link, **hints}, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if language:
        hints["language"] = language
    return Page(uri=where, raw=raw, kind="feed", url=link, source=source, fetched=fetched, hints=hints)
