"""Benchmark: ingest throughput over a directory of real pages, by number of extraction workers.

The WCXB dev pages (709 real news pages) are ingested into a fresh store for each worker count, the
store-level steps left out (``enrich=False``: read, skip-known, extract, dedup, store). Workers are
processes, so the wall clock is what counts here: this process's CPU time would hide their work, and on
a shared machine the figures are as noisy as the machine. The peer is trafilatura's own ``extract`` over
the same files, in one process and in a pool of the same size, with nothing stored; quality is the share
of pages that yield an article. Every worker count must store the same articles (checked here too).
"""

from __future__ import annotations

import gzip
import tempfile
import time
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

import click

from newsdesk.bench import shared_data
from newsdesk.bench.table import emit

PAGES = shared_data() / "extraction" / "wcxb-dev-articles" / "html"


def newsdesk_ingest(paths: list[Path], workers: int) -> tuple[int, float, float, list[tuple]]:
    """(articles stored, wall seconds, this process's CPU seconds, the stored articles) for one ingest into
    a fresh store. With workers, this process's CPU time is the part that does not spread over them: it
    bounds the pages per second that any number of workers can reach."""
    from newsdesk.pipeline import ingest
    from newsdesk.settings import Settings
    from newsdesk.store.sqlite import connect

    with tempfile.TemporaryDirectory() as folder:
        settings = replace(Settings.load({"db": str(Path(folder) / "bench.db")}), workers=workers)
        db = connect(settings.db)
        started, cpu_started = time.perf_counter(), time.process_time()
        ingest([str(p) for p in paths], db, settings, enrich=False)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        stored = [tuple(r) for r in db.execute("SELECT id, duplicate_of, text FROM articles ORDER BY id")]
        db.close()
    return len(stored), elapsed, cpu, stored


def trafilatura_one(path: Path) -> bool:
    import trafilatura

    raw = path.read_bytes()
    html = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    return bool(trafilatura.extract(html.decode("utf-8", "replace")))


def trafilatura_pool(paths: list[Path], workers: int) -> tuple[int, float]:
    started = time.perf_counter()
    if workers <= 1:
        found = sum(map(trafilatura_one, paths))
    else:
        with get_context("spawn").Pool(workers) as pool:
            found = sum(pool.imap(trafilatura_one, paths, chunksize=8))
    return found, time.perf_counter() - started


@click.command(name="ingest")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--workers", "worker_counts", default="1,2", show_default=True, help="comma-separated worker counts")
@click.option("--limit", type=int, default=None, help="only the first N pages")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
def command(folder: Path | None, worker_counts: str, limit: int | None, as_json: bool) -> None:
    """Ingest throughput (pages per wall-clock second) by extraction workers, next to trafilatura alone."""
    folder = folder or PAGES
    if not folder.is_dir():
        raise click.ClickException(f"no pages: pass FOLDER or provide {PAGES}")
    paths = sorted(p for p in folder.iterdir() if p.is_file())[:limit]
    rows, reference = [], None
    for workers in (int(n) for n in worker_counts.split(",")):
        stored, seconds, main_cpu, articles = newsdesk_ingest(paths, workers)
        if reference is None:
            reference = articles
        rows.append({"method": "newsdesk ingest", "workers": workers, "pages": len(paths),
                     "with_article": round(stored / len(paths), 3), "same_store": articles == reference,
                     "seconds": round(seconds, 1), "pages_per_s": round(len(paths) / seconds, 1),
                     "main_cpu_s": round(main_cpu, 1)})
        found, seconds = trafilatura_pool(paths, workers)
        rows.append({"method": "trafilatura extract", "workers": workers, "pages": len(paths),
                     "with_article": round(found / len(paths), 3), "same_store": None,
                     "seconds": round(seconds, 1), "pages_per_s": round(len(paths) / seconds, 1),
                     "main_cpu_s": None})
    emit(rows, as_json)
