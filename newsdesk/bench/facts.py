"""Benchmark: casualty figures, dates and places against a hand-annotated gold set.

Gold: ``bench/gold/facts/*.jsonl`` (Wikinews articles from ``../shared/data/sample`` plus the seed;
see the README there). Split dev/test by position in the sorted list of Wikinews ids, so the test
half is fixed and never used for tuning. Peer: what plain spaCy gives without our code, i.e. NER
CARDINAL numbers in sentences with a casualty keyword, DATE entities (unresolved, except bare
years) and GPE entities looked up by name in the same gazetteer, most populous first.

Speed is ms per ~600-word article on one core (numpy's BLAS held to one thread), for newsdesk and the
peer in the same run; on a shared machine their ratio is the steadier number.

Fields are scored as precision/recall over non-empty values: a figure field counts as correct when
its figure matched a gold figure (same number) and the value agrees; a null in the gold alternatives
means "nothing to find", so it neither rewards nor penalises an empty prediction.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import click

from newsdesk.bench import shared_data
from newsdesk.facts.places import fold, gazetteer, resolve
from newsdesk.facts.quantities import number_value
from newsdesk.records import Article, Block

GOLD_DIR = Path(__file__).resolve().parent / "gold" / "facts"
SEED_LINES = 32
FIELDS = ("detection", "category", "low_high", "victims", "attributed_to", "place", "time")
SAMPLES = Path(__file__).resolve().parents[2] / "samples"  # the same texts, bundled (a fresh clone has no ../shared)


def _wikinews_texts() -> dict[int, str]:
    """The Wikinews sample's texts by index: the shared file's ``idx``, the bundled copy's ``wikinews-N`` id."""
    shared = shared_data() / "sample" / "wikinews_500.jsonl"
    path = shared if shared.exists() else SAMPLES / "wikinews.jsonl"
    if not path.exists():
        return {}
    rows = (json.loads(line) for line in path.open(encoding="utf-8") if line.strip())
    return {row["idx"] if "idx" in row else int(row["id"].rsplit("-", 1)[1]): row["text"] for row in rows}


def seed_article() -> Article | None:
    """The seed story as the tests build it: first 32 lines, ``- x -`` lines are subheads."""
    path = shared_data().parent / "seeds" / "000_6b898fdfccc18085.txt"
    if not path.exists():
        path = SAMPLES / "aleppo-afp-with-teasers.txt"
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()[:SEED_LINES]
    blocks = [Block("h" if line.startswith("- ") and line.endswith(" -") else "p", line) for line in lines]
    return Article(page_hash="seed000", blocks=blocks, published="2016-10-06", id="seed-000")


def load_gold(split: str = "all") -> list[tuple[dict[str, Any], Article]]:
    """(gold record, article) pairs whose text is available; ``split`` is dev, test or all."""
    texts = _wikinews_texts()
    records = [json.loads(line) for path in sorted(GOLD_DIR.glob("*.jsonl")) for line in path.open(encoding="utf-8") if line.strip()]
    wikinews = sorted((r for r in records if "idx" in r), key=lambda r: r["idx"])
    for position, record in enumerate(wikinews):
        record["split"] = "dev" if position % 2 == 0 else "test"
    pairs: list[tuple[dict[str, Any], Article]] = []
    for record in records:
        if "idx" in record:
            if record["idx"] not in texts:
                continue
            blocks = [Block("p", para) for para in texts[record["idx"]].split("\n") if para.strip()]
            article = Article(page_hash=f"wikinews{record['idx']}", blocks=blocks, published=record.get("published"), id=record["id"])
        else:
            record["split"] = "dev"
            article = seed_article()
            if article is None:
                continue
        if split in ("all", record["split"]):
            pairs.append((record, article))
    return pairs


# ---------------------------------------------------------------- scoring


def _alternatives(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _bare(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip().lower())


def _singular(word: str) -> str:
    word = word.lower().split()[-1] if word.strip() else ""
    return re.sub(r"(?<=[^s])s$", "", word)


def _same_place(pred: str, gold: str) -> bool:
    """Same name, or the same gazetteer entry under another name ("Britain" and "United Kingdom",
    "Plateau State" and "Plateau", "As Salţ" and "Salt" in Jordan): the gold name is read in the
    predicted place's country, as it is in the article, where the story's country picks among namesakes."""
    if fold(pred) == fold(gold):
        return True
    left = resolve(pred, Counter())
    right = resolve(gold, Counter({left.country: 3} if left.country else {}))
    return left.lat is not None and (left.name, left.country, left.lat, left.lon) == (right.name, right.country, right.lat, right.lon)


def _field_match(field: str, pred: Any, gold: Any) -> bool:
    if field == "victims":
        return _singular(pred) == _singular(gold)
    if field == "attributed_to":
        p, g = _bare(pred), _bare(gold)
        return p == g or (len(p) > 2 and p in g) or (len(g) > 2 and g in p)
    if field == "place":
        return _same_place(pred, gold)
    if field == "time":
        return pred == gold or pred.split("/")[0] == gold
    return pred == gold


def _anchor(low: float | None, high: float | None) -> float | None:
    return low if low is not None else high


def match_figures(pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list[tuple[dict, dict]]:
    """One-to-one pairs with the same number, same-category pairs first."""
    pairs, used = [], set()
    for same_category in (True, False):
        for g in gold:
            if any(g is pair[1] for pair in pairs):
                continue
            for i, p in enumerate(pred):
                if i in used or _anchor(p["low"], p["high"]) != _anchor(g["low"], g["high"]):
                    continue
                if same_category and p["category"] != g["category"]:
                    continue
                pairs.append((p, g))
                used.add(i)
                break
    return pairs


class Tally:
    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}  # field -> [correct, predicted, gold]

    def add(self, field: str, correct: int, predicted: int, gold: int) -> None:
        row = self.counts.setdefault(field, [0, 0, 0])
        row[0] += correct
        row[1] += predicted
        row[2] += gold

    def prf(self, field: str) -> tuple[float, float, float]:
        correct, predicted, gold = self.counts.get(field, [0, 0, 0])
        p = correct / predicted if predicted else 0.0
        r = correct / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_figures(tally: Tally, pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> None:
    pairs = match_figures(pred, gold)
    tally.add("detection", len(pairs), len(pred), len(gold))
    matched = {id(p): g for p, g in pairs}
    for field in FIELDS[1:]:
        correct = predicted = expected = 0
        for p in pred:
            value = (p["low"], p["high"]) if field == "low_high" else p.get(field)
            if value is None:
                continue
            g = matched.get(id(p))
            if g is None:
                predicted += 1
                continue
            gold_values = [(g["low"], g["high"])] if field == "low_high" else _alternatives(g.get(field))
            if all(v is None for v in gold_values) and field not in ("category", "low_high"):
                predicted += 1  # gold says there is nothing to find
                continue
            predicted += 1
            correct += any(v is not None and _field_match(field, value, v) for v in gold_values)
        for g in gold:
            gold_values = [(g["low"], g["high"])] if field == "low_high" else _alternatives(g.get(field))
            if None not in gold_values:
                expected += 1
        tally.add(field, correct, predicted, expected)


def score_dates(tally: Tally, pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> None:
    pred_set = {(d["text"].lower(), d["value"]) for d in pred if d["value"]}
    gold_set = {(d["text"].lower(), d["value"]) for d in gold}
    correct = sum(
        any(value == g_value and (text in g_text or g_text in text) for text, value in pred_set) for g_text, g_value in gold_set
    )
    tally.add("date_value", correct, len(pred_set), len(gold_set))


def score_places(tally: Tally, pred: list[dict[str, Any]], gold: list[dict[str, Any]]) -> None:
    found = resolved = 0
    for g in gold:
        hits = [p for p in pred if fold(g["name"]) in {fold(p["name"]), *(fold(t) for t in p["texts"])} or _same_place(p["name"], g["name"])]
        found += bool(hits)
        resolved += any(p["country"] == g["country"] for p in hits)
    tally.add("place_found", found, len(gold), len(gold))
    tally.add("place_country", resolved, sum(1 for p in pred if p["country"]), len(gold))


# ---------------------------------------------------------------- methods


def newsdesk_method(articles: list[Article]) -> list[dict[str, Any]]:
    from newsdesk.facts import extract_facts_batch, facts_to_json

    out = []
    for facts in extract_facts_batch(articles):
        data = facts_to_json(facts)
        data["places_full"] = [{"name": p.name, "country": p.country, "texts": [m[2] for m in p.mentions]} for p in facts.places]
        out.append(data)
    return out


_KEYWORDS = {
    "killed": r"kill\w*|dead|died|deaths?|death toll", "injured": r"injur\w*|wound\w*|hurt",
    "arrested": r"arrest\w*|detain\w*", "missing": r"missing", "displaced": r"displac\w*|fled|evacuat\w*",
}


@lru_cache(maxsize=1)
def _default_pipeline() -> Any:
    import spacy

    from newsdesk.facts import MODEL

    return spacy.load(MODEL)


def spacy_baseline(articles: list[Article]) -> list[dict[str, Any]]:
    """Plain spaCy, default pipeline: CARDINALs in casualty sentences, nearest keyword for the category."""
    nlp = _default_pipeline()
    table = gazetteer()
    out = []
    for doc in nlp.pipe(a.text for a in articles):
        figures, dates, places = [], [], {}
        for sent in doc.sents:
            cardinals = [e for e in sent.ents if e.label_ == "CARDINAL"]
            for ent in cardinals:
                best = None
                for category, pattern in _KEYWORDS.items():
                    for m in re.finditer(rf"\b(?:{pattern})\b", sent.text, re.I):
                        distance = abs(sent.start_char + m.start() - ent.start_char)
                        if best is None or distance < best[0]:
                            best = (distance, category)
                if best is None:
                    continue
                value = number_value(ent[-1].text)
                after = doc[ent.end] if ent.end < len(doc) else None
                gpes = [e.text for e in sent.ents if e.label_ == "GPE"]
                people = [e.text for e in sent.ents if e.label_ in ("PERSON", "ORG")]
                figures.append({
                    "category": best[1], "text": ent.text, "low": value, "high": value,
                    "victims": after.text if after is not None and after.tag_.startswith("NN") else None,
                    "place": gpes[0] if gpes else None, "time": None, "attributed_to": people[0] if people else None,
                })
        for ent in doc.ents:
            if ent.label_ == "DATE":
                dates.append({"text": ent.text, "value": ent.text if re.fullmatch(r"(?:19|20)\d\d", ent.text) else None})
            if ent.label_ == "GPE":
                candidates = table.get(fold(ent.text), [])
                best_place = max(candidates, key=lambda c: c.population) if candidates else None
                key = best_place.name if best_place else ent.text
                entry = places.setdefault(key, {"name": key, "country": best_place.country if best_place else None, "texts": []})
                entry["texts"].append(ent.text)
        out.append({"figures": figures, "dates": dates, "places_full": list(places.values())})
    return out


METHODS: dict[str, Callable[[list[Article]], list[dict[str, Any]]]] = {"newsdesk": newsdesk_method, "spacy-baseline": spacy_baseline}


def evaluate(method: Callable[[list[Article]], list[dict[str, Any]]], pairs: list[tuple[dict, Article]]) -> Tally:
    tally = Tally()
    outputs = method([article for _, article in pairs])
    for (gold, _), out in zip(pairs, outputs):
        score_figures(tally, out["figures"], gold["figures"])
        score_dates(tally, out["dates"], gold["dates"])
        score_places(tally, out["places_full"], gold["places"])
    return tally


def speed_articles(limit: int | None, words: int = 600) -> list[Article]:
    """~600-word articles made of consecutive Wikinews paragraphs (the sample's are shorter)."""
    paragraphs = [p for text in _wikinews_texts().values() for p in text.split("\n") if p.strip()]
    articles, current = [], []
    for para in paragraphs:
        current.append(para)
        if sum(len(p.split()) for p in current) >= words:
            articles.append(Article(page_hash=f"speed{len(articles)}", blocks=[Block("p", p) for p in current], published="2010-01-01"))
            current = []
        if limit and len(articles) >= limit:
            break
    return articles


def time_method(method: Callable[[list[Article]], Any], articles: list[Article]) -> tuple[float, float]:
    """(wall ms/article, CPU ms/article) on one core, after a warm-up (model and gazetteer loaded).

    numpy's BLAS would otherwise spread the larger matrix products over every core."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        method(articles[:2])
        wall, cpu = time.perf_counter(), time.process_time()
        method(articles)
        return (time.perf_counter() - wall) * 1000 / len(articles), (time.process_time() - cpu) * 1000 / len(articles)


# Texts a hostile or broken page can hand the facts step, each cut to the step's 100,000 characters: runs
# without a space (spaCy's tokenizer is quadratic in a token's length), thousands of dates, thousands of
# casualty sentences. A news article takes about 0.15 s; these must stay within seconds, not minutes.
HOSTILE_FILLERS = {"punctuation run": "!?.,;:", "bracket run": "(", "digit run": "1,", "dates": "6 October 2016 ",
                   "casualty sentences": "12 people died. "}


def hostile_timings(chars: int = 100_000) -> list[tuple[str, float, int]]:
    """(filler, CPU seconds, figures found) for one text of ``chars`` characters of each filler after a lead."""
    from newsdesk.facts import extract_facts

    lead = "Police said at least 12 people were killed in Aleppo on Monday, according to the Syrian Observatory. "
    extract_facts(Article(page_hash="warm-up", blocks=[Block("p", lead)]))
    timings = []
    for name, filler in HOSTILE_FILLERS.items():
        article = Article(page_hash=f"hostile-{name}", blocks=[Block("p", lead + filler * (chars // len(filler)))])
        started = time.process_time()
        facts = extract_facts(article)
        timings.append((name, time.process_time() - started, len(facts.figures)))
    return timings


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row.")
@click.option("--limit", type=int, default=None, help="Use at most N gold articles (and N speed articles).")
@click.option("--speed-articles", "speed_count", type=int, default=60, show_default=True)
def command(as_json: bool, limit: int | None, speed_count: int) -> None:
    """Precision/recall per field for figures, dates and places; ms per 600-word article; seconds for hostile
    100,000-character texts."""
    rows = []
    speed = speed_articles(min(limit, speed_count) if limit else speed_count)
    for split in ("dev", "test"):
        pairs = load_gold(split)[:limit] if limit else load_gold(split)
        if not pairs:
            continue
        for name, method in METHODS.items():
            tally = evaluate(method, pairs)
            for field in (*FIELDS, "date_value", "place_found", "place_country"):
                p, r, f = tally.prf(field)
                counts = tally.counts.get(field, [0, 0, 0])
                rows.append({"split": split, "method": name, "field": field, "precision": round(p, 3), "recall": round(r, 3),
                             "f1": round(f, 3), "correct": counts[0], "predicted": counts[1], "gold": counts[2]})
    timings = {name: time_method(method, speed) for name, method in METHODS.items()}
    # the machine may be shared: the ratio to the baseline, timed in the same run, travels better than ms
    base_wall, base_cpu = timings["spacy-baseline"]
    for name, (wall, cpu) in timings.items():
        rows.append({"split": "speed", "method": name, "field": "ms/article", "wall_ms": round(wall, 1), "cpu_ms": round(cpu, 1),
                     "articles_per_s": round(1000 / wall, 1), "articles": len(speed),
                     "wall_ratio": round(wall / base_wall, 2), "cpu_ratio": round(cpu / base_cpu, 2)})
    for name, seconds, figures in hostile_timings():
        rows.append({"split": "hostile", "method": "newsdesk", "field": name, "cpu_s": round(seconds, 1),
                     "figures": figures, "chars": 100_000})
    _print(rows, as_json)


def _print(rows: Iterable[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    click.echo(f"{'split':6} {'method':15} {'field':14} {'P':>6} {'R':>6} {'F1':>6} {'n_gold':>7}")
    for row in rows:
        if row["split"] == "hostile":
            click.echo(f"{'hostile':7} {row['method']:14} {row['field']:18} cpu {row['cpu_s']:>5.1f} s  "
                       f"({row['chars']:,} characters, {row['figures']} figure(s))")
        elif row["split"] == "speed":
            click.echo(f"{'speed':6} {row['method']:15} {'ms/article':14} wall {row['wall_ms']:>7.1f}  cpu {row['cpu_ms']:>7.1f}  "
                       f"x{row['cpu_ratio']:.2f} baseline cpu  ({row['articles_per_s']} articles/s, {row['articles']} x 600 words)")
        else:
            click.echo(f"{row['split']:6} {row['method']:15} {row['field']:14} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['gold']:7d}")


if __name__ == "__main__":
    command()
