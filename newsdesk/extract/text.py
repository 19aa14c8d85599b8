"""Extract the article from an already-scraped plain-text page (one block per line, no HTML).

The page is segmented line by line (``segmenter.segment``) and the labelled lines are gathered into
an ``Article``: body and subheads as blocks in reading order, agency, byline, the date line and its
ISO date, photo captions with their credits, and the page's teasers for other stories, kept apart so
that none of their text is glued into this article's body.
"""

from __future__ import annotations

from newsdesk.extract import line_forms
from newsdesk.extract.encoding import decode, repair_article
from newsdesk.extract.meta import clean_byline
from newsdesk.extract.reflow import reflow
from newsdesk.extract.segmenter import segment
from newsdesk.records import Article, Block, Caption, Page, Teaser


def _caption(text: str) -> Caption:
    """Split the trailing credit off a caption: "... in Aleppo. - AFP PHOTO" -> ("... in Aleppo.", "AFP PHOTO")."""
    credit = line_forms.caption_credit(text)
    if not credit:
        return Caption(text=text)
    described = text[: text.rfind(credit)].rstrip(" -–—|/(")
    return Caption(text=described or text, credit=credit)


_AS_ARTICLE = {"next_title": "title", "next_body": "body"}


def extract_lines(lines: list[str], page_hash: str, hints: dict | None = None) -> Article:
    """Build the Article of a page given as lines. A further article printed after it (an infinite-scroll
    page) is kept as a teaser of its own, its headline with its first paragraph, and none of its text
    is glued into this article."""
    hints = hints or {}
    raw_lines = lines
    lines = [" ".join(line.split()) for line in lines]
    labels = segment(lines)
    starts = [i for i, label in enumerate(labels) if label == "next_title"] + [len(lines)]
    article = _gather(raw_lines[: starts[0]], lines[: starts[0]], labels[: starts[0]], page_hash)
    for begin, end in zip(starts, starts[1:]):
        own = [_AS_ARTICLE.get(label, label) for label in labels[begin:end]]
        later = _gather(raw_lines[begin:end], lines[begin:end], own, page_hash)
        if later.title and later.paragraphs:
            article.teasers.append(Teaser(headline=later.title, standfirst=later.paragraphs[0],
                                          page_hash=page_hash, published=later.published))
        article.teasers += later.teasers
    if hints.get("title"):
        # the scraper's own record of the headline beats a guess at which line of its text is the headline
        article.title = " ".join(str(hints["title"]).split())
    if article.title is None:
        article.title_source = "none"
    article.published = article.published or hints.get("published") or line_forms.parse_date(article.dateline or "")
    return repair_article(article)


def _gather(raw_lines: list[str], lines: list[str], labels: list[str], page_hash: str) -> Article:
    """The Article that labelled lines make."""
    article = Article(page_hash=page_hash)
    pending_headline: str | None = None
    for i, (raw, text, label) in enumerate(zip(raw_lines, lines, labels)):
        # the story's first line may open on its dateline ("Pichilemu, Chile  A power outage ..."), whose
        # lost dash only the raw line's spacing still shows, or the dateline may stand alone just above it
        opening = None
        opened = any(block.kind == "p" for block in article.blocks)  # a headline read as a subhead may come first
        if not opened and (label in ("body", "subhead") or labels[i + 1: i + 2] == ["body"]):
            opening = line_forms.place_dateline(raw)
            if opening is not None and label not in ("body", "subhead") and opening[1]:
                opening = None  # furniture holds a dateline only when it is the whole line
        if opening is not None:
            # the place the story was filed from says more than a date line, whose date is kept as published
            if article.dateline is None or line_forms.date_line(article.dateline):
                article.dateline = opening[0]
            article.agency = article.agency or line_forms.dateline_agency(opening[0])
            text = " ".join(opening[1].split())
            if not text:
                continue
        if label == "body":
            article.blocks.append(Block("p", text))
        elif label == "subhead":
            article.blocks.append(Block("h", text.strip(" -–—")))
        elif label == "title" and article.title is None:
            article.title = text
        elif label == "agency" and article.agency is None:
            article.agency = line_forms.agency_line(text)
        elif label == "byline" and article.byline is None:
            name, day = line_forms.dated_byline(text) or (text, None)
            article.byline = clean_byline([name]) or name  # without its label, as a page's byline is: "Jane Smith"
            article.agency = article.agency or line_forms.agency_line(text)
            article.published = article.published or day
        elif label == "dateline" and article.dateline is None:
            article.dateline = text
            article.published = line_forms.date_line(text)
        elif label == "caption":
            article.captions.append(_caption(text))
        elif label == "teaser_headline":
            pending_headline = text
        elif label == "teaser_standfirst" and pending_headline is not None:
            article.teasers.append(Teaser(headline=pending_headline, standfirst=text, page_hash=page_hash))
            pending_headline = None
    if article.title is None and len(article.blocks) > 1 and article.blocks[0].kind == "h" and article.blocks[1].kind == "p":
        # a short first line over the story, taken for a subhead, is the page's headline: a text page that opens
        # "Fed holds rates steady, signals cuts later this year" came out untitled, the headline a subhead
        article.title = article.blocks.pop(0).text
    return article



# The longest of the 709 WCXB pages as text has 1,530 lines; a million-line file took 3.7 GB to segment.
MAX_LINES = 20_000


def extract_text(page: Page) -> Article:
    """The article of a ``text`` page; its url and source are carried over from the page, and its address's
    day dates it when nothing else does."""
    text = decode(page.raw)
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise ValueError(f"{len(lines):,} lines of text: more than the {MAX_LINES:,} of any news page")
    article = extract_lines(reflow(text), page.hash, page.hints)
    article.url = page.url
    article.site = page.source
    if not article.published and page.url:
        # as an HTML page's: a JSONL record of ".../politics/2012/nov/07/nadine-dorries-..." was stored undated
        from newsdesk.extract.page_dates import url_day  # the HTML readers' imports, paid only here

        article.published = url_day(page.url)
    return article
