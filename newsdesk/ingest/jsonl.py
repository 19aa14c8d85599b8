"""JSON Lines: one record per line with ``url`` and ``html`` or ``text``, optional ``title``,
``published``, ``source`` and ``fetched`` (when the scraper captured the page: what dates the page's
undated teasers, which are as new as the capture, not as the article).

This is the hand-off format of most scrapers and of datasets on disk, so bad lines are expected: each
one becomes a ``Failure`` naming its line number and the reading goes on.
"""

from __future__ import annotations

import gzip
import json
import zlib
from datetime import datetime
from collections.abc import Iterator
from pathlib import Path

from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

HINT_FIELDS = ("title", "published", "author", "summary", "language")


def read(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    uri = str(path)
    opener = gzip.open if path.open("rb").read(2) == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    yield parse_line(line, f"{uri}#L{number}", settings)
    except (OSError, EOFError, zlib.error) as exc:
        yield Failure(uri, "read", f"corrupt or unreadable file: {exc}")


def parse_line(line: bytes, where: str, settings: Settings) -> Page | Failure:
    if len(line) > settings.max_page_bytes:
        return Failure(where, "read", f"record larger than the {settings.max_page_bytes:,}-byte page limit")
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Failure(where, "read", f"not valid JSON: {exc}")
    if not isinstance(record, dict):
        return Failure(where, "read", "JSON line is not an object")
    html, text = record.get("html"), record.get("text")
    if not isinstance(html, str | type(None)) or not isinstance(text, str | type(None)):
        return Failure(where, "read", "'html' and 'text' must be strings")
    if not (html or "").strip() and not (text or "").strip():
        return Failure(where, "read", "record has neither 'html' nor 'text'")
    hints = {k: record[k] for k in HINT_FIELDS if isinstance(record.get(k), str) and record[k].strip()}
    url = record.get("url") if isinstance(record.get("url"), str) else None
    source = record.get("source") if isinstance(record.get("source"), str) else None
    fetched = _iso_time(record.get("fetched"))
    if html and html.strip():
        return Page(uri=where, raw=html.encode("utf-8", "replace"), kind="html", url=url, source=source,
                    fetched=fetched, hints=hints)
    return Page(uri=where, raw=text.encode("utf-8", "replace"), kind="text", url=url, source=source,
                fetched=fetched, hints=hints)


def _iso_time(value: object) -> str | None:
    """An ISO date or time as given, else nothing: a capture time that does not parse is not guessed at."""
    if not isinstance(value, str):
        return None
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.strip()
