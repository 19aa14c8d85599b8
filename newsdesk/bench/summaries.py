"""Benchmark headlines and standfirsts against publisher titles and reference summaries.

Three comparisons, ROUGE-1/2/L F1 x100 with stemming (rouge-score), each next to the peers run on the
same items in the same process:

* ``headline`` vs the publisher's title: newsdesk's generated headline (the title hidden from it),
  Lead-1 and TextRank-1 cut to 12 words, and Lead-1 cut to 7 (BBC titles average 5 words, and
  ROUGE F1 rewards a short candidate);
* ``standfirst`` vs the first sentence of the reference summary: newsdesk, Lead-1, TextRank-1 and
  newspaper4k's summariser (one sentence);
* ``summary`` vs the whole reference: the same one-sentence standfirsts, plus three-sentence
  summaries (newsdesk's ``summary_indices``, Lead-3, TextRank-3, newspaper4k-3).

The BBC references were made by a sentence ranker and are listed best-first, so their first sentence
is that ranker's pick; newsdesk's standfirst weights were fitted on the business/politics/sport half,
so rows are reported for that ``tune`` half, the ``held`` tech/entertainment half, and ``all``.
newspaper4k needs NLTK's punkt data, which is not installed offline; its scorer is run on our
sentence splitter instead.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np
from rouge_score import rouge_scorer

from newsdesk.records import Article, Block
from newsdesk.stories.headlines import split_sentences, summary_indices, textrank, write_headline, write_standfirst

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
BBC = SHARED / "summaries" / "bbc_news_summary.jsonl"
TUNE_CATEGORIES = {"business", "politics", "sport"}
CUT_WORDS = 12


def load(path: Path, limit: int | None) -> list[dict]:
    """JSON lines with ``article`` (or ``text``) and optionally ``summary``, ``title``, ``category`` and ``id``
    (else the line number); gzipped or not. A record without an article is an error naming its line."""
    rows = []
    with (gzip.open if path.name.endswith(".gz") else open)(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                article = row.get("article", row.get("text"))
            except (ValueError, AttributeError) as error:
                raise ValueError(f"{path.name} line {number}: not a JSON object ({error})") from None
            if not isinstance(article, str):
                raise ValueError(f"{path.name} line {number}: no article text (an \"article\" or \"text\" field)")
            rows.append({**row, "id": str(row.get("id", number)), "article": article,
                         "summary": row.get("summary") or ""})
    if limit and limit < len(rows):
        step = len(rows) / limit  # spread over categories rather than the first N of one
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def first_reference_sentence(summary: str, sentences: list[str]) -> str:
    """The summary's first sentence: the longest article sentence it starts with (the references run
    sentences together without spaces), else a split at the first full stop before a capital."""
    matches = [s for s in sentences if summary.startswith(s)]
    if matches:
        return max(matches, key=len)
    return re.split(r"(?<=[.!?])\s*(?=[A-Z\"])", summary, maxsplit=1)[0]


def article_of(row: dict, with_title: bool) -> Article:
    blocks = [Block("p", p.strip()) for p in row["article"].split("\n") if p.strip()]
    return Article(page_hash=str(row["id"]), blocks=blocks, title=row.get("title") if with_title else None)


def cut(text: str, words: int = CUT_WORDS) -> str:
    return " ".join(text.split()[:words])


def _textrank_order(sentences: list[str]) -> list[int]:
    return [int(i) for i in np.argsort(-textrank(sentences), kind="stable")] if sentences else []


def _newspaper(title: str, text: str, count: int) -> str:
    import newspaper.nlp as newspaper_nlp
    from newspaper.text import StopWords

    newspaper_nlp.split_sentences = split_sentences  # punkt is not available offline
    return " ".join(newspaper_nlp.summarize(title or " ", text, StopWords("en"), max_sents=count))


def methods() -> dict[str, dict[str, Callable[[dict, list[str]], str]]]:
    """For each target, method name -> function of (row, article sentences) giving the candidate."""
    first = lambda s: s[0] if s else ""  # noqa: E731
    top = lambda s, order, k: " ".join(s[i] for i in order[:k])  # noqa: E731
    return {
        "headline": {
            "newsdesk": lambda row, s: write_headline(article_of(row, with_title=False)).text,
            "Lead-1 cut": lambda row, s: cut(first(s)),
            "Lead-1 cut 7": lambda row, s: cut(first(s), 7),  # a title-length budget, for scale
            "TextRank-1 cut": lambda row, s: cut(top(s, _textrank_order(s), 1)),
        },
        "standfirst": {
            "newsdesk": lambda row, s: write_standfirst(article_of(row, with_title=True)).text,
            "Lead-1": lambda row, s: first(s),
            "TextRank-1": lambda row, s: top(s, _textrank_order(s), 1),
            "newspaper4k-1": lambda row, s: _newspaper(row.get("title", ""), row["article"], 1),
        },
        "summary": {
            "newsdesk": lambda row, s: write_standfirst(article_of(row, with_title=True)).text,
            "newsdesk-3": lambda row, s: top(s, summary_indices(s, row.get("title")), 3),
            "Lead-1": lambda row, s: first(s),
            "Lead-3": lambda row, s: " ".join(s[:3]),
            "TextRank": lambda row, s: top(s, _textrank_order(s), 3),
            "newspaper4k": lambda row, s: _newspaper(row.get("title", ""), row["article"], 3),
        },
    }


def evaluate(rows: list[dict]) -> tuple[list[dict], dict[str, dict[str, str]]]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    sentences = [split_sentences(row["article"]) for row in rows]
    outputs: dict[str, dict[str, str]] = {str(row["id"]): {} for row in rows}
    results = []
    for target, table in methods().items():
        for name, method in table.items():
            if target == "headline" and name != "newsdesk" and not any(row.get("title") for row in rows):
                continue  # nothing to score them against; newsdesk's headlines are still written for --dump
            start = time.perf_counter()
            candidates = [method(row, s) for row, s in zip(rows, sentences)]
            speed = len(rows) / max(time.perf_counter() - start, 1e-9)
            scores: dict[str, list[np.ndarray]] = {"tune": [], "held": []}
            for row, s, candidate in zip(rows, sentences, candidates):
                reference = {
                    "headline": row.get("title") or "",
                    "standfirst": first_reference_sentence(row["summary"], s),
                    "summary": row["summary"],
                }[target]
                if name == "newsdesk" and target in ("headline", "standfirst"):
                    outputs[str(row["id"])][target] = candidate
                if not reference:
                    continue
                got = scorer.score(reference, candidate)
                part = "tune" if row.get("category") in TUNE_CATEGORIES else "held"
                scores[part].append(np.array([got[k].fmeasure for k in ("rouge1", "rouge2", "rougeL")]))
            scores["all"] = scores["tune"] + scores["held"]
            for part in ("tune", "held", "all"):
                if scores[part]:
                    r1, r2, rl = 100 * np.mean(scores[part], axis=0)
                    results.append({"target": target, "method": name, "part": part, "items": len(scores[part]),
                                    "rouge1": round(r1, 1), "rouge2": round(r2, 1), "rougeL": round(rl, 1),
                                    "items_per_s": round(speed, 1)})
    return results, outputs


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=int, default=None, help="score N items spread evenly over the file")
@click.option("--dump", type=click.Path(dir_okay=False, path_type=Path), help="write newsdesk's outputs as JSON lines")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
def command(path: Path | None, limit: int | None, dump: Path | None, as_json: bool) -> None:
    """ROUGE of newsdesk headlines and standfirsts next to Lead, TextRank and newspaper4k."""
    path = path or BBC
    if not path.is_file():
        raise click.ClickException(f"no data at {path}")
    try:
        rows = load(path, limit)
    except (ValueError, UnicodeDecodeError, OSError, EOFError) as error:
        raise click.ClickException(str(error)) from None
    if not rows:
        raise click.ClickException(f"{path}: no records")
    results, outputs = evaluate(rows)
    if dump:
        with dump.open("w") as fh:
            for item_id, written in outputs.items():
                fh.write(json.dumps({"id": item_id, "headline": written.get("headline", ""),
                                     "standfirst": written.get("standfirst", "")}) + "\n")
    if as_json:
        for row in results:
            click.echo(json.dumps(row))
        return
    click.echo(f"{len(rows)} items from {path.name}; tune = {', '.join(sorted(TUNE_CATEGORIES))}; held = the rest")
    click.echo(f"{'target':<11}{'method':<16}{'part':<6}{'items':>6}{'R-1':>7}{'R-2':>7}{'R-L':>7}{'items/s':>11}")
    for row in results:
        click.echo(f"{row['target']:<11}{row['method']:<16}{row['part']:<6}{row['items']:>6}{row['rouge1']:>7.1f}"
                   f"{row['rouge2']:>7.1f}{row['rougeL']:>7.1f}{row['items_per_s']:>11.1f}")


if __name__ == "__main__":
    command()
