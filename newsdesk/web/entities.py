"""Entity and place pages: where a person, organisation or place appears, and when.

Names are path segments (``/entities/Bashar%20al-Assad``), matched case-insensitively, so links written
by hand work. The server decodes ``%2F`` before routing, so a name takes the rest of the path
(``{name:path}``) and the ``.json`` twins are matched first. Index pages list the most-mentioned names.

An entity is a name (any case) that NER tagged as a person or an organisation, and its count is the
number of articles that name it so: the index and the entity's page count alike. Other labels are places
(which have their own pages, from the gazetteer) or groups and events, which have none.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.web.charts import bar_chart, coverage, place_map
from newsdesk.web.facts import merge_places, named_facts, place_groups
from newsdesk.web.models import NOT_FOUND, EntityIndex, EntityPage
from newsdesk.web.render import render, store

router = APIRouter()
# No length limit: every stored name is linked from some page, and web text makes long ones.
NAME = Path(..., description="The name as stored (any case)")
APPEARANCES = 200
# The rows each kind of page counts (see the module's docstring): people and organisations; every place.
TAGGED = {"entities": "label IN ('PERSON', 'ORG')", "places": "1"}


def _appearances(db: sqlite3.Connection, table: str, name: str) -> list[dict]:
    return [
        dict(r)
        for r in db.execute(
            f"""SELECT DISTINCT a.id AS article_id, a.headline, a.site, a.published, a.story_id, a.language
            FROM {table} x JOIN articles a ON a.id = x.article_id WHERE x.name = ? COLLATE NOCASE
            AND {TAGGED[table]} ORDER BY a.published DESC, a.id""",
            (name,),
        )
    ]


def entity_labels(db: sqlite3.Connection, name: str) -> list[str]:
    """PERSON and/or ORG, the label of the most articles first."""
    return [
        r[0]
        for r in db.execute(
            f"""SELECT label FROM entities WHERE name = ? COLLATE NOCASE AND {TAGGED["entities"]}
                GROUP BY label ORDER BY count(DISTINCT article_id) DESC, label""",
            (name,),
        )
    ]


def entity_page(db: sqlite3.Connection, name: str) -> dict:
    labels = entity_labels(db, name)
    if not labels:
        raise HTTPException(404, f"No person or organisation named {name!r} in the store.")
    stored = db.execute(
        f"SELECT name FROM entities WHERE name = ? COLLATE NOCASE AND {TAGGED['entities']} LIMIT 1", (name,)
    ).fetchone()[0]
    appearances = _appearances(db, "entities", name)
    ids = [a["article_id"] for a in appearances]
    return {
        "name": stored,
        "kind": "entity",
        "labels": labels,
        "articles": len(appearances),
        "appearances": appearances[:APPEARANCES],
        **_coverage(appearances),
        "related": _cooccurring_entities(db, ids, stored),
        "places": _cooccurring_places(db, ids),
    }


def place_page(db: sqlite3.Connection, name: str, country: str | None = None, geonameid: int | None = None) -> dict:
    """The page of one place of that name: the one ``country`` or ``geonameid`` picks, else the most-named.
    Names are shared ("Paris", France and Texas; "Tripoli", Libya and Lebanon), so the page lists the others
    under ``variants``, each with the URL of its own page, and counts only its own place's articles."""
    rows = _place_rows(db, name)
    if not rows:
        raise HTTPException(404, f"No place named {name!r} in the store.")
    groups = place_groups(rows)
    variants = [place | {"url": _place_url(place)} for place, _ in groups]
    chosen = [(variant, members) for variant, (_, members) in zip(variants, groups)
              if (country is None or (variant["country"] or "").lower() == country.lower())
              and (geonameid is None or variant["geonameid"] == geonameid)]
    if not chosen:
        raise HTTPException(404, f"No place named {name!r} in {country or geonameid!r} in the store.")
    place, members = chosen[0]
    ids = sorted({row["article_id"] for row in members})
    appearances = _articles(db, ids)
    return {
        "name": place["name"],
        "kind": "place",
        "labels": ["PLACE"],
        "articles": len(appearances),
        "country": place["country"],
        "lat": place["lat"],
        "lon": place["lon"],
        "geonameid": place["geonameid"],
        "appearances": appearances[:APPEARANCES],
        **_coverage(appearances),
        "related": _cooccurring_entities(db, ids, None),
        "places": [place],
        "variants": variants if len(variants) > 1 else [],
        "json_url": (_place_url(place, ".json") if len(variants) > 1
                     else f"/places/{quote(place['name'], safe='')}.json"),
    }


def _coverage(appearances: list[dict]) -> dict:
    """The articles over time, and how many of them the chart cannot place (no date, or one that does not
    parse): without that count "named in 15 articles" above a chart of 11 reads as a mistake."""
    buckets = coverage([a["published"] for a in appearances])
    return {"coverage": buckets, "undated": len(appearances) - sum(b["count"] for b in buckets)}


def _place_rows(db: sqlite3.Connection, name: str) -> list[sqlite3.Row]:
    return db.execute(
        """SELECT p.name, p.country, p.lat, p.lon, p.geonameid, p.article_id, a.site FROM places p
           JOIN articles a ON a.id = p.article_id WHERE p.name = ? COLLATE NOCASE""",
        (name,),
    ).fetchall()


def _place_url(place: dict, suffix: str = "") -> str:
    """The page of one place among its namesakes: the country tells most apart, the gazetteer's id the rest
    (Washington, D.C. and the New Jersey township are both in the US)."""
    query = {"country": place["country"]} if place["country"] else {}
    if place["geonameid"] is not None:
        query["geonameid"] = place["geonameid"]
    return f"/places/{quote(place['name'], safe='')}{suffix}" + (f"?{urlencode(query)}" if query else "")


def _articles(db: sqlite3.Connection, ids: list[str]) -> list[dict]:
    rows = []
    for chunk in _chunks(ids):
        rows += db.execute(
            f"""SELECT a.id AS article_id, a.headline, a.site, a.published, a.story_id, a.language FROM articles a
                WHERE a.id IN ({",".join("?" * len(chunk))})""",
            chunk,
        ).fetchall()
    found = sorted((dict(r) for r in rows), key=lambda a: a["article_id"])
    return sorted(found, key=lambda a: a["published"] or "", reverse=True)  # newest first, undated last


def _chunks(ids: list[str], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _cooccurring_entities(db: sqlite3.Connection, ids: list[str], exclude: str | None, limit: int = 20) -> list[dict]:
    rows = []
    for chunk in _chunks(ids):
        rows += db.execute(
            f"""SELECT e.name, e.label, e.article_id, a.site FROM entities e JOIN articles a ON a.id = e.article_id
                WHERE e.article_id IN ({",".join("?" * len(chunk))}) AND e.label IN ('PERSON', 'ORG')""",
            chunk,
        ).fetchall()
    # one entry a name, under the label most of its mentions have: NER tags some names both ways
    labels = Counter((row["name"], row["label"]) for row in rows)
    named = [e for e in named_facts(rows, ("name",)) if e["name"] != exclude][:limit]
    return [e | {"label": max(("PERSON", "ORG"), key=lambda label: labels[e["name"], label])} for e in named]


def _cooccurring_places(db: sqlite3.Connection, ids: list[str], limit: int = 30) -> list[dict]:
    rows = []
    for chunk in _chunks(ids):
        rows += db.execute(
            f"""SELECT p.name, p.country, p.lat, p.lon, p.geonameid, p.article_id, a.site FROM places p
                JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({",".join("?" * len(chunk))})""",
            chunk,
        ).fetchall()
    return merge_places(rows)[:limit]


def name_index(db: sqlite3.Connection, kind: str, limit: int) -> dict:
    """The most-named names, counted as their pages count them, with the sites of those articles."""
    rows = db.execute(
        f"""SELECT name, count(DISTINCT article_id) AS articles FROM {kind} WHERE {TAGGED[kind]}
            GROUP BY name COLLATE NOCASE ORDER BY articles DESC, name LIMIT ?""",
        (limit,),
    ).fetchall()
    entries = [
        {
            "name": r["name"],
            "label": entity_labels(db, r["name"])[0] if kind == "entities" else None,
            "articles": r["articles"],
            "sites": _sites(db, kind, r["name"]),
            # a name several places share counts all their articles here, and its page one place's: say so
            "namesakes": len(place_groups(_place_rows(db, r["name"]))) if kind == "places" else None,
        }
        for r in rows
    ]
    total = db.execute(f"SELECT count(DISTINCT name COLLATE NOCASE) FROM {kind} WHERE {TAGGED[kind]}").fetchone()[0]
    return {"kind": kind, "entries": entries, "total": total, "limit": limit}


def _sites(db: sqlite3.Connection, table: str, name: str) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            f"""SELECT DISTINCT a.site FROM {table} x JOIN articles a ON a.id = x.article_id
                WHERE x.name = ? COLLATE NOCASE AND {TAGGED[table]} AND a.site IS NOT NULL ORDER BY a.site""",
            (name,),
        )
    ]


LIMIT = Query(200, ge=1, le=2000)
# Which of the places called so (Paris, France or Paris, Texas); without them, the most-named one.
COUNTRY = Query(None, description="ISO country code of the place, among namesakes", max_length=8)
GEONAMEID = Query(None, description="GeoNames id of the place, among namesakes in one country")


@router.get(
    "/entities.json", response_model=EntityIndex, tags=["entities"], summary="Most-named people and organisations"
)
@router.get(
    "/api/entities", response_model=EntityIndex, tags=["entities"], summary="Most-named people and organisations"
)
def entities_json(limit: int = LIMIT, db: sqlite3.Connection = Depends(store)) -> dict:
    return name_index(db, "entities", limit)


@router.get(
    "/entities",
    response_class=HTMLResponse,
    include_in_schema=False,
    tags=["entities"],
    summary="People and organisations (HTML)",
)
def entities_html(request: Request, limit: int = LIMIT, db: sqlite3.Connection = Depends(store)):
    return render(request, "names.html", name_index(db, "entities", limit))


@router.get("/places.json", response_model=EntityIndex, tags=["entities"], summary="Most-named places")
@router.get("/api/places", response_model=EntityIndex, tags=["entities"], summary="Most-named places")
def places_json(limit: int = LIMIT, db: sqlite3.Connection = Depends(store)) -> dict:
    return name_index(db, "places", limit)


@router.get("/places", response_class=HTMLResponse, include_in_schema=False, tags=["entities"], summary="Places (HTML)")
def places_html(request: Request, limit: int = LIMIT, db: sqlite3.Connection = Depends(store)):
    data = name_index(db, "places", limit)
    return render(request, "names.html", data)


@router.get(
    "/entities/{name:path}.json",
    response_model=EntityPage,
    responses=NOT_FOUND,
    tags=["entities"],
    summary="One person or organisation",
)
@router.get(
    "/api/entities/{name:path}",
    response_model=EntityPage,
    responses=NOT_FOUND,
    tags=["entities"],
    summary="One person or organisation",
)
def entity_json(name: str = NAME, db: sqlite3.Connection = Depends(store)) -> dict:
    return entity_page(db, name)


@router.get(
    "/entities/{name:path}",
    response_class=HTMLResponse,
    include_in_schema=False,
    tags=["entities"],
    summary="One person or organisation (HTML)",
)
def entity_html(request: Request, name: str = NAME, db: sqlite3.Connection = Depends(store)):
    data = entity_page(db, name)
    return render(
        request, "entity.html", {"entity": data, "chart": bar_chart(data["coverage"]), "map": place_map(data["places"])}
    )


@router.get(
    "/places/{name:path}.json", response_model=EntityPage, responses=NOT_FOUND, tags=["entities"], summary="One place"
)
@router.get(
    "/api/places/{name:path}", response_model=EntityPage, responses=NOT_FOUND, tags=["entities"], summary="One place"
)
def place_json(name: str = NAME, country: str | None = COUNTRY, geonameid: int | None = GEONAMEID,
               db: sqlite3.Connection = Depends(store)) -> dict:
    return place_page(db, name, country, geonameid)


@router.get(
    "/places/{name:path}",
    response_class=HTMLResponse,
    include_in_schema=False,
    tags=["entities"],
    summary="One place (HTML)",
)
def place_html(request: Request, name: str = NAME, country: str | None = COUNTRY, geonameid: int | None = GEONAMEID,
               db: sqlite3.Connection = Depends(store)):
    data = place_page(db, name, country, geonameid)
    return render(
        request, "entity.html", {"entity": data, "chart": bar_chart(data["coverage"]), "map": place_map(data["places"])}
    )
