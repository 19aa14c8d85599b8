"""Web archives (WARC / WARC.gz, as in Common Crawl's CC-NEWS), read with fastwarc.

fastwarc is the fastest WARC parser for Python and tolerant of the small format errors real crawls
contain. Only HTTP 2xx response records carrying HTML become pages; other records (requests, revisits, metadata,
redirects, error pages, images, PDFs) are counted as skipped with their reason rather than silently vanishing.

Two things fastwarc does not do for us, found on real-looking crawls:

- With ``auto_decode="all"`` (fastwarc 2.0.1) a chunked *and* gzipped response is decoded and then the
  iteration ends without an error, so every later record vanished. fastwarc is therefore asked to undo only the
  transfer (chunked) encoding, and the content encoding (gzip, deflate, br, zstd) is undone here, capped at the
  page limit. A body that claims an encoding it does not have is read as it is when it is plainly markup.
- One bad record (a wrong WARC Content-Length, a broken gzip member) made fastwarc give up on the rest of the
  archive. After such a break the reader finds the next record itself and goes on from there: in a ``.warc.gz``
  each record is its own gzip member, in a plain ``.warc`` each record starts with a ``WARC/1.x`` line. The break
  is one failure line naming the record and the offsets; a clean end is checked the same way, so that no
  record after a silent stop is lost unseen.

The archive is read as a stream throughout: the resync scans in blocks, so memory stays bounded whatever its size.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
GZIP_MEMBER = b"\x1f\x8b\x08"  # gzip magic and the deflate method: where a record of a .warc.gz can start
# a record's first line, then a header line; the newline before it keeps a "WARC/1.0" inside a line from matching
RECORD_START = re.compile(rb"\nWARC/1\.[01]\r?\n[A-Za-z][A-Za-z0-9-]*:")
SCAN_BLOCK = 1 << 20
PROBE = 4096  # compressed bytes tried from a gzip magic: a member's first 16 bytes of output need far fewer
RECORD_START_MAX = 64  # longer than any RECORD_START match


@dataclass
class _Gap:
    """Unreadable data not yet reported: its line waits for the offset where reading resumes, so a break that
    takes several tries to get past is still one line."""

    where: str
    what: str
    named: bool  # it names the broken record itself, not just the one before it


@dataclass
class _Progress:
    """Where reading has got to, so that a break can name the record it came in and resume after it."""

    pages: int = 0
    start: int = -1  # stream offset of the last record whose WARC headers were read
    floor: int = 0  # no later record can start before this offset (the start plus its length, when plain)
    name: str = ""  # that record's Target-URI or record id
    reading: bool = False  # the break came while reading that record's body, not between records
    pending: Page | Failure | None = None  # that record's item, held back so a break after it joins its line
    gap: _Gap | None = None
    broken: bool = False
    gzipped: bool = False  # offsets are then those of gzip members, and say nothing of a record's length


def read(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    uri = str(path)
    progress = _Progress()
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Failure(uri, "read", f"cannot open: {exc}")
        return
    with stream:
        progress.gzipped = stream.read(2) == GZIP_MEMBER[:2]
        offset: int | None = 0
        while offset is not None:
            stream.seek(offset)
            try:
                yield from _records(stream, uri, settings, progress)
            except Exception as exc:  # fastwarc raises OSError/ValueError for truncated or corrupt data
                yield from _open_gap(stream, uri, progress, offset, exc)
                offset = _resume_point(stream, max(progress.start, offset) + 1, progress.gzipped)
                continue
            yield from _flush(progress)
            offset = _resume_point(stream, max(progress.floor, offset + 1), progress.gzipped)
            if offset is not None and progress.gap is None:  # fastwarc ended with no error, yet a record follows
                progress.gap = _Gap(_where(uri, progress), "reading stopped early after this record", True)
        yield from _close_gap(progress, None)
    if progress.pages == 0 and not progress.broken:
        yield Failure(uri, "read", "WARC holds no HTML response records")


def _records(stream: BinaryIO, uri: str, settings: Settings, progress: _Progress) -> Iterator[Page | Failure]:
    """The items of the records from the stream's position on, each held back one record (see ``_Progress``)."""
    records = ArchiveIterator(
        stream, record_types=WarcRecordType.any_type, parse_http=True, auto_decode="transfer", fsspec_args=False
    )
    for record in records:
        yield from _flush(progress)
        yield from _close_gap(progress, record.stream_pos)
        progress.start = record.stream_pos
        progress.floor = record.stream_pos + 1
        progress.name = record.headers.get("WARC-Target-URI") or record.record_id or ""
        progress.reading = True
        progress.pending = _item(record, uri, settings)
        progress.reading = False
        if not progress.gzipped:  # its headers and what is left of its body lie between here and the next record
            progress.floor += record.content_length or 0


def _flush(progress: _Progress) -> Iterator[Page | Failure]:
    item, progress.pending = progress.pending, None
    if item is None:
        return
    if isinstance(item, Page):
        progress.pages += 1
    elif not item.skipped:
        progress.broken = True
    yield item


def _open_gap(stream: BinaryIO, uri: str, progress: _Progress, offset: int, exc: Exception) -> Iterator[Failure]:
    """Note a break, named as well as can be known. A break right after a record that already failed joins that
    record's line: a WARC Content-Length too small cuts the record short, then leaves the parser inside it."""
    progress.broken = True
    if progress.reading:  # its headers were read, its body was not: the record itself is broken
        progress.reading = False
        yield from _flush(progress)
        progress.gap = _Gap(_where(uri, progress), f"unreadable record at offset {progress.start:,} ({exc})", True)
        return
    if progress.gap is not None:  # where reading was to resume there is no readable record either
        if not progress.gap.named:
            name = _record_name_at(stream, offset, progress.gzipped)
            if name:
                progress.gap = _Gap(f"{uri}#{name}", f"unreadable record at offset {offset:,} ({exc})", True)
        return
    pending = progress.pending
    if isinstance(pending, Failure) and not pending.skipped:
        progress.pending = None
        progress.gap = _Gap(pending.uri, f"{pending.reason}; the WARC data after it is malformed ({exc})", True)
        return
    yield from _flush(progress)
    if progress.start < 0:
        progress.gap = _Gap(uri, f"malformed WARC data at offset {offset:,} ({exc})", False)
    else:
        progress.gap = _Gap(_where(uri, progress),
                            f"malformed WARC data after this record (offset {progress.start:,}): {exc}", False)


def _close_gap(progress: _Progress, resume: int | None) -> Iterator[Failure]:
    gap, progress.gap = progress.gap, None
    if gap is not None:
        then = f"resumed at the next record at offset {resume:,}" if resume is not None else "no record after it"
        yield Failure(gap.where, "read", f"{gap.what}; {then}")


def _where(uri: str, progress: _Progress) -> str:
    return f"{uri}#{progress.name}" if progress.name else uri


def _record_name_at(stream: BinaryIO, offset: int, gzipped: bool) -> str:
    """The Target-URI or record id in the WARC headers at ``offset``, as far as they can be read; else ""."""
    try:
        stream.seek(offset)
        head = stream.read(PROBE)
    except OSError:
        return ""
    if gzipped:
        head = _inflate_what_can_be(head)
    for field in (b"WARC-Target-URI:", b"WARC-Record-ID:"):
        found = re.search(rb"\n" + field + rb"[ \t]*([^\r\n]+)", head.split(b"\r\n\r\n", 1)[0], re.IGNORECASE)
        if found:
            return found.group(1).strip().decode("utf-8", "replace")
    return ""


def _inflate_what_can_be(head: bytes) -> bytes:
    """The output of a gzip member up to where it breaks: fed in small steps, since an error drops the output of
    the step it comes in."""
    inflater, out = zlib.decompressobj(31), []
    for at in range(0, len(head), 64):
        try:
            out.append(inflater.decompress(head[at:at + 64]))
        except zlib.error:
            break
    return b"".join(out)


def _resume_point(stream: BinaryIO, start: int, gzipped: bool) -> int | None:
    """The offset of the first record that starts at or after ``start``, or None. Read errors end the search:
    the file itself is then unreadable from there on."""
    try:
        return _find_gzip_record(stream, start) if gzipped else _find_plain_record(stream, start)
    except OSError:
        return None


def _find_plain_record(stream: BinaryIO, start: int) -> int | None:
    for base, block, end in _blocks(stream, start - 1):  # from the newline that ends the line before
        found = RECORD_START.search(block, 0, end + RECORD_START_MAX)
        if found:
            return base + found.start() + 1
    return None


def _find_gzip_record(stream: BinaryIO, start: int) -> int | None:
    """The next gzip member that unpacks to a WARC record: the magic bytes alone also turn up inside
    compressed data."""
    for base, block, end in _blocks(stream, start):
        at = block.find(GZIP_MEMBER, 0, end + len(GZIP_MEMBER) - 1)
        while at >= 0:
            if _unpacks_to_warc(block[at:at + PROBE]):
                return base + at
            at = block.find(GZIP_MEMBER, at + 1, end + len(GZIP_MEMBER) - 1)
    return None


def _unpacks_to_warc(head: bytes) -> bool:
    try:
        return zlib.decompressobj(31).decompress(head, 16).startswith(b"WARC/1.")
    except zlib.error:
        return False


def _blocks(stream: BinaryIO, start: int) -> Iterator[tuple[int, bytes, int]]:
    """The file from ``start`` on, in blocks with their offsets and the end of the part to search in each. A
    block runs PROBE bytes on into the next one, so a record start across the boundary is whole in it and a gzip
    member found near its end can still be tried."""
    base = start
    while True:
        stream.seek(base)
        block = stream.read(SCAN_BLOCK + PROBE)
        if len(block) < SCAN_BLOCK + PROBE:  # the end of the file
            yield base, block, len(block)
            return
        yield base, block, SCAN_BLOCK
        base += SCAN_BLOCK


def _item(record, uri: str, settings: Settings) -> Page | Failure:
    kind = (record.headers.get("WARC-Type") or "").lower()
    if kind != "response":  # a request, a revisit (its content is in an earlier record), metadata
        return Failure(f"{uri}#{record.headers.get('WARC-Target-URI') or record.record_id}", "read",
                       f"a WARC {kind or 'untyped'} record, not a response", skipped=True)
    return _page(record, uri, settings)


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
    body = _body(record, settings.max_page_bytes)
    if isinstance(body, str):
        return Failure(where, "read", body)
    if not body.strip():
        return Failure(where, "read", "empty HTTP body")
    date = record.headers.get("WARC-Date")
    return Page(
        uri=where,
        raw=body,
        kind="html",
        url=target or None,
        fetched=date,
        hints={"charset": record.http_charset} if record.http_charset else {},
    )


def _body(record, limit: int) -> bytes | str:
    """The HTTP body with its content encoding undone, or why it cannot be had."""
    body = record.reader.read(limit + 1)
    if len(body) > limit:
        return f"larger than the {limit:,}-byte page limit"
    coding = (record.http_headers.get("Content-Encoding") or "").strip().lower()
    declared = record.http_headers.get("Content-Length", "").strip()
    if coding in ("", "identity"):
        if declared.isdigit() and len(body) < int(declared):
            return f"truncated record: {len(body):,} of {int(declared):,} bytes"
        if declared.isdigit() and body[int(declared):].startswith(b"\r\n\r\nWARC/1."):
            body = body[: int(declared)]  # the WARC Content-Length ran into the next record: that is not the page
        return body
    try:
        decoded = _decode(body, coding, limit)
    except ValueError as exc:
        if _looks_like_markup(body):  # stored decoded with the header kept, as some crawlers do
            return body
        return f"Content-Encoding {coding}, but the body cannot be decoded: {exc}"
    return decoded if len(decoded) <= limit else f"larger than the {limit:,}-byte page limit once decoded"


def _looks_like_markup(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _decode(body: bytes, coding: str, limit: int) -> bytes:
    """Undo each content coding, the last applied first, stopping past ``limit`` bytes; ValueError says why one
    failed."""
    for name in reversed([c.strip() for c in coding.split(",") if c.strip() not in ("", "identity")]):
        if name in ("gzip", "x-gzip", "deflate"):
            body = _inflate(body, name, limit)
        elif name in ("br", "zstd"):
            body = _unpack_stream(body, name, limit)
        else:
            raise ValueError(f"unknown content coding {name!r}")
        if len(body) > limit:
            break
    return body


def _inflate(body: bytes, name: str, limit: int) -> bytes:
    # gzip or zlib framing, whichever the header says; "deflate" is often sent as bare deflate data, too
    tries = (47,) if name != "deflate" else (47, -15)
    why = ""
    for wbits in tries:
        inflater = zlib.decompressobj(wbits)
        try:
            out = inflater.decompress(body, limit + 1)
        except zlib.error as exc:
            why = str(exc)
            continue
        if not inflater.eof and len(out) <= limit:
            raise ValueError("the compressed body is cut off")
        return out
    raise ValueError(why)


def _unpack_stream(body: bytes, name: str, limit: int) -> bytes:
    try:  # fastwarc's own codecs, present from fastwarc 2 on: no extra dependency
        from fastwarc.stream_io import BrotliReader, ZstdReader
    except ImportError:
        raise ValueError(f"this fastwarc cannot decode {name}") from None
    reader = (BrotliReader if name == "br" else ZstdReader)(io.BytesIO(body))
    try:
        return reader.read(limit + 1)
    except OSError as exc:
        raise ValueError(str(exc) or f"not {name} data") from None
