"""Article metadata from a parsed page: headline, byline, publication date, site, canonical URL.

Publishers state metadata in several places of uneven reliability, so each field is read from a
ranked list of sources: schema.org JSON-LD (what search engines consume, hence usually maintained),
then OpenGraph / named ``<meta>`` tags, then visible markup (``<h1>``, byline elements, the date
printed by the headline), then htmldate's heuristics for dates. The headline needs one more step: ``<title>`` and og:title
usually carry the site name ("Headline | Site"), while the visible ``<h1>`` usually does not but can
be a logo or section name. So an ``<h1>`` is trusted when a metadata title confirms it, and
otherwise metadata titles are stripped of the segments that name the site.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, extract_metainfo, normalize_authors
from trafilatura.utils import trim
from trafilatura.xml import delete_element

from newsdesk.extract import outlet_host, shown_text
from newsdesk.extract.page_dates import PageLanguage, published

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
    "scholarlyarticle", "liveblogposting", "report", "socialmediaposting", "medicalwebpage",
    "advertisercontentarticle", "satiricalarticle", "review", "howto", "recipe", "posting",
}
_SEPARATORS = re.compile(r"(\s*\|\s*|\s+(?:-|–|—|·|•|::|»|/|~)\s+)")
_AUTHOR_META = (
    "author", "article:author", "og:article:author", "og:author", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "byl", "citation_author", "twitter:creator:name", "creator",
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"',
                         "–": "-", "—": "-", "\u00a0": " ", "\u200b": ""})
# What a visible byline holds besides the name: labels before it ("By", "Author", "Autor", "Recipe by",
# "Read more about", "View all posts by"), and the date, update note or job title that the next element adds after it
# when the page's text is joined ("Luke Kim December", "Cazzy Magennis Last Updated August 1",
# "Rachel MacDonald Writer"). A role after a comma is the author's credential and stays ("Tracy
# Parker, Dietitian"). "May" ends a name too often ("Theresa May") to be cut without a date after it.
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:(?:article|recipe|story|text|words|written|posted|reviewed|published|edited)\s+)?by"
    r"|author|autor(?:in)?|auteur|autore|this\s+(?:post|article|story)\s+(?:was|is)\s+written\s+by"
    r"|read\s+more\s+(?:about|from|by)|view\s+all\s+(?:posts|articles|stories)\s+by"
    r"|(?:all|more)\s+(?:posts|articles|stories)\s+(?:by|from))"
    r"(?:[:\s]+|$)", re.I)
# "by" in the languages the desk meets most ("Par Marie Dupont", "Por José García", "بقلم أحمد محمد")
_FOREIGN_BY = re.compile(r"^(?:par|por|von|door|av|przez|oleh|penulis:?|автор:?|بقلم|نویسنده:?)\s+", re.I)
# "责任编辑：王明" (editor in charge), "记者：" (reporter): a Chinese name is one unspaced word
_CJK_BY = re.compile(r"^(?:责任编辑|責任編輯|编辑|編輯|记者|記者|作者|文)\s*[：:]\s*")
_MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"
               r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_BYLINE_TAIL = re.compile(
    rf"\s*(?:[•·|]|\b(?:last\s+)?(?:updated|modified|published|posted|reviewed\s+by|fact[- ]checked)\b"
    rf"|\b{_MONTH_NAME}(?=\s*(?:\d|$))|\bmay(?=\s*\d)|\s(?:is|was)\s+an?\s).*$", re.I)
_GLUED_ROLE = re.compile(
    r"(?<=[^\W\d_])\s+(?:(?:former|staff|contributing|senior|tech|technology|freelance|guest|lead|chief|managing|head)\s+)*"
    r"(?:writer|reporter|editor|correspondent|contributor|columnist|journalist|founder|co-founder|ceo|consultant"
    r"|former\s)\b.*$",
    re.I)
_NOT_A_NAME = re.compile(r"https?://|www\.|\S@\S|^\w+(?:\.\w+){3,}$"  # a template key: page.head.extra.author
                         r"|^(?:admin|administrator|author|the author|guest|unknown|null|none)$", re.I)


_TAGS = re.compile(r"<[^<>]*>")
_SYMBOLS = " \ufe0f\u200d\u2764\u2665\u2605\u2606\u2728\u270c\u2705" + "".join(map(chr, range(0x1f300, 0x1fb00)))


def fold(text: str | None) -> str:
    """Case, space and typographic-quote folding, for comparing headlines and names."""
    return " ".join((text or "").translate(_QUOTES).casefold().split())


def looks_like_site_segment(segment: str, sites: list[str]) -> bool:
    """Whether a title segment names the site: its name or initials, or words of its domain."""
    seg = re.sub(r"[^\w]", "", fold(segment))
    if not seg:
        return True
    words = re.findall(r"\w+", fold(segment))
    if words[:1] == ["the"] and len(words) >= 2 and looks_like_site_segment(" ".join(words[1:]), sites):
        return True  # "» The Daily Planet" on dailyplanet.com
    for site in sites:
        name = re.sub(r"[^\w]", "", fold(site))
        initials = "".join(w[0] for w in re.findall(r"\w+", fold(site)))
        if seg in (name, initials) and len(seg) >= 2:
            return True
        if len(seg) >= 4 and (name.startswith(seg) or (seg.startswith(name) and len(name) >= 4)):
            return True
        if "." in site and " " not in site.strip() and all(w in fold(site) for w in words):
            return True  # "Rust Blog" on blog.rust-lang.org, "Slashdot" on developers.slashdot.org
    return False


def clean_byline(names: list[str]) -> str | None:
    """Author values as one byline ("A, B"), or None when none of them is a name.

    A value is kept whole: "Jane Doe, MD" is one author with a credential, and splitting it would
    invent a second one. Organisations ("Reuters", "The Investopedia Team") are real authors too.
    """
    people: list[str] = []
    for raw in names:
        # a value may hold markup, escaped or not (CNN: "By <a href=...>Amir Vera</a>, ...")
        text = " ".join(_TAGS.sub(" ", unescape(unescape(str(raw)))).split())
        name = _byline_name(text.replace(" ,", ","))
        if not name or len(name) > 120 or not re.search(r"[^\W\d_]", name) or _NOT_A_NAME.search(name):
            continue
        if fold(name) not in {fold(p) for p in people}:
            people.append(name)
    return ", ".join(people) if people else None


def _byline_name(text: str) -> str:
    """One author value without its labels, the date or update note after it, and a job title glued
    on without punctuation (title case or not: "Harry Rabinowitz Tech Reporter")."""
    name = _CJK_BY.sub("", _BY_PREFIX.sub("", text.strip(' "\'')).strip(' "\''))
    foreign = _FOREIGN_BY.match(name)
    if foreign and len(name[foreign.end():].split()) >= 2:  # "Von Miller" may be a name; "Von Anna Weber" is not
        name = name[foreign.end():]
    name = _BYLINE_TAIL.sub("", name).strip(" :-|,;")
    head = name.split(",")[0]
    if len(head.split()) >= 3:  # two words of name at least before a role is taken off
        name = _GLUED_ROLE.sub("", head, count=1) if _GLUED_ROLE.search(head) else name
    words = name.split()
    for k in (2, 3):  # the name twice (an avatar's alt text, then the name), and a bio after it
        if len(words) >= 2 * k and words[:k] == words[k:2 * k]:
            words = words[:k]
            break
    name = " ".join(words).rstrip(_SYMBOLS)  # "Jenny Smith ❤️"
    if len(words) >= 3 and words[0].isupper() and words[0] == "".join(w[0] for w in words[1:1 + len(words[0])]):
        name = " ".join(words[1:])  # an avatar's initials before the name: "CM Craig McCarthy"
    return name.strip(" :-|,;")


@dataclass
class Meta:
    title: str | None = None
    title_source: str = "none"
    byline: str | None = None
    published: str | None = None
    site: str | None = None
    language: str | None = None
    canonical_url: str | None = None


def _meta_map(tree: HtmlElement) -> dict[str, str]:
    """First non-empty ``content`` of each ``<meta>`` by lower-cased name/property/itemprop."""
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        content = " ".join((node.get("content") or "").split())
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (node.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = content
    return found


def _json_objects(tree: HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page, flattened out of lists and ``@graph`` containers."""
    objects: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|\]\]>\s*$", "", raw).strip().rstrip(";")
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):  # broken or absurdly nested JSON from the page
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, (list, dict)):
                    stack.append(graph)
    return objects


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _names(value: object, by_id: dict[str, dict]) -> list[str]:
    """Person names from a schema.org author value (string, object, reference or list)."""
    if isinstance(value, list):  # one level: deeper nesting is junk, and recursion is not safe on it
        return [n for item in value if not isinstance(item, list) for n in _names(item, by_id)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str) and value["@id"] in by_id:
            value = by_id[value["@id"]]
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        if isinstance(name, list):
            return [n for n in name if isinstance(n, str)]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
    return []


def _site_names(meta: dict[str, str], ld_site: str | None, url: str | None) -> list[str]:
    names = [meta.get("og:site_name"), ld_site, meta.get("application-name"), meta.get("apple-mobile-web-app-title")]
    host = urlsplit(url).hostname if url else None
    if host:
        names.append(outlet_host(host))
    return [n for n in names if n]


def strip_site_name(title: str, sites: list[str]) -> str:
    """``Headline | Site`` → ``Headline``: drop leading/trailing segments that name the site, and a
    short trailing ``| Section`` tag (a pipe never joins the parts of one headline)."""
    pieces = _SEPARATORS.split(title)  # the pattern captures, so separators sit at odd positions
    parts, seps = [p.strip() for p in pieces[::2]], [p.strip() for p in pieces[1::2]]
    def section_tag(i: int) -> bool:
        return seps[i - 1] == "|" and len(parts[i].split()) <= 3 and len(" ".join(parts[:i]).split()) >= 4

    while len(parts) > 1 and (looks_like_site_segment(parts[-1], sites) or section_tag(len(parts) - 1)):
        parts.pop()
        seps.pop()
    while len(parts) > 1 and looks_like_site_segment(parts[0], sites):
        parts.pop(0)
        seps.pop(0)
    kept = parts[0]
    for sep, part in zip(seps, parts[1:]):
        kept += f" {sep} {part}"
    return kept.strip()


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def headline_node(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """The element that shows the headline: the ``<h1>``/``<h2>`` sharing most of its words, if
    at least half (a stricter floor for ``<h1>`` alone, or an ``<h1>`` preference, measured worse
    on WCXB dates); else the first ``<h1>``."""
    h1s = list(tree.iter("h1"))
    if not title:
        return h1s[0] if h1s else None
    wanted = _tokens(title)
    best, best_score = None, 0.5
    for node in h1s + list(tree.iter("h2")):
        words = _tokens(node.text_content())
        score = len(words & wanted) / len(words | wanted) if words else 0.0
        if score > best_score:
            best, best_score = node, score
            if score == 1.0:
                break
    return best if best is not None else (h1s[0] if h1s else None)


def _headline(tree: HtmlElement, meta: dict[str, str], ld_headline: str | None, sites: list[str]) -> tuple[str | None, str]:
    """The publisher's headline without the site name, and where it came from."""
    page_title = " ".join((tree.findtext(".//title") or "").split())
    # Double-escaped entities ("&amp;#038;") are common in CMS-written metadata.
    meta_titles = [unescape(t) for t in (ld_headline, meta.get("og:title"), meta.get("twitter:title"), page_title) if t]
    stripped = [strip_site_name(t, sites) for t in meta_titles]
    folded_meta = {fold(t) for t in meta_titles} | {fold(t) for t in stripped}
    h1s = [shown_text(h) for h in tree.iter("h1")]
    h1s = [h for h in h1s if 3 <= len(h) <= 300]
    for h1 in h1s:
        folded = fold(h1)
        if folded in folded_meta or any(m.startswith(folded) and len(folded) > 15 for m in folded_meta):
            return strip_site_name(h1, sites), "h1"
    if stripped:
        # Two sources agreeing outvote a lone one; otherwise the structured headline first.
        counts = {fold(t): 0 for t in stripped}
        for t in stripped:
            counts[fold(t)] += 1
        best = max(stripped, key=lambda t: counts[fold(t)])
        if counts[fold(best)] > 1 or not h1s:
            return best, "meta"
        if not looks_like_site_segment(h1s[0], sites) and len(h1s[0].split()) >= 3:
            return h1s[0], "h1"
        return best, "meta"
    return (h1s[0], "h1") if h1s else (None, "none")


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_MARKDOWN_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2})(?=\S)([^*]+?)(?<=\S)\1(?![\w*])")  # not _: __init__


def _plain_headline(title: str | None, sites: list[str]) -> str | None:
    """The headline as a reader sees it: without Markdown marks that static-site pages leave in their
    titles ("## Hyper-Local ...", "*A Treatise ...* (1792)") and without the site's address run into it
    ("davidbau.com Vibe Coding"). Starred-out words ("f***") and underscores (``__init__``) stay."""
    if not title:
        return title
    title = _MARKDOWN_EMPHASIS.sub(r"\2", _MARKDOWN_HEADING.sub("", title))
    for site in sites:
        if "." in site and " " not in site and fold(title).startswith(fold(site) + " "):
            title = title[len(site):]
    return title.strip() or None


def _byline(tree: HtmlElement, meta: dict[str, str], ld_authors: list[str]) -> str | None:
    """Structured authors: JSON-LD first, then ``<meta>`` tags. Open Graph lists co-authors as repeated
    tags ("article:author" twice), so every value of the first author key in the head counts (in the body,
    ``itemprop="author"`` metas are as often comment authors)."""
    if byline := clean_byline(ld_authors):
        return byline
    key = next((k for k in _AUTHOR_META if k in meta), None)
    if key is None:
        return None
    values = [content for node in tree.xpath("//head/meta[@content]")
              if key in {(node.get(attr) or "").strip().lower() for attr in ("property", "name", "itemprop")}
              and (content := " ".join(node.get("content").split()))]
    return clean_byline(values or [meta[key]])


def byline_from_markup(tree: HtmlElement) -> str | None:
    """A visible byline (author links, byline classes), for pages without structured authors.

    Uses trafilatura's author selectors after pruning the places they misfire (comments, related
    posts). The pruning edits ``tree`` in place, which saves a copy of the page: call it last.
    """
    if _AUTHOR_XPATHS_KNOWN:
        for node in _author_discarded(tree):
            delete_element(node)
        prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS[1:])
        found = _author_metainfo(tree, len_limit=120)
    else:  # another trafilatura's selectors: evaluate them as they are
        prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS)
        found = extract_metainfo(tree, AUTHOR_XPATHS, len_limit=120)
    found = normalize_authors(None, found) if found else None
    if found:
        return clean_byline([found])
    node = _first_byline_node(tree)
    return clean_byline([shown_text(node)] if node is not None else [])


# trafilatura's author selectors (AUTHOR_DISCARD_XPATHS[0], AUTHOR_XPATHS) as Python tests, same nodes in the
# same order: libxml2 runs their dozen-way predicates at ~3 us an element and calls back into Python for each
# re:test, 17 ms a page that reaches this step, the largest cost newsdesk adds to trafilatura's extraction.
# The tests stand for trafilatura 2.3's expressions only (the fingerprint of their text); others run as XPath.
_AUTHOR_XPATHS_KNOWN = hashlib.sha256("\0".join(
    x.path for x in AUTHOR_XPATHS + AUTHOR_DISCARD_XPATHS).encode()).hexdigest()[:16] == "25bd9dc701d833cf"
_DISCARD_TAGS = ("a", "div", "section", "span")
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                            r"article-(?:share|support)|print|category|meta-date|meta-reviewer")
_AUTHOR_TAGS = (("a", "address", "div", "link", "p", "span", "strong", "author"), ("a", "div", "h3", "h4", "p", "span"),
                etree.Element)
_AUTHOR_CLASS = (re.compile(r"author-?name|AuthorName|authorName"),
                 re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"),
                 re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline"))
_AUTHOR_ID = (None, re.compile(r"author|zuozhe|bianji|xiaobian"), re.compile(r"[Aa]uthor"))


def _document_elements(tree: HtmlElement, tags) -> Iterator[HtmlElement]:
    """What ``//*`` reaches, in document order: libxml2 can leave a second top-level ``<html>`` beside the
    first (markup after ``</html>``), which ``tree.iter()`` alone would miss."""
    root = tree.getroottree().getroot()
    for top in [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]:
        yield from top.iter(tags)


def _author_discarded(tree: HtmlElement) -> list[HtmlElement]:
    """The nodes of AUTHOR_DISCARD_XPATHS[0]: comment sections, sidebars, quotes, share and print boxes."""
    found = []
    for node in tree.iterdescendants(_DISCARD_TAGS):
        ident, cls = node.get("id"), node.get("class")
        if ((ident is not None and (ident == "comments" or _DISCARD_ID.search(ident)))
                or (cls is not None and (cls in ("comments", "title", "date") or _DISCARD_CLASS.search(cls)))
                or "Figure" in (node.get("data-component") or "")):
            found.append(node)
    return found


def _author_match(level: int, node: HtmlElement, rel_me: bool) -> bool:
    """Whether ``node`` is one of AUTHOR_XPATHS[level]'s nodes (``node`` has one of its tags)."""
    cls, ident = node.get("class"), node.get("id")
    if level == 0:
        return (node.tag == "author" or node.get("rel") == "author" or ident == "author" or cls == "author"
                or node.get("itemprop") == "author name" or node.get("data-testid") in ("AuthorCard", "AuthorURL")
                or (cls is not None and _AUTHOR_CLASS[0].search(cls) is not None)
                or (rel_me and any(r.xpath("string()") == "me" for r in node.iterchildren("rel"))))
    if level == 1 and cls in ("byline", "username", "byl", "BBL"):
        return True
    return ((cls is not None and _AUTHOR_CLASS[level].search(cls) is not None)
            or (ident is not None and _AUTHOR_ID[level].search(ident) is not None)
            or "author" in (node.get("itemprop") or "")
            or (level == 2 and "Byline" in (node.get("data-component") or "")))


def _author_metainfo(tree: HtmlElement, len_limit: int) -> str | None:
    """``extract_metainfo(tree, AUTHOR_XPATHS, len_limit)``, stopping at the first usable node."""
    rel_me = bool(tree.xpath("boolean(//rel)"))
    for level, tags in enumerate(_AUTHOR_TAGS):
        for node in _document_elements(tree, tags):
            if _author_match(level, node, rel_me):
                content = trim(" ".join(node.itertext()))
                if content and 2 < len(content) < len_limit:
                    return content
    return None


_BYLINE_CLASS_PARTS = ("author-name", "byline__name", "author_name", "authorName", "article-author", "post-author",
                       "entry-author", "author vcard")
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what normalize-space() splits on


def _first_byline_node(tree: HtmlElement) -> HtmlElement | None:
    """The first element in document order that looks like a byline: a microdata author's name (or an author
    without one), an ``<a rel="author">``, or a byline or author-name class. The same nodes as an XPath union of
    those tests (tests/test_extract_html.py holds it), at a third of libxml2's cost."""
    for node in _document_elements(tree, etree.Element):
        prop = node.get("itemprop")
        if prop == "name" and any(a.get("itemprop") == "author" for a in node.iterancestors()):
            return node
        if prop == "author" and not any(d.get("itemprop") == "name" for d in node.iterdescendants(etree.Element)):
            return node
        if node.tag == "a" and node.get("rel") == "author":
            return node
        cls = node.get("class")
        if cls is not None and (cls == "author" or any(p in cls for p in _BYLINE_CLASS_PARTS)
                                or "byline" in _XML_SPACE.split(cls)):
            return node
    return None



def _canonical(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    """The page's canonical address, absolute: a relative or scheme-relative link ("/p", "//host/p") is
    resolved against the page's address, else against its absolute ``og:url``; one that stays relative,
    or that no URL parser reads ("http://[broken"), names no page."""
    canonical = next(iter(tree.xpath("//link[@rel='canonical']/@href")), None) or meta.get("og:url")
    if not canonical:
        return None
    bases = [url] + [meta.get(key) for key in ("og:url", "twitter:url")]
    base = next((b.strip() for b in bases if b and _web_address(b.strip())), "")
    try:
        resolved = urljoin(base, canonical.strip())
    except ValueError:
        return None
    if resolved.startswith("//"):
        resolved = "https:" + resolved
    return resolved if _web_address(resolved) else None


def _web_address(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:
        return False


def extract_meta(tree: HtmlElement, url: str | None = None) -> Meta:
    """Read headline, byline, date, site, language and canonical URL from a parsed page."""
    meta = _meta_map(tree)
    objects = _json_objects(tree)
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    pages = [o for o in objects if _types(o) & {"webpage", "itempage"}]
    ld_headline = next((o["headline"] for o in articles if isinstance(o.get("headline"), str)), None)
    ld_authors = next((n for o in articles + objects if (n := _names(o.get("author"), by_id))), [])
    ld_site = next((_names(o.get("publisher"), by_id) or [None] for o in articles if o.get("publisher")), [None])[0]
    if not ld_site:
        ld_site = next((o["name"] for o in objects if "website" in _types(o) and isinstance(o.get("name"), str)), None)
    canonical = _canonical(tree, meta, url)
    address = url or canonical  # a saved page's own address is its canonical one
    sites = _site_names(meta, ld_site, address)
    title, source = _headline(tree, meta, ld_headline, sites)
    title = _plain_headline(title, sites)
    lang = tree.get("lang") or tree.get("xml:lang") or meta.get("content-language")
    return Meta(
        title=title,
        title_source=source,
        byline=_byline(tree, meta, ld_authors),
        published=published(tree, meta, articles + pages, address, headline_node(tree, title),
                             PageLanguage(tree, lang.strip() if lang and lang.strip() else None)),
        site=sites[0] if sites else None,
        language=lang.strip().split("-")[0].split("_")[0].lower() if lang and lang.strip() else None,
        canonical_url=canonical or None,
    )
