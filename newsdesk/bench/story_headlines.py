"""Benchmark: does a story's headline and standfirst say what the story is?

Gold: the Wikinews event set (``stories/wikinews_event_clusters.jsonl``), where the articles that
Wikinews editors cited for one Wikinews story form an event and the Wikinews story's own title
(``event_title``) says, in one line, what the event was. Each event with two or more articles is
given whole (its gold members, so clustering errors do not enter) and the story's headline and
standfirst are scored against that title: ROUGE-1/2/L F1 x100 with stemming, as ``bench summaries``.

Methods, on the same events in the same run:

* **newsdesk**: ``story_headline`` (the headline most central among the members' headlines, the most
  central member with text's standfirst), with the members' titles as published, and with every title
  hidden: each member then has the headline newsdesk wrote for it, as an untitled scrape has in the store;
* **a member's title / lead**: the title (or lead sentence) of one member picked at random (seeded),
  which is what a desk without centrality shows (the first report to arrive is no better chosen);
* **longest title**: the most explicit of the members' titles;
* **TextRank over the story**: the most central sentence of all members' text pooled (cut to 12 words
  for the headline), the standard extractive multi-document baseline.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from pathlib import Path

import click
import numpy as np
from rouge_score import rouge_scorer

from newsdesk.bench.stories import EVENTS_PATH, shared_data
from newsdesk.bench.summaries import cut
from newsdesk.bench.table import emit
from newsdesk.records import Article, Block
from newsdesk.stories.headlines import split_sentences, story_headline, textrank, write_headline


def load_events(path: Path, limit: int | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(event title, [(member title, member text)]) for every event with a title and two or more members."""
    events: dict[str, list[tuple[str, str]]] = defaultdict(list)
    titles: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("event_title") and (row.get("text") or "").strip():
                events[str(row["event_id"])].append(((row.get("title") or "").strip(), row["text"]))
                titles[str(row["event_id"])] = row["event_title"]
    chosen = [(titles[event], members) for event, members in sorted(events.items()) if len(members) >= 2]
    return chosen[:limit] if limit else chosen


def untitled_headline(text: str) -> str:
    """The headline the store holds for an untitled article, which its story's headline is then chosen from."""
    blocks = [Block("p", line.strip()) for line in text.splitlines() if line.strip()]
    return write_headline(Article(page_hash="untitled", blocks=blocks)).text


def _pooled_textrank(members: list[tuple[str, str]]) -> str:
    sentences = [s for _, text in members for s in split_sentences(text)]
    return sentences[int(np.argmax(textrank(sentences)))] if sentences else ""


def methods(seed: int = 1) -> dict[str, dict]:
    """For each target, method name -> function of the members giving the candidate."""
    pick = random.Random(seed)

    def one_member(members: list[tuple[str, str]]) -> tuple[str, str]:
        return members[pick.randrange(len(members))]

    def lead(text: str) -> str:
        sentences = split_sentences(text)
        return sentences[0] if sentences else ""

    return {
        "headline": {
            "newsdesk": lambda m: story_headline(m)[0].text,
            "newsdesk, titles hidden": lambda m: story_headline([(untitled_headline(text), text) for _, text in m])[0].text,
            "a member's title": lambda m: one_member(m)[0],
            "longest title": lambda m: max((title for title, _ in m), key=len),
            "TextRank over story, cut": lambda m: cut(_pooled_textrank(m)),
        },
        "standfirst": {
            "newsdesk": lambda m: story_headline(m)[1].text,
            "a member's lead": lambda m: lead(one_member(m)[1]),
            "TextRank over story": _pooled_textrank,
        },
    }


def evaluate(events: list[tuple[str, list[tuple[str, str]]]]) -> list[dict]:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    rows = []
    for target, table in methods().items():
        for name, method in table.items():
            start = time.process_time()
            candidates = [method(members) for _, members in events]
            seconds = time.process_time() - start
            scores = np.array([[got.fmeasure for got in scorer.score(title, candidate).values()]
                               for (title, _), candidate in zip(events, candidates)])
            r1, r2, rl = 100 * scores.mean(axis=0)
            rows.append({"target": target, "method": name, "stories": len(events), "R-1": round(r1, 1),
                         "R-2": round(r2, 1), "R-L": round(rl, 1),
                         "stories/s": round(len(events) / max(seconds, 1e-9), 1)})
    return rows


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=int, default=None, help="only the first N events (by event id)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
def command(path: Path | None, limit: int | None, as_json: bool) -> None:
    """ROUGE of story headlines and standfirsts against Wikinews' own event titles, next to simple pickers."""
    path = path or shared_data() / EVENTS_PATH
    if not path.is_file():
        raise click.ClickException(f"no data at {path}")
    events = load_events(path, limit)
    if not events:
        raise click.ClickException(f"{path}: no events with a title and two or more articles")
    emit(evaluate(events), as_json)


if __name__ == "__main__":
    command()
