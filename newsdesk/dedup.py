"""Collapse copies of one article into a single record that remembers every place that ran it.

Three kinds of copy, checked cheapest first:

* **exact** — the same canonical URL, or the same body after whitespace and case are normalised
  (``Article.body_hash``);
* **near** — syndicated wire copy re-run with a new headline, a trimmed last paragraph, an added
  "Read more" line, curly quotes straightened or a paragraph cut from the middle. Found with word
  shingles, MinHash signatures and an LSH index (datasketch), then confirmed on the signatures: the
  estimated Jaccard similarity reaches ``threshold``, or the estimated share of the shorter text's
  shingles found in the other (containment) reaches ``containment`` — a copy that lost paragraphs
  and gained a few lines of boilerplate can fall under the Jaccard bar while nearly all of it is
  still the original's. Wire datelines ("LONDON (AP) —") and syndication lines ("Read more",
  "Sign up", "©", "Reporting by") are left out of the shingles;
* **title-only** — the same headline seen on two feeds of one site (teasers and feed items, which
  carry no body to compare), matched on the normalised title plus the site.

Defaults chosen by measurement (``newsdesk bench dedup``): 709 WCXB gold bodies and 737 Wikinews
event-cluster articles are indexed, then six kinds of synthetic copy of each (retitled, last
paragraph trimmed, boilerplate added, quotes/whitespace changed, middle paragraph dropped, all at
once; 8,565 copies) are looked up; the event clusters are the hard negatives (other outlets' reports
of the same event). Over shingles of 3/5/7 words, Jaccard 0.3/0.5/0.7 and 64/128 permutations every
setting catches >= 99.4% of copies, so the choice is made on the errors and the hardest copies:

* 3-word shingles made the only false merges (one of two outlets' reports of one event at J 0.3,
  one unrelated pair at 64 permutations): names and stock phrases match in 3-word runs;
* 128 permutations cut the estimate's noise by sqrt(2) (standard error ~0.044 at J = 0.5) and
  lift the "combined" copies from 0.986 to 0.991 (5 words) and 0.985 to 0.993 (7 words);
* the containment test adds ~0.5 points of recall (trimmed 0.988 -> 0.997, combined 0.986 ->
  0.997 on a 300+300 subset) with no false merge; once it is on, the Jaccard bar barely matters,
  and 0.5 keeps a margin both ways.

A candidate must also name what the article names (``same_facts``): reports filled in from one
template share most shingles and differ only in the place and the figures, which no shingle bar can
tell from a copy; the test costs the bench 0.2 points on its hardest (combined) copies and no recall
overall.

5 words, 0.5, 128 permutations: precision 0.998 (the misses are copies of the 4 pages the data
holds twice, which resolve to the first of the pair), recall 0.995, no false merge; ~100-180
articles/s on this (shared, loaded) machine. Bodies shorter than ``min_tokens`` words give too few
shingles to estimate anything and fall back to exact and title matching only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newsdesk.records import Article, Source
from newsdesk.words import WORD

SHINGLE_WORDS = 5
THRESHOLD = 0.5
NUM_PERM = 128
CONTAINMENT = 0.8
CANDIDATE_THRESHOLD = 0.3
MIN_TOKENS = 30
MIN_TITLE_WORDS = 4
# datasketch's hashing scheme (2.x: "affine32"): stored hash values are only comparable within one
_HASH_SCHEME = MinHash(num_perm=2).scheme

_WORD = WORD  # a word of any script, with its vowel signs
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, CJK ideographs): there
# ``\w+`` takes a whole clause for one word, and a Chinese wire story gives a dozen shingles, too few
# to reach ``min_tokens``, let alone to estimate anything. Each of their characters is a token instead,
# so a shingle is a run of characters (a Chinese word is one to three of them).
_UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
             "\U00020000-\U0003134f")
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_UNSPACED_WORD = re.compile(f"(?=\\w)[{_UNSPACED}]|[^\\W{_UNSPACED}]+", re.UNICODE)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
# " - Site Name" / " | Site" tails that feeds add to a headline: the same story on two feeds of one
# site often differs only there.
_TITLE_TAIL = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]{1,40}$")


# Lines syndicators add or drop around wire copy; they say nothing about which story it is.
_BOILERPLATE_LINE = re.compile(
    r"^\W*(read more|related:|sign up|subscribe|follow us|click here|share this|copyright|\(c\)|©|"
    r"all rights reserved|\(?reporting by|\(?additional reporting|\(?editing by|\(?writing by)",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}\s*\((?:AP|AFP|Reuters|UPI|dpa|PA)\)\s*[-–—:]+\s*")


def body_words(text: str) -> list[str]:
    """Words of the body without wire datelines and syndication boilerplate lines."""
    lines = (_DATELINE.sub("", line.strip()) for line in text.splitlines())
    return words("\n".join(line for line in lines if line and not _BOILERPLATE_LINE.match(line)))


# A copy repeats its original's facts. Reports filled in from one template (a quake bot's, a results
# service's) share most of their shingles and differ in just these: the place, the figures, the names.
LEAD_WORDS, WIDE_WORDS = 80, 300
SAME_FACTS = 0.5
_PUNCTUATION = "\"'“”‘’()[],.;:!?"


@dataclass(frozen=True)
class Facts:
    """The names (capitalised words not opening a sentence) and figures of the body's first words: of
    its lead, and of a wider opening that still holds them when a copy cut a paragraph near the top."""

    lead: frozenset[str]
    wide: frozenset[str]


def facts(text: str) -> Facts:
    lines = (_DATELINE.sub("", line.strip()) for line in text.splitlines())
    opening = " ".join(line for line in lines if line and not _BOILERPLATE_LINE.match(line)).split()
    found = []
    for n, word in enumerate(opening[:WIDE_WORDS]):
        core = word.strip(_PUNCTUATION)
        opens_sentence = n == 0 or opening[n - 1].rstrip("\"'”’)").endswith((".", "!", "?", ":"))
        if any(c.isdigit() for c in core) or (core[:1].isupper() and not opens_sentence):
            found.append((n, core.lower()))
    return Facts(frozenset(f for n, f in found if n < LEAD_WORDS), frozenset(f for _, f in found))


def same_facts(one: Facts, other: Facts | None) -> bool:
    """Whether two texts name the same things: most of either's lead is in the other's opening."""
    if other is None:
        return True

    def within(lead: frozenset[str], wide: frozenset[str]) -> bool:
        return len(lead) < 2 or len(lead & wide) >= SAME_FACTS * len(lead)  # too few facts tell nothing apart

    if _figures(one.lead) - _figures(other.wide) and _figures(other.lead) - _figures(one.wide):
        # each lead has a number the other lacks: an update ("killed at least 120" -> "more than 2,000"), which
        # a monitor must see, not a copy (a copy cut at the top lacks the original's numbers, not the reverse)
        return False
    return within(one.lead, other.wide) or within(other.lead, one.wide)


_NUMBER = re.compile(r"\d[\d,.]*")


def _figures(words: frozenset[str]) -> set[str]:
    """The plain numbers among a text's facts ("2,000", not "itv1's" or "7's", which quote styles respell)."""
    return {word.replace(",", "") for word in words if _NUMBER.fullmatch(word)}


def normalise_text(text: str) -> str:
    """Fold what syndication changes but readers do not see: compatibility forms, quotes, case."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()


def words(text: str) -> list[str]:
    text = normalise_text(text)
    return (_UNSPACED_WORD if _HAS_UNSPACED.search(text) else _WORD).findall(text)


def shingles(tokens: list[str], size: int = SHINGLE_WORDS) -> set[bytes]:
    if len(tokens) < size:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


def title_key(headline: str, site: str | None) -> str | None:
    """Normalised (site, title) key, or None for titles too short to identify a story."""
    title = _TITLE_TAIL.sub("", " ".join(headline.split()))
    tokens = words(title)
    if len(tokens) < MIN_TITLE_WORDS:
        return None
    return f"{(site or '').lower()}\n{' '.join(tokens)}"


def canonical_url(url: str | None) -> str | None:
    """Scheme, ``www.``, fragment and trailing slash do not make a different article."""
    if not url:
        return None
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^https?://(www\.)?", "", url, flags=re.I)
    return url.rstrip("/").lower() or None


@lru_cache(maxsize=1)
def default_signer() -> "Deduper":
    """A deduper with the default parameters, used only to sign texts where pages are extracted (in a
    worker process, when there are several): the signature is most of dedup's cost, and a signature
    made there is used only by an index with the same ``scheme``."""
    return Deduper()


class Deduper:
    """An index of articles seen so far; ``find`` says which one a new article copies.

    Only the first article of each copy group (the canonical one) is indexed; later copies add a
    ``Source`` to it. The index holds one MinHash signature per canonical article (``num_perm``
    64-bit values), so memory grows by ~1 kB per distinct article.
    """

    def __init__(
        self,
        shingle_words: int = SHINGLE_WORDS,
        threshold: float = THRESHOLD,
        num_perm: int = NUM_PERM,
        min_tokens: int = MIN_TOKENS,
        containment: float = CONTAINMENT,
    ) -> None:
        self.shingle_words = shingle_words
        self.threshold = threshold
        self.num_perm = num_perm
        self.min_tokens = min_tokens
        self.containment = containment
        # LSH only proposes candidates; a lower bar lets a copy that lost a paragraph reach the
        # containment test below.
        self._lsh = MinHashLSH(threshold=min(threshold, CANDIDATE_THRESHOLD), num_perm=num_perm)
        self._signatures: dict[str, MinHash] = {}
        self._sizes: dict[str, int] = {}
        self._facts: dict[str, Facts] = {}
        self._by_url: dict[str, str] = {}
        self._by_body: dict[str, str] = {}
        self._by_title: dict[str, str] = {}
        self._canonical: dict[str, str] = {}
        # the store's answer for an exact copy of an article older than the index holds (see ``find``)
        self.stored_original: Callable[[str], str | None] | None = None
        self.sources: dict[str, list[Source]] = {}

    @classmethod
    def from_articles(cls, articles: Iterable[Article], **options) -> "Deduper":
        """Rebuild the index from stored articles, in the order they were first stored."""
        deduper = cls(**options)
        for article in articles:
            deduper.add(article)
        return deduper

    @property
    def scheme(self) -> str:
        """Names the signature parameters, so a stored signature made with other ones is never reused."""
        return f"minhash:{_HASH_SCHEME}:{self.shingle_words}w:{self.num_perm}p:seed1"

    def signature_record(self, article_id: str) -> tuple[bytes, int] | None:
        """An indexed article's signature as (hash values, shingle count), for the store to keep."""
        signature = self._signatures.get(article_id)
        if signature is None:
            return None
        return np.asarray(signature.hashvalues, dtype=np.uint64).tobytes(), self._sizes[article_id]

    def text_signature_record(self, text: str) -> tuple[bytes, int] | None:
        """(hash values, shingle count) of a text that is not indexed: a stored article whose text changed."""
        signature = self.signature(text)
        if signature is None:
            return None
        return np.asarray(signature[0].hashvalues, dtype=np.uint64).tobytes(), signature[1]

    def signature_from_record(self, hashvalues: bytes, size: int) -> tuple[MinHash, int]:
        """A stored signature back as an index entry, without re-reading the article text: rebuilding
        the index of a week of articles then costs a blob read each instead of shingling every body."""
        values = np.frombuffer(hashvalues, dtype=np.uint64)
        if len(values) != self.num_perm:
            raise ValueError(f"stored signature has {len(values)} values, the index uses {self.num_perm}")
        return LeanMinHash(seed=1, hashvalues=values, scheme=_HASH_SCHEME), size

    def signature(self, text: str) -> tuple[MinHash, int] | None:
        """MinHash of the text's shingles and the number of shingles, or None for a too-short text."""
        tokens = body_words(text)
        if len(tokens) < self.min_tokens:
            return None
        grams = shingles(tokens, self.shingle_words)
        signature = MinHash(num_perm=self.num_perm)
        signature.update_batch(list(grams))
        return signature, len(grams)

    def find(self, article: Article, signature: tuple[MinHash, int] | None = None) -> str | None:
        """Id of the canonical article this one copies, or None when it is new."""
        if article.id in self._canonical:
            return self._canonical[article.id]
        url = canonical_url(article.canonical_url or article.url)
        if url and url in self._by_url:
            return self._by_url[url]
        if article.text.strip() and article.body_hash in self._by_body:
            return self._by_body[article.body_hash]
        if article.text.strip() and self.stored_original and (original := self.stored_original(article.body_hash)):
            # the index holds only the newest week of the store; an archive spanning more (a resumed or
            # repeated ingest of a crawl) would otherwise keep an exact copy of an older article as new
            return original
        signature = signature or self.signature(article.text)
        if signature is None:
            return self.find_title(article.title or "", article.site) if article.title else None
        return self._nearest(*signature, facts(article.text))

    def _nearest(self, signature: MinHash, size: int, lead_facts: Facts) -> str | None:
        """The most similar indexed article that is a copy: Jaccard over the threshold, or most of
        the smaller text's shingles found in the other (a copy with paragraphs cut), naming the same
        places, people and figures in its lead."""
        best_id, best = None, 0.0
        for candidate in self._lsh.query(signature):
            if not same_facts(lead_facts, self._facts.get(candidate)):
                continue
            jaccard = signature.jaccard(self._signatures[candidate])
            # |A & B| = J (|A| + |B|) / (1 + J); containment divides that by the smaller set
            shared = jaccard * (size + self._sizes[candidate]) / (1 + jaccard)
            contained = shared / max(1, min(size, self._sizes[candidate]))
            if (jaccard >= self.threshold or contained >= self.containment) and jaccard > best:
                best_id, best = candidate, jaccard
        return best_id

    def find_title(self, headline: str, site: str | None) -> str | None:
        """Id of an item with the same normalised headline on the same site, for teasers and feed items."""
        key = title_key(headline, site)
        return self._by_title.get(key) if key else None

    def add_title(self, headline: str, site: str | None, item_id: str) -> str:
        """Remember a teaser or feed item by title; returns the id it collapses into."""
        key = title_key(headline, site)
        if key is None:
            return item_id
        return self._by_title.setdefault(key, item_id)

    def add(self, article: Article, signature: tuple[MinHash, int] | None = None, original: bool = False) -> str:
        """Index an article, or record it as one more source of the article it copies.

        ``signature`` is the article's stored one, when the store kept it; ``original`` says the store
        already judged it an original (the index is being rebuilt), so it is indexed without a lookup.
        Returns the canonical id the article now belongs to (its own id when it is new).
        """
        signature = signature or self.signature(article.text)
        canonical = article.id if original else self.find(article, signature) or article.id
        self._canonical[article.id] = canonical
        source = Source(article.id, article.page_hash, article.site, article.url, article.published)
        self.sources.setdefault(canonical, []).append(source)
        url = canonical_url(article.canonical_url or article.url)
        if url:
            self._by_url.setdefault(url, canonical)
        if article.text.strip():
            self._by_body.setdefault(article.body_hash, canonical)
        if article.title:
            self.add_title(article.title, article.site, canonical)
        if canonical == article.id and signature is not None:
            self._signatures[article.id], self._sizes[article.id] = signature
            self._facts[article.id] = facts(article.text)
            self._lsh.insert(article.id, signature[0])
        return canonical

    def __len__(self) -> int:
        return len(self.sources)
