"""Benchmark: article body and metadata extraction on WCXB dev article pages, newsdesk vs peers.

Every method sees the same raw bytes, page by page in turn (so load from other processes on the
machine hits all of them alike), and its CPU time per page is what pages/s counts.

Scores:
* body P/R/F1: the ScrapingHub shingle score (``newsdesk.bench.scoring.body_prf``); word-F1: WCXB's.
* title: exact match after folding case, white space and typographic quotes/dashes (the gold
  writes ASCII quotes for the page's curly ones); over all pages, every page has a gold title.
* date: the day (``YYYY-MM-DD``; a gold ``YYYY-MM`` needs the month) equals the gold date; over the
  pages that have one. ``date-none`` is the share of undated pages where the method said nothing.
* author: the set of names is the same, after folding and splitting the byline on ``,``, ``;``, ``&``,
  ``and`` (so "A, B and C" matches "A & B, C"); over the pages with a gold author. Credentials
  such as "MS, RD" in a gold byline split off as names of their own, so they must be present too.
* split-half: body F1 on odd and even page ids, to show a gain is not one half's accident.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from newsdesk.bench import shared_data
from newsdesk.bench.scoring import body_prf, word_f1
from newsdesk.bench.table import emit
from newsdesk.extract.meta import fold
from newsdesk.records import Page


@dataclass
class Result:
    body: str = ""
    title: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass
class Row:
    name: str
    results: dict[str, Result] = field(default_factory=dict)
    seconds: float = 0.0


def default_dir() -> Path:
    return shared_data() / "extraction" / "wcxb-dev-articles"


def load_pages(data: Path, limit: int | None = None) -> Iterator[tuple[dict, bytes]]:
    """(gold record, raw HTML bytes) for each page of a WCXB-style folder."""
    with open(data / "ground-truth.jsonl", encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if limit is not None and i >= limit:
                return
            gold = json.loads(line)
            yield gold, gzip.decompress((data / "html" / f"{gold['id']}.html.gz").read_bytes())


def run_newsdesk(raw: bytes, url: str) -> Result:
    from newsdesk.extract.html import extract_html

    try:
        article = extract_html(Page(uri=url, raw=raw, kind="html", url=url))
    except ValueError:
        return Result()
    return Result(article.text, article.title, article.byline, article.published)


def run_trafilatura(raw: bytes, url: str) -> Result:
    """Body only, as trafilatura is usually timed; its metadata is read untimed in ``trafilatura_meta``."""
    import trafilatura

    return Result(trafilatura.extract(raw, url=url, include_comments=False) or "")


def trafilatura_meta(raw: bytes, url: str, result: Result) -> None:
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(raw)
    doc = extract_metadata(tree, url) if tree is not None else None
    if doc is not None:
        result.title, result.author, result.date = doc.title, doc.author, doc.date


def run_readability(raw: bytes, url: str) -> Result:
    from lxml.html import fromstring
    from readability import Document

    try:
        doc = Document(raw, url=url)
        body = fromstring(doc.summary()).text_content()
        return Result(body, doc.short_title())
    except Exception:  # readability raises bare Exceptions on junk: a failed page scores empty
        return Result()


def run_newspaper(raw: bytes, url: str) -> Result:
    import newspaper

    article = newspaper.Article(url, fetch_images=False)
    try:
        article.download(input_html=raw.decode("utf-8", "replace"))
        article.parse()
    except Exception:  # newspaper raises its own exception types for unparsable input
        return Result()
    date = article.publish_date.strftime("%Y-%m-%d") if article.publish_date else None
    return Result(article.text, article.title, ", ".join(article.authors) or None, date)


METHODS: dict[str, Callable[[bytes, str], Result]] = {
    "newsdesk": run_newsdesk,
    "trafilatura": run_trafilatura,
    "readability-lxml": run_readability,
    "newspaper4k": run_newspaper,
}
# Metadata a peer reads in a separate call, left out of its timing (see run_trafilatura).
UNTIMED_METADATA: dict[str, Callable[[bytes, str, Result], None]] = {"trafilatura": trafilatura_meta}
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)


def author_names(byline: str | None) -> set[str]:
    return {fold(n) for n in _NAME_SPLIT.split(byline or "") if n.strip()}


def date_match(pred: str | None, gold: str) -> bool:
    return bool(pred) and str(pred)[: len(gold)] == gold


def score(row: Row, golds: list[dict]) -> dict:
    pairs = [(row.results[g["id"]].body, g["body"]) for g in golds]
    prf = body_prf(pairs)
    dated = [g for g in golds if g.get("published")]
    undated = [g for g in golds if not g.get("published")]
    authored = [g for g in golds if g.get("author")]
    res = row.results

    def share(hits: int, total: int) -> float | None:
        return round(hits / total, 4) if total else None

    halves = {
        half: body_prf((res[g["id"]].body, g["body"]) for g in golds if int(g["id"]) % 2 == parity)["f1"]
        for half, parity in (("f1_odd", 1), ("f1_even", 0))
    }
    return {
        "method": row.name,
        "pages": len(golds),
        "precision": round(prf["precision"], 4),
        "recall": round(prf["recall"], 4),
        "f1": round(prf["f1"], 4),
        "word_f1": round(sum(word_f1(p, g) for p, g in pairs) / len(pairs), 4),
        "title": share(sum(fold(res[g["id"]].title) == fold(g["title"]) for g in golds), len(golds)),
        "date": share(sum(date_match(res[g["id"]].date, g["published"]) for g in dated), len(dated)),
        "date_none": share(sum(not res[g["id"]].date for g in undated), len(undated)),
        "author": share(sum(author_names(res[g["id"]].author) == author_names(g["author"]) for g in authored), len(authored)),
        **{k: round(v, 4) for k, v in halves.items()},
        "pages_per_s": round(len(golds) / row.seconds, 1) if row.seconds else None,
    }


def run(data: Path, limit: int | None, methods: list[str]) -> list[dict]:
    rows = [Row(name) for name in methods]
    golds = []
    for gold, raw in load_pages(data, limit):
        golds.append(gold)
        for row in rows:
            start = time.process_time()
            row.results[gold["id"]] = METHODS[row.name](raw, gold.get("url") or "")
            row.seconds += time.process_time() - start
            if row.name in UNTIMED_METADATA:
                UNTIMED_METADATA[row.name](raw, gold.get("url") or "", row.results[gold["id"]])
    return [score(row, golds) for row in rows]


@click.command(name="extraction")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="WCXB-style folder (ground-truth.jsonl + html/); default ../shared/data/extraction/wcxb-dev-articles")
@click.option("--limit", type=int, default=None, help="Only the first N pages.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row.")
@click.option("--methods", default="newsdesk,trafilatura,readability-lxml",
              help=f"Comma-separated, from: {', '.join(METHODS)}.")
def command(data: Path | None, limit: int | None, as_json: bool, methods: str) -> None:
    """Body and metadata extraction quality and speed, newsdesk vs peers, in one interleaved run."""
    data = data or default_dir()
    if not (data / "ground-truth.jsonl").exists():
        raise click.ClickException(f"no benchmark data at {data}")
    names = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = [m for m in names if m not in METHODS]
    if unknown:
        raise click.BadParameter(f"unknown method(s): {', '.join(unknown)}", param_hint="--methods")
    rows = run(data, limit, names)
    emit(rows, as_json)
    if as_json:
        return
    click.echo("pages_per_s: pages / CPU seconds spent in the method (same pages, interleaved);"
               " trafilatura is timed on its body extraction only.")


if __name__ == "__main__":
    command()
