"""Label every line of a plain-text news page: body, subhead, byline, agency, dateline, caption,
teaser headline/standfirst, title or furniture.

Two steps. First a learned decision, article text or not, made in two stages: gradient-boosted
trees over the features of each line and its neighbours (``line_features``), then a second set of
trees over the first stage's probabilities around each line and the line's place relative to the
page's main block of likely article text, because article text comes in one contiguous block (a
lone short line between two paragraphs is usually a subhead, not a menu) while comment threads and
"related" blurbs are blocks of their own after it. (A third such stage was measured and dropped: it
lost F1 in cross-validation.) The decision is on the mean of the two stages' probabilities: alone
the second stage scored no better than the first in cross-validation (it learns from out-of-fold
first-stage outputs, which are likely less sure than those of the first stage shipped), while their
mean scored about 0.004 line-F1 above either and raised the nested bench from 0.867 to 0.870. Both
stages were trained on 709 real pages whose lines are labelled article/not, plus crops of them and
clean and re-wrapped article texts, so that clean text with no page around it is not mistaken for a
footer (``train_segmenter``, ``train_augment``); the decision threshold is the one that maximised
line-F1 on out-of-fold predictions of the training pages.

Then rules split the two classes into the fine labels, which the training data has no gold for:
subheads are short unpunctuated lines inside the article; captions, agency, byline and dateline
lines are recognised by their form; a run of (headline, one-sentence standfirst) pairs after the
article has ended is a teaser list and is never article text, even where the model thought otherwise.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsdesk.extract import line_forms
from newsdesk.extract.line_features import (
    LINE_FEATURES,
    UNSPACED,
    lexical_context,
    line_words,
    page_features,
    token_ids,
    window_mean,
)
from newsdesk.extract.tree_model import TreeEnsemble

MODEL_PATH = Path(__file__).resolve().parent / "models" / "segmenter.npz"
LABELS = ("title", "body", "subhead", "byline", "agency", "dateline", "caption",
          "teaser_headline", "teaser_standfirst", "next_title", "next_body", "furniture")
STAGE2_OFFSETS = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
STAGE2_RADII = (1, 2, 5, 10, 25)
# Columns of the stage-1 matrix the second stage sees again: the line's own shape.
STAGE2_LINE_COLUMNS = (0, 1, 3, 6, 12, 21, LINE_FEATURES.index("comment_mark"))
COMMENT_COLUMN = LINE_FEATURES.index("comment_mark")
_DASH_WRAPPED = re.compile(r"^[-–—]\s.{2,120}\s[-–—]$")
# Credits that mark a caption even inside text the model took for article (wire photo credits).
_STRONG_CREDIT = re.compile(r"[-–—/]\s*(?:AFP|REUTERS|AP|EPA|Bernama|Xinhua)\s+PHOTO\b|\(Photo[:\s][^)]*\)$", re.I)


def stage2_features(stage1: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Context of the first stage's article probabilities around each line, and its block's place."""
    n = len(prob)
    idx = np.arange(n)
    columns = [prob]
    for offset in STAGE2_OFFSETS:
        src = idx + offset
        ok = (src >= 0) & (src < n)
        shifted = np.full(n, -1.0)
        shifted[ok] = prob[src[ok]]
        columns.append(shifted)
    columns += [window_mean(prob, r) for r in STAGE2_RADII]
    confident = prob > 0.5
    above = np.maximum.accumulate(np.where(confident, idx, -1))
    below = np.minimum.accumulate(np.where(confident, idx, n)[::-1])[::-1]
    sure = np.flatnonzero(prob > 0.8)
    first, last = (sure[0], sure[-1]) if len(sure) else (n, -1)
    span = max(1, last - first + 1)
    columns += [
        np.log1p(np.where(above >= 0, idx - above, n)),
        np.log1p(np.where(below < n, below - idx, n)),
        np.cumsum(confident) / max(1, confident.sum()),
        np.cumsum(prob) / max(1e-9, prob.sum()),
        np.full(n, confident.mean()),
        np.full(n, prob.max()),
        ((idx >= first) & (idx <= last)).astype(float),
        (idx - first) / span,
        (last - idx) / span,
        window_mean(prob, 50),
    ]
    return np.column_stack(columns + [stage1[:, c] for c in STAGE2_LINE_COLUMNS] + [stage1[:, -5:]]
                           + [block_features(stage1, prob)])


def block_features(stage1: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """Where each line sits relative to the page's main block of likely article text.

    Blocks are runs of lines the previous stage leans towards (allowing one-line gaps); the main
    block is the one with the most probable words. Comment threads, "related" blurbs and feature
    lists are blocks of their own after or before it, usually smaller and often behind a run of
    comment headers, so each line gets its block's size against the main one, its signed distance
    from it, the blocks between them and the comment-like lines passed on the way.
    """
    n = len(prob)
    words = np.expm1(stage1[:, 1])
    leaning = window_mean(prob, 1) >= 0.5
    starts = np.flatnonzero(leaning & ~np.concatenate([[False], leaning[:-1]]))
    block = np.where(leaning, np.cumsum(np.isin(np.arange(n), starts)) - 1, -1)
    if len(starts) == 0:
        return np.zeros((n, 7))
    mass = np.bincount(block[leaning], weights=(prob * words)[leaning], minlength=len(starts))
    main = int(mass.argmax())
    main_lines = np.flatnonzero(block == main)
    lo, hi = main_lines[0], main_lines[-1]
    idx = np.arange(n)
    signed = np.where(idx < lo, idx - lo, np.where(idx > hi, idx - hi, 0))
    own = np.where(block >= 0, mass[np.maximum(block, 0)], 0.0)
    rank = np.argsort(np.argsort(-mass))
    comments = np.cumsum(stage1[:, COMMENT_COLUMN])
    passed = np.where(idx > hi, comments - comments[hi], np.where(idx < lo, comments[lo] - comments, 0))
    blocks_between = np.where(block >= 0, np.abs(np.maximum(block, 0) - main), -1)
    return np.column_stack([
        np.log1p(own), own / max(mass.sum(), 1e-9), np.where(block >= 0, rank[np.maximum(block, 0)], -1),
        np.sign(signed) * np.log1p(np.abs(signed)), signed / n, blocks_between, np.log1p(passed),
    ])


class ArticleModel:
    """The article/non-article line classifier: a hashed bag-of-words logistic model whose logits
    feed the first trees with the line features, then the second trees over the first stage's
    probabilities around the line and its block; the answer is the mean of the two stages."""

    def __init__(self, lexical: np.ndarray, stage1: TreeEnsemble, stage2: TreeEnsemble, threshold: float = 0.5):
        self.lexical, self.threshold = lexical, threshold
        self.stage1, self.stage2 = stage1, stage2

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "ArticleModel":
        with np.load(path, allow_pickle=False) as arrays:
            return cls(arrays["lexical"].astype(float), TreeEnsemble.from_arrays(arrays, "s1_"),
                       TreeEnsemble.from_arrays(arrays, "s2_"), float(arrays["threshold"]))

    def save(self, path: Path, extra: dict[str, np.ndarray]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, threshold=np.array(self.threshold), lexical=self.lexical.astype(np.float32),
                            **self.stage1.to_arrays("s1_"), **self.stage2.to_arrays("s2_"), **extra)

    def article_proba(self, lines: list[str]) -> np.ndarray:
        if not lines:
            return np.zeros(0)
        first_input = stage1_input(page_features(lines), lexical_logits(self.lexical, lines))
        first = self.stage1.predict_proba(first_input)
        return blend(first, self.stage2.predict_proba(stage2_features(first_input, first)))

    def is_article(self, lines: list[str]) -> np.ndarray:
        return self.article_proba(lines) >= self.threshold


def blend(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The two stages' article probabilities averaged; training tunes its threshold on this too."""
    return (first + second) / 2


def lexical_logits(weights: np.ndarray, lines: list[str]) -> np.ndarray:
    """Logistic-model logit per line; ``weights[-1]`` is the intercept."""
    return np.array([weights[token_ids(line)].sum() for line in lines]) + weights[-1]


def stage1_input(features: np.ndarray, logits: np.ndarray) -> np.ndarray:
    return np.hstack([features, lexical_context(logits)])


@lru_cache(maxsize=1)
def default_model() -> ArticleModel:
    return ArticleModel.load()


_CLOCK_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?$", re.I)


def _is_subhead(text: str) -> bool:
    """A short unpunctuated line inside the article, or one wrapped in dashes (``- Strike kills 19 -``)."""
    if _DASH_WRAPPED.match(text):
        return True
    words = len(line_words(text)) if UNSPACED.search(text) else len(text.split())
    return 1 <= words <= 14 and not text.endswith((".", ",", ";", ":", "…", "\"", "”", "。", "，", "；", "：", "！", "？", "」")) \
        and not text.startswith(("•", "* "))


def _title_index(lines: list[str], labels: list[str]) -> int | None:
    """The page's own headline: the first headline-like line within a few lines above the article,
    skipping bylines, dates and one-word furniture between them."""
    first = next((i for i, label in enumerate(labels) if label in ("body", "subhead")), None)
    if first is None:
        return None
    for i in range(first - 1, max(-1, first - 8), -1):
        if labels[i] != "furniture":
            continue
        if line_forms.headline_like(lines[i]) and not lines[i].endswith(("|", "»", ">")) \
                and not line_forms.media_file(lines[i]) and not line_forms.meta_line(lines[i]):
            return i
    return None


def _unspaced_headline(lines: list[str], labels: list[str]) -> int | None:
    """A Chinese or Japanese page's headline, which the model (trained on English pages, where the headline
    reads unlike the prose) takes for the article's first line: a short unpunctuated first line of the
    article, followed by its date, byline or paragraphs."""
    first = next((i for i, label in enumerate(labels) if label in ("body", "subhead")), None)
    if first is None or labels[first] != "subhead" or not UNSPACED.search(lines[first]):
        return None
    following = next((labels[k] for k in range(first + 1, len(labels)) if labels[k] != "furniture"), None)
    return first if following in ("body", "dateline", "byline", "agency") else None


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from the one module that holds them without importing
    scikit-learn: that import cost more than all the rest of this extractor together (2-4 s), and every
    extraction worker paid it for 318 words. (Finding a top-level package's spec does not import it.) A
    scikit-learn that keeps them elsewhere is imported whole, as before."""
    try:
        package = importlib.util.find_spec("sklearn")
        source = Path(package.origin).parent / "feature_extraction" / "_stop_words.py"
        spec = importlib.util.spec_from_file_location("newsdesk_sklearn_stop_words", source)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return frozenset(module.ENGLISH_STOP_WORDS)
    except (AttributeError, OSError, TypeError):
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)


ENGLISH_STOP_WORDS = _english_stop_words()
_CONTENT_WORD = re.compile(r"[a-z]{4,}")
OFF_TOPIC = 0.2


def _content_words(text: str) -> set[str]:
    return {w for w in _CONTENT_WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS}


def _off_topic_tail(run: list[int], lines: list[str], labels: list[str]) -> bool:
    """A pair run right after the last paragraph that is about other things: a "latest news" rail the page
    printed with no line between it and the story. A listicle's sections share the story's words (on WCXB
    the median pair has 13-85% of its content words in the article above it, and no such run ends the
    article), these rails 2-18%; without the test the whole rail was read as more article."""
    if any(label in ("body", "subhead") for label in labels[run[-1] + 2:]):
        return False
    above = set().union(*(_content_words(lines[k]) for k in range(run[0]) if labels[k] in ("body", "subhead")))
    shares = [len(words & above) / len(words) for h in run if (words := _content_words(f"{lines[h]} {lines[h + 1]}"))]
    return bool(shares) and float(np.median(shares)) < OFF_TOPIC


def segment(lines: list[str], model: ArticleModel | None = None) -> list[str]:
    """One label per line (see ``LABELS``); blank lines are furniture.

    The model reads the lines without the blank ones: its training pages have none, and a text that puts a
    blank line between paragraphs gave every line blank neighbours it had never seen (a clean three-paragraph
    report came out all furniture, "no article text found"; short paragraphs of a JSONL record's text
    were dropped)."""
    lines = [" ".join(line.split()) for line in lines]
    filled = [i for i, text in enumerate(lines) if text]
    labels = ["furniture"] * len(lines)
    for i, label in zip(filled, _segment_filled([lines[i] for i in filled], model)):
        labels[i] = label
    return labels


def _segment_filled(lines: list[str], model: ArticleModel | None) -> list[str]:
    article = (model or default_model()).is_article(lines) if lines else np.zeros(0, bool)
    labels = ["body" if a else "furniture" for a in article]
    if _closing_sentence(lines, labels):
        labels[-1] = "body"
    for i, text in enumerate(lines):
        if not text:
            labels[i] = "furniture"
        elif labels[i] == "body" and _is_subhead(text):
            # a short line about the story ("2 min read", "03/07/2010 14:05", a byline) is no subhead; a
            # live blog's bare times ("14:22 BST") are
            labels[i] = "furniture" if line_forms.meta_line(text) and not _CLOCK_ONLY.match(text) else "subhead"
    for i, text in enumerate(lines):
        if not text:
            continue
        if line_forms.media_file(text):
            labels[i] = "furniture"
        elif line_forms.agency_line(text):
            labels[i] = "agency"
        elif labels[i] != "body" and line_forms.date_line(text):
            labels[i] = "dateline"
        elif labels[i] != "body" and line_forms.byline(text):
            labels[i] = "byline"
        elif line_forms.caption_credit(text) and (labels[i] != "body" or _STRONG_CREDIT.search(text)):
            labels[i] = "caption"
    for run in line_forms.teaser_runs(lines):
        # Subhead-and-paragraph articles have the same pair shape (on WCXB such runs are article text
        # four times in five), so a run counts as teasers only where the article has visibly ended:
        # the line before it is not article text. Then it is never glued into the body, even where
        # the model, which sees one line at a time, took the standfirsts for paragraphs.
        if run[0] > 0 and labels[run[0] - 1] in ("body", "subhead") and not _off_topic_tail(run, lines, labels):
            continue
        for start in run:
            labels[start], labels[start + 1] = "teaser_headline", "teaser_standfirst"
    title = _title_index(lines, labels)
    if title is None:
        title = _unspaced_headline(lines, labels)
    if title is not None:
        labels[title] = "title"
    starts = _later_articles(lines, labels)
    if starts and not any(label in ("dateline", "byline") for label in labels[: starts[0]]):
        # What came first had no head of its own (a consent wall, a promo) and the next text has one: that
        # next text is the page's article.
        labels[: starts[0]] = ["furniture" if label in ("body", "subhead", "title") else label
                               for label in labels[: starts[0]]]
        labels[starts.pop(0)] = "title"
    for start in starts:
        labels[start] = "next_title"
        for k in range(start + 1, len(labels)):
            if labels[k] == "next_title":
                break
            if labels[k] in ("body", "subhead"):
                labels[k] = "next_body"
    return labels


_HOUSE_LINE = re.compile(r"©|\(c\)|copyright|all rights reserved|rights reserved|cookies?|privacy|subscribe|sign up|"
                         r"newsletter|follow us|share this|terms of|advert", re.I)


def _closing_sentence(lines: list[str], labels: list[str]) -> bool:
    """Whether the text's last line, a short sentence right after the article's last paragraph, closes the
    article: the model, which learnt that pages end in footers, had dropped "Twelve people remain missing."
    from a clean three-paragraph report. A footer's own lines (copyright, subscribe, cookies) stay furniture."""
    if len(lines) < 2 or labels[-1] != "furniture" or labels[-2] != "body":
        return False
    text = lines[-1]
    return (len(text.split()) >= 3 and text[:1].isupper() and bool(line_forms.TERMINAL.search(text))
            and not _HOUSE_LINE.search(text) and not line_forms.meta_line(text))


_NEXT_MARK = re.compile(r"^(?:next|read next|up next|next (?:story|article|up)|more (?:stories|news))\W*$", re.I)
SAME_TOPIC = 0.35
_META = ("byline", "agency")


def _later_articles(lines: list[str], labels: list[str]) -> list[int]:
    """Headline lines of further articles printed after the page's own (an infinite-scroll page, a
    "Next story" block with its full text): a headline, maybe a byline, a date line and paragraphs, after
    the article's body has begun. Without this the second article's paragraphs were read as more of the
    first. A live blog's entries have the same shape, so a start also needs a sign that a new article
    begins (a "Next story" mark above it, or its own byline), or else another day than the article above
    and text that shares under ``SAME_TOPIC`` of its content words with it (two such pages 8% and 20%; the
    one WCXB page where such a block interrupts its article 54%; entries of one story as a live blog
    20-50%)."""
    starts: list[int] = []
    body_above, dated = 0, None
    for j, label in enumerate(labels):
        if label in ("body", "subhead"):
            body_above += 1
        if label != "dateline":
            continue
        day, dated = line_forms.date_line(lines[j]), dated or line_forms.date_line(lines[j])
        if body_above < 2:
            continue
        # the next text line below the date line, and the headline above it (a byline may sit between)
        after = next((k for k in range(j + 1, min(j + 4, len(labels))) if lines[k] and labels[k] not in _META), None)
        headline = next((i for i in range(j - 1, max(-1, j - 4), -1) if lines[i] and labels[i] not in _META), None)
        if after is None or labels[after] != "body" or headline is None:
            continue
        if labels[headline] not in ("furniture", "subhead") or not line_forms.headline_like(lines[headline]) \
                or line_forms.meta_line(lines[headline]):
            continue
        marked = any(_NEXT_MARK.match(lines[m]) for m in range(max(0, headline - 3), headline)) \
            or any(labels[m] == "byline" for m in range(headline + 1, j))
        if not marked and (day == dated or _shared_words(lines, labels, starts[-1] if starts else 0, headline, after)
                           >= SAME_TOPIC):
            continue
        starts.append(headline)
        body_above, dated = 0, day
    return starts


def _shared_words(lines: list[str], labels: list[str], begin: int, headline: int, after: int) -> float:
    """The share of the new text's content words, in its first three paragraphs, found in the article above
    (a whole long text shares a smaller part of its words with anything, so only its opening is compared)."""
    above = set().union(*(_content_words(lines[k]) for k in range(begin, headline)
                          if labels[k] in ("body", "subhead")))
    opening = [k for k in range(after, len(labels)) if labels[k] == "body"][:3]
    below = set().union(*(_content_words(lines[k]) for k in opening))
    return len(below & above) / len(below) if below else 1.0
