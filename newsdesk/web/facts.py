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
    """The story's facts and its tolls reconciled across its reports (as ``newsdesk facts sID`` and the
    figures export give them: ``facts.store.story_figures``), once more than one report gives figures (a toll
    that only one of them gives is still the story's toll: it had been left out of the table)."""
    from newsdesk.facts.store import story_figures

    facts = gathered_facts(db, "SELECT item_id FROM story_members WHERE story_id = ?", story_id, limit)
    reporting = {figure["article_id"] for figure in facts["figures"]}
    return facts | {"tolls": story_figures(db, story_id) if len(reporting) > 1 else []}


def article_facts(db: sqlite3.Connection, article_id: str, limit: int = 30) -> dict:
    """One article's facts as its story's are shown, plus its dates as resolved against its dateline: a
    monitor reading the article (or its JSON) had names without coordinates and no figures at all. One
    report's figures are no tolls to reconcile: its ``tolls`` are empty."""
    facts = gathered_facts(db, "SELECT ?", article_id, limit)
    facts["dates"] = [dict(row) for row in db.execute(
        "SELECT text, value, relation FROM dates WHERE article_id = ? ORDER BY start", (article_id,))]
    return facts | {"tolls": []}


def gathered_facts(db: sqlite3.Connection, members: str, key: str, limit: int) -> dict:
    """The facts of the articles the query ``members`` (one parameter, ``key``) selects."""
    entity_rows = db.execute(
        f"""SELECT e.name, e.label, e.article_id, a.site FROM entities e JOIN articles a ON a.id = e.article_id
            WHERE e.article_id IN ({members})""",
        (key,),
    ).fetchall()
    groups: dict[str, list] = defaultdict(list)
    for row in entity_rows:
        if row["label"] in LABEL_GROUPS:
            groups[LABEL_GROUPS[row["label"]]].append(row)
    place_rows = db.execute(
        f"""SELECT p.name, p.country, p.lat, p.lon, p.geonameid, p.article_id, a.site FROM places p
            JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({members})""",
        (key,),
    ).fetchall()
    places = merge_places(place_rows)
    figure_rows = db.execute(
        f"""SELECT f.category, f.text, f.low, f.high, f.record, f.article_id, a.site FROM figures f
            JOIN articles a ON a.id = f.article_id WHERE f.article_id IN ({members})
            ORDER BY f.category, coalesce(f.high, f.low) DESC""",
        (key,),
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
            | {"subgroups": record.get("subgroups") or [], "added": bool(record.get("added"))}
        )
    return {
        "people": named_facts(groups["people"], ("name", "label"))[:limit],
        "organisations": named_facts(groups["organisations"], ("name", "label"))[:limit],
        "places": places[:limit],
        "figures": figures,
    }


def place_key(row) -> tuple:
    """What makes two rows one place: the gazetteer's id, else the name in its country. Names alone are not
    enough: "Paris" is in France and in Texas, "Tripoli" in Libya and in Lebanon."""
    if row["geonameid"] is not None:
        return ("geonameid", row["geonameid"])
    return ("name", row["name"].lower(), row["country"])


def merge_places(rows: list[sqlite3.Row]) -> list[dict]:
    """One entry a place (see ``place_key``), most-named first."""
    return [place for place, _ in place_groups(rows)]


def place_groups(rows: list[sqlite3.Row]) -> list[tuple[dict, list[sqlite3.Row]]]:
    """Each place of ``rows`` with the rows that name it, most-named first. A place the gazetteer lacks may
    still know its country ("Thalthana", Syria), and keeps it without coordinates."""
    grouped: dict[tuple, list] = defaultdict(list)
    for row in rows:
        grouped[place_key(row)].append(row)
    # a row that knows neither id nor country says nothing against the place of that name the others know
    for key in [k for k in grouped if k[0] == "name" and k[2] is None]:
        known = [k for k in grouped if k != key and grouped[k][0]["name"].lower() == key[1]]
        if known:
            grouped[max(known, key=lambda k: len(grouped[k]))].extend(grouped.pop(key))
    places = []
    for members in grouped.values():
        # a located row first: an unlocated one of the same name and country adds articles, not the pin
        first = min(members, key=lambda row: (row["lat"] is None, row["country"] is None))
        place = {"name": first["name"], "country": first["country"], "lat": first["lat"], "lon": first["lon"],
                 "geonameid": first["geonameid"], "articles": len({row["article_id"] for row in members}),
                 "sites": sorted({row["site"] for row in members if row["site"]})}
        places.append((place, members))
    return sorted(places, key=lambda p: (-p[0]["articles"], p[0]["name"], p[0]["country"] or ""))
