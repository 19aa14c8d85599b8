"""Extra training pages for the line segmenter, so it does not learn page position as a rule.

Every WCXB page is a whole scraped page: menus on top, footers at the bottom, the article between.
Trained on those alone, the model learned that lines near the end of a page are footer, and called
most paragraphs of clean article text (Wikinews: one paragraph per line, nothing else) furniture.
So besides the real pages we train on

* crops: the article region of a real page with a random amount (often none) of its own context;
* clean articles: gold bodies (WCXB ``ground-truth.jsonl`` and BBC news articles), one paragraph
  per line, all article, sometimes cut to their first few paragraphs;
* wrapped articles: a clean article between the header and footer lines of another page.

Each extra page keeps the id of the page it came from as its ``group``, so cross-validation and the
held-out split never train on a crop or the gold body of a page they score.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newsdesk.extract.train_segmenter import LabelledPage

CROP_SHARE = 0.6
CLEAN_SHARE = 0.5
WRAPPED_SHARE = 0.4
BBC_ARTICLES = 700


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]


def _context_size(rng: np.random.Generator) -> int:
    """None a third of the time, a little a third, a lot a third: clean feeds and messy pages both."""
    return int(rng.choice([0, rng.integers(1, 4), rng.integers(4, 30)]))


def _crop(page: LabelledPage, rng: np.random.Generator) -> LabelledPage | None:
    article = np.flatnonzero(page.labels)
    if len(article) == 0:
        return None
    start = max(0, article[0] - _context_size(rng))
    end = min(len(page.lines), article[-1] + 1 + _context_size(rng))
    return LabelledPage(f"{page.id}#crop", page.lines[start:end], page.labels[start:end], group=page.group)


def _clean(page_id: str, paragraphs: list[str], rng: np.random.Generator, group: str) -> LabelledPage:
    # Short texts too: a four-paragraph wire story must not read as a page footer.
    if len(paragraphs) > 3 and rng.random() < 0.4:
        paragraphs = paragraphs[: int(rng.integers(2, min(len(paragraphs), 12) + 1))]
    return LabelledPage(f"{page_id}#clean", paragraphs, np.ones(len(paragraphs), dtype=int), group=group)


def _furniture_runs(pages: list[LabelledPage]) -> tuple[list[list[str]], list[list[str]]]:
    """The lines above the first and below the last article line of every page."""
    heads, tails = [], []
    for page in pages:
        article = np.flatnonzero(page.labels)
        if len(article):
            heads.append(page.lines[: article[0]])
            tails.append(page.lines[article[-1] + 1 :])
    return heads, tails


def _wrapped(clean: LabelledPage, heads: list[list[str]], tails: list[list[str]],
             rng: np.random.Generator) -> LabelledPage:
    head = heads[int(rng.integers(len(heads)))]
    tail = tails[int(rng.integers(len(tails)))]
    head = head[len(head) - _context_size(rng) - 1 :] if rng.random() < 0.5 else head
    tail = tail[: _context_size(rng) + 1] if rng.random() < 0.5 else tail
    lines = head + clean.lines + tail
    labels = np.concatenate([np.zeros(len(head), int), clean.labels, np.zeros(len(tail), int)])
    return LabelledPage(clean.id.replace("#clean", "#wrapped"), lines, labels, group=clean.group)


def _gold_bodies(truth: Path) -> dict[str, list[str]]:
    if not truth.exists():
        return {}
    with truth.open(encoding="utf-8") as fh:
        return {row["id"]: _paragraphs(row.get("body") or "") for row in map(json.loads, fh)}


def _bbc_articles(path: Path, rng: np.random.Generator) -> list[LabelledPage]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    chosen = rng.choice(len(rows), size=min(BBC_ARTICLES, len(rows)), replace=False)
    return [_clean(f"bbc/{rows[i]['id']}", _paragraphs(rows[i]["article"]), rng, f"bbc/{rows[i]['id']}")
            for i in sorted(chosen)]


def augment(pages: list[LabelledPage], truth: Path, bbc: Path, seed: int = 0) -> list[LabelledPage]:
    """Extra pages derived from ``pages`` (and from BBC articles, which no evaluation scores)."""
    rng = np.random.default_rng(seed)
    gold = _gold_bodies(truth)
    extra = [c for p in pages if rng.random() < CROP_SHARE and (c := _crop(p, rng)) is not None]
    clean = [_clean(p.id, gold[p.id], rng, p.group) for p in pages
             if gold.get(p.id) and rng.random() < CLEAN_SHARE + WRAPPED_SHARE]
    clean += _bbc_articles(bbc, rng)
    heads, tails = _furniture_runs(pages)
    for page in clean:
        wrap = heads and rng.random() < WRAPPED_SHARE / (CLEAN_SHARE + WRAPPED_SHARE)
        extra.append(_wrapped(page, heads, tails, rng) if wrap else page)
    return extra


def augment_from(pages: list[LabelledPage], shared: Path) -> list[LabelledPage]:
    """Extra pages from ``pages`` only (callers pass the training pages) and from BBC articles."""
    return augment(pages, shared / "extraction" / "wcxb-dev-articles" / "ground-truth.jsonl",
                   shared / "summaries" / "bbc_news_summary.jsonl")
