"""Re-extraction from the store's kept bytes: an older extractor's output is brought up to date in place.

An older extractor is simulated by writing stale output over a real ingest (the seed page's teasers glued
into its body, a lost title, a missing teaser); re-extraction must restore what today's extractors give,
keep ids, sources and stories, redo what depended on the text, and lose nothing when a page fails."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, SEED

from newsdesk.pipeline import ingest
from newsdesk.reextract import reextract
from newsdesk.store import search

HTML_PAGE = FIXTURES / "html" / "wcxb-0438.html"


@pytest.fixture
def ingested(db, settings):
    ingest([str(SEED), str(HTML_PAGE)], db, settings)
    return db


def _articles(db) -> dict[str, dict]:
    return {row["page_hash"]: dict(row) for row in db.execute("SELECT * FROM articles")}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_fresh_store_reextracts_to_the_same_thing(ingested, settings, workers):
    from dataclasses import replace

    before = _articles(ingested)
    report = reextract(ingested, replace(settings, workers=workers))
    assert report.steps["reextract"] == {"unchanged": 2} and report.failed == 0 and report.stored == 0
    assert _articles(ingested) == before


def test_stale_output_is_replaced_in_place_and_what_depends_on_it_is_redone(ingested, settings):
    db = ingested
    fresh = _articles(db)
    seed = next(a for a in fresh.values() if a["agency"] == "AFP")
    html = next(a for a in fresh.values() if a["agency"] != "AFP")
    glued = json.loads(seed["blocks"]) + [{"kind": "p", "text": "Quokka festival draws record crowds"}]
    with db:
        db.execute("UPDATE articles SET blocks = ?, text = text || ?, body_hash = 'stale' WHERE id = ?",
                   (json.dumps(glued), "\n\nQuokka festival draws record crowds", seed["id"]))
        db.execute("UPDATE articles SET title = NULL, title_source = 'none' WHERE id = ?", (html["id"],))
        db.execute("UPDATE articles SET published = '2001-01-01' WHERE id = ?", (seed["id"],))
        db.execute("UPDATE stories SET first_seen = '2001-01-01' WHERE id = ?", (seed["story_id"],))
        db.execute("DELETE FROM story_members WHERE item_id IN (SELECT id FROM teasers WHERE headline LIKE 'TikTok%')")
        db.execute("DELETE FROM teasers WHERE headline LIKE 'TikTok%'")
    from newsdesk.store.write import index_item

    with db:
        index_item(db, seed["id"], "article", seed["headline"], seed["text"] + " Quokka festival", seed["site"])
    assert search.find(db, "quokka")["total"] == 1

    report = reextract(db, settings)

    assert report.steps["reextract"] == {"updated": 2} and report.teasers == 1 and report.failed == 0
    after = _articles(db)
    for page_hash, row in after.items():
        for column in ("id", "blocks", "text", "title", "published", "story_id", "duplicate_of", "body_hash"):
            assert row[column] == fresh[page_hash][column], column
        assert row["headline"] and row["standfirst"]
    assert search.find(db, "quokka")["total"] == 0
    first_seen = db.execute("SELECT first_seen FROM stories WHERE id = ?", (seed["story_id"],)).fetchone()[0]
    assert first_seen == seed["published"]
    assert search.find(db, "Aleppo")["total"] >= 1
    done = {r[0] for r in db.execute("SELECT article_id FROM facts_done")}
    assert {seed["id"], html["id"]} <= done
    assert db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 2
    tiktok = db.execute("SELECT story_id FROM teasers WHERE headline LIKE 'TikTok%'").fetchone()
    assert tiktok["story_id"]
    assert db.execute("SELECT count(*) FROM stories WHERE headline IS NULL").fetchone()[0] == 0


def test_a_page_that_failed_before_is_stored_and_one_that_fails_now_keeps_its_article(db, settings, monkeypatch):
    import newsdesk.pipeline

    real_extract = newsdesk.pipeline.extract

    def old_extractor(page):
        if page.kind == "text":
            raise ValueError("no article text found")
        return real_extract(page)

    monkeypatch.setattr(newsdesk.pipeline, "extract", old_extractor)
    first = ingest([str(SEED), str(HTML_PAGE)], db, settings)
    assert first.failed == 1 and first.stored == 1
    monkeypatch.setattr(newsdesk.pipeline, "extract", real_extract)
    html_before = db.execute("SELECT * FROM articles").fetchone()

    def regressed(page):
        if page.kind == "html":
            raise ValueError("no article text found")
        return real_extract(page)

    monkeypatch.setattr(newsdesk.pipeline, "extract", regressed)
    report = reextract(db, settings)

    assert report.stored == 1 and report.teasers == 20 and report.failed == 1
    assert report.failures[0].reason == "no article text found (the stored extraction is kept)"
    assert dict(db.execute("SELECT * FROM articles WHERE id = ?", (html_before["id"],)).fetchone()) == dict(html_before)
    seed = db.execute("SELECT * FROM articles WHERE agency = 'AFP'").fetchone()
    assert seed["story_id"] and seed["headline"]
    assert db.execute("SELECT status FROM pages WHERE hash = ?", (seed["page_hash"],)).fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM teasers WHERE story_id IS NULL").fetchone()[0] == 0
