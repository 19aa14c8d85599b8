"""Polling one source: what its document holds (a feed, a JSON Feed, a sitemap or a page), and the article
pages its entries point to, fetched through a ``Fetcher`` within a per-poll budget (the ``max_pages_per_poll``
setting). The scheduler (``schedule.py``) stores what a ``Poll`` found; ``fetch_target`` serves
``newsdesk ingest URL``.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import feedparser

from newsdesk.ingest import feeds, sources
from newsdesk.ingest.fetch import Fetcher, FetchError, Response, Stopped
from newsdesk.ingest.files import looks_binary, sniff
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

MAX_CHILD_SITEMAPS = 5
HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
FEED_TYPE_ENDINGS = ("rss+xml", "atom+xml", "rdf+xml", "feed+json")
XML_TYPES = {"application/xml", "text/xml"}  # what feeds and sitemaps are most often served as; never a page
GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", "application/unknown", "unknown/unknown"}


@dataclass
class Poll:
    """What one poll of a source found; the scheduler stores ``items`` and then remembers ``links``."""

    url: str
    kind: str | None = None  # feed | sitemap | page
    title: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    items: list[Page | Failure] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # entry addresses handled for good: not fetched again
    error: str | None = None
    status: int | None = None
    transient: bool = False
    retry_after: float | None = None
    interrupted: bool = False  # stopped part-way: store what came, but do not count it as a poll
    deferred: int = 0  # entry pages left for the next poll (the per-poll budget, a temporary failure)


def is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https")


def document_kind(response: Response) -> str:
    """``feed`` (RSS, Atom, RDF, JSON Feed), ``sitemap`` or ``page``, from the type and the first bytes."""
    head = response.body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{") and b"jsonfeed.org/version" in response.body[:65536]:
        return "jsonfeed"
    if head.startswith(b"<"):
        if b"<urlset" in head or b"<sitemapindex" in head:
            return "sitemap"
        if sniff(head) == "feed" or response.content_type.endswith(("rss+xml", "atom+xml", "rdf+xml")):
            if b"<html" not in head:
                return "feed"
    return "page"


def poll_url(fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None,
             ignore_robots: bool = False, is_known: Callable[[str], bool] | None = None,
             max_new: float | None = None, expected_kind: str | None = None) -> Poll:
    """Fetch a source (conditionally, when its validators are known) and turn it into pages.

    Feed entries that carry only a summary get their article page fetched; the entry's title, date
    and summary travel along as hints, so the extractor falls back to them when the page lacks them.
    Entries whose address ``is_known`` are skipped before any request is made. At most ``max_new``
    pages are fetched (None: the ``max_pages_per_poll`` setting; ``math.inf``: all of them); the rest wait
    for the next poll. ``expected_kind`` is what earlier polls found the source to be: a feed or sitemap
    that answers with a page fails the poll instead of becoming news.
    """
    poll = Poll(url)
    budget = fetcher.settings.max_pages_per_poll if max_new is None else max_new
    try:
        _poll(fetcher, poll, etag, last_modified, ignore_robots, is_known, budget, expected_kind)
    except Stopped:
        poll.interrupted = True  # keep the pages fetched so far; the source itself is polled again
    return poll


def _poll(fetcher: Fetcher, poll: Poll, etag: str | None, last_modified: str | None, ignore_robots: bool,
          is_known: Callable[[str], bool] | None, budget: float, expected_kind: str | None) -> None:
    url = poll.url
    try:
        response = fetcher.get(url, etag=etag, last_modified=last_modified, ignore_robots=ignore_robots)
    except FetchError as exc:
        poll.error, poll.status, poll.transient, poll.retry_after = str(exc), exc.status, exc.transient, exc.retry_after
        return
    poll.etag = response.headers.get("etag") or etag
    poll.last_modified = response.headers.get("last-modified") or last_modified
    if response.not_modified:
        poll.not_modified = True
        return
    follower = _Follower(fetcher, poll, ignore_robots, is_known or (lambda _link: False), budget)
    try:
        body = _gunzip(response.body, fetcher.settings.max_page_bytes)
    except FetchError as exc:
        poll.error = str(exc)
        return
    document = Response(response.url, response.status, response.headers, body, response.fetched)
    kind = document_kind(document)
    if kind == "feed":
        _read_feed(follower, response, body)
    elif kind == "jsonfeed":
        _read_json_feed(follower, response, body)
    elif kind == "sitemap":
        _read_sitemap(follower, response.url, body)
    else:
        _read_page(poll, document, expected_kind)
    if poll.deferred:
        # An unchanged document would answer the next conditional GET with a 304, and the entries left
        # over would never be reached; so the next poll asks for it whole.
        poll.etag = poll.last_modified = None


def _read_page(poll: Poll, response: Response, expected_kind: str | None) -> None:
    """The source's document is neither a feed nor a sitemap. From a source known to be one, or served as
    a feed or as XML, that is a failure (a "back soon" page, an error page's bytes, junk), and the source
    says why on every poll until it serves its document again: stored as an article, such a page would
    be news, and the source would look healthy. Else the document is the page the source follows, and a
    document that is no page fails the poll, as nothing else comes from the source."""
    expected = _expected_document(expected_kind, response.content_type)
    if expected:
        poll.kind = expected_kind or ("feed" if response.content_type.endswith(FEED_TYPE_ENDINGS) else None)
        poll.error = _not_the_document(expected, response)
        poll.etag = poll.last_modified = None
        return
    poll.kind = "page"
    page = html_page(response, hints={})
    if isinstance(page, Page):
        poll.items.append(page)
    else:
        poll.error = page


def _expected_document(expected_kind: str | None, content_type: str) -> str | None:
    """What the source's document ought to be, by what it was before or what the server calls it; None
    when a page is a fine answer."""
    if expected_kind in ("feed", "sitemap"):
        return expected_kind
    if content_type.endswith(FEED_TYPE_ENDINGS):
        return "feed"
    if content_type in XML_TYPES:
        return "feed or sitemap"
    return None


def _not_the_document(expected: str, response: Response) -> str:
    served_as = response.content_type or "no type"
    if sniff(response.body[:4096]) == "html":
        shown_type = "" if response.content_type in HTML_TYPES else f" (served as {served_as})"
        return f"not a {expected}: got an HTML page{shown_type}"
    return f"malformed {expected}: served as {served_as}, but the body is not a {expected}"


def html_page(response: Response, hints: dict, source: str | None = None) -> Page | str:
    """The fetched HTML as a page, or why it is not one. The header charset rides along as a hint for
    the decoder, and the raw bytes stay exactly as they arrived."""
    kind = response.content_type
    if kind in GENERIC_TYPES:  # a server that does not know the type says so; look inside, as for feeds
        if sniff(response.body[:4096]) != "html":
            return f"not a web page ({kind})"
    elif kind not in HTML_TYPES and not kind.startswith("text/"):
        return f"not a web page ({kind})"
    if not response.body.strip():
        return "empty response"
    if looks_binary(response.body):
        return "binary data, not a web page"
    if response.charset:
        hints = {**hints, "charset": response.charset}
    return Page(uri=response.url, raw=response.body, kind="html", url=response.url, fetched=response.fetched,
                source=source, hints=hints)


def _gunzip(body: bytes, limit: int) -> bytes:
    """Sitemaps are often served as ``.xml.gz`` files (not Content-Encoding), so inflate them here."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        data = zlib.decompressobj(wbits=31).decompress(body, limit + 1)
    except zlib.error:
        return body
    if len(data) > limit:
        raise FetchError(f"gzipped document larger than the {limit:,}-byte limit (setting max_page_bytes)")
    return data


class _Follower:
    """Fetches the pages a source's entries point to, within a per-poll budget."""

    def __init__(self, fetcher: Fetcher, poll: Poll, ignore_robots: bool, is_known: Callable[[str], bool],
                 budget: float) -> None:
        self.fetcher, self.poll, self.ignore_robots, self.is_known, self.budget = (
            fetcher, poll, ignore_robots, is_known, budget)

    def entry(self, entry: Page | Failure) -> None:
        """A parsed feed entry: kept as is when it carries the article, else its link is followed."""
        if isinstance(entry, Failure):
            self.poll.items.append(entry)
            return
        link = entry.url
        if is_http(link) and self.is_known(link):
            return
        if entry.kind != "feed" or not is_http(link) or entry.hints.get("enclosure") == link:
            self.poll.items.append(entry)
            if link:
                self.poll.links.append(link)
            return
        self.follow(link, entry.hints, entry.source, fallback=entry)

    def follow(self, link: str, hints: dict, source: str | None, fallback: Page | None = None) -> None:
        if self.budget <= 0:
            self.poll.deferred += 1  # not remembered, so the next poll picks it up
            return
        self.budget -= 1
        if fallback is not None:
            # the page may hold no article (a consent wall, a video, Google News' script-only page): the
            # extractor then keeps the entry's headline at this address
            hints = {**hints, "entry_link": link}
        try:
            response = self.fetcher.get(link, ignore_robots=self.ignore_robots)
            page = html_page(response, hints, source)
        except FetchError as exc:
            self.poll.items.append(Failure(link, "fetch", str(exc)))
            if exc.transient:
                # not remembered, and counted as left over, so the next poll asks for the feed whole and tries
                # again: with the feed's ETag kept, an unchanged feed answered 304 and the entry was lost for good
                self.poll.deferred += 1
                return
            page = None
        if isinstance(page, Page):
            self.poll.items.append(page)
        else:
            if isinstance(page, str):
                self.poll.items.append(Failure(link, "fetch", page))
            if fallback is not None:  # keep the headline the feed gave, as a teaser
                self.poll.items.append(fallback)
        self.poll.links.append(link)


def _read_feed(follower: _Follower, response: Response, body: bytes) -> None:
    poll = follower.poll
    poll.kind = "feed"
    # The real Content-Type, so feedparser follows RFC 3023 (an HTTP charset overrides the XML declaration).
    # Without one it would assume ISO-8859-1 and flag the feed; it was sniffed as XML, so it is read as XML.
    headers = {"content-location": response.url,
               "content-type": response.headers.get("content-type") or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    poll.title = parsed.feed.get("title") or None
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        poll.error = f"feed has no entries{problem}"[:300]
        return
    site = feeds.site_name(poll.title or "", parsed.feed.get("link"))
    entries = [feeds.entry_page(entry, f"{response.url}#entry{number}", site, response.fetched,
                                parsed.feed.get("language"))
               for number, entry in enumerate(parsed.entries, start=1)]
    # feedparser recovers from much (a wrong media type, a stray character): its flag matters only when
    # no entry could be read, and then the feed's failure says it once instead of each entry's.
    if parsed.get("bozo") and not any(isinstance(entry, Page) for entry in entries):
        poll.error = f"malformed feed: {parsed.bozo_exception}"[:300]
        return
    for entry in entries:
        follower.entry(entry)
    if problem := feeds.cut_short(parsed, body):
        poll.items.append(Failure(response.url, "fetch", problem))


def _read_json_feed(follower: _Follower, response: Response, body: bytes) -> None:
    poll = follower.poll
    poll.kind = "feed"
    try:
        poll.title, entries = feeds.json_feed(body, response.url)
    except ValueError as exc:
        poll.error = f"malformed JSON Feed: {exc}"[:300]
        return
    if not entries:
        poll.error = "feed has no entries"
        return
    site = feeds.site_name(poll.title or "")
    for number, entry in enumerate(entries, start=1):
        follower.entry(feeds.entry_page(entry, f"{response.url}#entry{number}", site, response.fetched))


def _read_sitemap(follower: _Follower, url: str, body: bytes, depth: int = 0) -> None:
    poll = follower.poll
    poll.kind = "sitemap"
    try:
        sitemap = sources.parse_sitemap(body, url)
    except ValueError as exc:
        poll.error = f"malformed sitemap: {exc}"[:300]
        return
    for child in sitemap.children[:MAX_CHILD_SITEMAPS] if depth == 0 else []:
        try:
            response = follower.fetcher.get(child, ignore_robots=follower.ignore_robots)
            _read_sitemap(follower, response.url, _gunzip(response.body, follower.fetcher.settings.max_page_bytes),
                          depth + 1)
        except FetchError as exc:
            poll.items.append(Failure(child, "fetch", str(exc)))
    for link, hints in sitemap.urls:
        if is_http(link) and not follower.is_known(link):
            follower.follow(link, hints, None)


def fetch_target(url: str, settings: Settings) -> Iterator[Page | Failure]:
    """The pages behind one http(s) URL given to ``newsdesk ingest``: a feed's entries (with their article
    pages), a sitemap's pages, or the page itself."""
    with Fetcher(settings) as fetcher:
        poll = poll_url(fetcher, url, max_new=math.inf)  # asked for by name: every entry, not a poll's share
    if poll.error:
        yield Failure(url, "fetch", poll.error)
    yield from poll.items
