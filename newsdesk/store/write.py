"""Writes to the store, one page per transaction.

Raw SQL over the record types: every function takes an open connection and records, and leaves the
transaction to its caller, so ``save_page_result`` can put a page, its article, teasers and source in
one atomic write, and the stories step a batch of stories.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import asdict

from newsdesk.records import Article, Facts, Page, Source, Story, Teaser, local_day, utc_time
from newsdesk.store.search import indexed


def known_status(db: sqlite3.Connection, page_hash: str) -> str | None:
    row = db.execute("SELECT status FROM pages WHERE hash = ?", (page_hash,)).fetchone()
    return row["status"] if row else None


def save_page(db: sqlite3.Connection, page: Page, status: str = "ok", error: str | None = None) -> None:
    db.execute(
        """INSERT INTO pages (hash, uri, url, kind, source, fetched, hints, raw, size, status, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(hash) DO UPDATE SET status = excluded.status, error = excluded.error""",
        (
            page.hash, page.uri, page.url, page.kind, page.source, page.fetched,
            json.dumps(page.hints, ensure_ascii=False), zlib.compress(page.raw, 6), len(page.raw), status, error,
        ),
    )


def mark_version(db: sqlite3.Connection, page_hash: str, article_id: str) -> None:
    """Mark a kept page as another version of an article, not the page its text comes from."""
    db.execute("UPDATE pages SET version_of = ? WHERE hash = ?", (article_id, page_hash))


def move_article_page(db: sqlite3.Connection, article_id: str, old_hash: str, new_hash: str) -> None:
    """Make a newer version's page the one an article's text comes from, and keep the old one as an earlier
    version: re-extraction then reads the newest text, and the old bytes stay."""
    db.execute("UPDATE articles SET page_hash = ? WHERE id = ?", (new_hash, article_id))
    mark_version(db, old_hash, article_id)


def save_article(db: sqlite3.Connection, article: Article, duplicate_of: str | None = None) -> None:
    blocks = json.dumps([asdict(b) for b in article.blocks], ensure_ascii=False)
    captions = json.dumps([asdict(c) for c in article.captions], ensure_ascii=False)
    text = article.text
    db.execute(
        """INSERT OR REPLACE INTO articles (id, page_hash, duplicate_of, title, title_source, headline, standfirst,
               byline, agency, published, published_day, dateline, language, site, url, canonical_url, body_hash,
               blocks, captions, text, words)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            article.id, article.page_hash, duplicate_of, article.title, article.title_source, article.title,
            article.standfirst, article.byline, article.agency, utc_time(article.published),
            article.published_day or local_day(article.published), article.dateline,
            article.language, article.site, article.url, article.canonical_url, article.body_hash, blocks,
            captions, text, len(text.split()),
        ),
    )
    if duplicate_of is None:
        index_item(db, article.id, "article", article.title or "", text, article.site or article.agency)


def save_teaser(db: sqlite3.Connection, teaser: Teaser, article_id: str | None, site: str | None,
                duplicate_of: str | None = None) -> None:
    db.execute(
        """INSERT OR IGNORE INTO teasers (id, page_hash, article_id, headline, standfirst, url, published, site,
               duplicate_of, language)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (teaser.id, teaser.page_hash, article_id, teaser.headline, teaser.standfirst, teaser.url,
         utc_time(teaser.published), site, duplicate_of, teaser.language),
    )
    if duplicate_of is None:
        index_item(db, teaser.id, "teaser", teaser.headline, teaser.standfirst, site)


def save_signature(db: sqlite3.Connection, article_id: str, scheme: str, hashvalues: bytes, shingles: int) -> None:
    db.execute(
        "INSERT OR REPLACE INTO signatures (article_id, scheme, shingles, hashvalues) VALUES (?, ?, ?, ?)",
        (article_id, scheme, shingles, hashvalues),
    )


def save_source(db: sqlite3.Connection, source: Source) -> None:
    db.execute(
        "INSERT OR IGNORE INTO sources (article_id, page_hash, site, url, seen) VALUES (?, ?, ?, ?, ?)",
        (source.article_id, source.page_hash, source.site, source.url, utc_time(source.seen)),
    )


def index_item(db: sqlite3.Connection, item_id: str, kind: str, title: str, body: str, site: str | None) -> None:
    """(Re)index one item for full-text search, replacing its previous entry. The text is stored as
    ``search.indexed`` spells it, so Chinese and Japanese words and unaccented Greek find it."""
    old = db.execute("SELECT row FROM search_rows WHERE item_id = ?", (item_id,)).fetchone()
    if old:
        db.execute("DELETE FROM search WHERE rowid = ?", (old[0],))
    row = db.execute(
        "INSERT INTO search (item_id, kind, title, body, site) VALUES (?, ?, ?, ?, ?)",
        (item_id, kind, indexed(title), indexed(body), indexed(site or "")),
    ).lastrowid
    db.execute("INSERT OR REPLACE INTO search_rows (item_id, row) VALUES (?, ?)", (item_id, row))


def set_headline(db: sqlite3.Connection, article_id: str, headline: str, headline_sentence: int | None,
                 standfirst: str | None, standfirst_sentence: int | None) -> None:
    """Give an article its headline and standfirst, and a canonical one its search entry under that headline."""
    db.execute(
        """UPDATE articles SET headline = ?, headline_sentence = ?, standfirst = ?, standfirst_sentence = ?
           WHERE id = ?""",
        (headline, headline_sentence, standfirst, standfirst_sentence, article_id),
    )
    # an empty site gives way to the agency, as in save_article
    row = db.execute("""SELECT text, coalesce(nullif(site, ''), agency) AS source FROM articles
                        WHERE id = ? AND duplicate_of IS NULL""", (article_id,)).fetchone()
    if row:
        index_item(db, article_id, "article", headline, row["text"], row["source"])


def save_story(db: sqlite3.Connection, story: Story) -> None:
    """Make each of ``story``'s members an item of it, and of no other story (an item the latest slice's
    clustering moved leaves its old one); the story is made when new. ``refresh_story`` recounts it."""
    db.execute("INSERT OR IGNORE INTO stories (id) VALUES (?)", (story.id,))
    for member in story.members:
        table = "teasers" if member.kind == "teaser" else "articles"
        db.execute("DELETE FROM story_members WHERE item_id = ? AND story_id != ?", (member.item_id, story.id))
        db.execute(f"UPDATE {table} SET story_id = ? WHERE id = ?", (story.id, member.item_id))
        db.execute("INSERT OR REPLACE INTO story_members (story_id, item_id, kind) VALUES (?, ?, ?)",
                   (story.id, member.item_id, member.kind))


def refresh_story(db: sqlite3.Connection, story_id: str) -> None:
    """Recount a story and clear its headline so the next step writes it from the current members. Its first
    and last seen come from dated members when it has any: an undated page that joined a 2016 story was read
    today, which says nothing about when the story ran."""
    db.execute(
        """UPDATE stories SET
             size = (SELECT count(*) FROM story_members WHERE story_id = :id),
             sources = (SELECT count(DISTINCT src) FROM (
                          SELECT coalesce(s.site, s.url, s.page_hash) AS src FROM sources s
                            JOIN story_members m ON m.item_id = s.article_id WHERE m.story_id = :id
                          UNION ALL
                          SELECT coalesce(t.site, t.page_hash) FROM teasers t
                            JOIN story_members m ON m.item_id = t.id WHERE m.story_id = :id)),
             first_seen = coalesce((SELECT min(time) FROM story_times WHERE story_id = :id AND basis != 'ingested'),
                                   (SELECT min(time) FROM story_times WHERE story_id = :id)),
             last_seen = coalesce((SELECT max(time) FROM story_times WHERE story_id = :id AND basis != 'ingested'),
                                  (SELECT max(time) FROM story_times WHERE story_id = :id)),
             headline = NULL, standfirst = NULL,
             updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
           WHERE id = :id""",
        {"id": story_id},
    )


def delete_empty_stories(db: sqlite3.Connection, story_ids: set[str]) -> None:
    """Delete those of the (recounted) stories whose every item has moved to another."""
    db.executemany("DELETE FROM stories WHERE id = ? AND size = 0", [(story_id,) for story_id in story_ids])


def set_story_headline(db: sqlite3.Connection, story: Story) -> None:
    """Store a story's headline and standfirst and each member's centrality (``StoryMember.score``)."""
    db.executemany("UPDATE story_members SET score = ? WHERE item_id = ?",
                   [(member.score, member.item_id) for member in story.members])
    db.execute("UPDATE stories SET headline = ?, standfirst = ? WHERE id = ?",
               (story.headline, story.standfirst, story.id))


def save_state(db: sqlite3.Connection, key: str, value: str) -> None:
    """Keep a step's state between runs (``queries.state`` reads it back)."""
    db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))


def save_facts(db: sqlite3.Connection, facts: Facts, version: int) -> None:
    article_id = facts.article_id
    for table in ("entities", "places", "dates", "figures"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    db.executemany(
        "INSERT INTO entities (article_id, label, name, mentions) VALUES (?, ?, ?, ?)",
        [(article_id, e.label, e.name, json.dumps(e.mentions, ensure_ascii=False)) for e in facts.entities],
    )
    db.executemany(
        "INSERT INTO places (article_id, name, country, lat, lon, geonameid, mentions) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(article_id, p.name, p.country, p.lat, p.lon, p.geonameid, json.dumps(p.mentions, ensure_ascii=False))
         for p in facts.places],
    )
    db.executemany(
        "INSERT INTO dates (article_id, text, value, start, end, relation) VALUES (?, ?, ?, ?, ?, ?)",
        [(article_id, d.text, d.value, d.start, d.end, d.relation) for d in facts.dates],
    )
    db.executemany(
        "INSERT INTO figures (article_id, category, text, low, high, record) VALUES (?, ?, ?, ?, ?, ?)",
        [(article_id, f.category, f.text, f.low, f.high, json.dumps(asdict(f), ensure_ascii=False))
         for f in facts.figures],
    )
    db.execute("INSERT OR REPLACE INTO facts_done (article_id, version) VALUES (?, ?)", (article_id, version))
