"""RSS, Atom and RDF feeds, parsed with feedparser.

feedparser copes with every feed dialect and most broken feeds. Each entry becomes one page: when the
entry carries full content (``content:encoded``, Atom ``content``) that HTML is extracted like any page;
otherwise the entry is a headline-only item (kind ``feed``) whose title and summary become a teaser, and
the fetcher may later fetch its link to get the article itself.
"""

from __future__ import annotations

import calendar
import html
import json
import re
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.datetimes.rfc822 import timezone_names as feedparser_zones

from newsdesk.ingest.files import read_bytes
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings
from newsdesk.timezones import ZONES, zone_name

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
    source = site_name(parsed.feed.get("title") or "", parsed.feed.get("link"))
    for number, entry in enumerate(parsed.entries, start=1):
        yield entry_page(entry, f"{uri}#entry{number}", source, fetched, parsed.feed.get("language"),
                         parsed.feed.get("link"))
    if problem := cut_short(parsed, data):
        yield Failure(uri, "read", problem)


def _parse_json_feed(data: bytes, uri: str, fetched: str | None) -> Iterator[Page | Failure]:
    """A JSON Feed saved to a file (it had been read as one JSON Lines record, its title a teaser)."""
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


def json_feed(data: bytes, base: str) -> tuple[str | None, list[dict]]:
    """Title and entries of a JSON Feed, with what the feed says for all its items: its authors are the byline
    of an item that names none, and a relative item ``url`` of a feed read from a file (no address of its own)
    is read against the feed's ``home_page_url`` or ``feed_url``: left relative, the entry had no link to fetch
    or to tell it by."""
    from newsdesk.ingest import sources

    title, entries = sources.json_feed(data, base)
    document = json.loads(data.decode("utf-8-sig", errors="replace"))  # read() has refused any other JSON
    home = next((u for u in (document.get("home_page_url"), document.get("feed_url"))
                 if isinstance(u, str) and urlsplit(u).scheme in ("http", "https")), None)
    authors = document.get("authors") if isinstance(document.get("authors"), list) else [document.get("author")]
    byline = next((a["name"].strip() for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)
                   and a["name"].strip()), None)
    for entry in entries:
        if home and entry["link"] and not urlsplit(entry["link"]).scheme:
            entry["link"] = urljoin(home, entry["link"])
        entry["author"] = entry["author"] or byline
    return title, entries


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
# Words a feed's section names are made of ("World news", "Top stories", "All content"); a segment of other words
# names the publisher
_SECTION_WORDS = frozenset("""
    all the and of in from on for a latest top news headlines stories story breaking world national international
    local home front page main uk us usa europe asia africa americas australia business money markets economy
    finance politics sport sports football technology tech science health environment climate opinion comment
    analysis culture arts entertainment lifestyle travel food education media feed rss articles posts content blog
    videos video podcasts podcast""".split())


def site_name(feed_title: str, home: str | None = None) -> str | None:
    """The site a feed's title names, without the section: "Daily Globe - World" and "Daily Globe | Top
    stories" are two feeds of one site, "Daily Globe". As two sources they had counted a story's headline
    twice and kept the same headline from both feeds as two teasers. The publisher comes first or last
    ("World news | The Guardian", "Top stories - Google News"): the segment naming the site's address
    (``home``, the feed's link) is it, else the first that is no section name, else the last. The title is
    text once its entities are read ("The Harbour &amp; Coast Chronicle")."""
    from newsdesk.extract import outlet_host
    from newsdesk.extract.meta import looks_like_site_segment

    title = " ".join(html.unescape(feed_title).split())
    segments = [segment for segment in (part.strip() for part in _SECTION.split(title)) if segment]
    if not segments:
        return None
    host = urlsplit(home).hostname if home else None
    if host and len(segments) > 1:
        named = [s for s in segments if looks_like_site_segment(s, [outlet_host(host)])]
        if len(named) == 1:
            return named[0]
    return next((s for s in segments if not set(re.findall(r"\w+", s.casefold())) <= _SECTION_WORDS), segments[-1])


def _iso(struct: time.struct_time | None) -> str | None:
    # written out by hand: strftime leaves a year before 1000 unpadded ("1-01-01"), which is no ISO date
    return "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*struct[:6]) if struct else None


_CLOCK = re.compile(r"\d:\d\d")


def entry_time(entry) -> str | None:
    """When the entry was published (else updated), in UTC as feedparser reads it, with two corrections. A zone
    abbreviation feedparser does not know it reads as UTC ("09:00 CEST" had been 09:00Z, two hours late): such
    a zone is read by ``timezones.ZONES``. A date with no time of day ("Thu, 06 Oct 2016") is that bare day, as
    a page's is stored, not an invented midnight UTC."""
    for key in ("published", "updated"):
        struct = entry.get(f"{key}_parsed")
        if not struct:
            continue
        written = str(dict.get(entry, key) or "")
        if written and not _CLOCK.search(written):
            return "{:04d}-{:02d}-{:02d}".format(*struct[:3])
        zone = zone_name(written)
        if zone and zone.lower() not in feedparser_zones:
            struct = time.gmtime(calendar.timegm(struct) - ZONES[zone])
        return _iso(struct)
    return None


def entry_page(entry, where: str, source: str | None, fetched: str | None = None,
               language: str | None = None, base: str | None = None) -> Page | Failure:
    """One feed entry as a page; ``language`` is the feed's (an entry's own ``xml:lang`` wins), and a relative
    link ("/news/bridge") is read against ``base``, the site the feed names (a fetched feed's own address
    already serves feedparser so). An aggregator's entry (Google News) names its publisher in ``<source>``:
    that is its site, and its title's " - Publisher" tail goes."""
    title = (entry.get("title") or "").strip()
    summary = (entry.get("summary") or "").strip()
    publisher = " ".join(html.unescape((entry.get("source") or {}).get("title") or "").split())
    if publisher:
        source = publisher
        title = title.removesuffix(f" - {publisher}").strip() or title
    if _links_only(summary):
        summary = ""
    content = max((c.get("value", "") for c in entry.get("content", [])), key=len, default="")
    if len(content) < FULL_CONTENT_MIN_CHARS:
        # short content is the entry's text when it gives no summary (a JSON Feed item's content_text)
        summary = summary or content.strip()
    link = entry.get("link") or None
    if link and base and not urlsplit(link).scheme and urlsplit(base).scheme in ("http", "https"):
        link = urljoin(base, link)
    enclosure = next((e.get("href") for e in entry.get("enclosures", []) if e.get("href")), None)
    published = entry_time(entry)
    if not (title or summary):
        if enclosure:  # a podcast's episode with no words: nothing to read, not a broken entry
            return Failure(where, "read", "feed entry has only an enclosure, no text", skipped=True)
        return Failure(where, "read", "feed entry has neither title nor summary")
    hints = {k: v for k, v in {"title": title, "summary": summary, "published": published}.items() if v}
    author = entry.get("author")
    if author:
        hints["author"] = author
    if not link and enclosure:
        # an episode's one address; the hint keeps the fetcher from downloading the audio as a page
        link = hints["enclosure"] = enclosure
    # the bytes stored for a headline-only entry (and so its hash) stay those of earlier versions: the language
    # rides along as a hint only, so that re-reading a feed finds its entries known
    language = (entry.get("title_detail") or {}).get("language") or language
    if len(content) >= FULL_CONTENT_MIN_CHARS:
        if source:  # the site its feed's headline-only entries (teasers) get, not the address's host
            hints["site"] = source
        return Page(uri=where, raw=content.encode("utf-8"), kind="html", url=link, source=source,
                    fetched=fetched, hints=hints)
    raw = json.dumps({"link": link, **hints}, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if language:
        hints["language"] = language
    return Page(uri=where, raw=raw, kind="feed", url=link, source=source, fetched=fetched, hints=hints)


def _links_only(summary: str) -> bool:
    """Whether a summary is links and nothing to read: Google News describes an item by a list of its related
    reports ("<ol><li><a>Headline</a> <font>Publisher</font></li>..."), which is no standfirst."""
    if "<a" not in summary.lower():
        return False
    import lxml.html

    from newsdesk.extract import shown_text

    try:
        tree = lxml.html.fromstring(f"<div>{summary}</div>")
    except (ValueError, lxml.etree.ParserError):
        return False
    for element in list(tree.iter("a", "font")):
        element.drop_tree()  # its tail, the text after it, stays
    return len(shown_text(tree).split()) < 3
