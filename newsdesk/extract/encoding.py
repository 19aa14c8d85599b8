"""Bytes to text for web pages, in the order browsers trust the evidence.

A byte-order mark wins outright; then the charset the server declared (the HTTP header); then the
page's own ``<meta charset>`` or ``http-equiv`` declaration in its first few kilobytes; then
statistical detection by charset-normalizer. A declared charset is only believed when the bytes
actually decode with it, because servers and templates often lie. The classic lie, a single-byte
charset (``iso-8859-1``) declared for UTF-8 bytes, is caught by one exception: bytes that are valid,
non-ASCII UTF-8 are read as UTF-8 whatever single-byte charset is claimed, since legacy text is
almost never valid multi-byte UTF-8 by accident. Whatever happens, a string comes back: junk
decodes with replacement characters.

Decoding right is not always enough: some publishers' pages hold text that was already mis-decoded
before it reached them (UTF-8 read as Windows-1252 and saved again: "Investorâ€™s Guide"), in
valid UTF-8 bytes. ``repair_article`` undoes that with ftfy, the standard tool for it, and only
where ftfy's own test finds such sequences, so clean text is never touched.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes
from ftfy.badness import is_bad

from newsdesk.ingest.files import utf16_without_bom
from newsdesk.records import Article

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
    """Decode web bytes: BOM, declared (HTTP) charset, ``<meta>`` charset, then detection. NULs go:
    no text means one, and the HTML parser refuses a string that holds one."""
    return _decode(raw, declared).replace("\x00", "")


def _decode(raw: bytes, declared: str | None) -> str:
    if not raw:
        return ""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace")
    if codec := utf16_without_bom(raw):  # before UTF-8, which takes its NULs for valid characters
        return raw.decode(codec, errors="replace")
    as_utf8 = _strict(raw, "utf-8")
    for label in (declared, sniff_meta_charset(raw)):
        codec = _codec(label)
        if as_utf8 is not None and codec in _SINGLE_BYTE and not raw.isascii():
            return as_utf8
        text = as_utf8 if codec == "utf-8" and as_utf8 is not None else _strict(raw, codec)  # decoded already
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


# UTF-8 read as Latin-1 or Windows-1252 always shows a lead byte (Â-ô) followed by what was a
# continuation byte (0x80-0xBF as Latin-1, or its Windows-1252 letter): one quick search of the
# whole article finds pages worth ftfy's closer test (36 us a paragraph, 8% of extraction time).
_SUSPECT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                      "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def repaired(text: str | None) -> str | None:
    """``text`` with mojibake undone, or unchanged when it shows none."""
    return ftfy.fix_encoding(text) if text and _SUSPECT.search(text) and is_bad(text) else text


SOFT_HYPHEN = "\u00ad"


def tidied(text: str | None) -> str | None:
    """``text`` as one spelling: no soft hyphens (invisible break hints: a page held "Wäh\u00adrend" 54 times,
    and search, dedup and facts saw two words) and composed characters ("u" plus a combining diaeresis is
    "ü", as a reader types it and as other pages spell it)."""
    if not text:
        return text
    return unicodedata.normalize("NFC", text.replace(SOFT_HYPHEN, ""))


def repair_article(article: Article) -> Article:
    """Undo mojibake in everything a reader sees of the article and the teasers beside it, and give it one
    spelling (``tidied``). Both look at the whole text once first, so a clean page costs one search each."""
    seen = "\n".join(text for text in (
        article.title, article.byline, article.standfirst, article.dateline, *(b.text for b in article.blocks),
        *(c.text for c in article.captions), *(c.credit for c in article.captions),
        *(t.headline for t in article.teasers), *(t.standfirst for t in article.teasers)) if text)
    if _SUSPECT.search(seen):
        _each_text(article, repaired)
    if SOFT_HYPHEN in seen or not unicodedata.is_normalized("NFC", seen):
        _each_text(article, tidied)
    return article


def _each_text(article: Article, fix) -> None:
    article.title, article.byline = fix(article.title), fix(article.byline)
    article.standfirst, article.dateline = fix(article.standfirst), fix(article.dateline)
    for block in article.blocks:
        block.text = fix(block.text) or ""
    for caption in article.captions:
        caption.text, caption.credit = fix(caption.text) or "", fix(caption.credit)
    for teaser in article.teasers:
        teaser.headline, teaser.standfirst = fix(teaser.headline) or "", fix(teaser.standfirst) or ""
