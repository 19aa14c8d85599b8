"""decode(): web bytes to text in the order browsers trust the evidence, never raising on junk."""

from __future__ import annotations

import codecs

import pytest

from newsdesk.extract.encoding import decode, sniff_meta_charset

FRENCH = "Grève à l’Élysée : « ça coûte 5 € », dit-il — naïveté"
JAPANESE = "東京都で記者会見が開かれ、首相は新しい経済対策を発表した。"


def page(body: str, charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_utf8_without_any_declaration() -> None:
    assert FRENCH in decode(page(FRENCH).encode("utf-8"))


def test_cp1252_declared_in_meta() -> None:
    raw = page(FRENCH, "windows-1252").encode("cp1252")
    assert FRENCH in decode(raw)


def test_latin1_label_reads_as_cp1252_like_browsers() -> None:
    # The euro sign and curly quote only exist in cp1252; browsers read "iso-8859-1" as cp1252.
    raw = page(FRENCH, "iso-8859-1").encode("cp1252")
    assert FRENCH in decode(raw)


def test_plain_latin1_bytes_from_http_header() -> None:
    text = "Müller sagt: Größe zählt, Straße gesperrt"
    assert text in decode(page(text).encode("latin-1"), declared="ISO-8859-1")


def test_shift_jis_declared_and_undeclared() -> None:
    raw = page(JAPANESE, "shift_jis").encode("shift_jis")
    assert JAPANESE in decode(raw)
    assert JAPANESE in decode(raw, declared="Shift_JIS")
    # Without a declaration the detector has to recognise it.
    assert JAPANESE in decode((JAPANESE * 5).encode("shift_jis"))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_bom_wins_over_everything(codec: str) -> None:
    raw = page(FRENCH, "windows-1252").encode(codec)
    if codec == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    text = decode(raw, declared="iso-8859-1")
    assert FRENCH in text and not text.startswith("\ufeff")


def test_wrong_single_byte_declaration_on_utf8_bytes() -> None:
    raw = page(FRENCH, "iso-8859-1").encode("utf-8")
    assert FRENCH in decode(raw, declared="iso-8859-1")


def test_wrong_utf8_declaration_on_cp1252_bytes() -> None:
    raw = page(FRENCH, "utf-8").encode("cp1252")
    assert FRENCH in decode(raw, declared="utf-8")


def test_unknown_charset_label_falls_through() -> None:
    assert FRENCH in decode(page(FRENCH, "x-no-such-charset").encode("utf-8"), declared="bogus")


def test_junk_never_raises() -> None:
    junk = bytes(range(256)) * 50
    text = decode(junk)
    printable = bytes(range(0x20, 0x7F)).decode("ascii")
    assert text.count(printable) == 50 and "\x00" not in text  # the ASCII in it reads as itself; NULs go
    assert decode(b"") == ""
    assert decode(b"\xff\xfe\x00") == "\ufffd"  # a truncated UTF-16 BOM page: its dangling byte, replaced


def test_sniff_meta_charset_http_equiv() -> None:
    raw = b'<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">'
    assert sniff_meta_charset(raw) == "EUC-JP"
    assert sniff_meta_charset(b"<html><body>no declaration</body></html>") is None


def _mojibake(text: str, codec: str = "sloppy-windows-1252") -> str:
    """What a publisher's pipeline did: UTF-8 bytes read as a single-byte charset, saved again as UTF-8
    (Windows-1252 as such pipelines read it: the five bytes it leaves undefined pass through)."""
    import ftfy.bad_codecs  # noqa: F401 - registers the sloppy codecs

    return text.encode("utf-8").decode(codec)


@pytest.mark.parametrize("codec", ["sloppy-windows-1252", "latin-1"])
def test_mojibake_already_in_a_page_is_undone(codec: str) -> None:
    """The bytes are valid UTF-8 and say so; the damage happened before the page was served (a WCXB
    dev page titles itself "A DIY Investorâ\\x80\\x99s Guide"), so only repairing the text helps."""
    from newsdesk.extract.html import extract_html
    from newsdesk.records import Page

    title = "A DIY Investor’s Guide to Retirement Calculators"
    paragraph = ("Retirement calculators can’t see the future, but they show whether today’s savings rate keeps "
                 "pace with what you’ll spend — the café habit included. ") * 3
    html = (f'<html><head><meta charset="utf-8"><title>{_mojibake(title, codec)}</title></head><body><article>'
            f"<h1>{_mojibake(title, codec)}</h1><p>{_mojibake(paragraph, codec)}</p><p>{FRENCH} {paragraph}</p>"
            "</article></body></html>")
    article = extract_html(Page(uri="t", raw=html.encode("utf-8"), kind="html"))
    assert article.title == title
    assert paragraph.strip() in article.text and FRENCH in article.text  # clean text around it is left alone


def test_mojibake_in_plain_text_and_feed_entries_is_undone() -> None:
    from newsdesk.extract import feed_teaser
    from newsdesk.extract.text import extract_lines
    from newsdesk.records import Page

    line = "Strikes on Aleppo’s rebel-held east killed 19 civilians — including three children — on Thursday."
    article = extract_lines([_mojibake(line)] * 3, page_hash="h")
    assert article.blocks and all(block.text == line for block in article.blocks)
    entry = Page(uri="f", raw=b"", kind="feed", hints={"title": _mojibake("Élysée talks: “no deal”"), "summary": "ok"})
    assert feed_teaser(entry).headline == "Élysée talks: “no deal”"
    assert decode(FRENCH.encode("utf-8")) == FRENCH  # decoding itself never "repairs" clean text


def test_soft_hyphens_go_and_decomposed_letters_are_composed() -> None:
    """Held-out pages (trafilatura's own test pages): a German page kept 54 soft hyphens in its text
    ("Wäh\\u00adrend": search, dedup and facts saw two words) and another spelled "ü" as "u" plus a combining
    diaeresis, so "geprüft" typed by a reader matched nothing."""
    import unicodedata

    from newsdesk.extract.html import extract_html
    from newsdesk.extract.text import extract_lines
    from newsdesk.records import Page

    paragraph = ("Während Sie über den Markt schlendern, sollte bei Babyschalen geprüft werden, ob der Sitz passt. "
                 "Die Prüfer des Vereins testen jedes Jahr mehr als dreißig Modelle auf dem Markt. ") * 2
    served = unicodedata.normalize("NFD", paragraph.replace("Während", "Wäh\u00adrend").replace("Markt", "Mar\u00adkt"))
    html = (f'<html lang="de"><head><meta charset="utf-8"><title>Kindersitze im Test</title></head><body><article>'
            f"<h1>Kindersitze im Test</h1><p>{served}</p><p>{served}</p></article></body></html>")
    article = extract_html(Page(uri="t", raw=html.encode("utf-8"), kind="html"))
    assert paragraph.strip() in article.text and "\u00ad" not in article.text
    blocks = extract_lines([served] * 3, page_hash="h").blocks
    assert blocks and all(block.text == paragraph.strip() for block in blocks)
