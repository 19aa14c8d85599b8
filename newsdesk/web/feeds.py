"""Feeds out: Atom and RSS 2.0 of the front page and of any search, for the readers people already use.

Built with ElementTree, which escapes every text node; characters XML 1.0 forbids (web text carries
stray control characters) are dropped first, since no escaping can make them legal. RSS 2.0 needs one
more layer: readers render its ``description`` as HTML, so web text goes in HTML-escaped; its titles are
plain text (the spec allows no markup there), written with the character references the RSS Best
Practices Profile recommends as the form most readers decode correctly.
"""

from __future__ import annotations

import html
import re
import sqlite3
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from newsdesk.store.queries import stored_datetime
from newsdesk.web.front import FrontParams
from newsdesk.web.render import item_href, store
from newsdesk.web.models import ErrorDetail
from newsdesk.web.search import SearchParams

router = APIRouter()
ATOM = "http://www.w3.org/2005/Atom"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FEED_SIZE = 50


def clean(text: str | None) -> str:
    return NOT_XML.sub("", text or "")


def as_html(text: str | None) -> str:
    """Text for an RSS ``description``, which readers render as HTML: markup in web text stays text."""
    return html.escape(clean(text), quote=False)


# ElementTree writes these entities for text; the RSS profile's equivalent references (same XML text).
RSS_REFERENCES = ((b"&amp;", b"&#x26;"), (b"&lt;", b"&#x3C;"), (b"&gt;", b"&#x3E;"))


def _time(value: str | None) -> datetime | None:
    try:
        return stored_datetime(value).replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


# Each entry has "updated", its own time (RSS's pubDate, left out when unknown), and "read", when newsdesk read
# or last regrouped it: Atom must give every entry a time, and for an undated item only that one is true and
# stays put. (The newest entry's time had stood in, so a 2010 archive article was "updated" anew with each
# newer item and readers showed it as news.)


def _atom_time(entry: dict) -> datetime:
    """An entry's Atom ``updated``: its own time, else when newsdesk read it (see the entries above). Every item
    has a read time (ingest times are never missing), and every story its own (its newest member's time)."""
    return _time(entry["updated"]) or _time(entry["read"])


def front_entries(db: sqlite3.Connection, params: FrontParams, base: str) -> list[dict]:
    return [
        {
            "id": s["id"],
            "title": s["headline"] or "Untitled story",
            "summary": s["standfirst"] or "",
            "link": f"{base}/stories/{s['id']}",
            "updated": s["last_seen"],
            "read": s["updated"],
            "categories": s["sites"],
        }
        for s in params.data(db)["stories"]
    ]


def read_times(db: sqlite3.Connection, item_ids: list[str]) -> dict[str, str]:
    """When newsdesk read each item: an article's ingest time; a teaser's page's capture, else its ingest."""
    marks = ",".join("?" * len(item_ids))
    rows = db.execute(
        f"""SELECT id, ingested FROM articles WHERE id IN ({marks})
            UNION ALL SELECT t.id, coalesce(p.fetched, p.ingested) FROM teasers t JOIN pages p ON p.hash = t.page_hash
            WHERE t.id IN ({marks})""",
        item_ids + item_ids,
    )
    return dict(rows.fetchall())


def search_entries(db: sqlite3.Connection, params: SearchParams, base: str) -> list[dict]:
    hits = params.data(db, per_page=FEED_SIZE)["hits"]
    read = read_times(db, [h["item_id"] for h in hits])
    return [
        {
            "id": h["item_id"],
            "title": h["headline"] or "Untitled",
            "summary": h["snippet"] or "",
            "link": f"{base}{item_href(h['item_id'])}",
            "updated": h["published"] or h.get("time"),  # an undated teaser: when it ran
            "read": read.get(h["item_id"]),
            "categories": [h["site"]] if h.get("site") else [],
        }
        for h in hits
    ]


def atom(title: str, self_url: str, page_url: str, entries: list[dict]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = clean(title)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = clean(self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=clean(self_url))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=clean(page_url))
    # Atom wants a time on the feed and on every entry; a feed with no entries, the moment it was made
    stamps = [_atom_time(e) for e in entries]
    newest = max(stamps, default=None) or datetime.now(UTC).replace(microsecond=0)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = newest.isoformat()
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "newsdesk"
    for e, stamp in zip(entries, stamps, strict=True):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = clean(e["title"])
        ET.SubElement(entry, f"{{{ATOM}}}id").text = clean(e["link"])
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=clean(e["link"]))
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = stamp.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = clean(e["summary"])
        for category in e["categories"]:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=clean(category))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def rss(title: str, page_url: str, entries: list[dict]) -> bytes:
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = clean(title)
    ET.SubElement(channel, "link").text = clean(page_url)
    ET.SubElement(channel, "description").text = as_html(title)
    for e in entries:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = clean(e["title"])
        ET.SubElement(item, "link").text = clean(e["link"])
        ET.SubElement(item, "guid", isPermaLink="true").text = clean(e["link"])
        ET.SubElement(item, "description").text = as_html(e["summary"])
        if when := _time(e["updated"]):
            ET.SubElement(item, "pubDate").text = format_datetime(when)
        for category in e["categories"]:
            ET.SubElement(item, "category").text = clean(category)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    for entity, reference in RSS_REFERENCES:
        body = body.replace(entity, reference)
    return body


def _base(request: Request) -> str:
    """The desk's address for the links in a feed: the ``public_url`` setting, else the request's own, whose
    Host header the client chooses (a cache in front of the desk could serve one client's links to all)."""
    return request.app.state.public_url or str(request.base_url).rstrip("/")


def _query(request: Request) -> str:
    return f"?{request.url.query}" if request.url.query else ""


def _self_url(request: Request) -> str:
    """The feed's own address, its Atom id and self link: under ``public_url`` too, so that the id a reader
    keeps does not change with the address (or Host header) a request happened to use."""
    return f"{_base(request)}{request.url.path}{_query(request)}"


@router.get(
    "/feed.atom",
    tags=["feeds"],
    summary="Front page as Atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def front_atom(request: Request, params: FrontParams = Depends(), db: sqlite3.Connection = Depends(store)) -> Response:
    base = _base(request)
    entries = front_entries(db, params, base)
    body = atom("newsdesk: top stories", _self_url(request), f"{base}/{_query(request)}", entries)
    return Response(body, media_type="application/atom+xml")


@router.get(
    "/feed.rss",
    tags=["feeds"],
    summary="Front page as RSS",
    response_class=Response,
    responses={200: {"content": {"application/rss+xml": {}}}},
)
def front_rss(request: Request, params: FrontParams = Depends(), db: sqlite3.Connection = Depends(store)) -> Response:
    base = _base(request)
    body = rss("newsdesk: top stories", f"{base}/{_query(request)}", front_entries(db, params, base))
    return Response(body, media_type="application/rss+xml")


@router.get(
    "/search.atom",
    tags=["feeds"],
    summary="A search as Atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}, 400: {"model": ErrorDetail}},
)
def search_atom(
    request: Request, params: SearchParams = Depends(), db: sqlite3.Connection = Depends(store)
) -> Response:
    base = _base(request)
    body = atom(
        f"newsdesk search: {params.q}",
        _self_url(request),
        f"{base}/search{_query(request)}",
        search_entries(db, params, base),
    )
    return Response(body, media_type="application/atom+xml")


@router.get(
    "/search.rss",
    tags=["feeds"],
    summary="A search as RSS",
    response_class=Response,
    responses={200: {"content": {"application/rss+xml": {}}}, 400: {"model": ErrorDetail}},
)
def search_rss(request: Request, params: SearchParams = Depends(), db: sqlite3.Connection = Depends(store)) -> Response:
    base = _base(request)
    body = rss(f"newsdesk search: {params.q}", f"{base}/search{_query(request)}", search_entries(db, params, base))
    return Response(body, media_type="application/rss+xml")
