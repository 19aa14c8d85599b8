"""The facts step over the store, and the stories' tolls as the store gives them.

``update_facts`` extracts facts for every canonical article that lacks them. ``FACTS_VERSION`` is stored
with each article's facts, so raising it after an extractor improves makes the next run redo old articles
instead of leaving them with stale facts.

``story_figures`` and ``export_figures`` reconcile the figures stored for a story's articles
(``reconcile.py``): ``newsdesk facts sID``, the story page and the figures export all read a story's tolls
from here, so they give the same ones.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import groupby
from typing import Any

from newsdesk.facts.quantities import parse_quantity
from newsdesk.facts.reconcile import group_figures, reconcile_figures
from newsdesk.records import Article, Facts, Figure, Progress, content_hash, from_dict
from newsdesk.store.queries import export_row, row_to_article
from newsdesk.store.write import save_facts

FACTS_VERSION = 10  # 10: future in reported speech, last night / overnight; 2: parse per sentence, sources the parse missed, places named as administrative units;
# 3: places the gazetteer lacks get a country, continents, no lower-case entities, no facts read from other languages;
# 4: a group tagged as a nationality ("Islamic State") is an organisation;
# 5: one number in two places is two figures, figures dated by their event, cities as place context, no photo
# credits as names, short and unspaced non-English texts not read;
# 6: regions found by the names texts use ("Crimea" for the Autonomous Republic of Crimea)
# 7: attackers' dead and corrected tolls marked, a figure's place and day those of the event, nationalities
# and attributive countries no places, big places the model missed, relative days from the dateline's day
# 8: counts added to an earlier toll ("two more died") marked, never the toll itself
# 9: numbers that count no one (markers, addresses, units, rates, magnitudes, negated), list items, clause dates,
# causes and sources no event's place; AP state abbreviations, world cities over namesakes, storms no places,
# a timeline entry's year from the entry before it
BATCH = 64


def update_facts(db: sqlite3.Connection, on_step: Progress | None = None) -> Counter:
    from newsdesk.extract import in_english
    from newsdesk.facts import extract_facts_batch

    counts: Counter = Counter()
    rows = db.execute(
        """SELECT a.* FROM articles a LEFT JOIN facts_done f ON f.article_id = a.id
           WHERE a.duplicate_of IS NULL AND (f.version IS NULL OR f.version < ?)
           ORDER BY a.published, a.id""",
        (FACTS_VERSION,),
    ).fetchall()
    for start in range(0, len(rows), BATCH):
        articles = [row_to_article(row) for row in rows[start: start + BATCH]]
        with db:
            for article, facts in zip(articles, extract_facts_batch(articles), strict=True):
                save_facts(db, facts, FACTS_VERSION)
                counts["articles" if in_english(article) else "skipped, not in English"] += 1
                counts["figures"] += len(facts.figures)
        if on_step:
            on_step("facts", min(start + BATCH, len(rows)), len(rows))
    return counts


# the stored figures of canonical articles, a story's together and each article's in the order found
_FIGURES = """SELECT f.article_id, a.story_id, a.published, a.site, f.record FROM figures f
              JOIN articles a ON a.id = f.article_id WHERE a.duplicate_of IS NULL {where}
              ORDER BY coalesce(a.story_id, a.id), a.published, a.id, f.rowid"""


def _reports(rows: Iterable[sqlite3.Row]) -> tuple[list[tuple[Article, Facts]], list[tuple[sqlite3.Row, Figure]]]:
    """The articles of figure ``rows`` as reports to reconcile, and each row with its figure. Reconciling
    reads no more of an article than its id, site and date."""
    found = [(row, from_dict(Figure, json.loads(row["record"]))) for row in rows]
    reports: dict[str, tuple[Article, Facts]] = {}
    for row, figure in found:
        article_id = row["article_id"]
        reported = Article(page_hash="", id=article_id, site=row["site"], published=row["published"])
        reports.setdefault(article_id, (reported, Facts(article_id)))[1].figures.append(figure)
    return list(reports.values()), found


def story_figures(db: sqlite3.Connection, story_id: str) -> list[dict[str, Any]]:
    """A story's tolls reconciled across its reports (see ``reconcile_figures``), from the figures stored for
    its articles by whichever extractor version: `facts sID`, the desk and the export show the figures the
    store holds until the next run's facts step reads them again."""
    members = "AND a.id IN (SELECT item_id FROM story_members WHERE story_id = ?)"
    reports, _ = _reports(db.execute(_FIGURES.format(where=members), (story_id,)))
    return reconcile_figures(reports)


def export_figures(db: sqlite3.Connection) -> Iterator[dict]:
    """One row per casualty figure of a canonical article, its who / where / when / according to whom
    flattened into columns, with its ``qualifier`` and its place among the story's tolls: the figures of one
    event and category across the story's articles are one ``toll_group`` (a group of ``story_figures``)
    whose newest report is ``latest_in_group``, so that summing those rows counts each toll once, at its
    latest figure. Rows come a story at a time (an article in none is a story of its own)."""
    rows = db.execute(_FIGURES.format(where=""))
    for story_key, story_rows in groupby(rows, key=lambda row: row["story_id"] or row["article_id"]):
        reports, found = _reports(story_rows)
        groups = {}  # id(figure): (its group, whether it is the group's latest report, whether of perpetrators)
        for number, group in enumerate(group_figures(reports), 1):
            latest = group["latest_report"][1]
            groups |= {id(figure): (f"{story_key}:{number}", figure is latest, group["perpetrators"])
                       for _, figure in group["reports"]}
        # a place's name alone cannot tell Tripoli in Lebanon from Tripoli in Libya: its article's place row can
        places = {(row["article_id"], row["name"]): row for row in db.execute(
            f"""SELECT article_id, name, country, lat, lon, geonameid FROM places
                WHERE article_id IN ({','.join('?' * len(reports))})""", [article.id for article, _ in reports])}
        for row, figure in found:
            toll_group, latest_in_group, perpetrators = groups[id(figure)]
            place = places.get((row["article_id"], figure.place)) or {}
            # its article and span identify a figure: the id holds across exports, and re-extractions finding it again
            span = f"{row['article_id']}\n{figure.category}\n{figure.start}\n{figure.end}"
            yield export_row("figures", dict(row) | asdict(figure) | {
                "figure_id": "f" + content_hash(span.encode())[:15],
                "qualifier": (parse_quantity(figure.text) or (None, None, None))[2],
                # floats in every format, as Parquet types them: the vague words' table stores ints ("dozens": 24)
                **{bound: None if (value := getattr(figure, bound)) is None else float(value)
                   for bound in ("low", "high")},
                "toll_group": toll_group, "latest_in_group": latest_in_group, "perpetrators": perpetrators,
                **{f"place_{key}": place[key] if place else None for key in ("country", "lat", "lon", "geonameid")},
            })
