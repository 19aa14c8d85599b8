"""Reads from the store, shared by the CLI, the web desk and the exports.

Every function returns plain dicts (JSON-ready), so the CLI's ``--json``, the API's ``.json`` pages and
the templates all see the same shapes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from newsdesk.records import Article, Block, Caption

ARTICLE_LIST_FIELDS = "id, headline, title, title_source, standfirst, byline, agency, published, language, site, url, story_id, words"


def recent_for_dedup(
    db: sqlite3.Connection, scheme: str, days: int = 7
) -> tuple[Iterator[tuple[Article, tuple[bytes, int] | None]], Iterator[tuple[str, str | None, str]]]:
    """Canonical articles with their stored signature of ``scheme`` (or None), and canonical teasers as
    (headline, site, id), from the newest ``days`` of the store: syndicated copies and the same headline
    from a site's other feeds arrive within days."""
    newest = _first_valid(db.execute(
        f"""SELECT t FROM (SELECT coalesce(published, ingested) AS t FROM articles
                           UNION ALL SELECT p.ingested FROM teasers t JOIN pages p ON p.hash = t.page_hash)
            WHERE t {_PLAUSIBLE.format(column='t')} ORDER BY t DESC LIMIT 50""", (_horizon(),)))
    if not newest:
        return iter(()), iter(())
    since = (parse_time(newest) - timedelta(days=days)).isoformat()
    articles = db.execute(
        """SELECT a.*, s.hashvalues AS signature, s.shingles AS signature_size FROM articles a
           LEFT JOIN signatures s ON s.article_id = a.id AND s.scheme = ?
           WHERE a.duplicate_of IS NULL AND coalesce(a.published, a.ingested) >= ?""",
        (scheme, since),
    ).fetchall()
    teasers = db.execute(
        """SELECT t.headline, t.site, t.id FROM teasers t JOIN pages p ON p.hash = t.page_hash
           WHERE t.duplicate_of IS NULL AND coalesce(t.published, p.ingested) >= ? ORDER BY p.ingested, t.rowid""",
        (since,),
    ).fetchall()
    signed = (
        (row_to_article(row), (row["signature"], row["signature_size"]) if row["signature"] is not None else None)
        for row in articles
    )
    return signed, (tuple(row) for row in teasers)


def parse_time(value: str) -> datetime:
    value = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = datetime.fromisoformat(value[:10])
    return parsed.replace(tzinfo=None)


def window_start(end: str, days: float) -> str:
    """The time ``days`` before ``end``, for display, written as ``end`` is: in UTC ("Z") when it is. (Queries
    compare with the zoneless form, which sorts before every stored form of the same instant.)"""
    start = (parse_time(end) - timedelta(days=days)).isoformat()
    return start + "Z" if end.strip().endswith("Z") else start


def row_to_article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"], page_hash=row["page_hash"], title=row["title"], title_source=row["title_source"],
        standfirst=row["standfirst"], byline=row["byline"], agency=row["agency"], published=row["published"],
        dateline=row["dateline"], language=row["language"], site=row["site"], url=row["url"],
        canonical_url=row["canonical_url"],
        blocks=[Block(**b) for b in json.loads(row["blocks"])],
        captions=[Caption(**c) for c in json.loads(row["captions"])],
    )


def article(db: sqlite3.Connection, article_id: str) -> dict | None:
    row = db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    data = {k: row[k] for k in row.keys() if k not in ("blocks", "captions")}
    data["blocks"] = json.loads(row["blocks"])
    data["subheads"] = [b["text"] for b in data["blocks"] if b["kind"] == "h"]
    data["captions"] = json.loads(row["captions"])
    data["untitled"] = row["title"] is None
    canonical = row["duplicate_of"] or row["id"]
    data["sources"] = [dict(r) for r in db.execute(
        "SELECT site, url, seen, page_hash FROM sources WHERE article_id = ? ORDER BY seen", (canonical,))]
    data["teasers"] = [dict(r) for r in db.execute(
        "SELECT id, headline, standfirst, url, story_id FROM teasers WHERE page_hash = ? ORDER BY rowid",
        (row["page_hash"],))]
    story = db.execute("SELECT id, headline FROM stories WHERE id = ?", (row["story_id"],)).fetchone()
    data["story"] = dict(story) if story else None
    return data


def teaser(db: sqlite3.Connection, teaser_id: str) -> dict | None:
    row = db.execute("SELECT * FROM teasers WHERE id = ?", (teaser_id,)).fetchone()
    return dict(row) if row else None


def item(db: sqlite3.Connection, item_id: str) -> dict | None:
    """An article (``a…``), teaser (``t…``) or story (``s…``) by id."""
    if item_id.startswith("t"):
        return teaser(db, item_id)
    if item_id.startswith("s"):
        return story(db, item_id)
    return article(db, item_id)


# a stored time the desk may end its window on: an ISO date no more than a day ahead of the clock
_PLAUSIBLE = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND {column} <= ?"


def _horizon() -> str:
    return (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")


def _first_valid(rows) -> str | None:
    """The first value that reads as a time: a store written before ingest checked its dates may hold a
    "2024-13-45" that the pattern lets through."""
    return next((value for (value,) in rows if safe_time(value) is not None), None)


def safe_time(value: str | None) -> datetime | None:
    try:
        return parse_time(value) if value else None
    except ValueError:
        return None


def newest_time(db: sqlite3.Connection) -> str | None:
    return _first_valid(db.execute(
        f"""SELECT last_seen FROM stories WHERE last_seen {_PLAUSIBLE.format(column='last_seen')}
            ORDER BY last_seen DESC LIMIT 50""", (_horizon(),)))


def newest_dated(db: sqlite3.Connection) -> str | None:
    """The newest publication date in the store, counting an undated teaser's capture time (its page's,
    which is when the teaser ran). An item with neither is stamped with its ingest time, which would
    otherwise move an archive's window to today and leave only undated stories on the desk. A date more
    than a day ahead of the clock is a page's error (an event date, a typo), and one such date would hold
    the desk's window on itself alone, as would a value that is not an ISO date, which sorts after them all."""
    return _first_valid(db.execute(
        f"""SELECT t FROM (SELECT published AS t FROM articles
                           UNION ALL SELECT coalesce(t.published, p.fetched) FROM teasers t
                             JOIN pages p ON p.hash = t.page_hash)
            WHERE t {_PLAUSIBLE.format(column='t')} ORDER BY t DESC LIMIT 50""",
        (_horizon(),),
    ))


def stories(
    db: sqlite3.Connection, days: float | None = 3.0, limit: int = 20, offset: int = 0, until: str | None = None
) -> list[dict]:
    """Top stories of a window ending at the newest dated item in the store (not the wall clock), so an
    archive is never an empty desk; ``days=None`` ranks every story. Ranked by size, source diversity and
    recency."""
    params: list = []
    where = "size > 0"
    end = until or (newest_dated(db) or newest_time(db) if days is not None else newest_time(db))
    if days is not None and end:
        where += " AND last_seen >= ? AND last_seen <= ?"
        # a bare day as the end means the whole of that day
        params += [(parse_time(end) - timedelta(days=days)).isoformat(), end + "\uffff"]
    rows = db.execute(f"SELECT * FROM stories WHERE {where}", params).fetchall()
    end_time = parse_time(end) if end else None

    def rank(row: sqlite3.Row) -> float:
        age_days = 0.0
        if end_time and (last_seen := safe_time(row["last_seen"])):
            age_days = max(0.0, (end_time - last_seen).total_seconds() / 86400)
        return (row["size"] ** 0.5 + 1.5 * row["sources"] ** 0.5) / (1.0 + age_days)

    ranked = sorted(rows, key=lambda r: (-rank(r), r["id"]))[offset: offset + limit]
    return [dict(r) | {"rank": round(rank(r), 4), "time_basis": time_basis(db, r["id"])} for r in ranked]


def time_basis(db: sqlite3.Connection, story_id: str) -> str | None:
    """What a story's times rest on, by its best-dated member (see the ``story_times`` view): a story of
    undated teasers "first seen" on an old article's date must not read as news of that day."""
    row = db.execute(
        """SELECT basis FROM story_times WHERE story_id = ?
           ORDER BY CASE basis WHEN 'published' THEN 0 WHEN 'captured' THEN 1 WHEN 'page' THEN 2 ELSE 3 END
           LIMIT 1""", (story_id,)).fetchone()
    return row["basis"] if row else None


def story(db: sqlite3.Connection, story_id: str) -> dict | None:
    row = db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    members = [dict(r) for r in db.execute(
        """SELECT m.item_id AS id, m.kind, m.score,
                  coalesce(a.headline, t.headline) AS headline, a.title AS title,
                  coalesce(a.standfirst, t.standfirst) AS standfirst,
                  coalesce(a.site, t.site) AS site, coalesce(a.url, t.url) AS url,
                  coalesce(a.published, t.published) AS published
           FROM story_members m LEFT JOIN articles a ON a.id = m.item_id LEFT JOIN teasers t ON t.id = m.item_id
           WHERE m.story_id = ? ORDER BY published, m.item_id""", (story_id,))]
    for member in members:
        member["sources"] = [dict(r) for r in db.execute(
            "SELECT site, url, seen FROM sources WHERE article_id = ? ORDER BY seen", (member["id"],))]
    return dict(row) | {"members": members, "time_basis": time_basis(db, story_id)}


def export_articles(db: sqlite3.Connection, include_duplicates: bool = False) -> Iterator[dict]:
    where = "" if include_duplicates else "WHERE duplicate_of IS NULL"
    for row in db.execute(f"SELECT * FROM articles {where} ORDER BY published, id"):
        data = {k: row[k] for k in row.keys() if k not in ("blocks", "captions")}
        data["subheads"] = [b["text"] for b in json.loads(row["blocks"]) if b["kind"] == "h"]
        data["captions"] = [c["text"] for c in json.loads(row["captions"])]
        yield data


def export_teasers(db: sqlite3.Connection, include_duplicates: bool = False) -> Iterator[dict]:
    """Teasers with the page they were seen on (its address and capture time) and their story."""
    where = "" if include_duplicates else "WHERE t.duplicate_of IS NULL"
    for row in db.execute(
        f"""SELECT t.id, t.headline, t.standfirst, t.url, t.published, t.site, p.url AS page_url,
                   p.fetched AS page_fetched, t.article_id, t.duplicate_of, t.story_id
            FROM teasers t JOIN pages p ON p.hash = t.page_hash {where} ORDER BY p.ingested, t.rowid"""
    ):
        yield dict(row)


def export_stories(db: sqlite3.Connection) -> Iterator[dict]:
    """Stories with their member ids (articles "a…", teasers "t…"), most central first."""
    for row in db.execute("SELECT * FROM stories WHERE size > 0 ORDER BY first_seen, id"):
        members = [r[0] for r in db.execute(
            "SELECT item_id FROM story_members WHERE story_id = ? ORDER BY score DESC, item_id", (row["id"],))]
        yield {k: row[k] for k in row.keys()} | {"members": members}


def export_facts(db: sqlite3.Connection, table: str) -> Iterator[dict]:
    """One row per entity, place, date or figure of a canonical article, with the article's story and date,
    the mention count where a fact has several mentions, and a figure's who / where / when / according to
    whom flattened into columns: the long table researchers load into pandas or R."""
    columns = {
        "entities": "f.label, f.name, f.mentions",
        "places": "f.name, f.country, f.lat, f.lon, f.geonameid, f.mentions",
        "dates": "f.text, f.value, f.relation, f.start, f.end",
        "figures": "f.record",
    }[table]
    for row in db.execute(
        f"""SELECT f.article_id, a.story_id, a.published, {columns} FROM {table} f JOIN articles a ON a.id = f.article_id
            WHERE a.duplicate_of IS NULL ORDER BY a.published, f.article_id, f.rowid"""
    ):
        data = dict(row)
        if "mentions" in data:
            data["mentions"] = len(json.loads(data["mentions"]))
        if "record" in data:
            data |= json.loads(data.pop("record"))
        yield data


EXPORTS = ("articles", "teasers", "stories", "entities", "places", "dates", "figures")


def export(db: sqlite3.Connection, table: str, include_duplicates: bool = False) -> Iterator[dict]:
    if table == "articles":
        return export_articles(db, include_duplicates)
    if table == "teasers":
        return export_teasers(db, include_duplicates)
    if table == "stories":
        return export_stories(db)
    return export_facts(db, table)


def stats(db: sqlite3.Connection) -> dict:
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "pages": one("SELECT count(*) FROM pages"),
        "failed_pages": one("SELECT count(*) FROM pages WHERE status = 'failed'"),
        "articles": one("SELECT count(*) FROM articles WHERE duplicate_of IS NULL"),
        "duplicates": one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "teasers": one("SELECT count(*) FROM teasers"),
        "stories": one("SELECT count(*) FROM stories WHERE size > 0"),
    }
