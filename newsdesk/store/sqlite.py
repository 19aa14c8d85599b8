"""The embedded store: one SQLite file in WAL mode, schema migrations as ordered functions, FTS5 search.

SQLite is the default because a desk on one machine should need no server; WAL lets the web desk read
while an ingest writes. Tables mirror the record types (pages, articles, teasers, sources, stories,
facts). Raw input is kept compressed with its content hash, so nothing ingested is ever lost and every
article can be re-extracted when the extractors improve (``newsdesk reextract``). Every write of one page
(page + article + teasers + sources) is a single transaction: a killed ingest leaves whole pages or
nothing, and the next run resumes by skipping the hashes it already holds.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path


def m001_core(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE pages (
            hash TEXT PRIMARY KEY,
            uri TEXT NOT NULL,
            url TEXT,
            kind TEXT NOT NULL,
            source TEXT,
            fetched TEXT,
            hints TEXT NOT NULL DEFAULT '{}',
            raw BLOB,                      -- zlib-compressed input bytes
            size INTEGER NOT NULL,
            status TEXT NOT NULL,          -- ok | failed
            error TEXT,
            ingested TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            page_hash TEXT NOT NULL REFERENCES pages(hash),
            duplicate_of TEXT REFERENCES articles(id),
            title TEXT,
            title_source TEXT NOT NULL,
            headline TEXT,                 -- title, or written from the text when untitled
            headline_sentence INTEGER,     -- which sentence a written headline came from
            standfirst TEXT,
            standfirst_sentence INTEGER,
            byline TEXT,
            agency TEXT,
            published TEXT,
            dateline TEXT,
            language TEXT,
            site TEXT,
            url TEXT,
            canonical_url TEXT,
            body_hash TEXT NOT NULL,
            blocks TEXT NOT NULL,          -- JSON [{kind, text}]
            captions TEXT NOT NULL,        -- JSON [{text, credit}]
            text TEXT NOT NULL,
            words INTEGER NOT NULL,
            story_id TEXT,
            ingested TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX articles_page ON articles(page_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_body_hash ON articles(body_hash);
        CREATE INDEX articles_canonical_url ON articles(canonical_url);
        CREATE TABLE teasers (
            id TEXT PRIMARY KEY,
            page_hash TEXT NOT NULL REFERENCES pages(hash),
            article_id TEXT REFERENCES articles(id),
            headline TEXT NOT NULL,
            standfirst TEXT NOT NULL DEFAULT '',
            url TEXT,
            published TEXT,
            site TEXT,
            duplicate_of TEXT,
            story_id TEXT
        );
        CREATE INDEX teasers_page ON teasers(page_hash);
        CREATE INDEX teasers_story ON teasers(story_id);
        CREATE TABLE sources (
            article_id TEXT NOT NULL REFERENCES articles(id),
            page_hash TEXT NOT NULL REFERENCES pages(hash),
            site TEXT,
            url TEXT,
            seen TEXT,
            PRIMARY KEY (article_id, page_hash)
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            headline TEXT,
            standfirst TEXT,
            first_seen TEXT,
            last_seen TEXT,
            size INTEGER NOT NULL DEFAULT 0,
            sources INTEGER NOT NULL DEFAULT 0,
            updated TEXT
        );
        CREATE INDEX stories_last_seen ON stories(last_seen);
        CREATE TABLE story_members (
            story_id TEXT NOT NULL REFERENCES stories(id),
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL,            -- article | teaser
            score REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (story_id, item_id)
        );
        CREATE INDEX story_members_item ON story_members(item_id);
        CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- when each story member ran; a teaser without its own date ran when its page's article did
        CREATE VIEW story_times AS
            SELECT m.story_id, m.item_id, coalesce(a.published, t.published, ta.published, a.ingested) AS time
            FROM story_members m
            LEFT JOIN articles a ON a.id = m.item_id
            LEFT JOIN teasers t ON t.id = m.item_id
            LEFT JOIN articles ta ON ta.id = t.article_id;
        CREATE VIRTUAL TABLE search USING fts5(
            item_id UNINDEXED, kind UNINDEXED, title, body, site,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        -- FTS5 cannot index item_id; this finds an item's search row without scanning the index
        CREATE TABLE search_rows (item_id TEXT PRIMARY KEY, row INTEGER NOT NULL);
        """
    )


def m002_facts(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE entities (
            article_id TEXT NOT NULL REFERENCES articles(id),
            label TEXT NOT NULL,
            name TEXT NOT NULL,
            mentions TEXT NOT NULL         -- JSON [[start, end, text]]
        );
        CREATE INDEX entities_name ON entities(name COLLATE NOCASE);
        CREATE INDEX entities_article ON entities(article_id);
        CREATE TABLE places (
            article_id TEXT NOT NULL REFERENCES articles(id),
            name TEXT NOT NULL,
            country TEXT,
            lat REAL,
            lon REAL,
            geonameid INTEGER,
            mentions TEXT NOT NULL
        );
        CREATE INDEX places_name ON places(name COLLATE NOCASE);
        CREATE INDEX places_article ON places(article_id);
        CREATE TABLE dates (
            article_id TEXT NOT NULL REFERENCES articles(id),
            text TEXT NOT NULL,
            value TEXT,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            relation TEXT NOT NULL
        );
        CREATE INDEX dates_article ON dates(article_id);
        CREATE TABLE figures (
            article_id TEXT NOT NULL REFERENCES articles(id),
            category TEXT NOT NULL,
            text TEXT NOT NULL,
            low REAL,
            high REAL,
            record TEXT NOT NULL           -- JSON of the whole Figure
        );
        CREATE INDEX figures_article ON figures(article_id);
        CREATE TABLE facts_done (article_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
        """
    )


def m003_sources(db: sqlite3.Connection) -> None:
    """The sources a desk polls (``feeds``; ``sources`` already names where an article ran) and the entry
    addresses each has handed over, so a feed's article pages are fetched once."""
    db.executescript(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            site_url TEXT,
            kind TEXT,                     -- feed | sitemap | page, learnt on the first poll
            interval INTEGER NOT NULL,     -- seconds between polls
            ignore_robots INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            etag TEXT,
            last_modified TEXT,
            last_poll TEXT,
            last_success TEXT,
            last_error TEXT,
            last_error_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,   -- consecutive
            next_due TEXT,                 -- NULL: due now
            items_total INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE feed_items (
            link TEXT PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            seen TEXT NOT NULL
        );
        CREATE INDEX feed_items_feed ON feed_items(feed_id, seen);
        """
    )


def m004_signatures(db: sqlite3.Connection) -> None:
    """Each canonical article's MinHash signature, so the copy index of the last days is rebuilt at the
    start of every ingest or fetch round from blobs instead of re-shingling every body. ``scheme``
    names the shingle size and permutations: a signature made with other settings is recomputed."""
    db.executescript(
        """
        CREATE TABLE signatures (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            scheme TEXT NOT NULL,
            shingles INTEGER NOT NULL,
            hashvalues BLOB NOT NULL
        );
        """
    )


def m005_teaser_times(db: sqlite3.Connection) -> None:
    """An undated teaser's time is its page's capture time before the page's article date: a "latest
    news" rail is as new as the capture, and an archived article page can be years older than its rail."""
    db.executescript(
        """
        DROP VIEW story_times;
        CREATE VIEW story_times AS
            SELECT m.story_id, m.item_id,
                   coalesce(a.published, t.published, tp.fetched, ta.published, a.ingested, tp.ingested) AS time
            FROM story_members m
            LEFT JOIN articles a ON a.id = m.item_id
            LEFT JOIN teasers t ON t.id = m.item_id
            LEFT JOIN pages tp ON tp.hash = t.page_hash
            LEFT JOIN articles ta ON ta.id = t.article_id;
        """
    )


def m006_time_basis(db: sqlite3.Connection) -> None:
    """Say what each member's time is: a reader must not take the date of the page a teaser was on, or
    the moment newsdesk read an undated article, for the day it was published."""
    db.executescript(
        """
        DROP VIEW story_times;
        CREATE VIEW story_times AS
            SELECT m.story_id, m.item_id,
                   coalesce(a.published, t.published, tp.fetched, ta.published, a.ingested, tp.ingested) AS time,
                   CASE WHEN coalesce(a.published, t.published) IS NOT NULL THEN 'published'
                        WHEN tp.fetched IS NOT NULL THEN 'captured'
                        WHEN ta.published IS NOT NULL THEN 'page'
                        ELSE 'ingested' END AS basis
            FROM story_members m
            LEFT JOIN articles a ON a.id = m.item_id
            LEFT JOIN teasers t ON t.id = m.item_id
            LEFT JOIN pages tp ON tp.hash = t.page_hash
            LEFT JOIN articles ta ON ta.id = t.article_id;
        """
    )


def m007_search_scripts(db: sqlite3.Connection) -> None:
    """Re-store the search text of items in Chinese, Japanese, Korean or Greek as ``search.indexed`` now
    spells it, so that their words are found (see ``newsdesk.store.search``). The tokenizer is unchanged
    and rows keep their rowids, so only those rows are rewritten and ``search_rows`` stays right."""
    from newsdesk.store.search import indexed

    # gathered first: rewriting an FTS5 table while a read of it is open is not safe
    changed = []
    for rowid, *texts in db.execute("SELECT rowid, title, body, site FROM search"):
        respelt = [indexed(text or "") for text in texts]
        if respelt != [text or "" for text in texts]:
            changed.append((*respelt, rowid))
    db.executemany("UPDATE search SET title = ?, body = ?, site = ? WHERE rowid = ?", changed)


def m008_teaser_language(db: sqlite3.Connection) -> None:
    """A teaser's language, so that a search or a feed by language keeps the teasers in it (a French feed's
    items had been dropped by ``--language fr``, having none)."""
    if "language" not in {row[1] for row in db.execute("PRAGMA table_info(teasers)")}:
        db.execute("ALTER TABLE teasers ADD COLUMN language TEXT")


def m009_search_thai(db: sqlite3.Connection) -> None:
    """Thai, Lao, Myanmar and Khmer, written without spaces too, are indexed as Chinese is (see m007)."""
    m007_search_scripts(db)


def m010_seen_times(db: sqlite3.Connection) -> None:
    """An article with no date of its own takes the first time it or a copy of it was seen, by a copy's date or
    a page's capture (a WARC record's date): such stories had been dated by when newsdesk read them, so a crawl's
    undated articles, and a story whose only dated source was a copy, fell outside every window."""
    db.executescript(
        """
        DROP VIEW story_times;
        CREATE VIEW story_times AS
            SELECT m.story_id, m.item_id,
                   coalesce(a.published, t.published,
                            (SELECT min(s.seen) FROM sources s WHERE s.article_id = a.id),
                            tp.fetched, ta.published, a.ingested, tp.ingested) AS time,
                   CASE WHEN coalesce(a.published, t.published) IS NOT NULL THEN 'published'
                        WHEN (SELECT min(s.seen) FROM sources s WHERE s.article_id = a.id) IS NOT NULL THEN 'seen'
                        WHEN tp.fetched IS NOT NULL THEN 'captured'
                        WHEN ta.published IS NOT NULL THEN 'page'
                        ELSE 'ingested' END AS basis
            FROM story_members m
            LEFT JOIN articles a ON a.id = m.item_id
            LEFT JOIN teasers t ON t.id = m.item_id
            LEFT JOIN pages tp ON tp.hash = t.page_hash
            LEFT JOIN articles ta ON ta.id = t.article_id;
        """
    )


def m011_utc_times(db: sqlite3.Connection) -> None:
    """Times with a UTC offset are stored in UTC (see ``records.utc_time``), so that stored times sort and
    compare as text in their order in time; the stories' first and last seen are taken again from them."""
    from newsdesk.records import utc_time

    for table, key, column in (("articles", "id", "published"), ("teasers", "id", "published"),
                               ("sources", "rowid", "seen")):
        rows = db.execute(f"SELECT {key}, {column} FROM {table} WHERE length({column}) > 10 "
                          f"AND substr({column}, -1) != 'Z'").fetchall()
        db.executemany(f"UPDATE {table} SET {column} = ? WHERE {key} = ?",
                       [(utc_time(value), row_key) for row_key, value in rows if utc_time(value) != value])
    db.execute("""UPDATE stories SET first_seen = (SELECT min(time) FROM story_times WHERE story_id = stories.id),
                                     last_seen = (SELECT max(time) FROM story_times WHERE story_id = stories.id)""")


def m012_page_versions(db: sqlite3.Connection) -> None:
    """A page that is another version of a stored article (the same piece at the same address, edited or
    re-fetched) names that article: its bytes are kept, but its text is not the article's, so re-extraction
    passes over it instead of writing an old version over the newest or storing it as a copy."""
    if "version_of" not in {row[1] for row in db.execute("PRAGMA table_info(pages)")}:
        db.execute("ALTER TABLE pages ADD COLUMN version_of TEXT")


def m013_feed_entry_versions(db: sqlite3.Connection) -> None:
    """What a feed entry said when its link was handled (a digest of its title and dates), so an entry that
    changed since (an edited article) is fetched once more instead of being skipped as a known link."""
    if "entry_version" not in {row[1] for row in db.execute("PRAGMA table_info(feed_items)")}:
        db.execute("ALTER TABLE feed_items ADD COLUMN entry_version TEXT")


def m014_local_publication_day(db: sqlite3.Connection) -> None:
    """An article's publication day where it was published: its time is kept in UTC (m011), and the facts of a
    report published early in the day east of Greenwich (or late west of it) counted "yesterday" and "on
    Thursday" from the wrong day. Stores written before keep counting from the UTC day."""
    if "published_day" not in {row[1] for row in db.execute("PRAGMA table_info(articles)")}:
        db.execute("ALTER TABLE articles ADD COLUMN published_day TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_core, m002_facts, m003_sources, m004_signatures, m005_teaser_times, m006_time_basis,
    m007_search_scripts, m008_teaser_language, m009_search_thai, m010_seen_times, m011_utc_times,
    m012_page_versions, m013_feed_entry_versions, m014_local_publication_day,
]


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the store at ``path``."""
    path = Path(path)
    if readonly:
        if not path.exists():
            raise FileNotFoundError(f"no newsdesk store at {path} (run `newsdesk ingest` first)")
        # as_uri() escapes the path: a "#" or "?" in a raw file: URI would cut it and drop mode=ro.
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False)
    try:
        # Opening reads nothing; this first read makes a file that is not SQLite fail here, in words, and
        # not at whichever query a caller happens to run first.
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError:
            if not readonly:
                raise
            # a WAL store in a folder we may not write (a read-only mount, a backup): its -shm file cannot be
            # made, so it is read as a file that does not change
            db.close()
            db = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True, check_same_thread=False)
            version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        db.close()
        if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            raise sqlite3.DatabaseError(f"{path} is not a newsdesk store (not an SQLite database)") from exc
        raise
    # migrations number the schema in user_version: at 0, a database with tables is some other program's,
    # which must neither get newsdesk's tables added nor be read as a store ("no such table" tracebacks)
    if version == 0 and (readonly or db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]):
        db.close()
        raise sqlite3.DatabaseError(f"{path} is not a newsdesk store (an SQLite database without its tables)")
    if readonly and version < len(MIGRATIONS):
        # a store written by an older newsdesk: reading it with today's queries needs today's schema,
        # so the first reader after an upgrade brings it up to date (migrations only add)
        db.close()
        try:
            connect(path).close()
        except sqlite3.OperationalError as exc:
            raise sqlite3.DatabaseError(f"{path} was written by an older newsdesk and cannot be updated here "
                                        f"({exc}); open it once where it is writable") from exc
        return connect(path, readonly=True)
    if not readonly:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=120000")  # a second ingest waits out the other's story step
    if not readonly:
        migrate(db)
    return db


def migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db:
            step(db)
            db.execute(f"PRAGMA user_version = {number}")


def backup(source: str | Path, dest: str | Path, overwrite: bool = False) -> dict[str, int | str]:
    """Copy the store at ``source`` to ``dest`` as one self-contained SQLite file, and say what it holds.

    A copy of the store's file alone loses whatever sits in its ``-wal`` file, which is most of what was
    written since the last checkpoint (an operator's ``cp`` kept 4 of 28 articles). SQLite's online backup
    copies the database as its readers see it, WAL content included, in one read transaction: a snapshot
    that neither blocks nor is torn by ``serve`` or an ingest writing meanwhile. The copy is written beside
    ``dest`` and renamed into place, so a backup that fails or is killed leaves no half-written store there.
    ``dest`` is not replaced unless ``overwrite``: FileExistsError. It is readable by its owner only, as the
    store is the one place that keeps the followed sources' credentials.
    """
    dest = Path(dest)
    if dest.exists():
        if Path(source).resolve() == dest.resolve():
            raise ValueError(f"{dest} is the store itself")
        if dest.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory; give the backup a file name", str(dest))
        if not overwrite:
            raise FileExistsError(errno.EEXIST, "already exists", str(dest))
    db = connect(source, readonly=True)
    try:
        handle, part = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        os.close(handle)
        try:
            copy = sqlite3.connect(part)
            try:
                db.backup(copy)
                counts = {table: copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                          for table in ("pages", "articles", "teasers", "stories", "feeds")}
            finally:
                copy.close()
            os.replace(part, dest)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
    finally:
        db.close()
    return {"store": str(source), "backup": str(dest), "bytes": dest.stat().st_size, **counts}
