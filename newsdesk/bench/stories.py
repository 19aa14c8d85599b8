"""Benchmark: story grouping against gold story clusters, newsdesk vs the peers' methods.

Datasets (``../shared/data/stories``): the UCI News Aggregator headlines (Google News' daily story
ids; times cut to the day, rows shuffled within a day) and Wikinews event clusters (full articles,
``published`` often missing). Items are fed in time order; rows within one timestamp carry no order.

Peers, run on the same items in the same run:

* **NewsBlur-style title matching**: normalised title words; joins the open story holding a title
  with word Jaccard >= 0.15 within the time window.
* **Online TF-IDF centroid clustering** (single pass, Miranda et al. 2018 style): each item joins the
  open cluster whose TF-IDF centroid is most cosine-similar if above a threshold, else starts one;
  IDF is learnt as items arrive.
* **Day-batch TF-IDF with average linkage** (scikit-learn + SciPy): each day clustered whole, the
  strongest bag-of-words method the issue measured; it sees a day at once and never links days.

The peers' thresholds were tuned on the same data as newsdesk's (UCI 10-19 March 2014 and the even
Wikinews event ids), one value per method for both sets, so the comparison is not against straw men.

Score: item-weighted B-cubed P/R/F1 (``newsdesk.bench.bcubed``), the number of clusters vs gold,
items per second and peak traced memory of each method.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import os
import random
import re
import time
import tracemalloc
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import partial
from itertools import groupby
from pathlib import Path

import click

from newsdesk.bench.bcubed import bcubed
from newsdesk.stories.embeddings import EMBEDDING_KINDS
from newsdesk.stories.grouping import GroupItem, StoryGrouper, parse_time
from newsdesk.stories.vectors import STOP_WORDS, normalise_word

WINDOW_HOURS = 24.0


def shared_data() -> Path:
    env = os.environ.get("NEWSDESK_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


UCI_PATH = "stories/uci-news-aggregator-2014-03-04.tsv.gz"
EVENTS_PATH = "stories/wikinews_event_clusters.jsonl"


@dataclass
class Dataset:
    name: str
    items: list[GroupItem]
    gold: dict[str, str]
    kind: str = "events"  # uci | events: UCI's gold stories are days, which the live rows also score


def _open_text(path: Path):
    return (gzip.open if path.name.endswith(".gz") else open)(path, "rt", encoding="utf-8", newline="")


def _uci_time(value: str) -> str | None:
    """A UCI timestamp: epoch milliseconds as UCI gives them (seconds if too small for milliseconds), or an
    ISO date; None for anything else, such as the header's "TIMESTAMP"."""
    value = value.strip()
    if value.isdigit():
        stamp = int(value) / (1000 if int(value) > 10**11 else 1)
        return datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat()
    return value if parse_time(value) is not None else None


def load_uci(path: Path, limit: int | None = None) -> Dataset:
    """UCI rows ``ID TITLE URL PUBLISHER CATEGORY STORY HOSTNAME TIMESTAMP``: tab-separated with quoting off,
    as in the shared file, or the original comma-separated CSV with its header row. A row without a story
    or a time (a header) is passed over."""
    items, gold = [], {}
    with _open_text(path) as fh:
        tabbed = "\t" in fh.readline()
        fh.seek(0)
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if tabbed else csv.reader(fh)
        for row in rows:
            if len(row) < 8 or not row[5].strip() or (stamp := _uci_time(row[7])) is None:
                continue
            items.append(GroupItem(id=row[0], headline=row[1], text="", published=stamp, site=row[6], url=row[2]))
            gold[row[0]] = row[5]
    return _limited(Dataset(path.name, items, gold, "uci"), limit)


def load_events(path: Path, limit: int | None = None) -> Dataset:
    """JSON lines with ``event_id``, ``title``, ``text`` and optionally ``id`` (else the line number),
    ``published`` (may be null) and ``url``; gzipped or not."""
    items, gold = [], {}
    with _open_text(path) as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                event = row["event_id"]
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path.name} line {number}: not an event record with an event_id ({error})") from None
            site = re.sub(r"^https?://(www\.)?", "", row.get("url") or "").split("/")[0] or None
            item_id = str(row.get("id", number))
            items.append(GroupItem(item_id, row.get("title") or "", row.get("text") or "", row.get("published"), site))
            gold[item_id] = str(event)
    return _limited(Dataset(path.name, items, gold), limit)


def sniff_format(path: Path) -> str:
    """``events`` for JSON lines, else ``uci``: by what the file holds, whatever its name."""
    with _open_text(path) as fh:
        for line in fh:
            if line.strip():
                return "events" if line.lstrip().startswith("{") else "uci"
    return "events"


def split_halves(dataset: Dataset) -> list[Dataset]:
    """The tuning/held-out halves: UCI by month (March, April), events by even/odd event id."""
    def part(name: str, keep: Callable[[GroupItem], bool]) -> Dataset:
        items = [i for i in dataset.items if keep(i)]
        return Dataset(f"{dataset.name} {name}", items, {i.id: dataset.gold[i.id] for i in items}, dataset.kind)

    if all(dataset.gold[i.id].isdigit() for i in dataset.items):
        return [part("even ids", lambda i: int(dataset.gold[i.id]) % 2 == 0),
                part("odd ids", lambda i: int(dataset.gold[i.id]) % 2 == 1)]
    months = sorted({_month(i) for i in dataset.items})
    return [part(month, lambda i, m=month: _month(i) == m) for month in months]


def _month(item: GroupItem) -> str:
    stamp = parse_time(item.published)
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m") if stamp is not None else "undated"


def _limited(dataset: Dataset, limit: int | None) -> Dataset:
    """The first ``limit`` items in time order (undated first)."""
    if not limit:
        return dataset
    ordered = sorted(dataset.items, key=lambda i: parse_time(i.published) or float("-inf"))[:limit]
    return Dataset(dataset.name, ordered, {i.id: dataset.gold[i.id] for i in ordered}, dataset.kind)


def in_time_order(items: list[GroupItem]) -> list[GroupItem]:
    """Undated items first, then by time; ties keep file order (which the peers then depend on)."""
    return sorted(items, key=lambda i: parse_time(i.published) or float("-inf"))


# -- peers ------------------------------------------------------------------------------------------


def title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in (normalise_word(t) for t in re.findall(r"\w+", title)) if w and w not in STOP_WORDS)


def newsblur_style(items: list[GroupItem], window_hours: float = WINDOW_HOURS, jaccard: float = 0.15) -> dict[str, str]:
    """Normalised-title equality or word Jaccard over the titles seen within the window.

    Titles leave the word index as they expire, one by one: rebuilding it whenever the clock moved
    cost a pass over the whole window per item once every item had its own time."""
    assignment: dict[str, str] = {}
    open_titles: dict[int, tuple[float, frozenset[str], str]] = {}
    arrival: deque[int] = deque()
    index: dict[str, set[int]] = defaultdict(set)
    for n, item in enumerate(in_time_order(items)):
        now = parse_time(item.published)
        if now is not None:
            while arrival and open_titles[arrival[0]][0] <= now - window_hours * 3600:
                gone = arrival.popleft()
                for w in open_titles.pop(gone)[1]:
                    index[w].discard(gone)
        words = title_words(item.headline)
        best, best_score = None, 0.0
        for other_n in sorted({m for w in words for m in index[w]}):  # the oldest wins a tie
            other = open_titles[other_n][1]
            score = len(words & other) / len(words | other)
            if score >= jaccard and score > best_score:
                best, best_score = open_titles[other_n][2], score
        story = best or f"nb{len(assignment)}"
        assignment[item.id] = story
        open_titles[n] = (now if now is not None else float("-inf"), words, story)
        arrival.append(n)
        for w in words:
            index[w].add(n)
    return assignment


def online_tfidf(items: list[GroupItem], window_hours: float = WINDOW_HOURS, threshold: float = 0.15) -> dict[str, str]:
    """Single-pass clustering: join the most similar open TF-IDF centroid above ``threshold``."""
    assignment: dict[str, str] = {}
    df: Counter[str] = Counter()
    docs = 0
    centroids: dict[int, dict[str, float]] = {}
    norms: dict[int, float] = {}
    last_seen: dict[int, float] = {}
    postings: dict[str, set[int]] = defaultdict(set)
    clock = None
    for item in in_time_order(items):
        now = parse_time(item.published)
        if now is not None and now != clock:
            clock = now
            for cid in [c for c, t in last_seen.items() if t <= now - window_hours * 3600]:
                for w in centroids.pop(cid):
                    postings[w].discard(cid)
                del norms[cid], last_seen[cid]
        counts = Counter(w for w in (normalise_word(t) for t in re.findall(r"\w+", f"{item.headline} {item.text}")) if w not in STOP_WORDS)
        docs += 1
        df.update(counts.keys())
        vector = {w: (1 + math.log(c)) * (math.log((docs + 1) / (df[w] + 1)) + 1) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vector = {w: v / norm for w, v in vector.items()}
        dots: Counter[int] = Counter()
        for w, v in vector.items():
            for cid in postings.get(w, ()):
                dots[cid] += v * centroids[cid][w]
        best = max(dots, key=lambda c: dots[c] / norms[c], default=None)
        if best is None or dots[best] / norms[best] < threshold:
            best = len(assignment)
            centroids[best] = {}
        centroid = centroids[best]
        for w, v in vector.items():
            centroid[w] = centroid.get(w, 0.0) + v
            postings[w].add(best)
        norms[best] = math.sqrt(sum(v * v for v in centroid.values()))
        last_seen[best] = now if now is not None else float("-inf")
        assignment[item.id] = f"tf{best}"
    return assignment


def day_batch_tfidf(items: list[GroupItem], window_hours: float = WINDOW_HOURS, threshold: float = 0.92) -> dict[str, str]:
    """Day-batch TF-IDF with average linkage, the strongest bag-of-words method the issue measured.

    Each UTC day's items (the undated ones as one more batch) are clustered whole with scikit-learn
    TF-IDF and SciPy average linkage, cut where the mean cosine distance between two parts exceeds
    ``threshold``. It is given more than a desk has: a whole day at once, and IDF from the whole input,
    tomorrow's words included (IDF from each day alone scored 0.736 on UCI, from everything 0.790 at the
    best threshold). It never links days."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    days: dict[float | None, list[GroupItem]] = defaultdict(list)
    for item in items:
        stamp = parse_time(item.published)
        days[None if stamp is None else stamp // 86400].append(item)
    assignment: dict[str, str] = {}
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    try:
        vectorizer.fit([f"{i.headline} {i.text}" for i in items])
    except ValueError:  # nothing but stop words anywhere: every item on its own
        return {item.id: f"al{n}" for n, item in enumerate(items)}
    for day, batch in days.items():
        labels = [0] * len(batch)
        if len(batch) > 1:
            vectors = vectorizer.transform([f"{i.headline} {i.text}" for i in batch])
            distance = 1.0 - (vectors @ vectors.T).toarray()  # an all-stop-word item is at distance 1 from all
            np.fill_diagonal(distance, 0.0)
            np.clip(distance, 0.0, 1.0, out=distance)
            tree = linkage(squareform(distance, checks=False), method="average")
            labels = fcluster(tree, t=threshold, criterion="distance").tolist()
        for item, label in zip(batch, labels, strict=True):
            assignment[item.id] = f"al{day}-{label}"
    return assignment


def newsdesk_grouping(items: list[GroupItem], window_hours: float = WINDOW_HOURS, embeddings: str = "static",
                      **params: float) -> dict[str, str]:
    return StoryGrouper(window_hours, embeddings=embeddings, **params).group(items)


def live(dataset: Dataset, run_hours: float, seed: int = 0, embeddings: str = "static") -> tuple[Dataset, Callable[..., dict[str, str]]]:
    """The dataset as a live desk meets it, and newsdesk run that way: every dated item gets a time
    spread at random (seeded) over its day, and newsdesk takes the stream in runs of ``run_hours``
    (a feed poll), its stories carried from run to run. The peers are online methods already."""
    spread = random.Random(seed)

    def moved(item: GroupItem) -> GroupItem:
        stamp = parse_time(item.published)
        if stamp is None:
            return item
        day = stamp - stamp % 86400
        return replace(item, published=datetime.fromtimestamp(day + spread.randrange(86400), tz=timezone.utc).isoformat())

    items = in_time_order([moved(item) for item in dataset.items])

    def in_runs(stream: list[GroupItem], window_hours: float = WINDOW_HOURS) -> dict[str, str]:
        grouper, assignment = StoryGrouper(window_hours, embeddings=embeddings), {}
        for _, run in groupby(stream, key=lambda i: math.floor((parse_time(i.published) or 0.0) / (run_hours * 3600))):
            assignment.update(grouper.group(list(run)))
        return assignment

    name = f"{dataset.name} live, {run_hours:g} h runs"
    return Dataset(name, items, dataset.gold, dataset.kind), in_runs


def mixed(dataset: Dataset, share: float, seed: int = 7) -> Dataset:
    """The dataset as a desk's mix of feed entries and full articles: ``share`` of its titled articles
    (picked at random, seeded) keep only their headline."""
    pick = random.Random(seed)
    items = [replace(item, text="") if item.headline and pick.random() < share else item for item in dataset.items]
    return Dataset(f"{dataset.name}, {share:.0%} cut to headlines", items, dataset.gold, dataset.kind)


METHODS: dict[str, Callable[[list[GroupItem]], dict[str, str]]] = {
    "newsdesk": newsdesk_grouping,
    "newsblur-title": newsblur_style,
    "online-tfidf": online_tfidf,
    "day-tfidf-avg": day_batch_tfidf,
}


def run_method(
    name: str, method: Callable[..., dict[str, str]], dataset: Dataset, trace: bool = True, **kwargs: float
) -> tuple[dict, dict[str, str]]:
    """Run one method on one dataset; the row has its scores, speed and peak traced memory (MB)."""
    if trace:
        tracemalloc.start()
    started = time.process_time()  # CPU time: fair on a shared machine
    assignment = method(dataset.items, **kwargs)
    elapsed = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    scores = bcubed(assignment, dataset.gold)
    row = {
        "dataset": dataset.name,
        "method": name,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()},
        "items_per_s": round(len(dataset.items) / elapsed, 1) if elapsed else None,  # per CPU second
        "seconds": round(elapsed, 2),
        "peak_mb": round(peak / 1e6, 1) if trace else None,
    }
    return row, assignment


def per_day_row(row: dict, assignment: dict[str, str], dataset: Dataset) -> dict:
    """The same assignment scored with every story cut at day boundaries. UCI's gold stories are one
    day's coverage, so a story that runs on into the next day (what a desk wants of a live story) is
    all error there; cut per day, the score shows how well each day itself was grouped."""
    day = {i.id: (parse_time(i.published) or 0.0) // 86400 for i in dataset.items}
    cut = {item: f"{story}@{day[item]:.0f}" for item, story in assignment.items()}
    scores = bcubed(cut, dataset.gold)
    return {**row, "dataset": f"{dataset.name}, cut per day",
            **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}}


def _print_row(row: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(row))
        return
    clusters = f"{row['clusters']} / {row['gold_clusters']}"
    click.echo(
        f"{row['dataset']:<46} {row['method']:<15} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
        f"{clusters:>15} {row['items_per_s']:>9} {row['seconds']:>7} {row['peak_mb'] or '-'!s:>8}"
    )


def _datasets(paths: Iterable[Path], fmt: str | None, limit: int | None) -> list[Dataset]:
    loaded = []
    for path in paths:
        kind = fmt or sniff_format(path)
        try:
            loaded.append(load_uci(path, limit) if kind == "uci" else load_events(path, limit))
        except (ValueError, UnicodeDecodeError, OSError, EOFError) as error:
            raise click.ClickException(f"{path}: cannot read as {kind}: {error}") from None
        if not loaded[-1].items:
            raise click.ClickException(f"{path}: no {kind} items found (try --format)")
    return loaded


@click.command(name="stories")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["uci", "events"]), default=None, help="input format (default: JSON lines are events, anything else UCI rows)")
@click.option("--dump", type=click.Path(dir_okay=False, path_type=Path), help="write newsdesk's item_id<TAB>story_id lines")
@click.option("--limit", type=int, default=None, help="only the first N items of each file, in time order")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
@click.option("--no-trace", is_flag=True, help="skip tracemalloc: faster, true speed, no peak memory")
@click.option("--halves", is_flag=True, help="also score the halves (UCI by month, events by even/odd event id)")
@click.option("--live", "live_hours", type=float, default=None, metavar="HOURS",
              help="also score a live desk: times spread over each day, newsdesk fed in runs of HOURS")
@click.option("--mixed", "mixed_share", type=float, default=None, metavar="SHARE",
              help="also score a mix: this share of an events file's articles keep only their headline (feed entries)")
@click.option("--embeddings", type=click.Choice(EMBEDDING_KINDS), default="static", show_default=True,
              help="newsdesk's sentence vectors (minilm: the transformer, needs the embeddings extra; ~20 CPU-minutes on UCI)")
def command(
    paths: tuple[Path, ...], fmt: str | None, dump: Path | None, limit: int | None, as_json: bool, no_trace: bool,
    halves: bool, live_hours: float | None, mixed_share: float | None, embeddings: str,
) -> None:
    """Score story grouping (B-cubed) for newsdesk, NewsBlur-style titles, online TF-IDF and day-batch TF-IDF."""
    if not paths:
        paths = tuple(p for p in (shared_data() / UCI_PATH, shared_data() / EVENTS_PATH) if p.is_file())
        if not paths:
            raise click.ClickException(f"no data: pass PATH or provide {shared_data()}")
    dump_lines: list[str] = []
    if not as_json:
        click.echo(f"{'dataset':<46} {'method':<15} {'P':>6} {'R':>6} {'F1':>6} {'clusters':>15} {'items/s':>9} {'CPU s':>7} {'peak MB':>8}")
    trace = not no_trace
    methods = {**METHODS, "newsdesk": partial(newsdesk_grouping, embeddings=embeddings)}
    for whole in _datasets(paths, fmt, limit):
        runs = [(dataset, methods, False) for dataset in ((whole, *split_halves(whole)) if halves else (whole,))]
        if mixed_share and whole.kind == "events":
            runs.append((mixed(whole, mixed_share), methods, False))
        if live_hours:
            live_dataset, in_runs = live(whole, live_hours, embeddings=embeddings)
            # UCI's gold stories are days: there the live rows are also scored cut per day
            runs.append((live_dataset, {**methods, "newsdesk": in_runs}, whole.kind == "uci"))
        for dataset, run_methods, per_day in runs:
            for name, method in run_methods.items():
                label = f"{name}+{embeddings}" if name == "newsdesk" and embeddings != "static" else name
                row, assignment = run_method(label, method, dataset, trace=trace)
                if name == "newsdesk" and dataset is whole:
                    dump_lines.extend(f"{item}\t{story}" for item, story in assignment.items())
                rows = [row, per_day_row(row, assignment, dataset)] if per_day else [row]
                for shown in rows:
                    _print_row(shown, as_json)
    if dump:
        dump.write_text("\n".join(dump_lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    command()
