"""Benchmark the plain-text line segmenter against simple and published baselines.

Data: WCXB dev article pages rendered to plain text with every line labelled article or not. Rows:

* ``newsdesk`` — the lexical + two-stage tree model (deciding on the mean of both stages), scored
  held out by nested k-fold cross-validation grouped by page (per fold the whole shipped recipe —
  inner folds, threshold, extra crops, clean and wrapped articles — runs on the other folds' pages
  only; speed is the shipped model's inference), and the shipped model on the pages its training
  left out;
* ``wikinews clean text`` — the shipped model on the bundled Wikinews articles (article text only,
  one paragraph per line): the share of lines it keeps, and the articles it keeps nothing of;
* ``>= 10 words`` — the usual length rule;
* ``justext`` — jusText's paragraph classifier run on the lines wrapped as ``<p>`` elements (its
  stopword and link-density heuristics, without the page's real markup).

Quality is line precision/recall/F1 of the article label (micro over lines) and the ScrapingHub body
score of the selected lines joined, against WCXB's gold body.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np

from newsdesk.bench.scoring import body_prf, word_f1
from newsdesk.extract.segmenter import MODEL_PATH, default_model, segment
from newsdesk.extract.train_segmenter import (
    LabelledPage,
    cross_validate,
    default_data_file,
    line_prf,
    load_pages,
)


def _gold_bodies(data: Path) -> dict[str, str]:
    truth = data.parent / "ground-truth.jsonl"
    if not truth.exists():
        return {}
    with truth.open(encoding="utf-8") as fh:
        return {row["id"]: row.get("body") or "" for row in map(json.loads, fh)}


WIKINEWS = Path(__file__).resolve().parents[2] / "samples" / "wikinews.jsonl"


def _wikinews_pages(limit: int | None) -> list[LabelledPage]:
    """Bundled Wikinews articles as pages whose every line is article text."""
    pages = []
    with WIKINEWS.open(encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            lines = [line for line in row["text"].splitlines() if line.strip()]
            pages.append(LabelledPage(row["id"], lines, np.ones(len(lines), dtype=int)))
            if limit and len(pages) >= limit:
                break
    return pages


def _segmented_article(lines: list[str]) -> np.ndarray:
    return np.isin(segment(lines), ("body", "subhead"))


def _words_rule(lines: list[str]) -> np.ndarray:
    return np.array([len(line.split()) >= 10 for line in lines], dtype=bool)


def _justext(lines: list[str]) -> np.ndarray:
    import justext

    keep = [i for i, line in enumerate(lines) if line.strip()]
    markup = "<html><body>" + "".join(f"<p>{html.escape(lines[i])}</p>" for i in keep) + "</body></html>"
    paragraphs = justext.justext(markup.encode("utf-8"), justext.get_stoplist("English"), encoding="utf-8")
    chosen = np.zeros(len(lines), dtype=bool)
    # jusText returns one paragraph per <p> in order; guard against it merging or dropping any.
    if len(paragraphs) == len(keep):
        for i, paragraph in zip(keep, paragraphs):
            chosen[i] = not paragraph.is_boilerplate
    return chosen


def _row(name: str, pages: list[LabelledPage], predictions: list[np.ndarray], gold: dict[str, str],
         seconds: float) -> dict:
    lines = line_prf(pages, predictions)
    row = {"method": name, "line_p": lines["precision"], "line_r": lines["recall"], "line_f1": lines["f1"]}
    if gold:
        pairs = [("\n".join(l for l, keep in zip(p.lines, pred) if keep), gold.get(p.id, ""))
                 for p, pred in zip(pages, predictions)]
        row["body_f1"] = body_prf(pairs)["f1"]
        row["word_f1"] = float(np.mean([word_f1(pred, truth) for pred, truth in pairs]))
    row["empty_pages"] = sum(1 for p, pred in zip(pages, predictions) if p.labels.any() and not np.any(pred))
    row["lines_per_s"] = lines["lines"] / seconds if seconds else float("nan")
    row["pages"] = len(pages)
    return row


def _timed(method: Callable[[list[str]], np.ndarray], pages: list[LabelledPage]) -> tuple[list[np.ndarray], float]:
    start = time.perf_counter()
    predictions = [method(p.lines) for p in pages]
    return predictions, time.perf_counter() - start


@click.command()
@click.option("--data", type=click.Path(exists=True, path_type=Path), default=None, help="plaintext.jsonl")
@click.option("--folds", default=5, show_default=True, help="cross-validation folds for the newsdesk row")
@click.option("--limit", type=int, default=None, help="use only the first N pages")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
def command(data: Path | None, folds: int, limit: int | None, as_json: bool) -> None:
    """Line segmentation of plain-text pages: newsdesk (held out) vs >= 10 words vs jusText."""
    data = data or default_data_file()
    if not data.exists():
        raise click.ClickException(f"no data at {data}")
    pages = load_pages(data, limit)
    gold = _gold_bodies(data)
    model = default_model()
    held_out = cross_validate(pages, folds, progress=not as_json)
    _, seconds = _timed(model.is_article, pages)
    rows = [_row(f"newsdesk ({folds}-fold nested CV)", pages, held_out, gold, seconds)]
    with np.load(MODEL_PATH, allow_pickle=False) as arrays:
        never_trained_on = set(arrays["held_out_ids"].tolist())
    shipped_pages = [p for p in pages if p.id in never_trained_on]
    if shipped_pages:
        predictions, seconds = _timed(model.is_article, shipped_pages)
        rows.append(_row("newsdesk shipped (held-out ids)", shipped_pages, predictions, gold, seconds))
    peers: list[tuple[str, Callable[[list[str]], np.ndarray]]] = [(">= 10 words", _words_rule)]
    try:
        import justext  # noqa: F401

        peers.append(("justext (lines as <p>)", _justext))
    except ImportError:
        pass
    for name, method in peers:
        predictions, seconds = _timed(method, pages)
        rows.append(_row(name, pages, predictions, gold, seconds))
    if WIKINEWS.exists():
        wikinews = _wikinews_pages(limit)
        for name, method in [("newsdesk shipped", _segmented_article)] + peers:
            predictions, seconds = _timed(method, wikinews)
            rows.append(_row(f"wikinews: {name}", wikinews, predictions, {}, seconds))
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    click.echo(f"{'method':32} {'line P':>7} {'line R':>7} {'line F1':>7} {'body F1':>7} {'word F1':>7} "
               f"{'lines/s':>9} {'pages':>5} {'empty':>5}")
    for r in rows:
        click.echo(f"{r['method']:32} {r['line_p']:7.3f} {r['line_r']:7.3f} {r['line_f1']:7.3f} "
                   f"{r.get('body_f1', float('nan')):7.3f} {r.get('word_f1', float('nan')):7.3f} "
                   f"{r['lines_per_s']:9.0f} {r['pages']:5d} {r['empty_pages']:5d}")
    click.echo(f"data: {data}")


if __name__ == "__main__":
    command()
