"""Bytes to text for web pages, in the order browsers trust the evidence.

A byte-order mark wins outright; then the charset the server declared (the HTTP header); then the
page's own ``<meta charset>`` or ``http-equiv`` declaration in its first few kilobytes; then
statistical detection by charset-normalizer. A declared charset is only believed when the bytes
actually decode with it, because servers and templates often lie. The classic lie, a single-byte
charset (``iso-8859-1``) declared for UTF-8 bytes, is caught by one exception: bytes that are valid,
non-ASCII UTF-8 are read as UTF-8 whatever single-byte charset is claimed, since legacy text is
almost never valid multi-byte UTF-8 by accident. Whatever happens, a string comes back: junk
decodes with replacement characters.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)
_SNIFF_BYTES = 4096
# WHATWG: these labels mean windows-1252 in practice, which is a superset that decodes 0x80-0x9F.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
            "us-ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis", "gb2312": "gb18030",
            "gbk": "gb18030"}

_SINGLE_BYTE = {"cp1252", "iso8859-15", "cp1250", "cp1251", "iso8859-2", "koi8-r", "mac-roman"}


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown or unusable."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page declared as UTF-16 without a BOM is almost always really ASCII-compatible (the
    # declaration was copied from a template); decoding it as UTF-16 turns it into CJK junk.
    return None if name.startswith(("utf-16", "utf-32")) else name


def _strict(raw: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def sniff_meta_charset(raw: bytes) -> str | None:
    """The charset a page declares about itself in ``<meta>``, if any."""
    match = _META_CHARSET.search(raw[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "ignore") if match else None


def decode(raw: bytes, declared: str | None = None) -> str:
    """Decode web bytes: BOM, declared (HTTP) charset, ``<meta>`` charset, then detection."""
    if not raw:
        return ""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace")
    as_utf8 = _strict(raw, "utf-8")
    for label in (declared, sniff_meta_charset(raw)):
        codec = _codec(label)
        if as_utf8 is not None and codec in _SINGLE_BYTE and not raw.isascii():
            return as_utf8
        text = _strict(raw, codec)
        if text is not None:
            return text
    if as_utf8 is not None:
        return as_utf8
    return raw.decode(_detect(raw[:65536]) or "cp1252", errors="replace")


def _detect(sample: bytes) -> str | None:
    """charset-normalizer's pick, except that windows-1252 wins a tie: short Western text often
    reads equally well as cp1250 or cp1257, and cp1252 is by far the most common of them on the web."""
    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence]
    if any(_codec(m.encoding) == "cp1252" for m in tied):
        return "cp1252"
    return _codec(best.encoding)
