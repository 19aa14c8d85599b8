"""Reads from the store, shared by the CLI, the web desk, the exports and the store-level steps.

What the CLI, the desk and the exports show comes as plain dicts (JSON-ready), so the CLI's ``--json``, the
API's ``.json`` pages and the templates all see the same shapes; the steps read rows and records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

from newsdesk.records import (Article, Block, Caption, DateMention, Entity, Facts, Figure, Place, StoryMember,
                              from_dict, utc_time)

ARTICLE_LIST_FIELDS = "id, headline, title, title_source, standfirst, byline, agency, published, language, site, url, story_id, words"


def recent_for_dedup(
    db: sqlite3.Connection, scheme: str, days: int = 7
) -> tuple[Iterator[tuple[Article, tuple[bytes, int] | None]], Iterator[tuple[str, str | None, str]], str | None]:
    """Canonical articles with their stored signature of ``scheme`` (or None), and canonical teasers as
    (headline, site, id), from the newest ``days`` of the store: syndicated copies and the same headline
    from a site's other feeds arrive within days. Third, the day those days begin (None: an empty store)."""
    newest = _first_valid(db.execute(
        f"""SELECT t FROM (SELECT coalesce(published, ingested) AS t FROM articles
                           UNION ALL SELECT p.ingested FROM teasers t JOIN pages p ON p.hash = t.page_hash)
            WHERE t {_PLAUSIBLE.format(column='t')} ORDER BY t DESC LIMIT 50""", (_horizon(),)))
    if not newest:
        return iter(()), iter(()), None
    since = (stored_datetime(newest) - timedelta(days=days)).isoformat()
    teasers = db.execute(
        """SELECT t.headline, t.site, t.id FROM teasers t JOIN pages p ON p.hash = t.page_hash
           WHERE t.duplicate_of IS NULL AND coalesce(t.published, p.ingested) >= ? ORDER BY p.ingested, t.rowid""",
        (since,),
    ).fetchall()
    originals = _signed_originals(db, scheme, "coalesce(a.published, a.ingested) >= ?", (since,))
    return originals, (tuple(row) for row in teasers), since[:10]


def originals_dated_between(db: sqlite3.Connection, scheme: str, start: str, end: str
                            ) -> Iterator[tuple[Article, tuple[bytes, int] | None]]:
    """Canonical articles published from ``start`` up to ``end`` (ISO days), with their stored signatures:
    the copy index recalls them when an article older than its window comes in."""
    return _signed_originals(db, scheme, "a.published >= ? AND a.published < ?", (start, end))


def teasers_dated_between(db: sqlite3.Connection, start: str, end: str) -> list[tuple[str, str | None, str]]:
    """Canonical teasers as (headline, site, id) that ran from ``start`` up to ``end`` (ISO days), for the same."""
    return [tuple(row) for row in db.execute(
        """SELECT t.headline, t.site, t.id FROM teasers t JOIN pages p ON p.hash = t.page_hash
           WHERE t.duplicate_of IS NULL AND coalesce(t.published, p.ingested) >= ?
                 AND coalesce(t.published, p.ingested) < ? ORDER BY p.ingested, t.rowid""", (start, end))]


def _signed_originals(db: sqlite3.Connection, scheme: str, where: str, parameters: tuple
                      ) -> Iterator[tuple[Article, tuple[bytes, int] | None]]:
    rows = db.execute(
        f"""SELECT a.*, s.hashvalues AS signature, s.shingles AS signature_size FROM articles a
           LEFT JOIN signatures s ON s.article_id = a.id AND s.scheme = ?
           WHERE a.duplicate_of IS NULL AND {where}""",
        (scheme, *parameters),
    ).fetchall()
    return ((row_to_article(row), (row["signature"], row["signature_size"]) if row["signature"] is not None else None)
            for row in rows)


def stored_facts(db: sqlite3.Connection, article_id: str, version: int) -> Facts | None:
    """An article's facts as the facts step stored them, when they were read by extractor ``version``; else None
    (the caller reads them afresh). Reading them back takes milliseconds where the model takes seconds."""
    done = db.execute("SELECT version FROM facts_done WHERE article_id = ?", (article_id,)).fetchone()
    if done is None or done[0] != version:
        return None

    def rows(sql: str) -> list[sqlite3.Row]:
        return db.execute(sql + " WHERE article_id = ? ORDER BY rowid", (article_id,)).fetchall()

    def spans(text: str) -> list[tuple[int, int, str]]:
        return [tuple(span) for span in json.loads(text)]

    return Facts(
        article_id,
        entities=[Entity(r["label"], r["name"], spans(r["mentions"]))
                  for r in rows("SELECT label, name, mentions FROM entities")],
        places=[Place(r["name"], r["country"], r["lat"], r["lon"], r["geonameid"], spans(r["mentions"]))
                for r in rows("SELECT name, country, lat, lon, geonameid, mentions FROM places")],
        dates=[DateMention(r["text"], r["value"], r["start"], r["end"], r["relation"])
               for r in rows("SELECT text, value, start, end, relation FROM dates")],
        figures=[from_dict(Figure, json.loads(r["record"])) for r in rows("SELECT record FROM figures")],
    )


def stored_datetime(value: str) -> datetime:
    """A stored time as a naive UTC datetime (one with an offset is converted, not cut)."""
    value = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = datetime.fromisoformat(value[:10])
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def window_start(end: str, days: float) -> str:
    """The time ``days`` before ``end``, for display, written as ``end`` is: a day when it is a day and the start
    falls on midnight, in UTC ("Z") when it is. (Queries compare with the zoneless form, which sorts before every
    stored form of the same instant.)"""
    start = stored_datetime(end) - timedelta(days=days)
    end = end.strip()
    if len(end) == 10 and start.time() == datetime.min.time():
        return start.date().isoformat()
    return start.isoformat() + ("Z" if end.endswith("Z") else "")


def row_to_article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"], page_hash=row["page_hash"], title=row["title"], title_source=row["title_source"],
        standfirst=row["standfirst"], byline=row["byline"], agency=row["agency"], published=row["published"],
        dateline=row["dateline"], language=row["language"], site=row["site"], url=row["url"],
        canonical_url=row["canonical_url"], published_day=row["published_day"],
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
        return stored_datetime(value) if value else None
    except ValueError:
        return None


def newest_time(db: sqlite3.Connection) -> str | None:
    return _first_valid(db.execute(
        f"""SELECT last_seen FROM stories WHERE last_seen {_PLAUSIBLE.format(column='last_seen')}
            ORDER BY last_seen DESC LIMIT 50""", (_horizon(),)))


# A story none of whose items has a date of its own: its times are when newsdesk read it
_UNDATED_STORY = "coalesce((SELECT min(st.basis = 'ingested') FROM story_times st WHERE st.story_id = stories.id), 0)"


def undated_after(db: sqlite3.Connection, end: str | None) -> int:
    """How many stories a window ending at ``end`` leaves out for having no date of their own (a sample's
    500 undated articles): they are listed after the window (``--all``). A store with no dated item at all
    shows them in the window, and leaves none out."""
    if not end or not newest_dated(db):
        return 0
    return db.execute(f"SELECT count(*) FROM stories WHERE size > 0 AND {_UNDATED_STORY}").fetchone()[0]


def older_than(db: sqlite3.Connection, end: str | None, days: float) -> int:
    """How many stories end before a window of ``days`` ending at ``end`` (an archive's earlier weeks behind a
    newer sample): the desk says they are there rather than show a window as if it were the store."""
    if not end:
        return 0
    start = (stored_datetime(end) - timedelta(days=days)).isoformat()
    return db.execute("SELECT count(*) FROM stories WHERE size > 0 AND last_seen < ?", (start,)).fetchone()[0]


def newest_dated(db: sqlite3.Connection) -> str | None:
    """The newest publication date in the store, counting an undated teaser's capture time (its page's,
    which is when the teaser ran). An item with neither is stamped with its ingest time, which would
    otherwise move an archive's window to today and leave only undated stories on the desk. A date more
    than a day ahead of the clock is a page's error (an event date, a typo), and one such date would hold
    the desk's window on itself alone, as would a value that is not an ISO date, which sorts after them all."""
    return _first_valid(db.execute(
        f"""SELECT t FROM (SELECT published AS t FROM articles
                           UNION ALL SELECT seen FROM sources
                           UNION ALL SELECT coalesce(t.published, p.fetched) FROM teasers t
                             JOIN pages p ON p.hash = t.page_hash)
            WHERE t {_PLAUSIBLE.format(column='t')} ORDER BY t DESC LIMIT 50""",
        (_horizon(),),
    ))


def ungrouped_items(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Ungrouped canonical articles and teasers, oldest first, each at the time it is grouped at. An article
    without its own date takes the first time it or a copy of it was seen (a copy's date, its page's capture),
    as the story times do. A teaser without its own date takes the time its page was captured, else the page's
    article date: a "latest news" rail is as new as the capture (an archived 2016 article page can carry 2024
    teasers), while a file with no capture time leaves the article's date as the best knowledge of when the
    teaser ran.

    An item with none of these is grouped at the store's newest dated time (at most its ingest time), not at
    the moment newsdesk read it: an undated page of a 2016 archive belongs with the archive's stories, and
    stamped with the clock it had formed stories of its own, numbered differently in every fresh build."""
    newest = newest_dated(db)
    return db.execute(
        """SELECT id, 'article' AS kind, coalesce(headline, title, '') AS headline, text, site,
                  coalesce(canonical_url, url) AS url, published,
                  coalesce(published, (SELECT min(s.seen) FROM sources s WHERE s.article_id = articles.id),
                           min(ingested, :newest), ingested) AS time, language
           FROM articles WHERE story_id IS NULL AND duplicate_of IS NULL
           UNION ALL
           SELECT t.id, 'teaser', t.headline, t.standfirst, t.site, t.url, t.published,
                  coalesce(t.published, p.fetched, a.published, min(p.ingested, :newest), p.ingested), NULL
           FROM teasers t JOIN pages p ON p.hash = t.page_hash LEFT JOIN articles a ON a.id = t.article_id
           WHERE t.story_id IS NULL AND t.duplicate_of IS NULL
           ORDER BY time, id""", {"newest": newest}
    ).fetchall()


_MEMBER = """SELECT m.story_id, m.item_id, m.kind, m.score, coalesce(a.headline, t.headline, '') AS headline,
                    coalesce(a.published, t.published) AS published, coalesce(a.site, t.site) AS site,
                    coalesce(a.text, t.standfirst, '') AS text
             FROM story_members m LEFT JOIN articles a ON a.id = m.item_id LEFT JOIN teasers t ON t.id = m.item_id"""


def _story_member(row: sqlite3.Row) -> StoryMember:
    return StoryMember(row["item_id"], row["headline"], row["published"], row["site"], row["score"], row["kind"])


def story_member(db: sqlite3.Connection, item_id: str) -> tuple[str, StoryMember] | None:
    """The story an item is grouped in, and the item as its member; None for an item in no story."""
    row = db.execute(f"{_MEMBER} WHERE m.item_id = ?", (item_id,)).fetchone()
    return (row["story_id"], _story_member(row)) if row else None


def story_members(db: sqlite3.Connection, story_id: str) -> list[tuple[StoryMember, str]]:
    """A story's members in id order, each with its text (an article's body, a teaser's standfirst)."""
    return [(_story_member(row), row["text"])
            for row in db.execute(f"{_MEMBER} WHERE m.story_id = ? ORDER BY m.item_id", (story_id,))]


def articles_without_headline(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Articles, copies too, that lack a headline or a standfirst."""
    return db.execute("SELECT * FROM articles WHERE headline IS NULL OR standfirst IS NULL").fetchall()


def stories_without_headline(db: sqlite3.Connection) -> list[str]:
    return [story_id for (story_id,) in db.execute("SELECT id FROM stories WHERE headline IS NULL AND size > 0")]


def state(db: sqlite3.Connection, key: str) -> str | None:
    """A step's state kept between runs (``write.save_state``), or None before its first run."""
    row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else None


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
        params += [(stored_datetime(end) - timedelta(days=days)).isoformat(), end + "\uffff"]
        if newest_dated(db):
            # When newsdesk read an undated story says nothing of when it ran: an archive's undated sample
            # read a minute before one feed was fetched had its 366 stories lead the window of that fetch.
            where += f" AND NOT {_UNDATED_STORY}"
    rows = db.execute(f"SELECT * FROM stories WHERE {where}", params).fetchall()
    end_time = stored_datetime(end) if end else None

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
           ORDER BY CASE basis WHEN 'published' THEN 0 WHEN 'seen' THEN 1 WHEN 'captured' THEN 1 WHEN 'page' THEN 2
                    ELSE 3 END
           LIMIT 1""", (story_id,)).fetchone()
    return row["basis"] if row else None


def story(db: sqlite3.Connection, story_id: str) -> dict | None:
    row = db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    # undated members last, as the desk's timeline lists them (SQLite sorts a NULL first)
    members = [dict(r) for r in db.execute(
        """SELECT m.item_id AS id, m.kind, m.score,
                  coalesce(a.headline, t.headline) AS headline, a.title AS title,
                  coalesce(a.standfirst, t.standfirst) AS standfirst,
                  coalesce(a.site, t.site) AS site, coalesce(a.url, t.url) AS url, a.agency AS agency,
                  coalesce(a.published, t.published) AS published
           FROM story_members m LEFT JOIN articles a ON a.id = m.item_id LEFT JOIN teasers t ON t.id = m.item_id
           WHERE m.story_id = ?
           ORDER BY coalesce(a.published, t.published) IS NULL, published, m.score DESC, m.item_id""", (story_id,))]
    for member in members:
        member["sources"] = [dict(r) for r in db.execute(
            "SELECT site, url, seen FROM sources WHERE article_id = ? ORDER BY seen", (member["id"],))]
    return dict(row) | {"members": members, "time_basis": time_basis(db, story_id)}


# Each export's columns in order, with their types: the Parquet schema comes from here and not from the rows,
# as a column with no value in one store would be typed null there and the exports of two stores would not
# concatenate; an empty CSV takes its header from here too. Types: str, int, float, bool, list<str>.
_FACT_KEYS = (("article_id", "str"), ("story_id", "str"), ("published", "str"))
EXPORT_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("id", "str"), ("page_hash", "str"), ("duplicate_of", "str"), ("title", "str"), ("title_source", "str"),
        ("headline", "str"), ("headline_sentence", "int"), ("standfirst", "str"), ("standfirst_sentence", "int"),
        ("byline", "str"), ("agency", "str"), ("published", "str"), ("dateline", "str"), ("language", "str"),
        ("site", "str"), ("url", "str"), ("canonical_url", "str"), ("body_hash", "str"), ("text", "str"),
        ("words", "int"), ("story_id", "str"), ("ingested", "str"), ("subheads", "list<str>"),
        ("captions", "list<str>"),
    ),
    "teasers": (
        ("id", "str"), ("headline", "str"), ("standfirst", "str"), ("url", "str"), ("published", "str"),
        ("site", "str"), ("page_url", "str"), ("page_fetched", "str"), ("article_id", "str"),
        ("duplicate_of", "str"), ("story_id", "str"), ("language", "str"),
    ),
    "stories": (
        ("id", "str"), ("headline", "str"), ("standfirst", "str"), ("first_seen", "str"), ("last_seen", "str"),
        ("time_basis", "str"), ("size", "int"), ("sources", "int"), ("updated", "str"), ("members", "list<str>"),
    ),
    "entities": (*_FACT_KEYS, ("label", "str"), ("name", "str"), ("mentions", "int")),
    "places": (*_FACT_KEYS, ("name", "str"), ("country", "str"), ("lat", "float"), ("lon", "float"),
               ("geonameid", "int"), ("mentions", "int")),
    "dates": (*_FACT_KEYS, ("text", "str"), ("value", "str"), ("relation", "str"), ("start", "int"), ("end", "int")),
    "figures": (
        ("figure_id", "str"), *_FACT_KEYS, ("category", "str"), ("text", "str"), ("qualifier", "str"),
        ("low", "float"), ("high", "float"), ("victims", "str"), ("subgroups", "list<str>"), ("event", "str"),
        ("place", "str"), ("place_country", "str"), ("place_lat", "float"), ("place_lon", "float"),
        ("place_geonameid", "int"), ("time", "str"), ("attributed_to", "str"), ("sentence", "str"), ("start", "int"),
        ("end", "int"), ("replaced", "bool"), ("added", "bool"), ("toll_group", "str"), ("latest_in_group", "bool"),
        ("perpetrators", "bool"),
    ),
}
EXPORTS = tuple(EXPORT_COLUMNS)
DUPLICATES_EXPORTED = ("articles", "teasers")  # facts and stories are only ever of canonical items


def export_row(table: str, values: dict) -> dict:
    """``values`` as one row of ``table``: its columns, in their order."""
    return {name: values.get(name) for name, _ in EXPORT_COLUMNS[table]}


def export_articles(db: sqlite3.Connection, include_duplicates: bool = False) -> Iterator[dict]:
    """Articles with their metadata, text and story. A duplicate is no story's member: it is given the story
    of the article it was merged into (its ``duplicate_of``), so copies count with the story they ran in."""
    where = "" if include_duplicates else "WHERE a.duplicate_of IS NULL"
    for row in db.execute(
        f"""SELECT a.*, coalesce(c.story_id, a.story_id) AS in_story FROM articles a
            LEFT JOIN articles c ON c.id = a.duplicate_of {where} ORDER BY a.published, a.id"""
    ):
        yield export_row("articles", dict(row) | {
            "story_id": row["in_story"],
            "subheads": [b["text"] for b in json.loads(row["blocks"]) if b["kind"] == "h"],
            "captions": [c["text"] for c in json.loads(row["captions"])],
        })


def export_teasers(db: sqlite3.Connection, include_duplicates: bool = False) -> Iterator[dict]:
    """Teasers with the page they were seen on (its address and capture time) and their story; a duplicate
    has the story of the teaser it was merged into, as articles do."""
    where = "" if include_duplicates else "WHERE t.duplicate_of IS NULL"
    for row in db.execute(
        f"""SELECT t.id, t.headline, t.standfirst, t.url, t.published, t.site, p.url AS page_url,
                   p.fetched AS page_fetched, t.article_id, t.duplicate_of,
                   coalesce(c.story_id, t.story_id) AS story_id, t.language
            FROM teasers t JOIN pages p ON p.hash = t.page_hash LEFT JOIN teasers c ON c.id = t.duplicate_of
            {where} ORDER BY p.ingested, t.rowid"""
    ):
        yield export_row("teasers", dict(row))


def export_stories(db: sqlite3.Connection) -> Iterator[dict]:
    """Stories with their member ids (articles "a…", teasers "t…"), most central first, and what their
    times rest on (``time_basis``): a story of undated items is otherwise dated by the ingest clock."""
    for row in db.execute("SELECT * FROM stories WHERE size > 0 ORDER BY first_seen, id"):
        members = [r[0] for r in db.execute(
            "SELECT item_id FROM story_members WHERE story_id = ? ORDER BY score DESC, item_id", (row["id"],))]
        yield export_row("stories", dict(row) | {"members": members, "time_basis": time_basis(db, row["id"])})


def export_facts(db: sqlite3.Connection, table: str) -> Iterator[dict]:
    """One row per entity, place or date of a canonical article, with the article's story and date and the
    mention count where a fact has several mentions: the long table researchers load into pandas or R."""
    columns = {
        "entities": "f.label, f.name, f.mentions",
        "places": "f.name, f.country, f.lat, f.lon, f.geonameid, f.mentions",
        "dates": "f.text, f.value, f.relation, f.start, f.end",
    }[table]
    for row in db.execute(
        f"""SELECT f.article_id, a.story_id, a.published, {columns} FROM {table} f JOIN articles a ON a.id = f.article_id
            WHERE a.duplicate_of IS NULL ORDER BY a.published, f.article_id, f.rowid"""
    ):
        data = dict(row)
        if "mentions" in data:
            data["mentions"] = len(json.loads(data["mentions"]))
        yield export_row(table, data)


SITE_EXPORTED = ("articles", "teasers")  # the tables with a site column


def export(db: sqlite3.Connection, table: str, include_duplicates: bool = False, since: str | None = None,
           until: str | None = None, site: str | None = None, story: str | None = None) -> Iterator[dict]:
    """The rows of one export table, those of a time span, a site or a story only when asked (see ``kept``).
    The figures, which carry the story's reconciled tolls, are the facts step's:
    ``newsdesk.facts.store.export_figures``."""
    if table == "articles":
        rows = export_articles(db, include_duplicates)
    elif table == "teasers":
        rows = export_teasers(db, include_duplicates)
    elif table == "stories":
        rows = export_stories(db)
    elif table == "figures":
        raise ValueError("the figures are exported by newsdesk.facts.store.export_figures")
    else:
        rows = export_facts(db, table)
    return kept(rows, table, since, until, site, story)


def kept(rows: Iterator[dict], table: str, since: str | None = None, until: str | None = None,
         site: str | None = None, story: str | None = None) -> Iterator[dict]:
    """The export ``rows`` of ``table`` of a time span, a site or a story, all of them when none is asked.

    ``since`` / ``until`` test an item's ``published`` as search does (an undated item is left out; a bare day
    is the whole day), and a story's span: it is kept when it ran at any time between them (a story with no
    date of its own is left out too: its span is when newsdesk read it). ``site`` is an article's site, or
    its agency when it has none, as in search."""
    if not (since or until or site or story):
        return rows
    from newsdesk.store.search import nocase, until_bound

    since, until = utc_time(since), until_bound(utc_time(until))

    def wanted(row: dict) -> bool:
        first, last = (row["first_seen"], row["last_seen"]) if table == "stories" else (row["published"],) * 2
        if (since or until) and table == "stories" and row["time_basis"] == "ingested":
            return False
        if since and (last is None or (last < since and last != since[:10])):
            return False
        if until and (first is None or first >= until):
            return False
        source = row.get("site") or row.get("agency")
        if site and (source is None or nocase(source) != nocase(site)):
            return False
        return not (story and (row["id"] if table == "stories" else row["story_id"]) != story)

    return (row for row in rows if wanted(row))


def stats(db: sqlite3.Connection) -> dict:
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "pages": one("SELECT count(*) FROM pages"),
        "failed_pages": one("SELECT count(*) FROM pages WHERE status = 'failed'"),
        "articles": one("SELECT count(*) FROM articles WHERE duplicate_of IS NULL"),
        "duplicates": one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "teasers": one("SELECT count(*) FROM teasers WHERE duplicate_of IS NULL"),
        "teaser_duplicates": one("SELECT count(*) FROM teasers WHERE duplicate_of IS NOT NULL"),
        "stories": one("SELECT count(*) FROM stories WHERE size > 0"),
    }
