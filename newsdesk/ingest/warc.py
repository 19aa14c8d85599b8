"""Web archives (WARC / WARC.gz, as in Common Crawl's CC-NEWS), read with fastwarc.

fastwarc is the fastest WARC parser for Python and tolerant of the small format errors real crawls
contain. Only HTTP 2xx response records carrying HTML become pages; other records (requests, revisits, metadata,
redirects, error pages, images, PDFs) are counted as skipped with their reason rather than silently vanishing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType

from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    uri = str(path)
    pages = 0
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(
                stream, record_types=WarcRecordType.any_type, parse_http=True, auto_decode="all", fsspec_args=False
            )
            for record in records:
                kind = (record.headers.get("WARC-Type") or "").lower()
                if kind != "response":  # a request, a revisit (its content is in an earlier record), metadata
                    yield Failure(f"{uri}#{record.headers.get('WARC-Target-URI') or record.record_id}", "read",
                                  f"a WARC {kind or 'untyped'} record, not a response", skipped=True)
                    continue
                item = _page(record, uri, settings)
                if isinstance(item, Page):
                    pages += 1
                yield item
    except Exception as exc:  # fastwarc raises its own types for truncated/corrupt archives
        yield Failure(uri, "read", f"corrupt WARC after {pages} page(s): {exc}")
        return
    if pages == 0:
        yield Failure(uri, "read", "WARC holds no HTML response records")


def _page(record, uri: str, settings: Settings) -> Page | Failure:
    target = record.headers.get("WARC-Target-URI", "")
    where = f"{uri}#{target or record.record_id}"
    if not record.is_http_parsed:  # a response record always holds one: this record is cut off or broken
        return Failure(where, "read", "cut-off or malformed record: no HTTP response in it")
    status = record.http_headers.status_code
    if status and not 200 <= status < 300:  # a redirect, a "not found" page: the crawl's, not an article
        return Failure(where, "read", f"HTTP {status} response", skipped=True)
    content_type = (record.http_content_type or "").lower()
    if not any(t in content_type for t in HTML_TYPES):
        return Failure(where, "read", f"not HTML ({content_type or 'no content type'})", skipped=True)
    body = record.reader.read(settings.max_page_bytes + 1)
    if len(body) > settings.max_page_bytes:
        return Failure(where, "read", f"larger than the {settings.max_page_bytes:,}-byte page limit")
    if not body.strip():
        return Failure(where, "read", "empty HTTP body")
    declared = record.http_headers.get("Content-Length", "")
    encoded = record.http_headers.get("Content-Encoding")
    if declared.isdigit() and not encoded and len(body) < int(declared):
        return Failure(where, "read", f"truncated record: {len(body):,} of {int(declared):,} bytes")
    date = record.headers.get("WARC-Date")
    return Page(
        uri=where,
        raw=body,
        kind="html",
        url=target or None,
        fetched=date,
        hints={"charset": record.http_charset} if record.http_charset else {},
    )
