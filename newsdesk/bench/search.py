"""Benchmark search latency on a large store: p50/p95 over ~200 queries, with and without filters.

Real text, synthetic volume: the sentences of the shared Wikinews sample are shuffled into N articles
(default 100,000) with titles, sites, languages, dates over two years, and people and places drawn
from the corpus's own names, so full-text, date, site, person and place filters all have work to do.
The store is built once into the temp dir and reused.

Rows: ``newsdesk`` is the web desk's search (``newsdesk.web.search.find``: rank first, then snippet
one page); ``reference_search`` (one plain SQL query) is the reference, run on the same queries, with
``agree@10`` the share of its top-10 that the desk's top-10 also returns (1.0 = same results).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import click

from newsdesk.bench import shared_data
from newsdesk.records import Article, Block
from newsdesk.store.search import fts_query, until_bound
from newsdesk.store.sqlite import connect

WIKINEWS = shared_data() / "sample" / "wikinews_500.jsonl"
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
NAME = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)+)\b")


def sentences_and_names(path: Path) -> tuple[list[str], list[str]]:
    sentences, names = [], Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        for paragraph in text.split("\n"):
            sentences += [s.strip() for s in SENTENCE.split(paragraph) if len(s.split()) >= 5]
        names.update(NAME.findall(text))
    return sentences, [n for n, _ in names.most_common(2000)]


def build_store(path: Path, articles: int, seed: int = 7) -> None:
    """Rows written with plain INSERTs in the store's own layout: ``write.save_article`` re-indexes by
    deleting on an unindexed FTS column first, a full-table scan per article at this size."""
    rng = random.Random(seed)
    sentences, names = sentences_and_names(WIKINEWS)
    people, places = names[::2], names[1::2]
    sites = [f"news{i:02d}.example" for i in range(40)]
    languages = ["en"] * 8 + ["de", "fr"]
    db = connect(path)
    start = time.time()
    for batch in range(0, articles, 5000):
        rows, search_rows, entity_rows, place_rows = [], [], [], []
        for i in range(batch, min(batch + 5000, articles)):
            body = rng.sample(sentences, rng.randint(6, 16))
            day = rng.randrange(730)
            published = (
                f"{2023 + day // 365}-{1 + day % 365 // 31 % 12:02d}-{1 + day % 28:02d}T{rng.randrange(24):02d}:00:00"
            )
            article = Article(
                page_hash=f"{i:064x}",
                blocks=[Block("p", " ".join(body[j : j + 3])) for j in range(0, len(body), 3)],
                title=" ".join(body[0].split()[:10]),
                published=published,
                language=rng.choice(languages),
                site=rng.choice(sites),
                id=f"a{i:015d}",
            )
            text = article.text
            rows.append(
                (
                    article.page_hash,
                    article.id,
                    article.title,
                    published,
                    article.language,
                    article.site,
                    article.body_hash,
                    json.dumps([{"kind": "p", "text": b.text} for b in article.blocks]),
                    text,
                    len(text.split()),
                )
            )
            search_rows.append((article.id, article.title, text, article.site))
            entity_rows += [(article.id, name) for name in rng.sample(people, 3)]
            place_rows += [(article.id, name) for name in rng.sample(places, 2)]
        with db:
            db.executemany(
                "INSERT INTO pages (hash, uri, kind, size, status) VALUES (?, 'bench', 'text', 0, 'ok')",
                [(r[0],) for r in rows],
            )
            db.executemany(
                """INSERT INTO articles (page_hash, id, title, headline, title_source, published, language, site,
                       body_hash, blocks, captions, text, words)
                   VALUES (?, ?, ?, ?3, 'publisher', ?, ?, ?, ?, ?, '[]', ?, ?)""",
                rows,
            )
            db.executemany(
                "INSERT INTO search (item_id, kind, title, body, site) VALUES (?, 'article', ?, ?, ?)", search_rows
            )
            db.executemany(
                "INSERT INTO entities (article_id, label, name, mentions) VALUES (?, 'PERSON', ?, '[]')", entity_rows
            )
            db.executemany("INSERT INTO places (article_id, name, mentions) VALUES (?, ?, '[]')", place_rows)
        click.echo(
            f"\r  built {min(batch + 5000, articles):,} / {articles:,} articles ({time.time() - start:.0f} s)",
            nl=False,
            err=True,
        )
    click.echo("", err=True)
    db.close()


def reference_search(
    db: sqlite3.Connection,
    query: str = "",
    *,
    person: str | None = None,
    place: str | None = None,
    site: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict]:
    """The same search as one plain SQL query (snippets for every match, filters by join): slow on common
    words, but obviously right, so it is the oracle ``find`` is checked against."""
    where, params = [], []
    match = fts_query(query)
    if match:
        sql = """SELECT s.item_id, s.kind, bm25(search, 0, 0, 8.0, 1.0, 0.5) AS rank,
                        highlight(search, 2, '[', ']') AS title_hl,
                        snippet(search, 3, '[', ']', '…', 24) AS snippet
                 FROM search s WHERE search MATCH ?"""
        params.append(match)
    else:
        sql = "SELECT s.item_id, s.kind, 0 AS rank, s.title AS title_hl, substr(s.body, 1, 200) AS snippet FROM search s WHERE 1"
    if kind:
        where.append("s.kind = ?")
        params.append(kind)
    joins = "LEFT JOIN articles a ON a.id = s.item_id LEFT JOIN teasers t ON t.id = s.item_id"
    if site:
        where.append("coalesce(a.site, t.site) = ?")
        params.append(site)
    if language:
        where.append("a.language = ?")
        params.append(language)
    if since:
        where.append("coalesce(a.published, t.published) >= ?")
        params.append(since)
    if until:
        where.append("coalesce(a.published, t.published) < ?")
        params.append(until_bound(until))
    if person:
        where.append("s.item_id IN (SELECT article_id FROM entities WHERE label = 'PERSON' AND name LIKE ?)")
        params.append(f"%{person}%")
    if place:
        where.append("s.item_id IN (SELECT article_id FROM places WHERE name LIKE ?)")
        params.append(f"%{place}%")
    sql = f"""SELECT q.*, coalesce(a.headline, t.headline) AS headline, coalesce(a.site, t.site) AS site,
                     coalesce(a.published, t.published) AS published, coalesce(a.story_id, t.story_id) AS story_id,
                     a.standfirst AS standfirst, a.language AS language, t.standfirst AS teaser_standfirst
              FROM ({sql}) q {joins.replace('s.item_id', 'q.item_id')}
              WHERE {' AND '.join(w.replace('s.', 'q.') for w in where) or '1'}
              ORDER BY q.rank, published DESC LIMIT ? OFFSET ?"""
    params += [limit, offset]
    rows = []
    for row in db.execute(sql, params):
        data = dict(row)
        data["standfirst"] = data.pop("standfirst") or data.pop("teaser_standfirst")
        data.pop("teaser_standfirst", None)
        rows.append(data)
    return rows


def make_queries(db: sqlite3.Connection, count: int, seed: int = 11) -> list[str]:
    """Single words across the frequency range, word pairs, and quoted phrases, from stored titles."""
    rng = random.Random(seed)
    titles = [r[0] for r in db.execute("SELECT title FROM articles WHERE rowid % 20 = 0 LIMIT 5000")]
    words = [w for t in titles for w in re.findall(r"[A-Za-z]{4,}", t)]
    out = []
    while len(out) < count:
        kind = len(out) % 3
        if kind == 0:
            out.append(rng.choice(words))
        elif kind == 1:
            out.append(f"{rng.choice(words)} {rng.choice(words)}")
        else:
            title = rng.choice(titles).split()
            start = rng.randrange(max(len(title) - 2, 1))
            out.append('"' + " ".join(title[start : start + 2]) + '"')
    return out


def filter_sets(db: sqlite3.Connection) -> dict[str, dict]:
    person = db.execute("SELECT name FROM entities LIMIT 1").fetchone()[0]
    place = db.execute("SELECT name FROM places LIMIT 1").fetchone()[0]
    return {
        "no filter": {},
        "site": {"site": "news07.example"},
        "date range": {"since": "2023-06-01", "until": "2023-09-01"},
        "language": {"language": "de"},
        "person": {"person": person},
        "place": {"place": place},
        "site+date+person": {"site": "news03.example", "since": "2023-01-01", "until": "2024-01-01", "person": person},
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_queries(run, texts: list[str]) -> tuple[list[float], list[list[str]]]:
    latencies, results = [], []
    for text in texts:
        start = time.perf_counter()
        ids = run(text)
        latencies.append((time.perf_counter() - start) * 1000)
        results.append(ids)
    return latencies, results


@click.command()
@click.option("--articles", default=100_000, show_default=True, help="Articles in the synthetic store.")
@click.option("--limit", default=200, show_default=True, help="Queries per row.")
@click.option("--peer-limit", default=50, show_default=True, help="Queries for the slower reference query.")
@click.option(
    "--store", "store_path", type=click.Path(dir_okay=False), help="Store to build or reuse (default: temp dir)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row.")
def command(articles: int, limit: int, peer_limit: int, store_path: str | None, as_json: bool) -> None:
    """Search latency (p50/p95 ms) on a large synthetic store, with and without filters."""
    from newsdesk.web.app import open_for_reading
    from newsdesk.store.search import ItemMeta, find

    if not WIKINEWS.exists():
        raise click.ClickException(f"shared data not found: {WIKINEWS}")
    path = Path(store_path or Path(tempfile.gettempdir()) / f"newsdesk-bench-search-{articles}.db")
    if not path.exists():
        click.echo(f"building a {articles:,}-article store at {path} (once)…", err=True)
        build_store(path, articles)
    db = open_for_reading(str(path))  # the web desk's own connection settings
    meta = ItemMeta()
    start = time.perf_counter()
    meta.current(db)  # the desk loads it on its first filtered search
    click.echo(
        f"item metadata for {len(meta.current(db)):,} items loaded in {time.perf_counter() - start:.1f} s", err=True
    )
    texts = make_queries(db, limit)
    rows = []
    for label, filters in filter_sets(db).items():
        peer_lat, peer_res = time_queries(
            lambda q, f=filters: [r["item_id"] for r in reference_search(db, q, limit=10, **f)], texts[:peer_limit]
        )
        lat, res = time_queries(
            lambda q, f=filters: [h["item_id"] for h in find(db, q, limit=10, meta=meta, **f)["hits"]], texts
        )
        # agree@10 over the queries both ran (the reference runs only the first --peer-limit)
        agree = statistics.mean(len(set(a) & set(b)) / len(b) if b else 1.0 for a, b in zip(res, peer_res))
        for method, values, agreement in (("newsdesk", lat, agree), ("one-query SQL (reference)", peer_lat, 1.0)):
            rows.append(
                {
                    "method": method,
                    "filters": label,
                    "queries": len(values),
                    "p50_ms": round(percentile(values, 0.5), 1),
                    "p95_ms": round(percentile(values, 0.95), 1),
                    "max_ms": round(max(values), 1),
                    "queries_per_s": round(len(values) / (sum(values) / 1000), 1),
                    "agree@10": round(agreement, 3),
                    "articles": articles,
                }
            )
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    click.echo(f"search latency, {articles:,} articles, store {path}")
    click.echo(
        f"{'method':<26} {'filters':<18} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'q/s':>7} "
        f"{'agree@10':>8}"
    )
    for r in rows:
        click.echo(
            f"{r['method']:<26} {r['filters']:<18} {r['queries']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['max_ms']:>8} {r['queries_per_s']:>7} {r['agree@10']:>8}"
        )


if __name__ == "__main__":
    command()
