"""Hashed TF-IDF vectors for story grouping, with document frequencies learnt as items arrive.

Why hashed features and a decaying document-frequency table rather than a fitted vocabulary: the
grouper runs for months on a stream, so it must not peek at future items to fit IDF, and its memory
must not grow with the history. Feature ids are ``crc32(feature) mod 2**bits`` (stable across
processes, so a saved state stays valid) and every document frequency decays with a half-life, so
a word that was everywhere last month stops being "common" and the table can be pruned.

Headlines are short, so every signal counts: words are lower-cased and de-pluralised, stop words
dropped, adjacent-word bigrams added ("white house" is not "white" + "house"), and words written
with a capital inside a sentence-case headline (names: "Hezbollah", "Macron") weigh more. Full
articles add their body (sub-linear term frequency) with the headline weighted up.

Stop words follow the item's language: with English ones alone, "de", "la", "der", "und" carry full
weight, and any two French or German articles share enough of them to read as one story. An item
without a language (a teaser) takes the one py3langid is sure of, and keeps the English list otherwise.
"""

from __future__ import annotations

import importlib.util
import math
import re
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from newsdesk.words import LETTERS

FEATURE_BITS = 20
LOOKALIKES = Path(__file__).resolve().parent / "models" / "english_lookalikes.txt"
_WORD = re.compile(rf"{LETTERS}(?:['’.]{LETTERS})*", re.UNICODE)  # LETTERS: with Indic vowel signs
# Newsroom words that carry no story identity in a headline.
_NEWS_STOP = {
    "says", "said", "say", "new", "news", "report", "reports", "update", "updated", "video", "photos",
    "watch", "live", "breaking", "exclusive", "just", "amid", "over", "after", "year", "week", "day",
    "today", "first", "will", "may", "could", "would", "should", "get", "gets", "make", "makes", "s",
}
# Calendar words name when, not what: "Company News for April 21, 2014" and "Weekend Movie Preview: April 18"
# share nothing else.
CALENDAR_WORDS = frozenset({
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "tonight",
    "yesterday", "tomorrow",
})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | _NEWS_STOP | CALENDAR_WORDS
# py3langid's normalised probability a guessed language must reach: English headlines of UCI reach it
# for another language about once in 20,000 (and then are mostly not English), French headlines at 0.96+
RELIABLE_LANGUAGE = 0.9
LANGUAGE_SAMPLE_CHARS = 300  # the headline and the start of the body: plenty to tell, and 1 ms less per article


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=50_000)
def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language when py3langid is sure of it, else None.

    Plain ``classify`` always names a language, and on a headline it is often wrong ("Obama meets
    Merkel in Berlin" reads as Afrikaans); its normalised probability says when the guess can be used."""
    code, probability = _language_identifier().classify(text[:LANGUAGE_SAMPLE_CHARS])
    return code if probability >= RELIABLE_LANGUAGE else None


def is_english(language: str | None) -> bool:
    """Whether a language code (None: unknown) is to be read as English, as everything was before.

    Nigerian Pidgin is English-based, and py3langid gives it English headlines about Nigeria ("Nigeria
    passes South Africa to become Africa's biggest economy"); "zxx" is no language at all."""
    return not language or language.lower().startswith("en") or language.lower() in ("pcm", "zxx")


@lru_cache(maxsize=64)
def _spacy_stop_words(language: str) -> frozenset[str]:
    """spaCy's word list for the language, or none. Read from its file: the lists are plain data, and
    importing spaCy itself costs seconds (it is an optional extra, so it may be missing too)."""
    spacy = importlib.util.find_spec("spacy")
    if not language.isalpha() or spacy is None or not spacy.submodule_search_locations:
        return frozenset()
    path = f"{spacy.submodule_search_locations[0]}/lang/{language}/stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_newsdesk_stop_words_{language}", path)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except OSError:  # no list for this language
        return frozenset()
    return frozenset(word.replace("’", "'") for word in module.STOP_WORDS)


@lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """Stop words of a text in ``language``: the English and newsroom ones, with spaCy's for another
    language added, normalised as its words will be."""
    if is_english(language):
        return STOP_WORDS
    return STOP_WORDS | {normalise_word(w) for w in _spacy_stop_words(language.lower()[:2])}


@lru_cache(maxsize=64)
def _elisions(language: str | None) -> frozenset[str]:
    """A language's elided articles and prepositions ("l'", "qu'", "dell'"), which French and Italian
    write onto the next word: "l'armée" must meet "armée", and "d'un", "qu'il" are no words of a story."""
    if is_english(language):
        return frozenset()
    return frozenset(w for w in _spacy_stop_words(language.lower()[:2]) if w.endswith("'"))


def _unelided(token: str, elisions: frozenset[str]) -> str:
    head, apostrophe, rest = token.replace("’", "'").partition("'")
    return rest if rest and f"{head.lower()}'" in elisions else token


@lru_cache(maxsize=1)
def other_languages_stop_words() -> frozenset[str]:
    """The stop words that some language's list has and the English one lacks, normalised."""
    spacy = importlib.util.find_spec("spacy")
    if spacy is None or not spacy.submodule_search_locations:
        return frozenset()
    words = frozenset().union(*(stop_words(code) for code in _spacy_languages())) - STOP_WORDS
    # a word under two letters ("2", "e") is dropped in any language, so it cannot make a difference
    return frozenset(w for w in words if len(w) >= 2)


def _spacy_languages() -> list[str]:
    spacy = importlib.util.find_spec("spacy")
    return [p.name for p in Path(spacy.submodule_search_locations[0], "lang").iterdir() if p.is_dir()]


@lru_cache(maxsize=1)
def _foreign_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words that make a headline worth a language guess (other languages' stop words that are no
    English words; see ``lookalikes``), and the elisions of every language."""
    words = other_languages_stop_words()
    if not words:
        return frozenset(), frozenset()
    lookalikes = set(LOOKALIKES.read_text(encoding="utf-8").split()) if LOOKALIKES.is_file() else set()
    return words - lookalikes, frozenset().union(*(_elisions(code) for code in _spacy_languages()))


def holds_foreign_stop_word(headline: str, more_words: list[str] = ()) -> bool:
    """Whether a headline (or the normalised ``more_words``) holds a word that some language's stop
    list has and English lacks, or an elision such as French "l'".

    Only then can reading it in another language change its features, and only then is it worth
    asking py3langid (130 µs a headline, a sixth of grouping UCI). Words that are English too ("men",
    "die", "sale") do not count: a headline of only those is English (see ``lookalikes``). Of UCI's
    176,000 headlines 11,700 are asked; of the others py3langid is sure of another language for 9,
    7 of them in another script, and spaCy has no stop words for the other two's language (Somali)."""
    return _foreign_in(headline or "") or any(word in _foreign_words()[0] for word in more_words)


@lru_cache(maxsize=50_000)
def _foreign_in(headline: str) -> bool:  # cached: grouping asks twice, for the words and for the embedding
    foreign, elisions = _foreign_words()
    for token in _WORD.findall(headline):
        if normalise_word(token) in foreign:
            return True
        head, apostrophe, _ = token.replace("’", "'").partition("'")
        if apostrophe and f"{head.lower()}'" in elisions:
            return True
    return False


def item_language(headline: str, text: str, language: str | None = None) -> str | None:
    """The language an item is read in: its own (an article's, from extraction), else a sure guess."""
    return language or guess_language(f"{headline}. {text[:LANGUAGE_SAMPLE_CHARS]}" if text else headline)


@lru_cache(maxsize=200_000)
def normalise_word(word: str) -> str:
    """Lower-case, drop possessives and plural endings so "Ukraine's"/"Ukraine", "talks"/"talk" meet."""
    word = word.lower().replace("’", "'").replace(".", "")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=400_000)
def feature_id(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & ((1 << FEATURE_BITS) - 1)


def headline_features(headline: str, name_boost: float, language: str | None = None) -> Counter[str]:
    """Weighted unigram and bigram features of one headline (``language``: see ``stop_words``)."""
    raw = _WORD.findall(headline or "")
    if not raw:
        return Counter()
    stops, elisions = stop_words(language), _elisions(language)
    capitalised = sum(1 for w in raw if w[:1].isupper())
    # In Title Case headlines every word is capitalised, so capitals say nothing about names there.
    sentence_case = capitalised <= max(1, 0.5 * len(raw))
    features: Counter[str] = Counter()
    words: list[str] = []
    for position, token in enumerate(raw):
        token = _unelided(token, elisions) if elisions else token
        word = normalise_word(token)
        if len(word) < 2 or word in stops:
            words.append("")
            continue
        weight = 1.0
        if (sentence_case and position > 0 and token[:1].isupper()) or (token.isupper() and len(token) > 1):
            weight = name_boost
        features[word] = max(features[word], weight)
        words.append(word)
    for left, right in zip(words, words[1:]):
        if left and right:
            features[f"{left} {right}"] = 1.0
    return features


_SENTENCE_END = re.compile(r"(?:^|[.!?:\n]['\"’”)\]]*)\s*$")


def body_features(text: str, name_boost: float, bigrams: bool, language: str | None = None) -> Counter[str]:
    """Sub-linear term frequencies of an article body; names (capitalised mid-sentence) weigh more."""
    counts: Counter[str] = Counter()
    names: set[str] = set()
    previous = ""
    stops, elisions = stop_words(language), _elisions(language)
    for match in _WORD.finditer(text):
        token = _unelided(match.group(), elisions) if elisions else match.group()
        word = normalise_word(token)
        if len(word) < 2 or word in stops:
            previous = ""
            continue
        counts[word] += 1
        if token[:1].isupper() and not _SENTENCE_END.search(text[max(0, match.start() - 4) : match.start()]):
            names.add(word)
        if bigrams and previous:
            counts[f"{previous} {word}"] += 1
        previous = word
    return Counter({w: (1.0 + math.log(c)) * (name_boost if w in names else 1.0) for w, c in counts.items()})


class DocumentFrequencies:
    """Decaying document frequencies over hashed features: bounded memory, no look-ahead.

    Decay stops at ``min_documents`` documents' worth of history: after a long quiet spell (a small
    desk's weekend, a backfill of old articles) full decay left IDF to the handful of new documents
    alone, and among three articles of one event the event's own words, being in all three, weighed
    least, so the articles fell apart. The floor keeps the history's word profile, scaled down.
    """

    def __init__(self, half_life_hours: float = 168.0, min_documents: float = 0.0) -> None:
        self.half_life_hours = half_life_hours
        self.min_documents = min_documents
        self.documents = 0.0
        self.counts = np.zeros(1 << FEATURE_BITS, dtype=np.float32)
        self.clock: float | None = None  # epoch seconds of the last decay

    def advance(self, now: float | None) -> None:
        if now is None:
            return
        if self.clock is not None and now > self.clock:
            factor = 0.5 ** ((now - self.clock) / 3600.0 / self.half_life_hours)
            if self.documents > 0:
                factor = max(factor, min(1.0, self.min_documents / self.documents))
            self.documents *= factor
            self.counts *= np.float32(factor)
        if self.clock is None or now > self.clock:
            self.clock = now

    def add(self, rows: list[dict[int, float]]) -> None:
        self.documents += len(rows)
        keys = np.fromiter((k for row in rows for k in row), dtype=np.int64)
        np.add.at(self.counts, keys, 1.0)

    def idf(self, features: np.ndarray) -> np.ndarray:
        return np.log((self.documents + 1.0) / (self.counts[features] + 1.0)) + 1.0

    def to_state(self) -> dict:
        """Every feature seen, one-offs included. Dropping the one-offs (most hashed features) had shrunk
        the state, but it raised their IDF by log 2 after every save, so how a stream was cut into runs
        changed its stories: the first four UCI days grouped day by day agreed with the same days grouped
        at once at B-cubed 0.994; with every count kept, 1.0 (the whole state grows by about a third)."""
        kept = np.flatnonzero(self.counts > 0)
        return {
            "half_life_hours": self.half_life_hours,
            "documents": round(self.documents, 6),
            "clock": self.clock,
            "features": kept.tolist(),
            "counts": np.round(self.counts[kept], 5).tolist(),
        }

    @classmethod
    def from_state(cls, state: dict, min_documents: float = 0.0) -> "DocumentFrequencies":
        df = cls(half_life_hours=state["half_life_hours"], min_documents=min_documents)
        df.documents = state["documents"]
        df.clock = state["clock"]
        df.counts[np.asarray(state["features"], dtype=np.int64)] = np.asarray(state["counts"], dtype=np.float32)
        return df


_SLUG_SEGMENT_END = re.compile(r"\.(?:s?html?|php|aspx?|cms|ece|jsp)$", re.IGNORECASE)
_SLUG_SEPARATOR = re.compile(r"[-_+]")
_URL_HOST = re.compile(r"^[a-z]+://[^/]+", re.IGNORECASE)
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _slug_word(part: str) -> str | None:
    """A slug part as a word: letters only, an id run onto its end dropped ("Merge-with-Fyffes91587")."""
    stripped = part.rstrip("0123456789")
    if stripped != part and stripped and stripped[-1] in _ASCII_LETTERS:
        part = stripped
    return part if part.isalpha() and part.isascii() else None


def url_words(url: str | None) -> list[str]:
    """The words of a URL's slug ("/2014/03/10/american_airlines_jetblue_end_deal.html"), normalised.

    The longest path segment of three or more words; letters only, since ids and dates in a path
    say nothing about the story. Only web addresses: a file's path names the file, not the story."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return []
    path = _URL_HOST.sub("", url).split("?")[0].split("#")[0]
    best: list[str] = []
    for segment in path.split("/"):
        if len(segment) < 5:  # three words and two separators at the least
            continue
        parts = _SLUG_SEPARATOR.split(_SLUG_SEGMENT_END.sub("", segment))
        if len(parts) < 3 or len(parts) <= len(best):
            continue
        words = [w for w in map(_slug_word, parts) if w]
        if len(words) >= 3 and len(words) > len(best):
            best = words
    return [normalise_word(w) for w in best]


def raw_features(
    headline: str, text: str, name_boost: float, headline_weight: float, body_name_boost: float, body_bigrams: bool,
    url: str | None = None, url_weight: float = 0.0, language: str | None = None,
) -> dict[int, float]:
    """Hashed, un-IDF-ed feature weights of one item: its headline, the words of its URL's slug that
    the headline lacks, and its body if it has one. ``language`` is the item's own (None: guessed)."""
    slug = url_words(url) if url_weight else []
    if language or text or holds_foreign_stop_word(headline, slug):
        language = item_language(headline, text, language)
    features = headline_features(headline, name_boost, language)
    if url_weight:
        stops = stop_words(language)
        for word in slug:
            if len(word) >= 2 and word not in stops and word not in features:
                features[word] = url_weight
    if text:
        body = body_features(text, body_name_boost, body_bigrams, language)
        for word, weight in features.items():
            body[word] = body.get(word, 0.0) + headline_weight * weight
        features = body
    hashed: dict[int, float] = {}
    for name, weight in features.items():
        key = feature_id(name)
        hashed[key] = hashed.get(key, 0.0) + weight
    return hashed


def to_matrix(rows: list[dict[int, float]], df: DocumentFrequencies) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows as a CSR matrix over the hashed feature space."""
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    total = int(lengths.sum())
    indices = np.fromiter((k for r in rows for k in r), dtype=np.int64, count=total)
    data = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64, count=total) * df.idf(indices)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    row_of = np.repeat(np.arange(len(rows)), lengths)
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=len(rows)))
    data /= np.maximum(norms, 1e-12)[row_of]
    return sparse.csr_matrix(
        (data.astype(np.float32), indices.astype(np.int32), indptr), shape=(len(rows), 1 << FEATURE_BITS)
    )
