"""JSON Lines: one record per line with ``url`` and ``html``, ``text`` or only ``title``, optional ``title``,
``published``, ``source`` and ``fetched`` (when the scraper captured the page: what dates the page's
undated teasers, which are as new as the capture, not as the article).

This is the hand-off format of most scrapers and of datasets on disk, so bad lines are expected: each
one becomes a ``Failure`` naming its line number and the reading goes on.
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import dateutil.parser

from newsdesk.ingest.files import SNIFF_BYTES, looks_binary, open_input, wide_codec
from newsdesk.records import Failure, Page, shown
from newsdesk.settings import Settings
from newsdesk.timezones import ZONES

HINT_FIELDS = ("title", "published", "author", "summary", "language")
SKIP_CHUNK = 1 << 16  # an oversized line is passed over this much at a time; readline holds ~3x what it is asked for


def read(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    """Every record of the file, each a page or one failure; a file that cannot be opened, or breaks off
    (a cut gzip, a disk error), is one failure more and the batch goes on."""
    uri = shown(path)
    number = 0
    try:
        with open_input(path) as fh:
            for number, line in lines(utf8_readline(fh), settings.max_page_bytes):
                where = f"{uri}#L{number}"
                if line is None:
                    yield Failure(where, "read", f"record larger than the {settings.max_page_bytes:,}-byte page "
                                                 "limit (setting max_page_bytes)")
                elif line.strip():
                    yield parse_line(line, where)
    except (OSError, EOFError, zlib.error) as exc:
        after = f" after line {number}" if number else ""  # the records before it are read and kept
        yield Failure(uri, "read", f"corrupt or unreadable file{after}: {getattr(exc, 'strerror', None) or exc}")


def utf8_readline(fh: BinaryIO) -> Callable[[int], bytes]:
    """The stream's ``readline``, re-encoding UTF-16 or UTF-32 lines as UTF-8: read as bytes, each line after
    the first began with half a newline and failed as JSON. (The size a wide line is read to counts characters,
    so an encoded line holds at most four bytes each: still bounded.)"""
    codec = wide_codec(fh.peek(SNIFF_BYTES)[:SNIFF_BYTES])
    if not codec:
        return fh.readline
    text = io.TextIOWrapper(fh, encoding=codec, errors="replace")
    return lambda size: text.readline(size).encode("utf-8", "replace")


def lines(readline: Callable[[int], bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Each line with its number, or None in place of a line longer than ``limit`` bytes. A line is never
    held whole beyond the limit: read whole, one 3 GB line (a 3 MB gzip bomb) had taken 6.4 GB of memory
    before it was refused, and a larger one would have had the batch killed."""
    number = 0
    while line := readline(limit + 1):
        number += 1
        if len(line) <= limit:
            yield number, line
            continue
        if not line.endswith(b"\n"):
            skip_line(readline)
        yield number, None


def skip_line(readline: Callable[[int], bytes]) -> None:
    """Read past the rest of the current line in bounded chunks, so that the next record can be read."""
    while (chunk := readline(SKIP_CHUNK)) and not chunk.endswith(b"\n"):
        pass


def parse_line(line: bytes, where: str) -> Page | Failure:
    """One record as a page, or why it is none. The line is within the page limit already (``lines``)."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Failure(where, "read", f"not valid JSON: {exc}")
    if not isinstance(record, dict):
        return Failure(where, "read", "JSON line is not an object")
    html, text = record.get("html"), record.get("text")
    if not isinstance(html, str | type(None)) or not isinstance(text, str | type(None)):
        return Failure(where, "read", "'html' and 'text' must be strings")
    hints = {k: record[k] for k in HINT_FIELDS if isinstance(record.get(k), str) and record[k].strip()}
    if not (html or "").strip() and not (text or "").strip() and "title" not in hints:
        return Failure(where, "read", "record has neither 'html', 'text' nor 'title'")
    # read from the record, not the text hints: a scraper's Unix time is a number
    if published := epoch_time(record.get("published")) or iso_time(record.get("published")):
        hints["published"] = published
    else:
        hints.pop("published", None)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    source = record.get("source") if isinstance(record.get("source"), str) else None
    fetched = iso_time(record.get("fetched"))
    if not (html or "").strip() and not (text or "").strip():
        # a headline alone (an aggregator's or GDELT-style dataset): a feed item
        return Page(uri=where, raw=line.strip(), kind="feed", url=url, source=source, fetched=fetched, hints=hints)
    kind = "html" if (html or "").strip() else "text"
    raw = (html if kind == "html" else text).encode("utf-8", "replace")
    if looks_binary(raw):
        # a file's bytes put in a string (a scraper's latin-1 decode of an image): stored as an article of
        # mojibake; a file on disk holding them is refused as binary, and so is the record
        return Failure(where, "read", f"binary data in '{kind}', not a web page or text")
    # the record's "source" names the outlet, as it does for a text record: it wins over the page's own
    # site name or host ("Reuters" for both, not "Reuters" and "reuters.com")
    site = {"site": source} if kind == "html" and source else {}
    return Page(uri=where, raw=raw, kind=kind, url=url, source=source, fetched=fetched, hints={**hints, **site})


def iso_time(value: object) -> str | None:
    """A scraper's date or time as ISO 8601, else nothing: a value that does not parse is dropped, not guessed
    at. Stored dates are compared as text, so one unconverted value would sort after every ISO date.

    Extended ISO stays as given, but for a "T" between day and time ("2016-10-06 14:05:00" had sorted before
    every time of that day). Dates with a month name are converted: RFC 2822, as feeds and HTTP headers write
    them ("Thu, 06 Oct 2016 12:00:00 GMT"), and a page's own ("6 October 2016", "Oct 6, 2016 2:05 PM"), a zone
    abbreviation read by ``timezones.ZONES`` ("22:30:00 EDT" is 02:30 UTC the next day, not 22:30 of no zone).
    Other all-numeric forms ("06/10/2016") are day-first in one country and month-first in another: dropped."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        if not _EXTENDED_ISO.match(value):
            return parsed.isoformat()  # "20161006" is ISO too
        return f"{value[:10]}T{value[11:]}" if len(value) > 10 else value
    if not _MONTH_NAME.search(value):
        return None
    try:
        # parsed twice with different defaults: a part that changes was not in the text ("Oct 2016" has no day)
        with warnings.catch_warnings():  # a zone name it does not know leaves the time as written
            warnings.simplefilter("ignore")
            first, second = (dateutil.parser.parse(value, default=d, tzinfos=ZONES) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    if first.date() != second.date():
        return None
    return first.isoformat() if _CLOCK.search(value) else first.date().isoformat()


def epoch_time(value: object) -> str | None:
    """A Unix time, a number or its digits ("1475762700"), as ISO 8601 in UTC, else nothing. Milliseconds are
    told from seconds by size (as seconds they would land past the year 5000); a number before 1973 is no time
    a scraper stamps, and the digits "20161006" are a day, which ``iso_time`` reads."""
    if isinstance(value, str) and _EPOCH.match(value):
        value = float(value)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    seconds = value / 1000 if value >= _MILLISECONDS else value
    if not _EPOCH_FLOOR <= seconds < _MILLISECONDS:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))
_EXTENDED_ISO = re.compile(r"\d{4}-\d\d-\d\d")
_EPOCH = re.compile(r"\s*\d{9,14}(?:\.\d+)?\s*$")
_EPOCH_FLOOR, _MILLISECONDS = 1e8, 1e11
_CLOCK = re.compile(r"\d:\d\d")
_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)
