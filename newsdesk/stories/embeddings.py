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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

TABLE = Path(__file__).resolve().parent / "models" / "minilm_static.npz"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_WORD_CHARS = 100  # as BERT: a longer "word" is not language


class StaticEmbeddings:
    """Word-piece vectors (int8 codes times a per-dimension scale) and the mean to subtract."""

    def __init__(self, tokens: Sequence[str], codes: np.ndarray, scale: np.ndarray, mean: np.ndarray) -> None:
        self.vocabulary = {token: n for n, token in enumerate(tokens)}
        self.vectors = codes.astype(np.float32) * scale.astype(np.float32)
        self.mean = mean.astype(np.float32)
        self.dims = self.vectors.shape[1]
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
        ids: list[int] = []
        for word in _WORD.findall(_plain(text)):
            ids.extend(self._pieces(word))
        return ids

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
        """Unit-length, centred vectors (a text with no known piece gets a zero vector)."""
        vectors = self.raw(texts)
        known = np.abs(vectors).sum(axis=1) > 0
        vectors[known] -= self.mean
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


@lru_cache(maxsize=50_000)
def _plain(text: str) -> str:
    """Lower case without accents, as BERT's uncased tokeniser sees it."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@cache
def shipped() -> StaticEmbeddings | None:
    """The table in ``models/``, loaded once; None when it is missing (grouping then uses TF-IDF alone)."""
    return StaticEmbeddings.load() if TABLE.is_file() else None
