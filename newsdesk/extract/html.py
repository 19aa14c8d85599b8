"""HTML page → Article: body blocks from trafilatura's extractor, metadata from our own reader.

trafilatura is the strongest open extractor on modern pages, so the body starts from its core in
recall mode (comments off), parsed once and shared with the metadata reader. On top of it:
* blocks keep trafilatura's structure: ``<head>`` becomes a subhead, paragraphs, list items, quotes
  and table rows become paragraphs, in reading order;
* the headline, when trafilatura repeats it as the first block, moves out of the body;
* page furniture trafilatura lets through (share prompts, "advertisement", newsletter and cookie
  prompts, "related" labels) is dropped by rules on whole blocks only, so a sentence of the story
  is never cut in half.
"""

from __future__ import annotations

import re

import py3langid
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from newsdesk.extract import line_forms
from newsdesk.extract.encoding import decode, repair_article
from newsdesk.extract import as_text, english_words
from newsdesk.extract.meta import byline_from_markup, extract_meta, fold
from newsdesk.records import Article, Block, Caption, Page

_NO_TEXT = {"graphic", "lb"}
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline|attribution", re.I)
_INLINE_CREDIT = re.compile(
    r"\s*[\(\[]?\s*(?:(?:photo(?:graph)?|image|picture|illustration|video)s?\s*(?:credit)?\s*(?::|by)|credit\s*:|©|\(c\))\s*([^()\[\]]{2,80})[\)\]]?\s*$",
    re.I,
)
_SLASH_CREDIT = re.compile(r"\s+/\s+((?:[A-Z][\w.'’-]*\s?){1,5})$")  # "Caption text / Jane Doe"
_RELATED_ELSEWHERE = (r"(?:ähnliche (?:beiträge|artikel)|weiterführender? links?|mehr zum thema|das könnte sie auch "
                      r"interessieren|(?:à )?lire aussi|voir aussi|sur le même sujet|lee también|leer más|"
                      r"artículos relacionados|leggi anche|you may also like|more on this story)")
# such a label run into the end of the story's last paragraph, the markup having put no break before it
_TRAILING_RELATED = re.compile(rf"(?<=[.!?\"”])\s+(?:related(?: articles| stories| posts)|{_RELATED_ELSEWHERE}):?$", re.I)
_BOILERPLATE = re.compile(
    r"^(?:advertisement|advertising|sponsored|skip to (?:main )?content|share (?:this|on)\b.*|"
    r"(?:click|tap) (?:here )?to (?:share|print|email).*|sign up for .{0,60}newsletter.*|"
    r"subscribe (?:to|now).{0,80}|read more:?|related(?: articles| stories| posts| subjects| links)?:?|"
    # the same labels in the languages the desk meets most (held-out German pages ended on them)
    rf"{_RELATED_ELSEWHERE}:?|"
    r"(?:all rights reserved|©|copyright ©?).{0,120}|continue reading.{0,40}|"
    r"we may earn (?:a )?commission.{0,200}|this (?:article|post|page) (?:may )?contains? affiliate links.{0,200}|"
    # WordPress's feed footer, which full-text feed entries carry as their last paragraph
    r"the post .{1,300} (?:appeared first|first appeared) on .{1,120})$",
    re.I,
)
MIN_LANGID_CHARS = 40
CHECKED_LANGID_CHARS = 400
MIN_BODY_CHARS = 20  # below this the "body" is a menu label or a stray link, not an article
# Elements that separate words: trafilatura's block tags, and their HTML cousins inside captions.
_SPACED = {"lb", "item", "p", "head", "cell", "row", "list", "quote", "graphic", "br", "div", "li", "td", "span"}


def _element_text(node: etree._Element) -> str:
    """Text of an element; line breaks and nested blocks separate words rather than glue them."""
    parts: list[str] = []
    for event, element in etree.iterwalk(node, events=("start", "end")):  # no recursion: pages nest deep
        if element.tag in _SPACED:
            parts.append(" ")
        if event == "start":
            if isinstance(element.tag, str):  # not a comment or processing instruction
                parts.append(element.text or "")
        elif element is not node:
            parts.append(element.tail or "")
    return " ".join("".join(parts).split())


def _blocks(body: etree._Element) -> list[Block]:
    """trafilatura's output tree as reading-order blocks, subheads kept apart from paragraphs."""
    blocks: list[Block] = []
    # Loose text between elements (an element's tail) is a paragraph of its own in trafilatura's tree.
    if text := " ".join((body.text or "").split()):
        blocks.append(Block("p", text))
    for node in body:
        tag = node.tag
        if tag == "head":
            text = _element_text(node)
            if text:
                blocks.append(Block("h", text))
        elif tag == "list":
            for item in node.iterchildren("item"):  # nested lists stay inside their item
                if text := _element_text(item):
                    blocks.append(Block("p", text))
        elif tag == "table":
            for row in node.iterchildren("row"):
                cells = [_element_text(c) for c in row.iterchildren("cell")]
                if text := " | ".join(c for c in cells if c):
                    blocks.append(Block("p", text))
        elif tag not in _NO_TEXT:
            if text := _element_text(node):
                blocks.append(Block("p", text))
        if tail := " ".join((node.tail or "").split()):
            blocks.append(Block("p", tail))
    return blocks


def _prune(blocks: list[Block], title: str | None) -> list[Block]:
    """Drop the repeated headline and whole blocks that are page furniture, not story."""
    folded_title = fold(title) if title else None
    kept = []
    for i, block in enumerate(blocks):
        # The headline, alone or with a date or section tacked on ("Headline / Dec 2025").
        if i < 3 and folded_title and (folded := fold(block.text)).startswith(folded_title) \
                and len(folded) < len(folded_title) + 30:
            continue
        if len(block.text) < 300 and _BOILERPLATE.match(block.text):
            continue
        if i == len(blocks) - 1 and (label := _TRAILING_RELATED.search(block.text)):
            block = Block(block.kind, block.text[:label.start()])
        # a date, byline or reading-time line under the headline is about the story, not of it (it had
        # become the standfirst of untitled pages: "October 6, 2016")
        if len(kept) < 2 and line_forms.meta_line(block.text):
            continue
        kept.append(block)
    return kept


def _captions(tree: HtmlElement) -> list[Caption]:
    """Figure captions with their credit split off where the markup or a "Photo:" tag separates it."""
    captions: list[Caption] = []
    seen: set[str] = set()
    for node in tree.iter("figcaption"):
        credit_nodes = [n for n in node.iter() if n is not node and _CREDIT_CLASS.search(n.get("class") or "")]
        credit = " ".join(_element_text(n) for n in credit_nodes) or None
        text = _element_text(node)
        if credit and text.endswith(credit):
            text = text[: -len(credit)].strip()
        elif not credit and (match := _INLINE_CREDIT.search(text) or _SLASH_CREDIT.search(text)):
            credit, text = match.group(1).strip(), text[: match.start()].strip()
        if text and fold(text) not in seen:
            seen.add(fold(text))
            captions.append(Caption(text=text, credit=credit))
    return captions


def _language(declared: str | None, text: str) -> str | None:
    """The text's language. A page's declared one is a template's default as often as not (a French page
    marked ``lang="en"`` had its facts read by the English models), so over ``CHECKED_LANGID_CHARS`` of text
    the text's own language wins; on less, a guess is less sure than the declaration (~0.5 ms a page)."""
    declared = declared if declared and re.fullmatch(r"[a-z]{2,3}", declared) else None
    if len(text) < (CHECKED_LANGID_CHARS if declared else MIN_LANGID_CHARS):
        return declared
    if declared == "en" and english_words(text[:1000]):
        return declared  # most pages: English marked English, told by its commonest words for a tenth of the cost
    lang, _ = py3langid.classify(text[:1000] if declared else text[:5000])
    return lang


# A tag of more than this many characters is cut to it: libxml2 checks each attribute against the tag's
# others, so one crafted element with 100,000 attributes took 15 s to parse (a real tag is under 2 kB)
# inside C code, where no time limit can interrupt it.
_HUGE_TAG = re.compile(r"<([a-zA-Z][\w:-]*)\s[^<>]{20000,}>")
_TAG_KEEP = 2000


def _cut_huge_tags(text: str) -> str:
    # the match holds no ">" before its end: a page whose pieces between ">"s are all shorter has none, and
    # splitting on ">" is cheaper than running the pattern over the page
    if len(text) < 20000 or max(map(len, text.split(">"))) < 20002:
        return text
    return _HUGE_TAG.sub(lambda m: m.group(0)[:_TAG_KEEP].rsplit(" ", 1)[0] + ">", text)


# A document names its parts; a feed entry's content (``content:encoded``) or a record's HTML is a fragment of one
_DOCUMENT = re.compile(r"<(?:html|head|body|title)\b", re.I)
_PARAGRAPH_BREAK = re.compile(r"(?:<br\s*/?>\s*){2,}", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # binary junk, which no wrapping makes a page


def as_document(text: str) -> str:
    """A fragment as the article page it came from. Bare, trafilatura took a one-paragraph fragment for no
    article at all, and of "P1<br><br>P2<br><br>P3" lost P1; inside an ``<article>``, with its blank-line
    breaks as the paragraph breaks they stand for, it reads as a page does. A whole page is left as it is."""
    if not text.strip() or _DOCUMENT.search(text) or _CONTROL.search(text, 0, 4096):
        return text
    return f"<html><body><article><p>{_PARAGRAPH_BREAK.sub('</p><p>', text)}</p></article></body></html>"


def parse(page: Page) -> HtmlElement:
    """The page's DOM, or ValueError when the bytes hold no parsable HTML."""
    text = as_document(_cut_huge_tags(decode(page.raw, page.hints.get("charset") if page.hints else None)))
    tree = load_html(text) if text.strip() else None
    if tree is None:
        raise ValueError("no article text found")
    return tree


def extract_html(page: Page) -> Article:
    """Read the article of one HTML page: body blocks, headline, byline, date, site, captions."""
    tree = parse(page)
    meta = extract_meta(tree, page.url)
    captions = _captions(tree)
    try:
        document = bare_extraction(
            tree, url=page.url, favor_recall=True, include_comments=False, include_formatting=True,
            output_format="xml",  # keeps the tree and skips rendering it as text, which we do not use
        )
    except (ValueError, TypeError, etree.LxmlError):
        document = None
    hints = page.hints or {}
    title, title_source = meta.title, "publisher"
    if not title and hints.get("title"):
        title = as_text(str(hints["title"]))  # a feed's title is HTML: "Mayor&#8217;s <b>water</b> plan"
    if not title:
        title_source = "none"
    blocks = _prune(_blocks(document.body), title) if document is not None else []
    if sum(len(b.text) for b in blocks) < MIN_BODY_CHARS:
        raise ValueError("no article text found")
    body_text = " ".join(b.text for b in blocks)
    # a wire story's first paragraph opens on its dateline ("LONDON (Reuters) - ..."): the place and agency are
    # read from it, and the body keeps it as the page printed it
    opening = next((line_forms.place_dateline(b.text) for b in blocks if b.kind == "p"), None)
    dateline = opening[0] if opening and opening[1] else None
    return repair_article(Article(
        page_hash=page.hash,
        blocks=blocks,
        title=title,
        title_source=title_source,
        byline=meta.byline or byline_from_markup(tree),  # last: it prunes the tree
        dateline=dateline,
        agency=line_forms.dateline_agency(dateline) if dateline else None,
        published=meta.published or hints.get("published"),
        language=_language(meta.language, body_text),
        site=meta.site or page.source,
        url=page.url,
        canonical_url=meta.canonical_url,
        captions=captions,
    ))
