"""The sources a desk follows, and reading the documents they publish besides RSS/Atom.

A source is a URL polled on a schedule: a feed (RSS, Atom, RDF, JSON Feed), a sitemap (news sitemaps
included) or a plain page. Its row in ``feeds`` keeps what polite polling needs (validators for a
conditional GET, when it is next due) and what a user needs to judge it (last success, last error,
consecutive failures, items per day). ``feed_items`` remembers every entry address already handled, so
an article page is fetched once, not on every poll of a feed that still lists it, and what the entry said
then, so an entry that changed (an edited article) has its page fetched once more.

OPML is the lingua franca of feed readers, so a source list moves in and out as OPML. JSON Feed and
sitemaps are parsed here because feedparser reads neither; both are small formats.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from lxml import etree

from newsdesk.settings import Settings

MIN_INTERVAL = 60
MAX_BACKOFF = 86400  # a failing source is still tried once a day
ITEMS_PER_DAY_WINDOW = 7  # days


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_interval(text: str | int) -> int:
    """Seconds from ``900``, ``15m``, ``2h`` or ``1d``; at least a minute, so no source is hammered."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(text).lower())
    if not match:
        raise ValueError(f"bad interval {text!r} (use e.g. 900, 15m, 2h, 1d)")
    seconds = float(match[1]) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    if seconds < MIN_INTERVAL:
        raise ValueError(f"interval {text!r} is shorter than the {MIN_INTERVAL}-second minimum")
    return int(seconds)


DEFAULT_INTERVAL = parse_interval(Settings().poll_interval)  # seconds between polls of one source


def check_url(url: str) -> str:
    """The URL in the one spelling a source is stored under: scheme and host lower-cased, no fragment (the
    server never sees it), "/" for an empty path. The query is kept as it is: it may select the feed."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL": named here, as an OPML import reports it among others
        raise ValueError(f"not a valid URL: {url!r} ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    userinfo, at, host = parts.netloc.rpartition("@")
    return urlunsplit((parts.scheme.lower(), userinfo + at + host.lower(), parts.path or "/", parts.query, ""))


# A URL in text: scheme, then the authority (userinfo and host), path, query and fragment, up to a space or a
# quote (error texts quote addresses as Python reprs).
_URL_IN_TEXT = re.compile(r"""(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<authority>[^/?#\s'"<>]*)(?P<path>[^?#\s'"<>]*)"""
                          r"""(?:\?(?P<query>[^#\s'"<>]*))?(?P<fragment>#[^\s'"<>]*)?""", re.IGNORECASE)
# Query parameter names whose values may grant access (api_key, apiKey, access_token, X-Amz-Signature,
# password, auth...). Matched loosely on purpose: hiding an innocent value ("author") costs the public page
# little, while showing a key hands the operator's account to anyone who reads it.
_SECRET_PARAMETER = re.compile(r"key|token|secret|passw|pwd|auth|sig|session|credential", re.IGNORECASE)
HIDDEN = "\u2026"


def without_secrets(text: str | None) -> str | None:
    """``text`` with every URL in it stripped of its user name and password and of the values of query
    parameters that look secret: what the desk, a public page, may show of a source's address or of an
    error that quotes it. The command line shows no more, since its lines end up in journals and cron mail;
    only ``sources export-opml``, a backup to import again, writes the full addresses."""
    return _URL_IN_TEXT.sub(_public_url, text) if text else text


def _public_url(match: re.Match) -> str:
    host = match["authority"].rpartition("@")[2]  # the last "@": a password may hold an unescaped one
    query = match["query"]
    shown_query = "" if query is None else "?" + "&".join(map(_public_parameter, query.split("&")))
    return f"{match['scheme']}{host}{match['path']}{shown_query}{match['fragment'] or ''}"


def _public_parameter(parameter: str) -> str:
    """A query parameter as it may be shown. Its value may itself be an address with credentials (a proxy's
    ``?u=ftp://bob:pw@host/feed``), written out or percent-encoded: the written one is cleaned like any URL, and
    an encoded one that would need cleaning is hidden whole, as it cannot be cleaned and still read the same."""
    name, equals, value = parameter.partition("=")
    if equals and value and _SECRET_PARAMETER.search(unquote_plus(name)):
        return f"{name}={HIDDEN}"
    value = _URL_IN_TEXT.sub(_public_url, value)
    decoded = unquote_plus(value)
    if _URL_IN_TEXT.sub(_public_url, decoded) != decoded:
        return f"{name}={HIDDEN}"
    return name + equals + value


# Fields of a source's row, or of a poll's outcome, that may quote an address: a source's title too, as a
# source without one of its own may be named by its address (an OPML outline's ``text``).
MAY_QUOTE_AN_ADDRESS = frozenset({"url", "site_url", "title", "last_error", "error"})


def public_source(row: Mapping[str, Any]) -> dict[str, Any]:
    """A source's row (from ``listing``) or a poll's outcome as the desk and the command line may show it:
    every field that may quote an address ``without_secrets``, the rest as it is."""
    return {key: without_secrets(value) if key in MAY_QUOTE_AN_ADDRESS else value for key, value in row.items()}


_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str | None) -> str | None:
    """``text`` without the characters XML 1.0 cannot hold (control characters, stray surrogates), which
    a feed's title may carry and OPML export would otherwise fail on."""
    return _XML_ILLEGAL.sub("", text) if text else text


# ---- the source list ----

def add(db: sqlite3.Connection, url: str, title: str | None = None, interval: int = DEFAULT_INTERVAL,
        ignore_robots: bool = False, site_url: str | None = None) -> bool:
    """Add a source; False when it was already there (its settings are then left alone)."""
    with db:
        cursor = db.execute(
            "INSERT OR IGNORE INTO feeds (url, title, site_url, interval, ignore_robots) VALUES (?, ?, ?, ?, ?)",
            (check_url(url), xml_safe(title), site_url, interval, int(ignore_robots)),
        )
    return cursor.rowcount == 1


def remove(db: sqlite3.Connection, url_or_id: str) -> bool:
    """Forget a source and its remembered entries; the articles it brought stay in the store."""
    with db:
        cursor = db.execute("DELETE FROM feeds WHERE url IN (?, ?) OR CAST(id AS TEXT) = ?",
                            (url_or_id, stored_url(url_or_id), url_or_id))
    return cursor.rowcount > 0


def stored_url(url_or_id: str) -> str:
    """What a source given on the command line is stored under (an id or a bad URL stays as it is)."""
    try:
        return check_url(url_or_id)
    except ValueError:
        return url_or_id


def listing(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every source with its health, items per day over the last week included."""
    since = iso(now_utc() - timedelta(days=ITEMS_PER_DAY_WINDOW))
    rows = db.execute(
        """SELECT f.*, (SELECT COUNT(*) FROM feed_items i WHERE i.feed_id = f.id AND i.seen >= ?) AS recent
           FROM feeds f ORDER BY f.id""", (since,)).fetchall()
    result = []
    for row in rows:
        data = dict(row)
        added = datetime.fromisoformat(data["added"].replace("Z", "+00:00"))
        days = min(ITEMS_PER_DAY_WINDOW, max((now_utc() - added).total_seconds() / 86400, 1.0))
        data["items_per_day"] = round(data.pop("recent") / days, 1)
        data["ignore_robots"] = bool(data["ignore_robots"])
        data["active"] = bool(data["active"])
        data["status"] = "disabled" if not data["active"] else "failing" if data["failures"] else (
            "ok" if data["last_success"] else "new")
        result.append(data)
    return result


def due(db: sqlite3.Connection, everything: bool = False) -> list[sqlite3.Row]:
    """Active sources whose next poll time has come (or all active ones), the longest-waiting first."""
    if everything:
        return db.execute("SELECT * FROM feeds WHERE active = 1 ORDER BY id").fetchall()
    return db.execute(
        "SELECT * FROM feeds WHERE active = 1 AND (next_due IS NULL OR next_due <= ?) "
        "ORDER BY next_due IS NOT NULL, next_due, id", (iso(now_utc()),)).fetchall()


def next_wake(db: sqlite3.Connection) -> datetime | None:
    row = db.execute("SELECT MIN(COALESCE(next_due, '')) FROM feeds WHERE active = 1").fetchone()
    if row[0] is None:
        return None
    return datetime.fromisoformat(row[0].replace("Z", "+00:00")) if row[0] else now_utc()


def entry_version(entry: dict[str, Any]) -> str:
    """A digest of what a feed entry (feedparser's or ``json_feed``'s) says of its article: its title and its
    updated and published dates, which change when the article is edited while its link stays. The keys are
    read as given (``dict.get``), not through feedparser's deprecated "updated" -> "published" fallback."""
    said = "\n".join(str(dict.get(entry, key) or "") for key in ("title", "updated", "published"))
    return hashlib.sha256(said.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def is_known_link(db: sqlite3.Connection, link: str, feed_id: int | None = None, version: str | None = None) -> bool:
    """Whether an entry address was handled already and, given the entry's ``version`` in feed ``feed_id``, the
    entry has not changed since that feed handed it over (a changed one is an edited article, fetched once
    more). A link handed over by another feed, or remembered before versions were kept, is known by its
    address: two feeds that list one article a little differently must not have it fetched on every poll."""
    row = db.execute("SELECT feed_id, entry_version FROM feed_items WHERE link = ?", (link,)).fetchone()
    if row is None:
        return False
    handed_over_by, known_version = row[0], row[1]
    return version is None or known_version in (None, version) or handed_over_by != feed_id


def remember_entry_versions(db: sqlite3.Connection, feed_id: int, versions: Mapping[str, str],
                            handled: Iterable[str]) -> None:
    """Keep what each entry of a feed said (in the caller's transaction): the version just handled of an entry
    whose page was fetched, and the current one of an entry remembered before versions were kept, so that its
    next edit is seen. Another feed's link, and an entry left for a later poll, keep theirs."""
    handled = set(handled)
    db.executemany(
        "UPDATE feed_items SET entry_version = ? WHERE link = ? AND feed_id = ? AND (? OR entry_version IS NULL)",
        [(version, link, feed_id, link in handled) for link, version in versions.items()])


def backoff_seconds(interval: int, failures: int, retry_after: float | None = None) -> int:
    """Wait after the n-th consecutive failure: the interval doubled per failure, with jitter so failed
    sources do not retry in lockstep, never sooner than the server's Retry-After, and never over a day
    (however far off a server's Retry-After is: a date beyond the calendar would stop every round)."""
    wait = min(interval * 2 ** min(failures, 10), MAX_BACKOFF) * random.uniform(0.9, 1.1)
    return int(min(max(wait, retry_after or 0), MAX_BACKOFF))


def record_poll(db: sqlite3.Connection, feed: sqlite3.Row, poll, stored: int) -> dict[str, Any]:
    """Write a poll's outcome to the source's row (in the caller's transaction); returns the health."""
    moment = now_utc()
    for link in poll.links:
        db.execute("INSERT OR IGNORE INTO feed_items (link, feed_id, seen) VALUES (?, ?, ?)",
                   (link, feed["id"], iso(moment)))
    if poll.interrupted:
        return {"ok": True, "not_modified": False, "new": stored, "next_in": 0, "interrupted": True}
    if poll.error:
        failures = feed["failures"] + 1
        gone = poll.status == 410
        wait = backoff_seconds(feed["interval"], failures, poll.retry_after)
        error = poll.error + ("; the site says the source is gone, so it is disabled" if gone else "")
        db.execute(
            "UPDATE feeds SET failures = ?, last_error = ?, last_error_at = ?, last_poll = ?, next_due = ?, "
            "active = ? WHERE id = ?",
            (failures, error, iso(moment), iso(moment), iso(moment + timedelta(seconds=wait)), int(not gone),
             feed["id"]))
        return {"ok": False, "error": error, "failures": failures, "next_in": wait, "disabled": gone}
    wait = int(feed["interval"] * random.uniform(0.95, 1.05))
    db.execute(
        "UPDATE feeds SET failures = 0, last_success = ?, last_poll = ?, next_due = ?, etag = ?, last_modified = ?, "
        "kind = COALESCE(?, kind), title = COALESCE(title, ?), items_total = items_total + ? WHERE id = ?",
        (iso(moment), iso(moment), iso(moment + timedelta(seconds=wait)), poll.etag, poll.last_modified,
         poll.kind, xml_safe(poll.title), stored, feed["id"]))
    return {"ok": True, "not_modified": poll.not_modified, "new": stored, "next_in": wait}


# ---- OPML ----

def _parser() -> etree.XMLParser:
    # Untrusted XML: no entity expansion, no DTD or network access.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)


def read_opml(data: bytes) -> list[dict[str, str | None]]:
    """The feeds an OPML file lists (outlines with an ``xmlUrl``, at any depth of folders), as written: an
    address that cannot be followed is refused by ``import_opml``, which says so."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a valid OPML file: {exc}") from exc
    found = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if url and url.strip():
            found.append({"url": url.strip(), "title": outline.get("title") or outline.get("text"),
                          "site_url": outline.get("htmlUrl") or outline.get("htmlurl")})
    return found


class OpmlImport(NamedTuple):
    added: int
    known: int  # already followed
    rejected: list[str]  # why each entry that cannot be followed was refused (``javascript:``, ``file:``)


def import_opml(db: sqlite3.Connection, data: bytes, interval: int = DEFAULT_INTERVAL) -> OpmlImport:
    """Add every feed of an OPML file. An OPML file comes from elsewhere, so an entry that is no http(s)
    address is refused and reported, never dropped unseen: the user should learn a feed was not followed."""
    added = known = 0
    rejected = []
    for feed in read_opml(data):
        try:
            is_new = add(db, feed["url"], feed["title"], interval, site_url=feed["site_url"])
        except ValueError as exc:
            rejected.append(str(exc))
            continue
        added += is_new
        known += not is_new
    return OpmlImport(added, known, rejected)


def export_opml(db: sqlite3.Connection, title: str = "newsdesk sources") -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = now_utc().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = etree.SubElement(root, "body")
    for row in db.execute("SELECT url, title, site_url, kind FROM feeds ORDER BY id"):
        title = xml_safe(row["title"])  # stores written before titles were cleaned may still hold such characters
        attrs = {"text": title or row["url"], "type": "rss", "xmlUrl": row["url"]}
        if title:
            attrs["title"] = title
        if row["site_url"]:
            attrs["htmlUrl"] = xml_safe(row["site_url"])
        etree.SubElement(body, "outline", attrs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---- JSON Feed ----

def _struct(value: Any) -> time.struct_time | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).timetuple()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def json_feed(data: bytes, base_url: str) -> tuple[str | None, list[dict[str, Any]]]:
    """Title and entries of a JSON Feed (1.0/1.1), as feedparser-style dicts for ``feeds.entry_page``."""
    try:
        document = json.loads(data.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(document, dict) or not _text(document.get("version")).startswith("https://jsonfeed.org/"):
        raise ValueError("no JSON Feed version")
    items = document.get("items")
    if not isinstance(items, list):
        raise ValueError("no items list")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        content = _text(item.get("content_html"))
        if not content and _text(item.get("content_text")):
            content = "".join(f"<p>{html.escape(part)}</p>" for part in _text(item["content_text"]).split("\n\n"))
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = next((_text(a.get("name")) for a in authors if isinstance(a, dict) and _text(a.get("name"))), "")
        link = _text(item.get("url")) or _text(item.get("external_url"))
        entries.append({
            "title": _text(item.get("title")),
            "summary": _text(item.get("summary")),
            "link": urljoin(base_url, link) if link else None,
            "content": [{"value": content}] if content else [],
            "published": _text(item.get("date_published")),
            "updated": _text(item.get("date_modified")),
            "published_parsed": _struct(item.get("date_published")),
            "updated_parsed": _struct(item.get("date_modified")),
            "author": author or None,
        })
    return _text(document.get("title")) or None, entries


# ---- sitemaps ----

@dataclass
class Sitemap:
    children: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index
    urls: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (page URL, hints), newest first


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str:
    for child in element.iter():
        if _local(child.tag) == name and child.text:
            return child.text.strip()
    return ""


def parse_sitemap(data: bytes, base_url: str) -> Sitemap:
    """A sitemap or sitemap index; news sitemap titles and publication dates become page hints."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from exc
    sitemap = Sitemap()
    kind = _local(root.tag)
    if kind == "sitemapindex":
        entries = [(urljoin(base_url, _child_text(e, "loc")), _child_text(e, "lastmod"))
                   for e in root if _local(e.tag) == "sitemap" and _child_text(e, "loc")]
        sitemap.children = [loc for loc, _ in sorted(entries, key=lambda e: e[1], reverse=True)]
        return sitemap
    if kind != "urlset":
        raise ValueError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    dated = []
    for element in root:
        if _local(element.tag) != "url" or not _child_text(element, "loc"):
            continue
        hints = {}
        if _child_text(element, "title"):
            hints["title"] = _child_text(element, "title")
        published = _child_text(element, "publication_date")
        if published:
            hints["published"] = published
        order = published or _child_text(element, "lastmod")
        dated.append((order, urljoin(base_url, _child_text(element, "loc")), hints))
    dated.sort(key=lambda d: d[0], reverse=True)
    sitemap.urls = [(loc, hints) for _, loc, hints in dated]
    return sitemap
