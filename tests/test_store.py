"""The SQLite store: schema migrations, one-transaction page writes, raw bytes kept, FTS5 search."""

from __future__ import annotations

import sqlite3
import zlib

import pytest

from newsdesk.records import Article, Block, Page, Source, Teaser
from newsdesk.store import queries, write
from newsdesk.store.search import MARK_OPEN, find
from newsdesk.store.sqlite import MIGRATIONS, connect


def store_article(db, text: str, title: str | None, site: str, url: str, published: str) -> Article:
    page = Page(uri=url, raw=f"<html><body><p>{text}</p></body></html>".encode(), kind="html", url=url)
    article = Article(page_hash=page.hash, blocks=[Block("h", "A subhead"), Block("p", text)], title=title,
                      title_source="publisher" if title else "none", site=site, url=url, published=published,
                      language="en")
    with db:
        write.save_page(db, page)
        write.save_article(db, article)
        write.save_source(db, Source(article.id, page.hash, site, url, published))
    return article


def test_migrations_are_recorded_and_reopening_is_a_no_op(settings):
    first = connect(settings.db)
    assert first.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert first.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first.close()
    again = connect(settings.db)
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_raw_input_is_kept_compressed_with_its_hash(db):
    page = Page(uri="x.html", raw=b"<html>" + "é".encode() * 1000 + b"</html>", kind="html")
    with db:
        write.save_page(db, page)
    row = db.execute("SELECT * FROM pages WHERE hash = ?", (page.hash,)).fetchone()
    assert zlib.decompress(row["raw"]) == page.raw and row["size"] == len(page.raw)
    assert write.known_status(db, page.hash) == "ok"


def test_search_ranks_title_matches_first_and_marks_snippets(db):
    store_article(db, "Rebels in Aleppo faced air strikes on Wednesday.", "Aleppo bombardment scaled back",
                  "afp.example", "https://afp.example/1", "2016-10-06")
    store_article(db, "Markets rose. Traders mentioned Aleppo only in passing while discussing oil.",
                  "Oil prices climb", "markets.example", "https://markets.example/2", "2016-10-06")
    rows = find(db, "aleppo")["hits"]
    assert [r["headline"] for r in rows] == ["Aleppo bombardment scaled back", "Oil prices climb"]
    assert MARK_OPEN + "Aleppo" in rows[1]["snippet"]
    assert find(db, "aleppo", site="markets.example")["hits"][0]["site"] == "markets.example"
    assert find(db, "aleppo", since="2016-10-07")["hits"] == []


def test_search_never_raises_on_fts_syntax_in_user_text(db):
    store_article(db, "Text about NEAR and OR operators.", "Operators", "s.example", "https://s.example/1", "2020-01-01")
    for query in ['"unbalanced', "AND OR NOT", "col:umn*", "(((operators", "NEAR(", "'; DROP TABLE articles; --"]:
        find(db, query)
    assert find(db, '"NEAR and OR"')["hits"][0]["headline"] == "Operators"


def test_a_term_said_many_times_is_searched_once_and_a_query_has_a_bound():
    """A self-hoster's QA pass: 250 times "t*" (under the 500-character limit) kept the server busy for
    141 s, as FTS5's snippets cost grows steeply with the terms. Repeats go; past 32 terms the query is refused."""
    from newsdesk.store.search import MAX_QUERY_TERMS, fts_query

    assert fts_query(" ".join(["t*"] * 250)) == fts_query("t*") == '"t" *'
    assert fts_query("aleppo OR aleppo syria Syria syria") == fts_query("aleppo syria Syria")
    assert fts_query("AND OR AND OR") == '"AND" AND "OR"'
    many = " ".join(f"word{i}" for i in range(MAX_QUERY_TERMS + 1))
    with pytest.raises(ValueError, match="more than 32"):
        fts_query(many)
    fts_query(" ".join(many.split()[:MAX_QUERY_TERMS]))


def test_a_surname_finds_the_person_under_every_name_they_are_stored_by(db):
    """A self-hoster's QA pass: --person Obama found the 4 articles that wrote "Obama" alone, not the 20 that
    named Barack Obama, as the bare surname was also a stored name."""
    from newsdesk.records import Entity, Facts

    full = store_article(db, "Barack Obama spoke on Monday.", "Speech", "a.example", "https://a.example/1", "2016-10-05")
    bare = store_article(db, "Obama spoke again on Tuesday.", "Again", "a.example", "https://a.example/2", "2016-10-06")
    other = store_article(db, "Michelle Obama opened a school.", "School", "a.example", "https://a.example/3", "2016-10-06")
    with db:
        for article, name in ((full, "Barack Obama"), (bare, "Obama"), (other, "Michelle Obama")):
            write.save_facts(db, Facts(article.id, entities=[Entity("PERSON", name, [])]), version=1)
    assert {h["headline"] for h in find(db, "spoke", person="Obama")["hits"]} == {"Speech", "Again"}
    assert {h["headline"] for h in find(db, "", person="obama")["hits"]} == {"Speech", "Again", "School"}
    assert {h["headline"] for h in find(db, "", person="Barack Obama")["hits"]} == {"Speech"}


def test_article_read_back_keeps_subheads_sources_and_page_teasers(db):
    article = store_article(db, "Body text here.", None, "s.example", "https://s.example/1", "2020-01-01")
    teaser = Teaser("Other story headline", "Its standfirst.", page_hash=article.page_hash)
    with db:
        write.save_teaser(db, teaser, article.id, "s.example")
    data = queries.article(db, article.id)
    assert data["untitled"] and data["subheads"] == ["A subhead"]
    assert [s["site"] for s in data["sources"]] == ["s.example"]
    assert [t["headline"] for t in data["teasers"]] == ["Other story headline"]
    assert find(db, "standfirst")["hits"][0]["kind"] == "teaser"


def test_readonly_connection_refuses_a_missing_store(tmp_path):
    try:
        connect(tmp_path / "absent.db", readonly=True)
    except FileNotFoundError as exc:
        assert "newsdesk ingest" in str(exc)
    else:
        raise AssertionError("expected FileNotFoundError")


def test_a_failed_write_leaves_no_partial_page(db):
    page = Page(uri="p", raw=b"<p>x</p>", kind="html")
    article = Article(page_hash=page.hash, blocks=[Block("p", "x")])
    try:
        with db:
            write.save_page(db, page)
            write.save_article(db, article)
            raise sqlite3.OperationalError("disk went away")
    except sqlite3.OperationalError:
        pass
    assert write.known_status(db, page.hash) is None
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_a_store_holding_impossible_dates_still_lists_its_stories(db):
    """Stores written before ingest checked dates hold "2024-13-45" (a JSONL hint as given) or year 9999:
    every `stories` run crashed on the first and the desk's window sat on the second."""
    good = store_article(db, "Budget approved by the council.", "Budget", "a.example", "https://a.example/1",
                         "2016-10-05")
    bad = store_article(db, "Senate meets.", "Senate", "a.example", "https://a.example/2", "2024-13-45")
    with db:
        for story_id, article, last_seen in (("s1", good, "2016-10-05"), ("s2", bad, "2024-13-45"),
                                             ("s3", bad, "9999-12-31")):
            db.execute("INSERT INTO stories (id, size, sources, first_seen, last_seen, headline) VALUES (?, 1, 1, ?, ?, ?)",
                       (story_id, last_seen, last_seen, story_id))
    assert queries.newest_dated(db) == "2016-10-05"
    assert queries.newest_time(db) == "2016-10-05"
    assert [s["id"] for s in queries.stories(db, days=3)] == ["s1"]
    assert {s["id"] for s in queries.stories(db, days=None)} == {"s1", "s2", "s3"}


def test_a_store_from_an_older_newsdesk_is_brought_up_to_date_by_its_first_reader(settings):
    """The web desk and the read commands open the store read-only; a store written before the last
    migration lacked what today's queries read (the story_times view's time basis)."""
    from newsdesk.store import sqlite as store_sqlite

    db = connect(settings.db)
    with db:
        db.executescript(
            """DROP VIEW story_times;
               CREATE VIEW story_times AS SELECT m.story_id, m.item_id, NULL AS time FROM story_members m;
               PRAGMA user_version = 5;""")
    db.close()
    reader = connect(settings.db, readonly=True)
    assert reader.execute("PRAGMA user_version").fetchone()[0] == len(store_sqlite.MIGRATIONS)
    assert reader.execute("SELECT basis FROM story_times").fetchall() == []
    reader.close()


def test_a_windows_start_is_written_as_its_end():
    """A QA pass: the front page's JSON gave a window from "2024-10-07T15:00:00" to "2024-10-10T15:00:00Z"."""
    from newsdesk.store.queries import window_start

    assert window_start("2024-10-10T15:00:00Z", 3) == "2024-10-07T15:00:00Z"
    assert window_start("2024-10-10T15:00:00", 0.5) == "2024-10-10T03:00:00"
    # the demo's front page gave a window from "2016-10-03T00:00:00" to "2016-10-06"
    assert window_start("2024-10-10", 1) == "2024-10-09"
    assert window_start("2024-10-10", 0.5) == "2024-10-09T12:00:00"


def test_a_store_without_teaser_languages_gets_the_column(settings):
    db = connect(settings.db)
    with db:
        db.executescript("ALTER TABLE teasers DROP COLUMN language; PRAGMA user_version = 7;")
    db.close()
    reader = connect(settings.db, readonly=True)
    assert "language" in {row[1] for row in reader.execute("PRAGMA table_info(teasers)")}
    reader.close()


def test_a_since_with_a_time_keeps_items_dated_by_that_day_alone(db):
    """A newcomer's QA pass: `search Aleppo --since 2016-10-06T00:00` dropped an article dated "2016-10-06"."""
    from newsdesk.records import Article, Block, Page
    from newsdesk.store import write
    from newsdesk.store.search import ItemMeta, find

    page = Page(uri="aleppo.txt", raw=b"Strikes hit Aleppo.", kind="text")
    with db:
        write.save_page(db, page)
        write.save_article(db, Article(page_hash=page.hash, blocks=[Block("p", "Strikes hit Aleppo on Wednesday.")],
                                       title="Strikes hit Aleppo", published="2016-10-06", language="en"))
    for since, found in (("2016-10-06T00:00", 1), ("2016-10-06T12:00:00", 1), ("2016-10-07T00:00", 0)):
        assert find(db, "Aleppo", since=since)["total"] == found, since
        assert find(db, "Aleppo", since=since, meta=ItemMeta())["total"] == found, since


def test_search_reads_or_and_exclusions(db):
    """A researcher's QA pass: "Apple OR Samsung" found nothing, and "Apple -iOS" found exactly what "Apple iOS"
    found, the opposite of what was asked."""
    import pytest

    store_article(db, "Apple released iOS 7.1 with CarPlay.", "Apple updates iOS", "a.example", "https://a.example/1",
                  "2014-03-10")
    store_article(db, "Apple shares rose on Monday.", "Apple shares rise", "a.example", "https://a.example/2", "2014-03-10")
    store_article(db, "Samsung unveiled the Galaxy S5.", "Samsung Galaxy S5", "b.example", "https://b.example/3",
                  "2014-03-10")

    def headlines(query: str) -> set[str]:
        return {hit["headline"] for hit in find(db, query)["hits"]}

    assert headlines("Apple OR Samsung") == {"Apple updates iOS", "Apple shares rise", "Samsung Galaxy S5"}
    assert headlines("(Apple OR Samsung) AND Galaxy") == {"Samsung Galaxy S5"}
    assert headlines("Apple -iOS") == headlines("Apple NOT iOS") == {"Apple shares rise"}
    assert headlines('"Galaxy S5" OR CarPlay') == {"Samsung Galaxy S5", "Apple updates iOS"}
    with pytest.raises(ValueError, match="only words to leave out"):
        find(db, "-iOS")
    # a "-" before no word leaves nothing out, and not the next word either (the API contract test found "-\x1a 9"
    # refused as a query of only words to leave out)
    assert headlines("-!! Samsung") == {"Samsung Galaxy S5"}
    # a QA pass: "Sams*" found nothing; a trailing * now asks for any word it begins
    assert headlines("Sams*") == {"Samsung Galaxy S5"} and headlines("Sams") == set()
    assert headlines("Apple -sha*") == {"Apple updates iOS"} and headlines("Gal* OR Car*") == headlines("Galaxy OR CarPlay")


def test_times_with_an_offset_are_stored_in_utc_so_they_sort_and_filter_in_time_order(db):
    """A researcher's QA pass: a Hong Kong report at 02:00+08:00 (18:00 UTC) and a London one at 20:00Z sorted
    as text, so the story "ended" before it began, and "--until 17 March" kept New York's 19:00-05:00 items,
    which are 18 March in UTC."""
    hong_kong = store_article(db, "Search for the missing plane widens.", "Search widens", "hk.example",
                              "https://hk.example/1", "2014-03-19T02:00:00+08:00")
    store_article(db, "The missing plane search goes on.", "Search goes on", "ny.example", "https://ny.example/2",
                  "2014-03-17T19:00:00-05:00")
    assert db.execute("SELECT published FROM articles WHERE id = ?", (hong_kong.id,)).fetchone()[0] == (
        "2014-03-18T18:00:00Z")
    assert [hit["headline"] for hit in find(db, "plane", until="2014-03-17")["hits"]] == []
    assert {hit["headline"] for hit in find(db, "plane", since="2014-03-18", until="2014-03-18")["hits"]} == {
        "Search widens", "Search goes on"}
    assert [hit["headline"] for hit in find(db, "plane", since="2014-03-18T19:00:00+01:00")["hits"]] == ["Search widens"]
    assert queries.stored_datetime("2014-03-19T02:00:00+08:00").isoformat() == "2014-03-18T18:00:00"


def test_place_and_person_filters_mean_whole_names_or_what_the_text_wrote(db):
    """A researcher's QA pass: --place UK matched Ukraine, Timbuktu and Chukchi Sea (substrings) and none of
    the UK's own mentions, which are stored as United Kingdom; --place Kiev found nothing, as Kyiv."""
    from newsdesk.records import Entity, Facts, Place
    from newsdesk.store.search import resolve_names

    article = store_article(db, "Talks in Kiev and London.", "Talks", "a.example", "https://a.example/1", "2014-03-10")
    with db:
        write.save_facts(db, Facts(article.id, entities=[Entity("PERSON", "John Kerry", [])], places=[
            Place("United Kingdom", "GB", 54.0, -2.0, None, [(16, 18, "UK")]),
            Place("Ukraine", "UA", 49.0, 32.0, None, [(0, 7, "Ukraine")]),
            Place("Timbuktu", "ML", 16.7, -3.0, None, [(0, 8, "Timbuktu")]),
            Place("Kyiv", "UA", 50.45, 30.52, None, [(9, 13, "Kiev")])]), version=1)
    assert resolve_names(db, "places", "UK") == ["United Kingdom"]
    assert resolve_names(db, "places", "kiev") == ["Kyiv"]
    assert resolve_names(db, "places", "ukraine") == ["Ukraine"]
    assert resolve_names(db, "places", "Ukr") == []  # not a whole word of any name
    assert resolve_names(db, "entities", "Kerry", "PERSON") == ["John Kerry"]
