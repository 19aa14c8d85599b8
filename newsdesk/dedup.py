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
from datetime import date, timedelta
from functools import lru_cache
from hashlib import blake2b

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsdesk.records import Article
from newsdesk.words import WORD

SHINGLE_WORDS = 5
THRESHOLD = 0.5
NUM_PERM = 128
CONTAINMENT = 0.8
CANDIDATE_THRESHOLD = 0.3
MIN_TOKENS = 30
MIN_TITLE_WORDS = 4
# Syndicated copies run within days of their original; two generations of this many days of article dates
# stay indexed (see ``Deduper``), and at most this many originals (~5 kB each).
WINDOW_DAYS = 7
# A body this short may be the page's template rather than its story; there a different title says "not a copy".
SHORT_BODY_WORDS = 80
SAME_TITLE = 0.5
# A page at an address already known is that address's piece again (an updated version, a re-crawl) when their
# texts share this much: versions of one article share most of their shingles, different stories next to none.
# The store then brings the article up to the newer version in place (``pipeline.store_version``).
SAME_ADDRESS_JACCARD = 0.1
MAX_ORIGINALS = 200_000
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
class CopyFingerprint:
    """The names (capitalised words not opening a sentence) and figures of the body's first words: of
    its lead, and of a wider opening that still holds them when a copy cut a paragraph near the top.
    Held as sorted word hashes (the index keeps one per original: a set of strings cost 4.7 kB), with
    the plain numbers apart, as an update is told by them."""

    lead: np.ndarray
    wide: np.ndarray
    lead_figures: frozenset[str]
    wide_figures: frozenset[str]


def facts(text: str) -> CopyFingerprint:
    lines = (_DATELINE.sub("", line.strip()) for line in text.splitlines())
    opening = " ".join(line for line in lines if line and not _BOILERPLATE_LINE.match(line)).split()
    found = []
    for n, word in enumerate(opening[:WIDE_WORDS]):
        core = word.strip(_PUNCTUATION)
        opens_sentence = n == 0 or opening[n - 1].rstrip("\"'”’)").endswith((".", "!", "?", ":"))
        if any(c.isdigit() for c in core) or (core[:1].isupper() and not opens_sentence):
            found.append((n, core.lower()))
    lead = {f for n, f in found if n < LEAD_WORDS}
    wide = {f for _, f in found}
    return CopyFingerprint(_hashes(lead), _hashes(wide), _figures(lead), _figures(wide))


def _hashes(words: set[str]) -> np.ndarray:
    return np.array(sorted({stable_hash(word.encode()) for word in words}), dtype=np.int64)


def stable_hash(data: bytes) -> int:
    """A 64-bit hash that is the same in every process: Python's ``hash`` of a str or bytes is salted per
    process, so a deduper sent to a worker or loaded from a pickle found none of the copies it had indexed."""
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little", signed=True)


def same_facts(one: CopyFingerprint, other: CopyFingerprint | None) -> bool:
    """Whether two texts name the same things: most of either's lead is in the other's opening."""
    if other is None:
        return True

    def within(lead: np.ndarray, wide: np.ndarray) -> bool:
        # too few facts tell nothing apart
        return len(lead) < 2 or len(np.intersect1d(lead, wide, assume_unique=True)) >= SAME_FACTS * len(lead)

    if one.lead_figures - other.wide_figures and other.lead_figures - one.wide_figures:
        # each lead has a number the other lacks: an update ("killed at least 120" -> "more than 2,000"), which
        # a monitor must see, not a copy (a copy cut at the top lacks the original's numbers, not the reverse)
        return False
    return within(one.lead, other.wide) or within(other.lead, one.wide)


_NUMBER = re.compile(r"\d[\d,.]*")


def _figures(words: set[str]) -> frozenset[str]:
    """The plain numbers among a text's facts ("2,000", not "itv1's" or "7's", which quote styles respell)."""
    numbers = frozenset(word.replace(",", "") for word in words if _NUMBER.fullmatch(word))
    return numbers or _NO_FIGURES  # most openings have none: one shared empty set


_NO_FIGURES: frozenset[str] = frozenset()


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


def article_url(article: Article) -> str | None:
    """The address an article is known by: its canonical link, unless that names only a site (a page whose
    canonical link is its site's front page, a common template fault), else its own address."""
    for url in (article.canonical_url, article.url):
        key = canonical_url(url)
        if key and "/" in key:
            return key
    return canonical_url(article.url)


@lru_cache(maxsize=1)
def default_signer() -> "Deduper":
    """A deduper with the default parameters, used only to sign texts where pages are extracted (in a
    worker process, when there are several): the signature is most of dedup's cost, and a signature
    made there is used only by an index with the same ``scheme``."""
    return Deduper()


Signature = tuple[np.ndarray, int]  # MinHash values, number of shingles


class _Generation:
    """The part of the index filled over one stretch of the stream (``Deduper.window_days`` of article
    dates, or half of ``max_originals``). Keys and band buckets hold shared id strings, and a bucket
    holds one id until a second text lands in it: at ~5 kB an original, a day of a big crawl fits."""

    def __init__(self, bands: int, started: str | None) -> None:
        self.started = started
        self.signatures: dict[str, Signature] = {}
        self.facts: dict[str, CopyFingerprint] = {}
        self.buckets: list[dict[int, str | list[str]]] = [{} for _ in range(bands)]
        self.by_url: dict[str, list[str]] = {}  # every original first seen at an address (one may hold several)
        self.by_body: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        self.rank: dict[str, int] = {}
        self.short_titles: dict[str, str] = {}  # the titles of originals with a short body (see ``_other_story``)
        self.originals = 0


class Deduper:
    """An index of recent articles; ``find`` says which one a new article copies.

    Only the first article of each copy group (the canonical one) is indexed; later copies map to it.
    Copies of one story arrive within days of each other, so the index keeps two generations of about
    ``window_days`` of article dates each (or half of ``max_originals`` articles each, for a day of a
    big crawl) and forgets the older one when a third begins: memory is bounded by the window, not by
    the history. An exact copy of anything older is still found in the store (``stored_original``).

    The LSH banding is datasketch's (its band count and width for the candidate threshold), held here in
    plain dicts of ints: datasketch's dict storage keeps a set and a bytes key per band per article,
    ~11 kB an article (37 bands), which made a 100,000-page run's index 1.9 GB.
    """

    def __init__(
        self,
        shingle_words: int = SHINGLE_WORDS,
        threshold: float = THRESHOLD,
        num_perm: int = NUM_PERM,
        min_tokens: int = MIN_TOKENS,
        containment: float = CONTAINMENT,
        window_days: int = WINDOW_DAYS,
        max_originals: int = MAX_ORIGINALS,
    ) -> None:
        self.shingle_words = shingle_words
        self.threshold = threshold
        self.num_perm = num_perm
        self.min_tokens = min_tokens
        self.containment = containment
        self.window_days = window_days
        self.max_originals = max_originals
        # LSH only proposes candidates; a lower bar lets a copy that lost a paragraph reach the
        # containment test below.
        banding = MinHashLSH(threshold=min(threshold, CANDIDATE_THRESHOLD), num_perm=num_perm)
        self._bands = [(i * banding.r, (i + 1) * banding.r) for i in range(banding.b)]
        self._generations = [_Generation(len(self._bands), None)]
        self._clock: str | None = None  # the latest plausible article date seen: the stream's "now"
        self._indexed = 0  # originals indexed so far: each one's rank keeps ties stable
        # the store's answer for an exact copy of an article older than the index holds (see ``find``): its id
        # and title
        self.stored_original: Callable[[str], tuple[str, str | None] | None] | None = None
        # the store's originals (with stored signatures) and canonical teasers as (headline, site, id) dated from
        # one ISO day up to another, and the day before which the store's items were left out of the index: see
        # ``_recall``
        self.stored_between: Callable[[str, str], tuple[Iterable[tuple[Article, Signature | None]],
                                                         Iterable[tuple[str, str | None, str]]]] | None = None
        self.recall_before: str | None = None
        self._recalled = _Generation(len(self._bands), None)
        self._recalled_weeks: set[str] = set()
        self.originals = 0

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
        signature = self._lookup("signatures", article_id)
        if signature is None:
            return None
        return signature[0].tobytes(), signature[1]

    def text_signature_record(self, text: str) -> tuple[bytes, int] | None:
        """(hash values, shingle count) of a text that is not indexed: a stored article whose text changed."""
        signature = self.signature(text)
        if signature is None:
            return None
        return signature[0].tobytes(), signature[1]

    def signature_from_record(self, hashvalues: bytes, size: int) -> Signature:
        """A stored signature back as an index entry, without re-reading the article text: rebuilding
        the index of a week of articles then costs a blob read each instead of shingling every body."""
        values = np.frombuffer(hashvalues, dtype=np.uint64)
        if len(values) != self.num_perm:
            raise ValueError(f"stored signature has {len(values)} values, the index uses {self.num_perm}")
        return values.copy(), size  # a copy, so the index does not keep the row's whole blob alive

    def signature(self, text: str) -> Signature | None:
        """MinHash values of the text's shingles and the number of shingles, or None for a too-short text."""
        tokens = body_words(text)
        if len(tokens) < self.min_tokens:
            return None
        grams = shingles(tokens, self.shingle_words)
        signature = MinHash(num_perm=self.num_perm)
        signature.update_batch(list(grams))
        return np.asarray(signature.hashvalues, dtype=np.uint64), len(grams)

    def _lookup(self, table: str, key: str) -> str | Signature | None:
        for generation in (*reversed(self._generations), self._recalled):
            if (found := getattr(generation, table).get(key)) is not None:
                return found
        return None

    def find(self, article: Article, signature: Signature | None = None) -> str | None:
        """Id of the canonical article this one copies, or None when it is new."""
        if seen := self._lookup("canonical", article.id):
            return seen
        url = article_url(article)
        if url and (original := self._piece_at(url, article, signature)):
            return original
        short = len(article.text.split()) < SHORT_BODY_WORDS
        if article.text.strip() and (original := self._lookup("by_body", article.body_hash)):
            return None if short and _other_story(article.title, self._lookup("short_titles", original)) else original
        if article.text.strip() and self.stored_original and (stored := self.stored_original(article.body_hash)):
            # the index holds only the newest days of the stream; an archive spanning more (a resumed or
            # repeated ingest of a crawl) would otherwise keep an exact copy of an older article as new
            return None if short and _other_story(article.title, stored[1]) else stored[0]
        signature = signature or self.signature(article.text)
        if signature is None:
            return self.find_title(article.title or "", article.site) if article.title else None
        self._recall(article.published)
        return self._nearest(*signature, facts(article.text), article.title if short else None)

    def _piece_at(self, url: str, article: Article, signature: Signature | None) -> str | None:
        """The original at an address that ``article`` is another version of. An address may have held several
        pieces (a site that reused it for another story): the article is each one's version only by its text.
        When none is, the store's originals of the article's days are recalled first: an edit of a piece
        published a fortnight ago, or before the address was reused, is still that piece."""
        signature = signature or self.signature(article.text)
        for attempt in range(2):
            for original in self._originals_at(url):
                if self._same_piece(article, signature, original):
                    return original
            if attempt == 0:
                self._recall(article.published)
        return None

    def _originals_at(self, url: str) -> list[str]:
        return [original for generation in (*reversed(self._generations), self._recalled)
                for original in generation.by_url.get(url, ())]

    def _recall(self, published: str | None) -> None:
        """Index the store's originals and teaser headlines from around an item's date when it is older than
        the stream's window: an archive taken in a source at a time brings another site's copy of a years-old
        wire story, a feed's older entries come again in a later run, and the index, loaded with the store's
        newest week, had nothing to match them to. A week of dates is recalled once (with ``window_days``
        either side); the recalled part is emptied when it holds half of ``max_originals``, so memory stays
        bounded."""
        day = (published or "")[:10]
        if self.stored_between is None or not self.recall_before or not day or day >= self.recall_before:
            return
        try:
            monday = date.fromisoformat(day) - timedelta(days=date.fromisoformat(day).weekday())
        except ValueError:
            return
        if monday.isoformat() in self._recalled_weeks:
            return
        if self._recalled.originals >= self.max_originals // 2:
            self._recalled, self._recalled_weeks = _Generation(len(self._bands), None), set()
        self._recalled_weeks.add(monday.isoformat())
        start = (monday - timedelta(days=self.window_days)).isoformat()
        end = (monday + timedelta(days=7 + self.window_days)).isoformat()
        articles, titles = self.stored_between(start, end)
        for stored, signature in articles:
            if self._lookup("canonical", stored.id) is None and (signature := signature or self.signature(stored.text)):
                self._recalled.canonical[stored.id] = stored.id
                self._recalled.originals += 1
                if stored.title and len(stored.text.split()) < SHORT_BODY_WORDS:
                    self._recalled.short_titles[stored.id] = stored.title
                self._index(self._recalled, stored.id, signature, facts(stored.text))
                if (address := article_url(stored)) and stored.id not in self._originals_at(address):
                    self._recalled.by_url.setdefault(address, []).append(stored.id)
                titles = [*titles, (stored.title, stored.site, stored.id)] if stored.title else titles
        for headline, site, item_id in titles:
            if (key := title_key(headline, site)) and self._lookup("by_title", key) is None:
                self._recalled.by_title[key] = item_id

    def _band_keys(self, values: np.ndarray) -> list[int]:
        return [stable_hash(values[start:end].tobytes()) for start, end in self._bands]

    def _same_piece(self, article: Article, signature: Signature | None, original: str) -> bool:
        """Whether an article at a known address is that address's piece again (a later version shares much
        of its text) and not another piece: a site that gives every page its front page as canonical link,
        or records that reuse one address for different stories, had merged unrelated articles."""
        other = self._lookup("signatures", original)
        if signature is not None and other is not None:
            return np.count_nonzero(signature[0] == other[0]) / len(signature[0]) >= SAME_ADDRESS_JACCARD
        known = self._lookup("short_titles", original)
        return not (article.title and known and title_key(article.title, None) != title_key(known, None))

    def _candidates(self, values: np.ndarray) -> list[str]:
        found: set[str] = set()
        for generation in (self._recalled, *self._generations):
            for buckets, key in zip(generation.buckets, self._band_keys(values)):
                held = buckets.get(key)
                if held is not None:
                    found.update((held,) if isinstance(held, str) else held)
        return sorted(found, key=lambda article_id: self._lookup("rank", article_id))

    def _nearest(self, values: np.ndarray, size: int, lead_facts: CopyFingerprint,
                 short_title: str | None = None) -> str | None:
        """The most similar indexed article that is a copy: Jaccard over the threshold, or most of
        the smaller text's shingles found in the other (a copy with paragraphs cut), naming the same
        places, people and figures in its lead. Ties go to the earliest indexed."""
        best_id, best = None, 0.0
        for candidate in self._candidates(values):
            if not same_facts(lead_facts, self._lookup("facts", candidate)):
                continue
            if short_title and _other_story(short_title, self._lookup("short_titles", candidate)):
                continue
            other, other_size = self._lookup("signatures", candidate)
            jaccard = np.count_nonzero(values == other) / len(values)
            # |A & B| = J (|A| + |B|) / (1 + J); containment divides that by the smaller set
            shared = jaccard * (size + other_size) / (1 + jaccard)
            contained = shared / max(1, min(size, other_size))
            if (jaccard >= self.threshold or contained >= self.containment) and jaccard > best:
                best_id, best = candidate, jaccard
        return best_id

    def find_title(self, headline: str, site: str | None, published: str | None = None) -> str | None:
        """Id of an item with the same normalised headline on the same site, for teasers and feed items
        (``published``: the item's date, for one older than the index's window; see ``_recall``)."""
        key = title_key(headline, site)
        if key and self._lookup("by_title", key) is None:
            self._recall(published)
        return self._lookup("by_title", key) if key else None

    def add_title(self, headline: str, site: str | None, item_id: str) -> str:
        """Remember a teaser or feed item by title; returns the id it collapses into."""
        key = title_key(headline, site)
        if key is None:
            return item_id
        if original := self._lookup("by_title", key):
            return original
        self._generations[-1].by_title[key] = item_id
        return item_id

    def add(self, article: Article, signature: Signature | None = None, original: bool = False) -> str:
        """Index an article, or record it as one more source of the article it copies.

        ``signature`` is the article's stored one, when the store kept it; ``original`` says the store
        already judged it an original (the index is being rebuilt), so it is indexed without a lookup.
        Returns the canonical id the article now belongs to (its own id when it is new).
        """
        self._advance(article.published)
        signature = signature or self.signature(article.text)
        canonical = article.id if original else self.find(article, signature) or article.id
        generation = self._generations[-1]
        generation.canonical[article.id] = canonical
        url = article_url(article)
        if url and canonical not in self._originals_at(url):
            generation.by_url.setdefault(url, []).append(canonical)
        if article.text.strip() and not self._lookup("by_body", article.body_hash):
            generation.by_body[article.body_hash] = canonical
        if article.title:
            self.add_title(article.title, article.site, canonical)
        if canonical == article.id:
            self.originals += 1
            generation.originals += 1
            if article.title and len(article.text.split()) < SHORT_BODY_WORDS:
                generation.short_titles[article.id] = article.title
            if signature is not None:
                self._index(generation, article.id, signature, facts(article.text))
        return canonical

    def _index(self, generation: _Generation, article_id: str, signature: Signature,
               lead_facts: CopyFingerprint) -> None:
        generation.signatures[article_id] = signature
        generation.facts[article_id] = lead_facts
        generation.rank[article_id] = self._indexed
        self._indexed += 1
        for buckets, key in zip(generation.buckets, self._band_keys(signature[0])):
            held = buckets.get(key)
            if held is None:
                buckets[key] = article_id
            elif isinstance(held, str):
                buckets[key] = [held, article_id]
            else:
                held.append(article_id)

    def _advance(self, published: str | None) -> None:
        """Move the stream's clock to a newer article date, and start a new generation when the current
        one has covered the window (or holds its share of ``max_originals``), forgetting the oldest."""
        day = (published or "")[:10]
        if len(day) == 10 and (self._clock is None or day > self._clock) and day <= _latest_plausible_day():
            self._clock = day
        current = self._generations[-1]
        if current.started is None:
            current.started = self._clock
        full = current.originals >= self.max_originals // 2
        if not full and not (current.started and self._clock and _days_between(current.started, self._clock)
                             >= self.window_days):
            return
        if len(self._generations) == 2:
            del self._generations[0]
        self._generations.append(_Generation(len(self._bands), self._clock))

    def __len__(self) -> int:
        """Originals (copy groups) seen, including those the index has since forgotten."""
        return self.originals


def _other_story(title: str | None, original_title: str | None) -> bool:
    """Whether two short texts are two stories although their bodies match: a paywall notice, a "watch the
    video" line or a cookie wall is the whole body of many pages, each with its own headline (a QA pass had
    three FT pages about Malaysia, Crimea and Apple merged into one). Titles sharing under half their words
    tell them apart; a wire brief run under a new headline keeps most of its words or its body is longer."""
    if not title or not original_title:
        return False
    one, other = set(words(title)), set(words(original_title))
    return bool(one and other) and len(one & other) < SAME_TITLE * min(len(one), len(other))


def _latest_plausible_day() -> str:
    """Tomorrow: a page dated later (a typo, a placeholder year) must not push the clock past every copy."""
    return (date.today() + timedelta(days=1)).isoformat()


def _days_between(first: str, last: str) -> int:
    try:
        return (date.fromisoformat(last) - date.fromisoformat(first)).days
    except ValueError:
        return 0
