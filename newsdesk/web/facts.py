"""Facts gathered over a set of articles: who and where, with the sites that said so, and the figures.

The story page and the entity pages share these, so "Aleppo, 3 articles from afp.com and bbc.com" is
counted the same way wherever it is shown.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

LABEL_GROUPS = {"PERSON": "people", "ORG": "organisations"}


def named_facts(rows: list[sqlite3.Row], key: tuple[str, ...]) -> list[dict]:
    grouped: dict[tuple, dict] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        entry = grouped.setdefault(k, {c: row[c] for c in key} | {"article_ids": set(), "sites": set()})
        entry["article_ids"].add(row["article_id"])
        if row["site"]:
            entry["sites"].add(row["site"])
    out = [
        {k: v for k, v in e.items() if k not in ("article_ids", "sites")}
        | {"articles": len(e["article_ids"]), "sites": sorted(e["sites"])}
        for e in grouped.values()
    ]
    return sorted(out, key=lambda e: (-e["articles"], e["name"]))


def story_facts(db: sqlite3.Connection, story_id: str, limit: int = 30) -> dict:
    members = "SELECT item_id FROM story_members WHERE story_id = ?"
    entity_rows = db.execute(
        f"""SELECT e.name, e.label, e.article_id, a.site FROM entities e JOIN articles a ON a.id = e.article_id
            WHERE e.article_id IN ({members})""",
        (story_id,),
    ).fetchall()
    groups: dict[str, list] = defaultdict(list)
    for row in entity_rows:
        if row["label"] in LABEL_GROUPS:
            groups[LABEL_GROUPS[row["label"]]].append(row)
    place_rows = db.execute(
        f"""SELECT p.name, p.country, p.lat, p.lon, p.article_id, a.site FROM places p
            JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({members})""",
        (story_id,),
    ).fetchall()
    places = merge_places(place_rows)
    figure_rows = db.execute(
        f"""SELECT f.category, f.text, f.low, f.high, f.record, f.article_id, a.site FROM figures f
            JOIN articles a ON a.id = f.article_id WHERE f.article_id IN ({members})
            ORDER BY f.category, coalesce(f.high, f.low) DESC""",
        (story_id,),
    ).fetchall()
    figures = []
    for row in figure_rows:
        record = json.loads(row["record"])
        figures.append(
            {
                "category": row["category"],
                "text": row["text"],
                "low": row["low"],
                "high": row["high"],
                "article_id": row["article_id"],
                "site": row["site"],
            }
            | {k: record.get(k) for k in ("victims", "place", "time", "attributed_to", "event", "sentence")}
        )
    return {
        "people": named_facts(groups["people"], ("name", "label"))[:limit],
        "organisations": named_facts(groups["organisations"], ("name", "label"))[:limit],
        "places": places[:limit],
        "figures": figures,
    }


def merge_places(rows: list[sqlite3.Row]) -> list[dict]:
    places = named_facts(rows, ("name",))
    coords: dict[str, dict] = {}
    # located rows first; a place the gazetteer lacks may still know its country ("Thalthana", Syria)
    for row in sorted(rows, key=lambda row: (row["lat"] is None, row["country"] is None)):
        if row["name"] not in coords and row["country"] is not None:
            coords[row["name"]] = {"country": row["country"], "lat": row["lat"], "lon": row["lon"]}
    return [p | coords.get(p["name"], {"country": None, "lat": None, "lon": None}) for p in places]
