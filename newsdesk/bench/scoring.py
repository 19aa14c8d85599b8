"""Body-extraction scores that compare with published numbers.

Two conventions, implemented as their authors define them so our figures line up with theirs:

* the ScrapingHub article-extraction-benchmark score: ``\\w+`` tokens (case kept), token 4-gram
  shingles, per-page tp/fp/fn multiset counts normalised to sum to 1, macro-averaged precision and
  recall (pages whose output is empty are left out of precision), F1 the harmonic mean of the two
  averages;
* WCXB's word F1: lower-cased ``\\w+`` bag-of-words overlap per page, averaged over pages by the caller.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 4


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[str]:
    """Token n-grams as a multiset; a text shorter than ``size`` tokens is one shingle (as upstream)."""
    tokens = _TOKEN.findall(text or "")
    grams = (" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(g for g in grams if g)


def page_counts(pred: str, gold: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page's shingles; all zero when both texts are empty."""
    pred_sh, gold_sh = shingles(pred), shingles(gold)
    tp = fp = fn = 0
    for key in pred_sh.keys() | gold_sh.keys():
        p, g = pred_sh.get(key, 0), gold_sh.get(key, 0)
        tp += min(p, g)
        fp += max(0, p - g)
        fn += max(0, g - p)
    total = tp + fp + fn
    if not total:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def body_prf(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """ScrapingHub body score over (pred, gold) pairs: macro ``precision``, ``recall``, ``f1``, ``pages``."""
    counts = [page_counts(pred, gold) for pred, gold in pairs]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages": len(counts)}


def word_f1(pred: str, gold: str) -> float:
    """WCXB word F1 of one page: lower-cased ``\\w+`` bag-of-words overlap."""
    pred_tokens = _TOKEN.findall((pred or "").lower())
    gold_tokens = _TOKEN.findall((gold or "").lower())
    if not gold_tokens:
        return 0.0 if pred_tokens else 1.0
    if not pred_tokens:
        return 0.0
    overlap = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / len(pred_tokens), overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)
