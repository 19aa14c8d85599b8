"""``newsdesk bench …``: the benchmark harness, one module per capability under ``newsdesk.bench``.

Subcommands load lazily: a benchmark pulls in its peers (readability, newspaper4k, rouge-score…), and
``newsdesk --help`` should not pay for them.
"""

from __future__ import annotations

import importlib

import click

BENCHES = {
    "extraction": "HTML body and metadata extraction vs trafilatura and readability (WCXB dev set).",
    "segmenter": "Plain-text line segmentation vs simple rules and jusText (WCXB plain text).",
    "dedup": "Near-duplicate detection: copies found vs false merges, per MinHash setting.",
    "stories": "Story clustering (B-cubed) vs NewsBlur-style, online and day-batch TF-IDF (UCI, Wikinews events).",
    "summaries": "Headlines and standfirsts (ROUGE) vs Lead-1/3, TextRank, newspaper4k (BBC).",
    "story-headlines": "Story headlines and standfirsts (ROUGE) vs Wikinews' own event titles, next to simple pickers.",
    "facts": "Entities, places, dates, casualty figures vs a spaCy baseline (annotated gold set).",
    "search": "Search latency (p50/p95) on a large synthetic store.",
    "fetch": "Fetch-and-extract throughput against a local server.",
    "ingest": "Ingest throughput by extraction workers vs trafilatura alone (WCXB pages).",
}


class LazyBench(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(BENCHES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in BENCHES:
            return None
        try:
            module = importlib.import_module(f"newsdesk.bench.{name.replace('-', '_')}")
        except ImportError as exc:
            raise click.ClickException(f"bench {name} needs an extra: {exc} (pip install 'newsdesk[bench]')") from exc
        command = module.command
        command.name = name
        command.short_help = BENCHES[name]
        return command


@click.group(cls=LazyBench)
def bench() -> None:
    """Benchmarks: newsdesk next to the best peers, same data, same run (quality and speed tables)."""
