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

import json
import re
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np
from rouge_score import rouge_scorer

from newsdesk.bench import shared_data
from newsdesk.bench.stories import Tally, as_text, check_dump, id_note, open_text, repeat_note, unique_keys, write_dump
from newsdesk.extract import text_language
from newsdesk.records import Article, Block
from newsdesk.stories.headlines import split_sentences, summary_indices, textrank, write_headline, write_standfirst

BBC = shared_data() / "summaries" / "bbc_news_summary.jsonl"
TUNE_CATEGORIES = {"business", "politics", "sport"}
CUT_WORDS = 12


def load(path: Path, limit: int | None, notes: list[str] | None = None) -> list[dict]:
    """JSON lines with ``article`` (or ``text``) and optionally ``summary`` (text, or a list of sentences),
    ``title``, ``category`` and ``id`` (else the line number); gzipped or not. A record without an article
    is an error naming its line.

    Each row keeps its ``id`` as the file has it (1 and "1" are two records, and the dump writes each back
    as given) and gets a ``key``, unique even where ids repeat, to hold its outputs by. Warnings about the
    input are added to ``notes``."""
    rows, no_id, null_ids = [], Tally(), 0
    with open_text(path, newline=None) as fh:
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
            if row.get("id") is None:
                no_id.add(f"line {number}")
                null_ids += "id" in row
            rows.append({**row, **_text_fields(row), "id": str(number) if row.get("id") is None else row["id"],
                         "article": article})
    ids = [json.dumps(row["id"]) for row in rows]  # the type counts: 7 and "7" are not the same id
    for row, key in zip(rows, unique_keys([_spelled(row["id"]) for row in rows]), strict=True):
        row["key"] = key
    if notes is not None:
        notes.extend(repeat_note(path.name, ids) + id_note(path.name, no_id, null_ids, len(rows)))
    if limit and limit < len(rows):
        step = len(rows) / limit  # spread over categories rather than the first N of one
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def _key(row: dict) -> str:
    """What a row's outputs are held by: its ``key`` from ``load``, else (rows made elsewhere) its id."""
    return row.get("key") or str(row["id"])


def _spelled(item_id: object) -> str:
    return item_id if isinstance(item_id, str) else json.dumps(item_id)


def _text_fields(row: dict) -> dict:
    """``summary`` as text (a list of sentences joined by spaces), and ``title`` and ``category`` as text
    when the file gives them as something else (a number)."""
    fields = {"summary": as_text(row.get("summary"))}
    for name in ("title", "category"):
        if row.get(name) is not None and not isinstance(row[name], str):
            fields[name] = as_text(row[name])
    return fields


def first_reference_sentence(summary: str, sentences: list[str]) -> str:
    """The summary's first sentence: the longest article sentence it starts with (the references run
    sentences together without spaces), else a split at the first full stop before a capital."""
    matches = [s for s in sentences if summary.startswith(s)]
    if matches:
        return max(matches, key=len)
    return re.split(r"(?<=[.!?])\s*(?=[A-Z\"])", summary, maxsplit=1)[0]


def article_of(row: dict, with_title: bool) -> Article:
    """The record as the store would hold it, with the language the pipeline would give it (a Chinese
    article read as English got an empty headline from the English compressor)."""
    blocks = [Block("p", p.strip()) for p in row["article"].split("\n") if p.strip()]
    article = Article(page_hash=_key(row), blocks=blocks, title=row.get("title") if with_title else None)
    article.language = text_language(article.text) if blocks else None
    return article


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
    outputs: dict[str, dict[str, str]] = {_key(row): {} for row in rows}
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
                    outputs[_key(row)][target] = candidate
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
    check_dump(dump)
    rows, notes = _load_checked(path, limit)
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    results, outputs = evaluate(rows)
    if dump:
        write_dump(dump, (json.dumps({"id": row["id"], "headline": outputs[_key(row)].get("headline", ""),
                                      "standfirst": outputs[_key(row)].get("standfirst", "")}) for row in rows))
    if as_json:
        for row in results:
            click.echo(json.dumps(row))
        return
    click.echo(f"{len(rows)} items from {path.name}; tune = {', '.join(sorted(TUNE_CATEGORIES))}; held = the rest")
    if not any(row.get("title") for row in rows):
        click.echo("no headline rows: they need a \"title\" field, which no record has (--dump still holds the headlines)")
    click.echo(f"{'target':<11}{'method':<16}{'part':<6}{'items':>6}{'R-1':>7}{'R-2':>7}{'R-L':>7}{'items/s':>11}")
    for row in results:
        click.echo(f"{row['target']:<11}{row['method']:<16}{row['part']:<6}{row['items']:>6}{row['rouge1']:>7.1f}"
                   f"{row['rouge2']:>7.1f}{row['rougeL']:>7.1f}{row['items_per_s']:>11.1f}")


def _load_checked(path: Path, limit: int | None) -> tuple[list[dict], list[str]]:
    """The records and the warnings about them, or one line saying why the file cannot be read."""
    notes: list[str] = []
    try:
        rows = load(path, limit, notes)
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text, plain or gzipped: {error}") from None
    except ValueError as error:  # names the file and line already
        raise click.ClickException(str(error)) from None
    except (OSError, EOFError, zlib.error) as error:
        raise click.ClickException(f"{path}: cannot read: {error}") from None
    if not rows:
        raise click.ClickException(f"{path}: no records")
    return rows, notes


if __name__ == "__main__":
    command()
