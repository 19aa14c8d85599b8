"""Benchmark near-duplicate detection: copies caught vs. distinct articles wrongly merged.

Real text, synthetic syndication: every WCXB gold body (709 pages, many sites and genres) is
indexed together with the 737 Wikinews event-cluster articles, then six kinds of copy of each of
them are looked up (a copy of one outlet's report must find that report, not another outlet's
report of the same event):

* ``retitled``   same body, a new headline (the exact body hash must catch it);
* ``trimmed``    last paragraph cut;
* ``readmore``   "Read more" / newsletter / copyright lines appended, a wire dateline prefixed;
* ``quotes``     straight quotes curled, dashes and whitespace changed;
* ``middle``     one paragraph dropped from the middle;
* ``combined``   trimmed + readmore + quotes + middle at once.

A copy counts as caught only when ``find`` names its own original. Distinct articles merged on
insert are false merges; ``hard`` counts those whose partner is another outlet's report of the same
Wikinews event (same story, different text: must never merge). Inputs the source data holds twice
(exact 5-shingle Jaccard >= 0.5, e.g. one page cited under two URLs) are counted as ``data_copies``,
correct merges, not false ones. Precision is caught copies over all
merges claimed (caught + wrong original + false merges).
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from itertools import product

import click

from newsdesk.bench import shared_data
from newsdesk.dedup import Deduper, shingles, words
from newsdesk.records import Article, Block

SHARED = shared_data()
WCXB = SHARED / "extraction" / "wcxb-dev-articles" / "ground-truth.jsonl"
WIKINEWS = SHARED / "stories" / "wikinews_event_clusters.jsonl"

BOILERPLATE = [
    "Read more: {title}",
    "Sign up for our daily newsletter to get the latest news in your inbox.",
    "Follow us on Twitter and Facebook.",
    "© 2024 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
]
SAME_TEXT = 0.5  # exact 5-shingle Jaccard above which two "distinct" inputs are in fact one text
KINDS = ("retitled", "trimmed", "readmore", "quotes", "middle", "combined")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def make_article(key: str, title: str, paras: list[str], site: str) -> Article:
    return Article(page_hash=key, blocks=[Block("p", p) for p in paras], title=title, site=site, id=key)


def _curl(text: str) -> str:
    out, open_double = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if open_double else "”")
            open_double = not open_double
        elif ch == "'":
            out.append("’")
        elif ch == " " and random.random() < 0.02:
            out.append("  ")
        else:
            out.append(ch)
    return "".join(out).replace(" - ", " – ")


def variant(kind: str, title: str, paras: list[str], rng: random.Random) -> tuple[str, list[str]] | None:
    """One syndicated copy of (title, paragraphs), or None when the body is too short for this edit."""
    paras = list(paras)
    if kind == "retitled":
        return "Update: " + " ".join(reversed(title.split())), paras
    if kind in ("trimmed", "combined"):
        if len(paras) < 2:
            return None
        paras = paras[:-1]
    if kind in ("middle", "combined"):
        if len(paras) < 3:
            return None
        del paras[rng.randrange(1, len(paras) - 1)]
    if kind in ("readmore", "combined"):
        paras[0] = "LONDON (AP) — " + paras[0]
        paras += [line.format(title=title) for line in BOILERPLATE]
    if kind in ("quotes", "combined"):
        random.seed(rng.random())
        paras = [_curl(p) for p in paras]
    return title, paras


def judge_jaccard(a: str, b: str) -> float:
    """Exact Jaccard of 5-word shingles: the yardstick for whether two stored texts are one text."""
    sa, sb = shingles(words(a), 5), shingles(words(b), 5)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def load(limit: int | None) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, str, list[str], int]]]:
    wcxb, wikinews = [], []
    with WCXB.open() as fh:
        for line in fh:
            row = json.loads(line)
            wcxb.append(("w" + row["id"], row.get("title") or "", paragraphs(row["body"])))
    with WIKINEWS.open() as fh:
        for line in fh:
            row = json.loads(line)
            wikinews.append(("k" + row["id"], row.get("title") or "", paragraphs(row["text"]), row["event_id"]))
    if limit:
        wcxb, wikinews = wcxb[:limit], wikinews[:limit]
    return wcxb, wikinews


def run(config: tuple[int, float, int, float], wcxb, wikinews, copies) -> dict:
    shingle_words, threshold, num_perm, containment = config
    deduper = Deduper(shingle_words=shingle_words, threshold=threshold, num_perm=num_perm, containment=containment)
    event_of = {key: event for key, _, _, event in wikinews}
    start = time.perf_counter()
    false_merges = hard = 0
    originals = [(key, title, paras, "wcxb") for key, title, paras in wcxb]
    originals += [(key, title, paras, f"wikinews-{event}") for key, title, paras, event in wikinews]
    texts: dict[str, str] = {}
    data_copies = 0
    for key, title, paras, site in originals:
        article = make_article(key, title, paras, site)
        texts[key] = article.text
        canonical = deduper.add(article)
        if canonical == key:
            continue
        if judge_jaccard(article.text, texts[canonical]) >= SAME_TEXT:
            data_copies += 1  # the source data holds the same page twice: a correct merge
        else:
            false_merges += 1
            hard += key in event_of and event_of.get(canonical) == event_of[key]
    caught = {kind: 0 for kind in KINDS}
    total = {kind: 0 for kind in KINDS}
    wrong = 0
    for n, (kind, original, title, paras) in enumerate(copies):
        found = deduper.find(make_article(f"c{n}", title, paras, "syndicator"))
        total[kind] += 1
        if found == original:
            caught[kind] += 1
        elif found is not None:
            wrong += 1
    seconds = time.perf_counter() - start
    hits = sum(caught.values())
    row = {
        "shingle": shingle_words,
        "threshold": threshold,
        "num_perm": num_perm,
        "containment": containment,
        "precision": hits / (hits + wrong + false_merges) if hits + wrong + false_merges else 1.0,
        "recall": hits / max(1, sum(total.values())),
        "false_merges": false_merges,
        "data_copies": data_copies,
        "hard": hard,
    }
    row.update({f"r_{kind}": caught[kind] / max(1, total[kind]) for kind in KINDS})
    row["articles_per_s"] = (len(originals) + len(copies)) / seconds
    return row


def index_bytes_per_original(config: tuple[int, float, int, float], wcxb, wikinews) -> float:
    """What the index holds per original it indexed (Python allocations, signatures included): a run's
    memory grows by this much an original until the index's window turns over."""
    shingle_words, threshold, num_perm, containment = config
    deduper = Deduper(shingle_words=shingle_words, threshold=threshold, num_perm=num_perm, containment=containment)
    articles = [make_article(key, title, paras, "wcxb") for key, title, paras in wcxb]
    articles += [make_article(key, title, paras, f"wikinews-{event}") for key, title, paras, event in wikinews]
    signatures = [deduper.signature(article.text) for article in articles]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for article, signature in zip(articles, signatures):
            deduper.add(article, signature)
        del signatures  # the index keeps the signatures of its originals; count those
        return (tracemalloc.get_traced_memory()[0] - before) / max(1, len(articles))
    finally:
        tracemalloc.stop()


@click.command()
@click.option("--limit", type=int, default=None, help="use only the first N articles of each source")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
@click.option("--shingles", default="3,5,7", help="comma-separated shingle sizes (words)")
@click.option("--thresholds", default="0.4,0.5,0.6,0.7,0.8", help="comma-separated Jaccard thresholds")
@click.option("--num-perms", default="64,128", help="comma-separated MinHash permutation counts")
@click.option("--containments", default="0.8", help="comma-separated containment bars (above 1 turns the test off)")
@click.option("--memory", is_flag=True, help="also measure the index's memory per original (a second, traced pass)")
def command(limit: int | None, as_json: bool, shingles: str, thresholds: str, num_perms: str, containments: str,
            memory: bool) -> None:
    """Precision/recall of copy detection and false merges on hard negatives, over a parameter grid."""
    if not WCXB.is_file() or not WIKINEWS.is_file():
        raise click.ClickException(f"shared data not found under {SHARED}")
    wcxb, wikinews = load(limit)
    rng = random.Random(13)
    copies = []
    sources = wcxb + [(key, title, paras) for key, title, paras, _ in wikinews]
    for (key, title, paras), kind in product(sources, KINDS):
        made = variant(kind, title, paras, rng)
        if made:
            copies.append((kind, key, *made))
    grid = product(
        [int(s) for s in shingles.split(",")],
        [float(t) for t in thresholds.split(",")],
        [int(p) for p in num_perms.split(",")],
        [float(c) for c in containments.split(",")],
    )
    if not as_json:
        click.echo(f"{len(wcxb)} WCXB + {len(wikinews)} Wikinews event-cluster originals, {len(copies)} copies")
        click.echo("shingle thresh perm contain  prec  recall  false(hard) data " + " ".join(f"{k[:8]:>8}" for k in KINDS) + "  art/s")
    for config in grid:
        row = run(config, wcxb, wikinews, copies)
        if memory:
            row["index_kb_per_original"] = index_bytes_per_original(config, wcxb, wikinews) / 1024
        if as_json:
            click.echo(json.dumps(row))
        else:
            kinds = " ".join(f"{row['r_' + k]:8.3f}" for k in KINDS)
            click.echo(
                f"{row['shingle']:7d} {row['threshold']:6.2f} {row['num_perm']:4d} {row['containment']:7.2f} {row['precision']:.3f} "
                f"{row['recall']:7.3f} {row['false_merges']:5d}({row['hard']:3d}) {row['data_copies']:4d} {kinds} {row['articles_per_s']:6.0f}"
                + (f"  index {row['index_kb_per_original']:.1f} kB/original" if memory else "")
            )


if __name__ == "__main__":
    command()
