"""Stories: the store-level steps that group new items into stories and write missing headlines.

Grouping runs over what the store holds but has not grouped yet, in publication order, with the open
window's state persisted between runs (``state`` table). So an ingest killed before this step loses
nothing: the next run picks the ungrouped items up, and an item is never grouped twice. An item of
the latest time slice can still move to another story when a later run's items of the same slice
change how the slice clusters (see ``StoryGrouper.add_batch``); its old story is recounted, and
deleted once empty.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

from newsdesk.records import Progress
from newsdesk.settings import Settings
from newsdesk.store.queries import newest_dated, row_to_article

GROUPER_STATE = "story_grouper"


def _pending_items(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Ungrouped canonical articles and teasers, oldest first. An article without its own date takes the first
    time it or a copy of it was seen (a copy's date, its page's capture), as the story times do. A teaser
    without its own date takes the time its page was captured, else the page's article date: a "latest
    news" rail is as new as the capture (an archived 2016 article page can carry 2024 teasers), while a
    file with no capture time leaves the article's date as the best knowledge of when the teaser ran.

    An item with none of these is grouped at the store's newest dated time (at most its ingest time), not at
    the moment newsdesk read it: an undated page of a 2016 archive belongs with the archive's stories, and
    stamped with the clock it had formed stories of its own, numbered differently in every fresh build."""
    newest = newest_dated(db)
    return db.execute(
        """SELECT id, 'article' AS kind, coalesce(headline, title, '') AS headline, text, site,
                  coalesce(canonical_url, url) AS url,
                  coalesce(published, (SELECT min(s.seen) FROM sources s WHERE s.article_id = articles.id),
                           min(ingested, :newest), ingested) AS time, language
           FROM articles WHERE story_id IS NULL AND duplicate_of IS NULL
           UNION ALL
           SELECT t.id, 'teaser', t.headline, t.standfirst, t.site, t.url,
                  coalesce(t.published, p.fetched, a.published, min(p.ingested, :newest), p.ingested), NULL
           FROM teasers t JOIN pages p ON p.hash = t.page_hash LEFT JOIN articles a ON a.id = t.article_id
           WHERE t.story_id IS NULL AND t.duplicate_of IS NULL
           ORDER BY time, id""", {"newest": newest}
    ).fetchall()


def update_stories(db: sqlite3.Connection, settings: Settings) -> Counter:
    from newsdesk.stories.grouping import GroupItem, StoryGrouper

    counts: Counter = Counter()
    row = db.execute("SELECT value FROM state WHERE key = ?", (GROUPER_STATE,)).fetchone()
    grouper = (StoryGrouper.from_state(json.loads(row["value"]), embeddings=settings.story_embeddings) if row
               else StoryGrouper(window_hours=settings.story_window_hours, embeddings=settings.story_embeddings,
                                 long_window_hours=settings.story_long_window_hours,
                                 slice_hours=settings.story_slice_hours))
    touched: set[str] = set()
    pending = _pending_items(db)
    kinds = {item["id"]: item["kind"] for item in pending}
    assignment = grouper.group(
        GroupItem(id=item["id"], headline=item["headline"], text=item["text"] or "", published=item["time"],
                  site=item["site"], url=item["url"], language=item["language"])
        for item in pending
    )
    with db:
        for item_id, story_id in assignment.items():
            story_id = story_id if story_id.startswith("s") else f"s{story_id}"
            kind = kinds.get(item_id)
            if kind is None:  # grouped in an earlier run; the slice's clustering has moved it
                old = db.execute("SELECT story_id, kind FROM story_members WHERE item_id = ?", (item_id,)).fetchone()
                if old is None:
                    continue
                kind = old["kind"]
                db.execute("DELETE FROM story_members WHERE item_id = ?", (item_id,))
                touched.add(old["story_id"])
                counts["items moved"] += 1
            table = "articles" if kind == "article" else "teasers"
            db.execute(f"UPDATE {table} SET story_id = ? WHERE id = ?", (story_id, item_id))
            db.execute("INSERT OR IGNORE INTO stories (id) VALUES (?)", (story_id,))
            db.execute("INSERT OR REPLACE INTO story_members (story_id, item_id, kind) VALUES (?, ?, ?)",
                       (story_id, item_id, kind))
            touched.add(story_id)
            if item_id in kinds:
                counts["items grouped"] += 1
        for story_id in touched:
            refresh_story(db, story_id)
        # a story whose every item has moved to another is gone
        db.executemany("DELETE FROM stories WHERE id = ? AND size = 0", [(story_id,) for story_id in touched])
        db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
                   (GROUPER_STATE, json.dumps(grouper.to_state())))
    counts["stories touched"] = len(touched)
    return counts


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


HEADLINE_BATCH = 64  # items written per transaction: another ingest or the desk waits for one batch, not the step


def update_headlines(db: sqlite3.Connection, on_step: Progress | None = None) -> Counter:
    """Give every article without a headline or standfirst one, then every story without one."""
    from newsdesk.stories.headlines import member_centrality, story_headline, write_headline, write_standfirst
    from newsdesk.store.write import index_item

    counts: Counter = Counter()
    rows = db.execute("SELECT * FROM articles WHERE headline IS NULL OR standfirst IS NULL").fetchall()
    stories = db.execute("SELECT id FROM stories WHERE headline IS NULL AND size > 0").fetchall()
    total = len(rows) + len(stories)
    for start in range(0, len(rows), HEADLINE_BATCH):
        with db:
            for row in rows[start: start + HEADLINE_BATCH]:
                _write_article_headline(db, row, write_headline, write_standfirst, index_item)
                counts["articles"] += 1
        if on_step:
            on_step("headlines", counts["articles"], total)
    for start in range(0, len(stories), HEADLINE_BATCH):
        with db:
            for (story_id,) in stories[start: start + HEADLINE_BATCH]:
                members = db.execute(
                    """SELECT m.item_id, coalesce(a.headline, t.headline, '') AS headline,
                              coalesce(a.text, t.standfirst, '') AS text
                       FROM story_members m LEFT JOIN articles a ON a.id = m.item_id
                       LEFT JOIN teasers t ON t.id = m.item_id WHERE m.story_id = ? ORDER BY m.item_id""",
                    (story_id,)).fetchall()
                pairs = [(m["headline"], m["text"]) for m in members]
                scores = member_centrality(pairs)
                db.executemany("UPDATE story_members SET score = ? WHERE item_id = ?",
                               [(float(score), m["item_id"]) for score, m in zip(scores, members)])
                headline, standfirst = story_headline(pairs, scores)
                db.execute("UPDATE stories SET headline = ?, standfirst = ? WHERE id = ?",
                           (headline.text, standfirst.text, story_id))
                counts["stories"] += 1
        if on_step:
            on_step("headlines", counts["articles"] + counts["stories"], total)
    return counts


def _write_article_headline(db: sqlite3.Connection, row: sqlite3.Row, write_headline, write_standfirst,
                            index_item) -> None:
    article = row_to_article(row)
    headline = write_headline(article)
    standfirst = (write_standfirst(article) if not row["standfirst"] else None)
    db.execute(
        """UPDATE articles SET headline = ?, headline_sentence = ?, standfirst = ?, standfirst_sentence = ?
           WHERE id = ?""",
        (headline.text, headline.sentence_index, standfirst.text if standfirst else row["standfirst"],
         standfirst.sentence_index if standfirst else row["standfirst_sentence"], row["id"]),
    )
    if row["duplicate_of"] is None:
        index_item(db, row["id"], "article", headline.text, row["text"], row["site"] or row["agency"])
