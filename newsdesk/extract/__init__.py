"""Extract: from a raw ``Page`` to an ``Article`` and the ``Teaser`` items found beside it.

The page kind picks the extractor: HTML goes to ``html.py`` (trafilatura plus our own repairs), already
scraped plain text to ``text.py`` (a trained line segmenter), and headline-only feed entries become
teasers directly. What every extractor leaves open (language, site name from the address, feed hints as
fallbacks) is filled in here, once, so the extractors stay about reading pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsdesk.records import Article, Page, Teaser

if TYPE_CHECKING:
    from lxml.html import HtmlElement


@dataclass
class Extraction:
    article: Article | None
    teasers: list[Teaser] = field(default_factory=list)


# the hints a reader gives as text: a page made by hand with another type there ({"title": 123}) had raised
# TypeError from deep inside an extractor
TEXT_HINTS = ("title", "summary", "published", "author", "site")


def extract(page: Page) -> Extraction:
    """Raises ``ValueError`` with a one-line reason when the page holds nothing to keep (or nothing that
    can be read: binary data, a hint that is no text)."""
    for name in TEXT_HINTS:
        if page.hints.get(name) is not None and not isinstance(page.hints[name], str):
            raise ValueError(f"the {name!r} hint is {type(page.hints[name]).__name__}, not text")
    if page.kind == "feed":
        return Extraction(None, [feed_teaser(page)])
    if page.kind in ("html", "text"):
        from newsdesk.ingest.files import looks_binary

        if looks_binary(page.raw):  # decoded anyway, it had been stored as an article of mojibake
            raise ValueError("binary data, not a web page or text")
    if page.kind == "html":
        from newsdesk.extract.html import extract_html

        try:
            article = extract_html(page)
        except ValueError:
            if not page.hints.get("entry_link"):
                raise
            return Extraction(None, [entry_teaser(page)])
    elif page.kind == "text":
        from newsdesk.extract.text import extract_text

        article = extract_text(page)
    else:
        raise ValueError(f"unknown page kind {page.kind!r}")
    finish(article, page)
    if not article.blocks:
        if page.hints.get("entry_link"):
            return Extraction(None, [*article.teasers, entry_teaser(page)])
        if article.teasers:
            return Extraction(None, article.teasers)
        if page.kind == "text" and page.hints.get("title"):
            # a record whose text is its headline and maybe a line more: a headline item, as a feed entry
            # without content is (dropping it lost some topics' headlines more than others')
            return Extraction(None, [feed_teaser(_with_summary(page))])
        raise ValueError("no article text found")
    return Extraction(article, article.teasers)


def _with_summary(page: Page) -> Page:
    """The text page with its lines other than the headline as the summary a feed item would carry."""
    from dataclasses import replace

    from newsdesk.extract.encoding import decode

    title = " ".join(page.hints["title"].split())
    rest = [" ".join(line.split()) for line in decode(page.raw).splitlines()]
    summary = " ".join(line for line in rest if line and line != title)
    return replace(page, hints={**page.hints, "summary": summary} if summary else page.hints)


def entry_teaser(page: Page) -> Teaser:
    """The teaser of the feed entry whose linked page was fetched (its link in the ``entry_link`` hint), for
    when that page holds no article: a consent wall, a video, a paywall, Google News' script-only page. The
    entry's link was marked handled, so failing the page had lost its headline for good."""
    from dataclasses import replace

    return feed_teaser(replace(page, url=page.hints["entry_link"]))


MAX_HEADLINE_CHARS = 120


def feed_teaser(page: Page) -> Teaser:
    from newsdesk.extract.encoding import repaired
    from newsdesk.extract.meta import fold

    hints = page.hints
    summary = repaired(without_feed_footer(as_text(hints.get("summary") or ""))) or ""
    headline = without_wire_slugs(repaired(as_text(hints.get("title") or "")) or cut_at_word(summary)) or ""
    if not headline:  # the feed reader refuses such an entry; a page made by hand is refused here
        raise ValueError("no headline")
    # a summary that only repeats the headline says nothing more
    standfirst = summary if fold(summary) != fold(headline) else ""
    return Teaser(
        headline=headline,
        standfirst=standfirst,
        url=without_credentials(page.url),
        page_hash=page.hash,
        published=not_ahead(hints.get("published")),
        language=language_code(hints.get("language")) or sure_language(f"{headline}. {standfirst}"),
    )


def language_code(value: object) -> str | None:
    """"en-US", "fr_FR", "de" -> "en", "fr", "de"; anything else -> None."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def sure_language(text: str) -> str | None:
    """The language of a short text (a headline and its standfirst) when the guess is sure of it, else None."""
    if len(text.split()) < 3 and not non_latin(text):
        return None
    code, probability = _normalised_identifier().classify(text[:1000])
    return code if probability >= SURE_LANGUAGE else None


# Elements a browser shows apart from the text around them: "<h1>Storm batters coast<br>Thousands without
# power</h1>" reads as two phrases, not "coastThousands". Inline ones ("Hyper<span>link</span>ed") join.
_BREAKING = frozenset(("br", "div", "p", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                       "section", "article", "header", "footer", "aside", "nav", "figure", "figcaption", "blockquote",
                       "table", "tr", "td", "th", "hr", "address", "time"))


def shown_text(node: HtmlElement) -> str:
    """What a reader sees of the element: the code of a ``<script>`` or ``<style>`` inside it is not
    shown ("<h1><script>...</script> Storm batters coast</h1>" is titled "Storm batters coast"), and block
    elements and line breaks part words. Walked with a stack, as junk pages nest deeper than recursion goes."""
    parts: list[str] = []
    stack: list[tuple[HtmlElement, bool]] = [(node, False)]
    while stack:
        element, closing = stack.pop()
        breaking = element.tag in _BREAKING
        if closing:
            parts.append(" " if breaking else "")
            if element is not node and element.tail:
                parts.append(element.tail)
            continue
        stack.append((element, True))
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue  # a comment's or a script's text is not shown; its tail is
        parts.append((" " if breaking else "") + (element.text or ""))
        stack.extend((child, False) for child in reversed(element))
    return " ".join("".join(parts).split())


def as_text(markup: str) -> str:
    """A feed's summary is HTML ("<p>Five people died when <b>floods</b> hit ...</p>"); a teaser is text, its
    paragraphs parted as a reader sees them ("... a week.</p><p>Officials said" had read "a week.Officials")."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    import lxml.html

    try:
        return shown_text(lxml.html.fromstring(f"<div>{markup}</div>"))
    except (ValueError, lxml.etree.ParserError):
        return markup.strip()


# What a feed's software appends to every excerpt: a link to the rest, not words of the story. The greedy
# start finds the last footer, and the capitals a footer is written with keep "you can read more" and "The
# post office ..." of the story.
_FEED_FOOTERS = re.compile(
    r"^(.*)\s(?:\[(?:…|\.\.\.)\]|(?:Continue reading|Read more|Read the full (?:story|article))\W*"
    r"|The post .{1,300}? (?:appeared first|first appeared) on .{1,120}?)\s*$", re.S)


def without_feed_footer(text: str) -> str:
    """An excerpt without its feed's footers: "[…]", "Continue reading...", "Read more", "The post X appeared
    first on Y." (one after another, as a WordPress excerpt carries "[…]" and then its "The post" line)."""
    while match := _FEED_FOOTERS.match(f" {text}"):
        text = match.group(1).strip()
    return text


def cut_at_word(text: str, limit: int = MAX_HEADLINE_CHARS) -> str:
    """A headline made of an untitled entry's summary: its first ``limit`` characters ending on a whole word."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0]
    return cut if cut != text[:limit + 1] else text[:limit]


def not_ahead(published: str | None) -> str | None:
    """A date more than a day ahead of the clock is an event's date or a typo: nothing is published then."""
    if published and published[:10] > (date.today() + timedelta(days=1)).isoformat():
        return None
    return published


# A wire's processing marks, which say which version of the copy this is, not what happened: "REFILE-UPDATE
# 8-North Korea's new leader ...", "UPDATE: Dead whale ...", "... Amid Disease (Update1)", "... Blackout [UPDATE]",
# and a wiki's footnote mark ("... is female[1]"). Labels of a kind of piece ("FACTBOX-", "ANALYSIS-") stay.
_WIRE_SLUGS = re.compile(r"^(?:(?:REFILE|UPDATE|UPDATED|CORRECTED|CORRECTION|RPT|REPEAT|WRAPUP)(?:\s*\d+)?\s*[-:]\s*)+")
_UPDATE_NOTE = re.compile(r"\s*(?:\((?:Update|UPDATE)\s*\d*\)|\[(?:UPDATE|UPDATED|Update|Updated)\s*\d*\])$")
_FOOTNOTE = re.compile(r"(?<=[^\W\d])\[\d{1,2}\]$")


def without_wire_slugs(title: str | None) -> str | None:
    """A headline without the wire's version marks (kept when too little would be left)."""
    if not title:
        return title
    bare = _FOOTNOTE.sub("", _UPDATE_NOTE.sub("", _WIRE_SLUGS.sub("", title))).strip()
    return bare if len(bare.split()) >= 2 else title


def finish(article: Article, page: Page) -> None:
    """Fill what the page-kind extractors leave open, using feed/JSONL hints only as fallbacks."""
    hints = page.hints
    # a saved page (a file, a JSONL record without "url") knows its address only from its canonical link
    article.url = without_credentials(article.url or page.url or article.canonical_url)
    article.canonical_url = without_credentials(article.canonical_url)
    if not article.title and hints.get("title"):
        from newsdesk.extract.encoding import repaired

        # a feed's title is HTML, cleaned as its teaser's headline is
        article.title, article.title_source = repaired(as_text(hints["title"])), "publisher"
    article.title = without_wire_slugs(article.title)
    if not article.title:
        article.title_source = "none"
    article.published = not_ahead(published_of(article.published, hints.get("published")))
    article.byline = article.byline or hints.get("author")
    article.site = hints.get("site") or article.site or page.source or site_of(article.canonical_url or article.url)
    if not article.language and article.blocks:
        article.language = text_language(article.text)
    for teaser in article.teasers:
        teaser.headline = without_wire_slugs(teaser.headline) or teaser.headline
        teaser.page_hash = teaser.page_hash or page.hash
        # a rail of teasers is in its page's language; where the page's article is too short to tell, a sure
        # guess from the teaser itself
        teaser.language = teaser.language or (article.language if len(article.text) >= 200 else None) \
            or sure_language(f"{teaser.headline}. {teaser.standfirst}")


def published_of(extracted: str | None, given: str | None) -> str | None:
    """The page's own date, or the one its feed or record gave. A bare day read from the page (its address:
    ".../2025/04/01/...") is less than a feed's exact time of that day, which wins then; a local day and a UTC
    time may be a day apart. A bare day more than a year from the feed's date is no date of this piece (an
    address's number read as a day) and never replaces it."""
    if not (extracted and given) or len(extracted) != 10 or len(given) < 10:
        return extracted or given
    try:
        apart = abs((date.fromisoformat(extracted) - date.fromisoformat(given[:10])).days)
    except ValueError:
        return extracted
    return given if apart <= 1 or apart > 366 else extracted


def without_credentials(url: str | None) -> str | None:
    """An address without the user name, password and secret query values a private source's address carries
    (its entries' relative links are read against it: "/news/1" on https://user:pass@host/feed.xml; a page
    followed as ``...?api_key=...``), as the desk's sources page shows it: an article's address is shown on the
    public desk and in its exports."""
    if not url or ("@" not in url and "?" not in url):
        return url
    from newsdesk.ingest.sources import without_secrets  # the desk's one rule for what an address may show

    return without_secrets(url)


def site_of(url: str | None) -> str | None:
    if not url:
        return None
    return outlet_host(urlsplit(url).hostname or "") or None


_EDITION_LABELS = {"www", "m", "mobile", "amp", "edition"}


def outlet_host(host: str) -> str:
    """A host as the outlet it belongs to: an edition's, a language's or a phone's subdomain is the same outlet
    ("uk.reuters.com", "in.reuters.com" and "m.reuters.com" are reuters.com: a QA pass counted one wire story
    from one outlet as two sources). A two-label name stays whole ("ap.org")."""
    labels = host.lower().rstrip(".").split(".")
    while len(labels) > 2 and (labels[0] in _EDITION_LABELS or (len(labels[0]) == 2 and labels[0].isalpha())):
        labels = labels[1:]
    return ".".join(labels)


_ENGLISH = frozenset("the of and to in a is that for on was with as by at from it his are be has have said".split())


def english_words(text: str) -> bool:
    """Whether a fifth of the words are English's commonest (English prose: about 40%; French or German: 1-3%)."""
    words = text.lower().split()
    return bool(words) and sum(word in _ENGLISH for word in words) >= len(words) / 5


def text_language(text: str) -> str | None:
    """The language of an article's text. Under ``TRUSTED_LANGUAGE_WORDS`` words (a headline and a line, as
    aggregator records are) the model guesses wildly: of 5,000 English UCI headlines it called 10% another
    language, mostly Nigerian Pidgin ("pcm"), so a --language en search lost them. There English's commonest
    words say English, and Pidgin is read as the English it is based on: 3.7% are still called another
    language ("China widens yuan trading band": Luxembourgish), while French, German, Spanish or Chinese
    headlines keep their language."""
    if len(text.split()) >= TRUSTED_LANGUAGE_WORDS:
        return detect_language(text)
    if english_words(text) and (_ENGLISH & set(text.lower().split())) - _OTHER_LANGUAGES_TOO:
        return "en"
    code = detect_language(text)
    return "en" if code == "pcm" else code


# Common English words that other languages write too ("Dit is het nieuws in Nederland", "On a gagné"): a
# short text holding none but these is not told English by them.
_OTHER_LANGUAGES_TOO = frozenset("a in on is it be as was to".split())


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from py3langid (a small model shipped inside the package; no download)."""
    import py3langid

    sample = text[:4000]
    if len(sample.split()) < 3 and not non_latin(sample):  # unspaced scripts (Chinese, Japanese) write no spaces
        return None
    code, _score = py3langid.classify(sample)
    return code


TRUSTED_LANGUAGE_WORDS = 25
SURE_LANGUAGE = 0.9


def in_english(article: Article) -> bool:
    """Whether the English models may read the article. A language guessed from a few words is often
    wrong ("Obama meets Merkel in Berlin" reads as Afrikaans), so a short text counts as another language
    only when it is written in another script or the guess is sure of it (normalised probability of at
    least ``SURE_LANGUAGE``: German and French briefs score 0.97-0.9996, misread English headlines under 0.7).
    Before, every text under ``TRUSTED_LANGUAGE_WORDS`` words was read as English: a German brief gave the
    person "Dienstag", a Chinese article (no spaces, so few "words") gave a sentence as a person."""
    language = (article.language or "en").lower()
    if language.startswith("en"):
        return True
    text = article.text
    if non_latin(text) or len(text.split()) >= TRUSTED_LANGUAGE_WORDS:
        return False
    code, probability = _normalised_identifier().classify(text[:4000])
    return not (code == language and probability >= SURE_LANGUAGE)


def non_latin(text: str) -> bool:
    """Whether most of the letters are outside the Latin script (Cyrillic, Greek, Arabic, CJK...)."""
    letters = [c for c in text[:2000] if c.isalpha()]
    return bool(letters) and sum(c > "\u024f" for c in letters) > len(letters) / 2


@lru_cache(maxsize=1)
def _normalised_identifier():
    from py3langid import langid

    return langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)
