"""Numeric features of each line of a plain-text page, for the line segmenter.

A scraped page keeps no markup, so whether a line is article text has to be read off the line itself
(length, sentence punctuation, stopwords, bullets, boilerplate words) and off its surroundings:
article text comes as one long run of prose lines, while menus, share bars and "related" lists come
as runs of short, repeated or link-like lines. So besides per-line shape we give every line the
shape of its neighbours, its place in the page and its distance from the page's densest text region,
the size of the run of prose lines it belongs to (against the page's largest run), the density of
boilerplate words and repeated lines around it, and how much its wording repeats its neighbours'.
Reader comments are the longest non-article prose on many pages, so short comment-like lines
("Reply", "3 hours ago", "jane says:") are counted around each line and since the end of the
densest region: prose after a run of them is a thread, not the story.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from itertools import pairwise

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
# Scripts written without spaces (Chinese, Japanese, Thai, ...): ``\w+`` takes a whole clause for one word,
# so a paragraph of Chinese prose looked like a one-word menu item and a Chinese scrape lost its whole article.
# Their runs count as words of two characters (a Chinese word is one to three), so the English-trained
# features see prose as prose; lines of spaced scripts are read as before.
UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                       "\uf900-\ufaff\U00020000-\U0003134f]+")
_BULLET = re.compile(r"^\s*(?:[•·▪►▸*+>|]|-\s|–\s|—\s|\d{1,3}[.)]\s)")
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b",
    re.IGNORECASE,
)
_TIME_AGO = re.compile(r"\b\d+\s*(?:min|mins|minutes?|hours?|hrs?|h|days?|d|weeks?|mo|months?|years?|y)\b(?:\s+ago)?\b", re.I)
# Marks of a reader-comment thread: commenter headers, reply/vote/report buttons, relative times.
_COMMENT_MARK = re.compile(
    r"\b(?:repl(?:y|ies)|says|said|wrote|writes|commented|comments?|responses?|permalink|upvotes?|votes?|"
    r"likes?|score|report|flag|log in to reply|ago|am|pm)\b|\d{1,2}:\d{2}|#\d+|^\d{1,3}\.\s+\S+(?:\s+\S+)?$", re.I)
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’」』)\]）]*$")
_SENTENCE_SPLIT = re.compile(r"[.!?…][\"'”’)]*\s+[\"'“‘(]*[A-Z0-9]|[。！？][」』”）]*(?=\S)")
# Words that dominate page furniture and rarely appear in article prose; counted, not matched whole.
_FURNITURE_WORDS = frozenset(
    """cookie cookies privacy subscribe subscription newsletter login log sign signup register account
    share tweet facebook twitter instagram linkedin whatsapp pinterest youtube tiktok email print comments
    comment reply menu search home contact about advertise advertisement sponsored terms copyright rights
    reserved policy skip content navigation related recommended trending popular read more click here
    follow download app apps settings accept consent javascript browser loading toggle previous next
    tags tag category categories archive archives rss sitemap careers faq help feedback""".split()
)
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself said says""".split()
)

LINE_FEATURES = [
    "log_chars", "log_words", "mean_word_len", "terminal_punct", "ends_colon", "ends_pipe_or_sep",
    "bullet", "upper_ratio", "titlecase_ratio", "digit_ratio", "punct_ratio", "commas_per_word",
    "stopword_ratio", "sentences", "furniture_words", "has_date", "time_ago", "starts_by", "has_pipe",
    "has_copyright", "quote_start", "dup_count", "first_dup", "long_line", "has_url", "has_at", "comment_mark",
]


def line_words(text: str) -> list[str]:
    """The line's words; a run of an unspaced script is cut into two-character words."""
    if not UNSPACED.search(text):
        return _WORD.findall(text)
    words = []
    for word in _WORD.findall(text):
        for piece in re.split(f"({UNSPACED.pattern})", word):
            if UNSPACED.fullmatch(piece):
                words.extend(piece[i:i + 2] for i in range(0, len(piece), 2))
            elif piece:
                words.append(piece)
    return words


def _line_shape(line: str) -> list[float]:
    text = line.strip()
    words = line_words(text)
    n_words = len(words)
    lower = [w.lower() for w in words]
    letters = sum(map(str.isalpha, text)) or 1
    digits = sum(map(str.isdigit, text))
    spaces = sum(map(str.isspace, text))
    n_chars = len(text) or 1
    return [
        math.log1p(len(text)),
        math.log1p(n_words),
        (sum(map(len, words)) / n_words) if n_words else 0.0,
        float(bool(_SENTENCE_END.search(text))),
        float(text.endswith(":")),
        float(text.endswith(("|", "»", "›", ">", "→"))),
        float(bool(_BULLET.match(text))),
        sum(map(str.isupper, text)) / letters,
        (sum(w[0].isupper() for w in words) / n_words) if n_words else 0.0,
        digits / n_chars,
        (len(text) - sum(map(str.isalnum, text)) - spaces) / n_chars,
        text.count(",") / (n_words or 1),
        (sum(w in STOPWORDS for w in lower) / n_words) if n_words else 0.0,
        float(len(_SENTENCE_SPLIT.findall(text)) + bool(_SENTENCE_END.search(text))),
        float(sum(w in _FURNITURE_WORDS for w in lower)) / (1.0 + 0.2 * n_words),
        float(bool(_DATE.search(text))),
        float(bool(_TIME_AGO.search(text))) if n_words <= 8 else 0.0,
        float(lower[:1] == ["by"]),
        float("|" in text),
        float("©" in text or "copyright" in text.lower()),
        float(text[:1] in "\"“‘'"),
        0.0,  # dup_count, filled per page
        0.0,  # first_dup, filled per page
        float(n_words >= 20),
        float("http" in text or "www." in text),
        float("@" in text),
        float(n_words <= 12 and bool(_COMMENT_MARK.search(text))),
    ]


def window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of ``values`` over a window of +-radius lines, shrinking at the page edges."""
    padded = np.concatenate([[0.0], np.cumsum(values)])
    n = len(values)
    idx = np.arange(n)
    lo = np.clip(idx - radius, 0, n)
    hi = np.clip(idx + radius + 1, 0, n)
    return (padded[hi] - padded[lo]) / (hi - lo)


def _densest_region(words: np.ndarray) -> tuple[int, int]:
    """The run of lines maximising sum(words - 10): the page's main block of prose (Kadane)."""
    gain = words - 10.0
    best, best_span = -math.inf, (0, 0)
    run, start = 0.0, 0
    for i, g in enumerate(gain):
        if run <= 0:
            run, start = 0.0, i
        run += g
        if run > best:
            best, best_span = run, (start, i)
    return best_span


CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_COLUMNS = ("log_words", "terminal_punct", "bullet", "stopword_ratio", "furniture_words", "dup_count", "long_line",
                   "comment_mark")
PAGE_FEATURES = [
    "rel_pos", "log_lines", "rel_len", "chars_before", "in_region", "dist_region", "dist_region_rel",
    "long_density3", "long_density10", "words_density5", "bullet_density3", "len_ratio_prev", "len_ratio_next",
    "same_shape_prev", "same_shape_next",
    "run_words", "run_share", "run_is_largest", "run_above_words", "run_below_words",
    "furniture_density10", "furniture_density25", "long_density25", "dup_density10", "neighbour_overlap",
    "after_region", "after_region_rel", "comment_density10", "comment_density25", "comments_since_region",
    "comment_marks_above",
]
FEATURE_NAMES = (
    LINE_FEATURES
    + PAGE_FEATURES
    + [f"{c}@{o:+d}" for o in CONTEXT_OFFSETS for c in CONTEXT_COLUMNS]
)


def _prose_runs(words: np.ndarray, terminal: np.ndarray) -> np.ndarray:
    """Per line: log words of its run of prose lines (0 off prose), that run's share of the page's
    prose, whether it is the page's largest run, and the log words of the nearest runs above and
    below. An article is one long run (subheads aside); comments and teasers are many short ones."""
    prose = (words >= 8) | ((terminal > 0) & (words >= 3))
    n = len(words)
    run_id = np.full(n, -1)
    totals: list[float] = []
    for i in range(n):
        if prose[i]:
            if i == 0 or not prose[i - 1]:
                totals.append(0.0)
            run_id[i] = len(totals) - 1
            totals[-1] += words[i]
    sizes = np.array(totals + [0.0])  # index -1 -> 0 words
    own = sizes[run_id]
    above = np.zeros(n)
    below = np.zeros(n)
    last = 0.0
    for i in range(n):
        above[i] = last
        if prose[i] and (i + 1 == n or not prose[i + 1]):
            last = own[i]
    last = 0.0
    for i in range(n - 1, -1, -1):
        below[i] = last
        if prose[i] and (i == 0 or not prose[i - 1]):
            last = own[i]
    largest = sizes.max()
    return np.column_stack([np.log1p(own), own / max(1.0, sizes.sum()), (own == largest) & (own > 0),
                            np.log1p(above), np.log1p(below)])


def _neighbour_overlap(lines: list[str]) -> np.ndarray:
    """Highest word-set overlap (Jaccard) with the previous or next line: list items and comment
    headers repeat their wording line after line, paragraphs rarely do."""
    sets = [set(_WORD.findall(line.lower())) for line in lines]
    overlap = [len(a & b) / len(a | b) if a and b else 0.0 for a, b in pairwise(sets)]
    prev = np.array([0.0] + overlap)
    nxt = np.array(overlap + [0.0])
    return np.maximum(prev, nxt)


def page_features(lines: list[str]) -> np.ndarray:
    """Feature matrix (lines x FEATURE_NAMES) of one page."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    base = np.array([_line_shape(line) for line in lines], dtype=float)
    col = {name: i for i, name in enumerate(LINE_FEATURES)}
    keys = [" ".join(line.split()).lower() for line in lines]
    counts = Counter(keys)
    seen: set[str] = set()
    for i, key in enumerate(keys):
        base[i, col["dup_count"]] = math.log(counts[key])
        base[i, col["first_dup"]] = float(counts[key] > 1 and key not in seen)
        seen.add(key)

    words = np.expm1(base[:, col["log_words"]])
    chars = np.expm1(base[:, col["log_chars"]])
    long_line = base[:, col["long_line"]]
    comment = base[:, col["comment_mark"]]
    start, end = _densest_region(words)
    idx = np.arange(n)
    dist = np.where(idx < start, start - idx, np.where(idx > end, idx - end, 0)).astype(float)
    cum_chars = np.cumsum(chars) - chars
    shape = base[:, [col["bullet"], col["terminal_punct"]]]
    log_words = base[:, col["log_words"]]
    prev_words = np.concatenate([[0.0], log_words[:-1]])
    next_words = np.concatenate([log_words[1:], [0.0]])
    same_prev = np.concatenate([[0.0], (shape[1:] == shape[:-1]).all(axis=1)])
    same_next = np.concatenate([(shape[1:] == shape[:-1]).all(axis=1), [0.0]])
    page = np.column_stack([
        idx / max(1, n - 1),
        np.full(n, math.log1p(n)),
        chars / chars.max(),
        cum_chars / max(1.0, chars.sum()),
        ((idx >= start) & (idx <= end)).astype(float),
        np.log1p(dist),
        dist / n,
        window_mean(long_line, 3),
        window_mean(long_line, 10),
        np.log1p(window_mean(words, 5)),
        window_mean(base[:, col["bullet"]], 3),
        log_words - prev_words,
        log_words - next_words,
        same_prev,
        same_next,
        _prose_runs(words, base[:, col["terminal_punct"]]),
        window_mean(base[:, col["furniture_words"]], 10),
        window_mean(base[:, col["furniture_words"]], 25),
        window_mean(long_line, 25),
        window_mean((base[:, col["dup_count"]] > 0).astype(float), 10),
        _neighbour_overlap(lines),
        np.log1p(np.maximum(idx - end, 0)),
        np.maximum(idx - end, 0) / n,
        window_mean(comment, 10),
        window_mean(comment, 25),
        np.log1p(np.where(idx > end, np.cumsum(comment) - np.cumsum(comment)[end], 0)),
        np.log1p(np.cumsum(comment) - comment),
    ])

    context_idx = [col[c] for c in CONTEXT_COLUMNS]
    context = []
    for offset in CONTEXT_OFFSETS:
        shifted = np.full((n, len(context_idx)), -1.0)  # -1 marks "beyond the page edge"
        src = idx + offset
        ok = (src >= 0) & (src < n)
        shifted[ok] = base[src[ok]][:, context_idx]
        context.append(shifted)
    return np.hstack([base, page] + context)


LEXICAL_BUCKETS = 1 << 16


def token_ids(line: str) -> np.ndarray:
    """Hashed bag of the line's words (first 40), word pairs (first 30), its first and last word and
    its length bucket.

    The words of furniture are a small, stable vocabulary across sites ("share", "comments",
    "subscribe", "min read", "★") that a linear model learns better than hand-made lists. crc32 keeps
    the hash identical across processes and Python versions, unlike ``hash()``.
    """
    words = [w.lower() for w in _WORD.findall(line)]
    tokens = words[:40] + [f"^{words[0]}" if words else "^", f"${words[-1]}" if words else "$",
                           f"#{min(len(words), 12) if len(words) < 12 else 12 + len(words) // 20}"]
    tokens += [ch for ch in line[:2] if not ch.isalnum() and not ch.isspace()]
    tokens += [f"{a} {b}" for a, b in pairwise(words[:30])]
    return np.array(list({zlib.crc32(t.encode()) % LEXICAL_BUCKETS for t in tokens}), dtype=np.intp)


def lexical_context(logit: np.ndarray) -> np.ndarray:
    """The lexical model's logit of each line, of its neighbours and over a small window."""
    n = len(logit)
    prev = np.concatenate([[0.0], logit[:-1]])
    nxt = np.concatenate([logit[1:], [0.0]])
    return np.column_stack([logit, prev, nxt, window_mean(logit, 3), window_mean(logit, 10)]) if n else np.zeros((0, 5))
