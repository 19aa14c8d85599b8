"""Publication dates of a parsed page: declared in metadata, shown by the headline, written in the URL.

A page states its date in several places of uneven reliability (see ``meta``): this module reads each of
them, and reads dates written in text in the page's own language, since "06/10/2016" is 6 October on a
French or British page and 10 June on an American one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cached_property
from itertools import accumulate
from urllib.parse import urlsplit

import py3langid
from htmldate import find_date
from lxml.html import HtmlElement

from newsdesk.extract import english_words, shown_text
from newsdesk.extract.line_forms import FOREIGN_MONTHS

_DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "published_time",
    "pubdate", "publishdate", "publish-date", "publish_date", "publication_date", "date",
    "dc.date", "dc.date.issued", "dc.issued", "dcterms.created", "dcterms.date", "dcterms.issued",
    "citation_publication_date", "citation_date", "sailthru.date", "parsely-pub-date",
    "article.published", "datepublished", "originalpublicationdate", "content_date",
    "cxenseparse:recs:publishtime", "release_date", "created",
)
_ISO_DAY = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
# A stamp with a time of day; midnight on the dot is how many CMSs write a bare day, so it says no time.
_DECLARED_TIME = re.compile(r"^(?:19|20)\d\d-\d\d-\d\d[T ](?!00:00(?::00)?(?:\.0+)?(?:Z|[+-]\d\d:?\d\d)?$)\d\d:\d\d")


def calendar_day(year: int | str, month: int | str, day: int | str) -> str | None:
    """``YYYY-MM-DD`` for a day the calendar has, else None: "February 30" or a template's "2018-02-31" is
    no date, and a stored one would be unreadable downstream."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _iso(value: object) -> str | None:
    """The calendar day a date string names, read as written (no time-zone shift)."""
    if not isinstance(value, str):
        return None
    match = _ISO_DAY.search(value)
    return calendar_day(*match.groups()) if match else None


_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TEXT_DATES = (
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)", re.I), ("m", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+((?:19|20)\d\d)", re.I), ("d", "m", "y")),
    (re.compile(r"\b((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b"), ("m", "d", "y")),  # US order unless impossible
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)\b"), ("d", "m", "y")),  # European order
)
_FOREIGN_DATE = re.compile(
    rf"\b(\d{{1,2}})\.?(?:er|º|°)?\s+(?:de\s+)?({'|'.join(sorted(FOREIGN_MONTHS, key=len, reverse=True))})"
    rf"\s+(?:de\s+|del\s+)?((?:19|20)\d\d)\b", re.I)
# How far around the headline a visible date still belongs to it (characters of page text).
_DATE_WINDOW_AFTER, _DATE_WINDOW_BEFORE = 500, 200
_RUNNING_TEXT = 150  # a text node this long is story text, not a byline or dateline
_STANDFIRST = 400  # ...unless it comes straight under the headline: a sentence or two of summary
_UPDATED_LABEL = re.compile(r"updated|modified|revised|edited", re.I)
_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head", "title", "option"}


def text_dates(text: str, language: str | PageLanguage | None = None) -> list[tuple[int, str]]:
    """Full calendar dates written in ``text`` ("Dec 18, 2025", "18 December 2025", "2025-12-18"), by position.

    ``language`` is the page's declared one ("fr", "en-GB"): a numeric date is read day first on pages in
    other languages than English and in British English and its neighbours ("06/10/2016" on a French page had
    been 10 June, four months off), and month names of the page's language count."""
    if isinstance(language, PageLanguage):
        language = language.value if _LANGUAGE_DEPENDENT.search(text) else language.declared
    found: list[tuple[int, str]] = []
    patterns = list(_TEXT_DATES)
    if _day_first(language):
        patterns[3] = (patterns[3][0], ("d", "m", "y"))
        patterns.append((_FOREIGN_DATE, ("d", "m", "y")))
    for pattern, order in patterns:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups()))
            name = parts["m"].lower()
            month = (FOREIGN_MONTHS[name] if name in FOREIGN_MONTHS else _MONTHS[name[:3]]) if name[:1].isalpha() \
                else int(parts["m"])
            day = int(parts["d"])
            if month > 12 and day <= 12:
                month, day = day, month
            if valid := calendar_day(parts["y"], month, day):
                found.append((match.start(), valid))
                break
    return sorted(found)


def parse_text_date(text: str, language: str | PageLanguage | None = None) -> str | None:
    """The first full calendar date written in ``text``."""
    found = text_dates(text, language)
    return found[0][1] if found else None


class PageLanguage:
    """The language a page's dates are read in: the declared one, unless the page declares none or English
    and its text is in another language (a template's ``lang="en"`` on a French page had "Publié le
    06/10/2016" read as 10 June, and a Spanish page without ``lang`` had "3 de mayo de 2019" read as no
    date). The text is looked at only when a date's reading depends on the language."""

    def __init__(self, tree: HtmlElement, declared: str | None) -> None:
        self.declared = declared
        self._tree = tree

    @cached_property
    def value(self) -> str | None:
        if self.declared and not self.declared.lower().startswith("en"):
            return self.declared
        text = " ".join(" ".join(self._tree.xpath("//p//text()[not(ancestor::script)]")[:300]).split())[:1000]
        if len(text) < LANGUAGE_TEXT_CHARS or english_words(text):
            return self.declared
        guess, _ = py3langid.classify(text)
        return self.declared if guess == "en" else guess


LANGUAGE_TEXT_CHARS = 400  # less text than this says less about its language than the page's declaration
# Dates whose reading depends on the language: "06/10/2016" (which is first?) and foreign month names
_LANGUAGE_DEPENDENT = re.compile(rf"\b\d{{1,2}}/\d{{1,2}}/(?:19|20)\d\d\b|{_FOREIGN_DATE.pattern}", re.I)


_DAY_FIRST_ENGLISH = {"gb", "uk", "ie", "au", "nz", "in", "za", "ng", "ke", "pk", "sg", "my", "hk"}


def _day_first(language: str | None) -> bool:
    if not language:
        return False
    primary, _, region = language.lower().replace("_", "-").partition("-")
    return primary != "en" or region[:2] in _DAY_FIRST_ENGLISH


def _visible_texts(nodes: list) -> list[tuple[str, HtmlElement | None]]:
    """Visible text pieces, each with the element that holds it (a child's tail text belongs to
    the child's parent)."""
    pieces = []
    for node in nodes:
        if node.strip() and node.getparent().tag not in _INVISIBLE:
            holder = node.getparent().getparent() if node.is_tail else node.getparent()
            pieces.append((" ".join(node.split()), holder))
    return pieces


def _marked_as_update(holder: HtmlElement | None) -> bool:
    """Whether microdata names a shown date the modification date (``itemprop="dateModified"`` on
    it or its wrapper), as a visible "Updated" label would.

    Class names are no evidence: hAtom's required ``updated`` class sits on the publication date
    in many themes (``entry-date updated``).
    """
    for element in (holder, holder.getparent() if holder is not None else None):
        if element is not None and (element.get("itemprop") or "").lower() == "datemodified":
            return True
    return False


def _first_date(pieces: list[tuple[str, HtmlElement | None]], last_chars: int = 0,
                language: str | PageLanguage | None = None) -> tuple[str, bool, HtmlElement | None] | None:
    """The first date in the joined pieces (or their last ``last_chars`` characters), whether a label
    just before it or the markup holding it says it is an update, and the element holding it."""
    window = " ".join(text for text, _ in pieces)
    start = max(0, len(window) - last_chars) if last_chars else 0
    found = text_dates(window[start:], language)
    if not found:
        return None
    position, day = found[0][0] + start, found[0][1]
    ends = accumulate(len(text) + 1 for text, _ in pieces)
    holder = next(holder for end, (_, holder) in zip(ends, pieces) if end > position)
    labelled = bool(_UPDATED_LABEL.search(window[max(start, position - 30) : position]))
    return day, labelled or _marked_as_update(holder), holder


def _in_page_chrome(holder: HtmlElement | None, headline: HtmlElement) -> bool:
    """Whether a date printed above the headline belongs to the page rather than to the story: the
    headline's ``<article>`` does not hold it, or nothing smaller than the ``<body>`` holds them both. A
    masthead prints the day the page was served ("Monday, December 8, 2026"), whatever the story's."""
    if holder is None:
        return False
    around = set(holder.iterancestors())
    article = next(headline.iterancestors("article"), None)
    if article is not None:
        return article not in around
    common = next((element for element in headline.iterancestors() if element in around), None)
    return common is None or common.tag in ("body", "html")


def visible_date(headline: HtmlElement | None,
                 language: str | PageLanguage | None = None) -> tuple[str | None, bool, bool]:
    """The date printed next to the headline (in the byline or dateline), whether it is labelled as
    an update ("Updated on ...", or markup saying so), and whether it is printed above the headline
    in the page's chrome, outside the story (``_in_page_chrome``).

    Page metadata often carries a machine date (CMS import, template), while the date printed by
    the headline is the one the publisher shows. The first date after the headline wins, up to the
    first paragraph of running text (dates in the story are about events), then one just above it.
    A long text straight under the headline is the standfirst, with the byline still to come.
    """
    if headline is None:
        return None, False, False
    after, length = [], 0
    for i, (text, holder) in enumerate(_visible_texts(headline.xpath("following::text()[position() <= 80]"))):
        if i == 0 and _RUNNING_TEXT <= len(text) <= _STANDFIRST:
            continue
        if len(text) >= _RUNNING_TEXT or length > _DATE_WINDOW_AFTER:
            break
        after.append((text, holder))
        length += len(text)
    if found := _first_date(after, language=language):
        return found[0], found[1], False
    before = _visible_texts(headline.xpath("preceding::text()[position() <= 30]"))
    if found := _first_date(before, _DATE_WINDOW_BEFORE, language):
        return found[0], found[1], _in_page_chrome(found[2], headline)
    return None, False, False


def published(tree: HtmlElement, meta: dict[str, str], ld: list[dict], url: str | None,
               headline: HtmlElement | None, language: PageLanguage | None = None) -> str | None:
    """The publication day, with the declared time of day when the page gives one for that day: the date
    shown by the headline, else the declared one, else htmldate.

    The shown date is the one the publisher presents, so it wins over metadata, except when it is
    labelled as an update and the declared publication date is earlier: an update is not the
    publication. (WCXB's gold is split on this, 13 pages one way and 10 the other; other rules
    tried, such as reading a shown date equal to the declared modification date as a
    last-modified stamp, lost more pages than they won.) Nor is a date above the headline in the
    page's chrome that is later than the declared one: a masthead's date is the day the page was
    served. (On WCXB two such dates in a story's own header, later than a stale declared date, are
    the gold's, so only the chrome's lose.)
    """
    shown, is_update, in_chrome = visible_date(headline, language)
    stamps = [o.get("datePublished") for o in ld] + [meta.get(key) for key in _DATE_META]
    declared = next((day for o in ld if (day := _iso(o.get("datePublished")))), None)
    declared = declared or next((day for key in _DATE_META if (day := _iso(meta.get(key)))), None)
    if (in_url := url_day(url)) and in_url in {shown, declared, _swap_day_month(shown)}:
        day = in_url
    elif shown and not ((is_update or in_chrome) and declared and declared < shown):
        day = shown
    else:
        day = declared
    if not day:  # microdata last: searching the whole tree for it costs more than the rest
        marked = [node.get("datetime") or node.get("content") or shown_text(node)
                  for node in tree.xpath("//*[@itemprop='datePublished']")]
        stamps += marked
        day = next((found for stamp in marked if (found := _iso(stamp))), None)
    if day:
        return _timed(day, stamps)
    if found := _htmldate(tree, url):
        return _month_first(found, tree, url, language)
    return _title_date(tree, meta, language) or _last_resort_date(tree, language)


def _title_date(tree: HtmlElement, meta: dict[str, str], language: PageLanguage | None) -> str | None:
    """A full date the page's title carries ("Conflicto mapuche - 07.12.2017", La Nación), which some sites
    print nowhere else: after every declared or shown date, before any date in the body's text."""
    titles = [tree.findtext(".//title"), meta.get("og:title"), meta.get("title")]
    return parse_text_date(" | ".join(" ".join(t.split()) for t in titles if t), language)


def _month_first(found: str, tree: HtmlElement, url: str | None, language: PageLanguage | None) -> str:
    """htmldate reads a numeric date ("10/06/2016") day first whatever the page's language; on a page whose
    language writes the month first (US English, or none declared) the page's own "10/06/2016" is 6 October."""
    swapped = _swap_day_month(found)
    if not swapped or swapped == found or found == url_day(url):
        return found
    if _day_first(language.value if isinstance(language, PageLanguage) else language):
        return found
    year, month, day = swapped.split("-")
    written = re.compile(rf"(?<![\d/]){int(month)}/{int(day)}/{year}\b|(?<![\d/]){month}/{day}/{year}\b")
    return swapped if written.search(_page_text(tree)) else found


def _timed(day: str, stamps: list) -> str:
    """The day with the time of day that the page declares for it ("2024-10-10T11:00:00Z"), if any. Stories
    order their items by time, and a bare day sorts before every time of that day."""
    for stamp in stamps:
        if isinstance(stamp, str) and _iso(stamp) == day and _DECLARED_TIME.match(stamp.strip()):
            try:
                moment = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
            return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
    return day


def _htmldate(tree: HtmlElement, url: str | None) -> str | None:
    try:
        return find_date(tree, url=url, original_date=True, extensive_search=False,
                         outputformat="%Y-%m-%d") or None
    except (ValueError, TypeError):
        return None


def _last_resort_date(tree: HtmlElement, language: PageLanguage | None = None) -> str | None:
    """The first full date written anywhere in the page's visible text ("Posted on ...").

    Run only when nothing declared, shown or marked up gave a date. htmldate's extensive search did
    this before, but it sends each candidate string to dateparser, which guesses its language among
    some 200 locales: about 4 s of regex compiling per process, then ~20 ms a page, a fifth of the
    extraction bench's time. On the 80 WCXB dev pages that reach this step, the first visible date is
    right on 3 of the 11 dated ones (htmldate: 4; its fourth was in markup, not in text) and invents
    a date on 9 of the 69 undated ones (htmldate: 13). Code is no text: a date in a script is a
    build stamp, not the story's.
    """
    return parse_text_date(_page_text(tree), language)


def _page_text(tree: HtmlElement) -> str:
    text = " ".join(tree.xpath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
                               " or ancestor::template or ancestor::svg)]"))
    return " ".join(text.split())


_URL_DAY = re.compile(rf"/(?P<year>(?:19|20)\d\d)/(?P<month>\d\d?|{_MONTH})/(?P<day>\d\d?)(?:/|$)", re.I)


def url_day(url: str | None) -> str | None:
    """The day in a dated URL path (``/2021/01/18/slug``, ``/2023/october/03/``): the CMS stamps it
    when the story is created, so when the page's shown or declared dates disagree, the one the URL
    confirms is the publication day (and it settles a day/month order such as 03/10/2023)."""
    match = _URL_DAY.search(urlsplit(url).path) if url else None
    if not match:
        return None
    year, month, day = match["year"], match["month"], match["day"]
    month_number = _MONTHS[month[:3].lower()] if month[:1].isalpha() else int(month)
    return calendar_day(year, month_number, day)


def _swap_day_month(day: str | None) -> str | None:
    """The other reading of a numeric date whose day and month could be swapped."""
    if not day:
        return None
    year, month, date = day.split("-")
    return f"{year}-{date}-{month}" if int(date) <= 12 else None
