"""Files on disk: walk directories, tell formats apart, read single pages safely.

Format detection trusts the file name when it is explicit (``.warc.gz``, ``.jsonl``, ``.rss``) and
otherwise sniffs the first kilobytes, because scraped collections are full of ``page.txt`` files holding
HTML and ``feed`` files without an extension.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from newsdesk.records import Failure, Page, shown
from newsdesk.settings import Settings

SKIP_NAMES = {".DS_Store", "Thumbs.db"}
# a collection's own papers (its README, its licence) are no news pages: a directory walk passes them over;
# named on the command line they are read like any file
PROJECT_FILES = {"readme", "license", "licence", "copying", "changelog", "notice", "authors", "contributing"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".rdf"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SNIFF_BYTES = 4096
GZIP_MAGIC = b"\x1f\x8b"
# a page gzipped twice (a scraper that gzips what the server sent gzipped) is common enough to unwrap; three
# layers is no scrape but a puzzle or a bomb, refused in one line
GZIP_LAYERS = 2


def walk(path: Path) -> Iterator[Path | Failure]:
    """The path itself, or everything but directories under a directory (recursive, sorted, hidden files
    skipped). A device, pipe or broken link is yielded too, for the reader to refuse in one line; a folder
    that cannot be listed is a failure in place of its files (``rglob`` passed over it in silence, and a
    file it could not look at raised out of the walk and stopped the batch)."""
    if not path.is_dir():
        yield path
        return
    unlisted: list[OSError] = []
    found: list[Path] = []
    for folder, folders, names in os.walk(path, onerror=unlisted.append):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(folder, name) for name in names if not name.startswith("."))
    for error in unlisted:
        yield Failure(str(error.filename or path), "read", f"cannot list folder: {error.strerror or error}")
    for child in sorted(found):
        if child.name not in SKIP_NAMES and not is_project_file(child) and not is_database_file(child):
            yield child


SQLITE_HEADER = b"SQLite format 3\x00"


def is_database_file(path: Path) -> bool:
    """A SQLite store (a desk's own, kept beside its pages: `ingest ./`) or its -wal, -shm or -journal file.
    A walk had read them as pages and failed on them as binary data."""
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            if path.name.endswith(suffix) and path.with_name(path.name[: -len(suffix)]).is_file():
                return True
        if not path.is_file():  # a pipe would block the read
            return False
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def is_project_file(path: Path) -> bool:
    """README, LICENSE.md, CHANGELOG.txt ...; never a page named by its slug ("authors-sue-openai.html")."""
    stem, _, suffix = path.name.partition(".")
    return stem.lower() in PROJECT_FILES and suffix.lower() in PROJECT_SUFFIXES


PROJECT_SUFFIXES = {"", "md", "txt", "rst", "markdown"}


def _suffixes(path: Path) -> list[str]:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes


def detect_kind(path: Path) -> str:
    """One of ``warc``, ``jsonl``, ``feed``, ``html``, ``text``."""
    suffixes = _suffixes(path)
    last = suffixes[-1] if suffixes else ""
    if ".warc" in suffixes or ".arc" in suffixes:
        return "warc"
    if last in JSONL_SUFFIXES:
        return "jsonl"
    if last in HTML_SUFFIXES:
        return "html"
    if last in FEED_SUFFIXES:
        return "feed"
    return sniff(head(path))


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """The file as a stream, gunzipped when gzipped (by its first bytes, not its name), up to
    ``GZIP_LAYERS`` deep. Streamed, so a reader that reads a bounded amount holds a bounded amount, however
    far a gzip bomb expands."""
    with ExitStack() as stack:
        stream: BinaryIO = stack.enter_context(path.open("rb"))
        for _ in range(GZIP_LAYERS):
            if stream.peek(2)[:2] != GZIP_MAGIC:
                break
            stream = stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))
        yield stream


def head(path: Path) -> bytes:
    """The first kilobytes to sniff, gunzipped; a corrupt gzip gives its raw start (it is refused in one
    line when read). A file that cannot be opened or read raises ``OSError``."""
    try:
        with open_input(path) as fh:
            return fh.read(SNIFF_BYTES)
    except (gzip.BadGzipFile, EOFError, zlib.error):
        with path.open("rb") as fh:
            return fh.read(SNIFF_BYTES)


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def wide_codec(start: bytes) -> str | None:
    """The codec of UTF-16 or UTF-32 text, by its byte-order mark (or UTF-16's NULs without one), else None."""
    for bom, codec in _WIDE_BOMS:
        if start.startswith(bom):
            return codec
    return utf16_without_bom(start)


def narrowed(start: bytes) -> bytes:
    """The start of a file as UTF-8 when it is UTF-16 or UTF-32, else as it is: in wide text every other byte
    is a NUL, so "<html" was never found and UTF-16 HTML named ``.txt`` was stored as an article of raw
    markup. A character cut at the end is dropped; a byte-order mark becomes UTF-8's, which sniffing skips."""
    codec = wide_codec(start)
    return start.decode(codec, "ignore").encode() if codec else start


def sniff(start: bytes) -> str:
    text = narrowed(start).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"warc/"):
        return "warc"
    if text.startswith(b"{") and b"jsonfeed.org/version" in text:
        return "feed"  # a JSON Feed, one document, not lines of records
    if text.startswith(b"{") and b"\n{" in text or text.startswith(b'{"'):
        return "jsonl"
    if text.startswith(b"<?xml") or text.startswith(b"<rss") or text.startswith(b"<feed"):
        if b"<rss" in text or b"<feed" in text or b"<rdf:rdf" in text:
            return "feed"
        return "html" if b"<html" in text else "feed"
    if b"<html" in text or b"<!doctype html" in text or b"<body" in text or b"<head" in text:
        return "html"
    return "text"


def read_bytes(path: Path, limit: int) -> bytes:
    """File contents, gunzipped when gzipped (twice at most); refuses anything over ``limit`` bytes (after
    decompression), and a gzip still inside the second layer, which had been called "binary data"."""
    with open_input(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than the {limit:,}-byte page limit (setting max_page_bytes)")
    if data[:2] == GZIP_MAGIC:
        raise ValueError(f"gzip inside gzip more than {GZIP_LAYERS} layers deep, not unwrapped further")
    return data


# a start tag, an end tag, a comment or a doctype: text that holds none is no HTML, whatever its name says
_MARKUP = re.compile(rb"<(?:[a-z][a-z0-9:-]*(?:\s[^<>]*)?/?>|/[a-z][a-z0-9:-]*\s*>|!--|!doctype)", re.I)


def has_markup(data: bytes) -> bool:
    return bool(_MARKUP.search(narrowed(data)))


def looks_binary(data: bytes) -> bool:
    """True for images, executables and other junk that no text decoder should be asked to read. A stray
    NUL or two (a scraper's slip) does not make a page binary; decoding drops them."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(sample):
        return False  # UTF-16: legitimately full of NULs
    if sample.count(0) > max(2, len(sample) // 1000):
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.05


def utf16_without_bom(data: bytes) -> str | None:
    """The codec of UTF-16 text that lacks a byte-order mark (Windows tools write it): markup and Latin
    text leave a NUL in every other byte, on the odd bytes for little-endian, the even ones for big."""
    sample = data[:4096]
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.4 * len(zeros) and other.count(0) < 0.05 * len(other):
            return codec
    return None


def read_page(path: Path, kind: str, settings: Settings) -> Page | Failure:
    uri = shown(path)
    try:
        data = read_bytes(path, settings.max_page_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        return Failure(uri, "read", f"corrupt or unreadable file: {exc}")
    except ValueError as exc:
        return Failure(uri, "read", str(exc))
    if not data.strip():
        return Failure(uri, "read", "empty file")
    if looks_binary(data):
        return Failure(uri, "read", "binary data, not a web page or text")
    if kind == "html" and not has_markup(data):
        kind = "text"  # plain text saved as .html: read as HTML it had failed "no article text found"
    return Page(uri=uri, raw=data, kind=kind)
