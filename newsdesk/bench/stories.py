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
import random
import re
import time
import tracemalloc
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import partial
from itertools import groupby
from pathlib import Path

import click

from newsdesk.bench import shared_data
from newsdesk.bench.bcubed import bcubed
from newsdesk.stories.embeddings import EMBEDDING_KINDS
from newsdesk.stories.grouping import GroupItem, StoryGrouper, parse_time
from newsdesk.stories.vectors import STOP_WORDS, normalise_word

WINDOW_HOURS = 24.0
UCI_PATH = "stories/uci-news-aggregator-2014-03-04.tsv.gz"
EVENTS_PATH = "stories/wikinews_event_clusters.jsonl"


@dataclass
class Dataset:
    name: str
    items: list[GroupItem]
    gold: dict[str, str]
    kind: str = "events"  # uci | events: UCI's gold stories are days, which the live rows also score
    # item key -> the id as the file spelled it, in file order: keys are unique, ids need not be
    ids: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # warnings about the input, one line each


SINGLETON = "\0singleton:"  # gold label prefix of an item without an event: its own gold story, named by no file


@dataclass
class Tally:
    """How many rows had one problem, and where the first was: one warning line, not one per row."""

    count: int = 0
    first: str = ""

    def add(self, where: str) -> None:
        self.count += 1
        if self.count == 1:
            self.first = where


def open_text(path: Path, newline: str | None = ""):
    """A text file, gunzipped when its first bytes say gzip: a name can be wrong either way. A UTF-8 BOM
    (Windows and Excel exports) is dropped, so it is neither part of the first id nor hides a JSON "{"."""
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    return (gzip.open if gzipped else open)(path, "rt", encoding="utf-8-sig", newline=newline)


def check_dump(dump: Path | None) -> None:
    """Fail before the run, not after it, when the dump cannot be written (a missing folder, no
    permission). Appending writes nothing, so an earlier dump survives a run that fails."""
    if dump is None:
        return
    try:
        with dump.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise click.ClickException(f"--dump {dump}: cannot write there: {error.strerror or error}") from None


def write_dump(dump: Path, lines: Iterable[str]) -> None:
    try:
        dump.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"--dump {dump}: cannot write: {error.strerror or error}") from None


def unique_keys(names: list[str]) -> list[str]:
    """Each row's key: its id, or for an id seen before that id with a ``#2``, ``#3``... that no row uses,
    so that every row is scored as its own item with its own gold story."""
    taken, seen, keys = set(names), set(), []
    for name in names:
        key, n = name, 1
        while key in seen or key != name and key in taken:  # a suffixed key must not be another row's id
            n += 1
            key = f"{name}#{n}"
        seen.add(key)
        keys.append(key)
    return keys


def repeated(names: Iterable[str]) -> list[str]:
    """The ids that occur more than once, in order of first appearance."""
    counts = Counter(names)
    return [name for name, count in counts.items() if count > 1]


def repeat_note(source: str, names: Iterable[str]) -> list[str]:
    dupes = repeated(names)
    if not dupes:
        return []
    return [f"{source}: {len(dupes)} ids occur more than once (first: {dupes[0]}); each row is scored as its own item"]


_EPOCH_DIGITS = re.compile(r"\d{9,}(\.\d*)?")  # shorter digits are no news time: "20140310" is an ISO date


def _epoch(stamp: float) -> str:
    """Epoch milliseconds when too big for seconds (UCI's, JavaScript's), else seconds, as ISO 8601; a
    number too small for either (before 1973, such as a year) is not understood."""
    if stamp < 10**8:
        raise ValueError(f"not an epoch time: {stamp}")
    return datetime.fromtimestamp(stamp / (1000 if stamp > 10**11 else 1), tz=timezone.utc).isoformat()


def read_time(value: object) -> str | None:
    """An ISO 8601 time for a date given as ISO text (kept as given), epoch seconds or milliseconds (a
    number, or its digits: "1394409600000.0" is how pandas writes a column with gaps) or RFC 2822 (feeds);
    None when there is none. A date that is there but unreadable raises ValueError."""
    if value is None or isinstance(value, str) and not value.strip():
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _epoch(value)
        text = value.strip() if isinstance(value, str) else None
        if text is None:
            raise ValueError(f"not a date: {value!r}")
        if _EPOCH_DIGITS.fullmatch(text):
            return _epoch(float(text))
        if parse_time(text) is not None:
            return text
        parsed = parsedate_to_datetime(text)
    except (OverflowError, OSError, TypeError, ValueError) as error:
        raise ValueError(f"not a date: {value!r}") from error
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).isoformat()


def _dated(value: object, unread: Tally) -> str | None:
    """The item's time, or None (undated) with the unreadable date counted for the warning."""
    try:
        return read_time(value)
    except ValueError:
        unread.add(repr(value))
        return None


def _date_note(source: str, unread: Tally, rows: int) -> list[str]:
    if not unread.count:
        return []
    return [f"{source}: {unread.count} of {rows} dates not understood (first: {unread.first}); those items are undated"]


def as_text(value: object) -> str:
    """A field as text: a number as written, a list (of sentences, paragraphs) joined by spaces, null as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(part for part in map(as_text, value) if part)
    return str(value) if isinstance(value, int | float) else json.dumps(value, ensure_ascii=False)


def _dataset(name: str, rows: list[tuple[str, GroupItem, str | None]], kind: str, notes: list[str]) -> Dataset:
    """The dataset of rows ``(id as spelled, item, gold story or None)`` in file order: a repeated id gets a
    key of its own (and one warning), an item without a gold story is a gold story of its own."""
    names = [shown for shown, _, _ in rows]
    keys = unique_keys(names)
    items = [item if item.id == key else replace(item, id=key) for key, (_, item, _) in zip(keys, rows, strict=True)]
    gold = {key: SINGLETON + key if story is None else story for key, (_, _, story) in zip(keys, rows, strict=True)}
    return Dataset(name, items, gold, kind, dict(zip(keys, names, strict=True)), repeat_note(name, names) + notes)


UCI_FIELDS = ("ID", "TITLE", "URL", "PUBLISHER", "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP")


def _is_uci_header(row: list[str]) -> bool:
    return [cell.strip().upper() for cell in row[:8]] == list(UCI_FIELDS)


def load_uci(path: Path, limit: int | None = None) -> Dataset:
    """UCI rows ``ID TITLE URL PUBLISHER CATEGORY STORY HOSTNAME TIMESTAMP``: tab-separated with quoting off,
    as in the shared file, or the original comma-separated CSV with its header row. A row without a usable
    time is an undated item (as in an events file); a header is passed over; a row too short or without a
    story cannot be scored, and is counted in a warning."""
    rows, malformed, unread = [], Tally(), Tally()
    with open_text(path) as fh:
        tabbed = "\t" in fh.readline()
        fh.seek(0)
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if tabbed else csv.reader(fh)
        for row in reader:
            if not row or len(row) == 1 and not row[0].strip() or _is_uci_header(row):  # a blank line, a header
                continue
            if len(row) < 8 or not row[5].strip():
                malformed.add(f"line {reader.line_num}")
                continue
            item = GroupItem(id=row[0], headline=row[1], text="", published=_dated(row[7], unread), site=row[6], url=row[2])
            rows.append((row[0], item, row[5]))
    if malformed.count > len(rows):  # not a UCI file at all (JSON lines given --format uci): say so, not score it
        raise ValueError(f"{malformed.count} of {malformed.count + len(rows)} rows are not UCI rows (first: {malformed.first})")
    notes = _date_note(path.name, unread, len(rows))
    if malformed.count:
        notes.append(f"{path.name}: {malformed.count} rows passed over, too short or without a STORY (first: {malformed.first})")
    return _limited(_dataset(path.name, rows, "uci", notes), limit)


def load_events(path: Path, limit: int | None = None) -> Dataset:
    """JSON lines with ``event_id``, ``title``, ``text`` and optionally ``id`` (else the line number),
    ``published`` (may be null; ISO 8601, epoch seconds or milliseconds, RFC 2822) and ``url``; gzipped or
    not. A null ``event_id`` makes the item a gold story of its own: it names no event to share."""
    rows: list[tuple[str, GroupItem, str | None]] = []
    no_id, no_event, unread = Tally(), Tally(), Tally()
    null_ids = 0
    with open_text(path) as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                event = row["event_id"]
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path.name} line {number}: not an event record with an event_id ({error})") from None
            item_id = row.get("id")
            if item_id is None:
                no_id.add(f"line {number}")
                null_ids += "id" in row
            if event is None:
                no_event.add(f"line {number}")
            url = row.get("url") if isinstance(row.get("url"), str) else ""
            site = re.sub(r"^https?://(www\.)?", "", url).split("/")[0] or None
            shown = str(number if item_id is None else item_id)
            published = _dated(row.get("published"), unread)
            item = GroupItem(shown, as_text(row.get("title")), as_text(row.get("text")), published, site)
            rows.append((shown, item, None if event is None else str(event)))
    notes = id_note(path.name, no_id, null_ids, len(rows)) + _date_note(path.name, unread, len(rows))
    if no_event.count:
        notes.append(f"{path.name}: {no_event.count} records have a null event_id; each is scored as a gold story "
                     f"of its own (first: {no_event.first})")
    return _limited(_dataset(path.name, rows, "events", notes), limit)


def id_note(source: str, no_id: Tally, null_ids: int, rows: int) -> list[str]:
    """A file without ids is a documented layout and passes quietly; a null id, or a missing one among
    rows that have ids, is likely a slip worth a line."""
    if not no_id.count or not null_ids and no_id.count == rows:
        return []
    return [f"{source}: {no_id.count} records have a null or no id; their line numbers stand for them (first: {no_id.first})"]


def sniff_format(path: Path) -> str:
    """``events`` for JSON lines, else ``uci``: by what the file holds, whatever its name."""
    with open_text(path) as fh:
        for line in fh:
            if line.strip():
                return "events" if line.lstrip().startswith("{") else "uci"
    return "events"


def split_halves(dataset: Dataset) -> list[Dataset]:
    """The tuning/held-out halves: UCI by month (March, April), events by even/odd event id."""
    def part(name: str, keep: Callable[[GroupItem], bool]) -> Dataset:
        items = [i for i in dataset.items if keep(i)]
        return Dataset(f"{dataset.name} {name}", items, {i.id: dataset.gold[i.id] for i in items}, dataset.kind)

    # an item without an event (a gold story of its own) is in neither half: it has no id to split by
    events = {i.id: dataset.gold[i.id] for i in dataset.items if not dataset.gold[i.id].startswith(SINGLETON)}
    if events and all(event.isdigit() for event in events.values()):
        return [part("even ids", lambda i: i.id in events and int(events[i.id]) % 2 == 0),
                part("odd ids", lambda i: i.id in events and int(events[i.id]) % 2 == 1)]
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
    kept = {i.id for i in ordered}
    return Dataset(dataset.name, ordered, {i.id: dataset.gold[i.id] for i in ordered}, dataset.kind,
                   {key: shown for key, shown in dataset.ids.items() if key in kept}, dataset.notes)


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
    """Every file loaded and checked before any output, so that an error is the only thing printed."""
    loaded = []
    for path in paths:
        kind = fmt or "uci or events"
        try:
            kind = fmt or sniff_format(path)
            loaded.append(load_uci(path, limit) if kind == "uci" else load_events(path, limit))
        except (ValueError, OSError, EOFError, zlib.error) as error:  # UnicodeDecodeError is a ValueError
            raise click.ClickException(f"{path}: cannot read as {kind}: {error}") from None
        if not loaded[-1].items:
            raise click.ClickException(f"{path}: no {kind} items found{'' if fmt else ' (try --format)'}")
    return loaded


def dump_lines(dataset: Dataset, assignment: dict[str, str]) -> list[str]:
    """``id<TAB>story`` for every row of the file, in file order, the id as the file spelled it."""
    ids = dataset.ids or {item.id: item.id for item in dataset.items}
    return [f"{shown}\t{assignment[key]}" for key, shown in ids.items()]


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
    check_dump(dump)
    wholes = _datasets(paths, fmt, limit)
    for note in (note for whole in wholes for note in whole.notes):
        click.echo(f"warning: {note}", err=True)
    dumped: list[str] = []
    if not as_json:
        click.echo(f"{'dataset':<46} {'method':<15} {'P':>6} {'R':>6} {'F1':>6} {'clusters':>15} {'items/s':>9} {'CPU s':>7} {'peak MB':>8}")
    trace = not no_trace
    methods = {**METHODS, "newsdesk": partial(newsdesk_grouping, embeddings=embeddings)}
    for whole in wholes:
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
                    dumped.extend(dump_lines(whole, assignment))
                rows = [row, per_day_row(row, assignment, dataset)] if per_day else [row]
                for shown in rows:
                    _print_row(shown, as_json)
    if dump:
        write_dump(dump, dumped)


if __name__ == "__main__":
    command()
