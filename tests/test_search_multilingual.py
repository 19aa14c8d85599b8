"""Search beyond English: Chinese and Japanese words inside runs of characters, unaccented and capitalised
Greek, English ranked exactly as before, and a store written before CJK indexing brought up to date."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsdesk.cli import main
from newsdesk.records import Article, Block, Page, Teaser
from newsdesk.store import write
from newsdesk.store.search import MARK_CLOSE, MARK_OPEN, find
from newsdesk.store.sqlite import MIGRATIONS, connect
from newsdesk.web.app import create_app

STATS = (
    "新华社北京10月6日电 国家统计局6日发布数据显示，今年前三季度全国居民人均可支配收入实际增长6.3%，"
    "城乡居民收入差距继续缩小。国家统计局新闻发言人表示，就业形势总体稳定。"
)
FILM = "第二十届上海国际电影节将于明年六月举行，来自一百多个国家和地区的影片报名参赛。"
BUDGET = "政府は来年度予算の概算要求の基本方針を決定した。防衛費は過去最大となる見通しだ。"
GREEK = "Η Βουλή ψηφίζει σήμερα τα νέα μέτρα λιτότητας που ζήτησαν οι δανειστές της χώρας."
ENGLISH = [
    ("Syria scales back Aleppo air strikes", "Syria's army said it would reduce air strikes on rebel-held Aleppo. "
     "The army said the strikes had killed many civilians in eastern Aleppo."),
    ("UN says air strike hit Aleppo aid convoy", "The United Nations concluded an air strike was responsible for the "
     "attack on an aid convoy near Aleppo."),
    ("Oil price hits highest level in a year", "The price of a barrel of oil hit its highest level in a year, driven "
     "by an Opec deal; Syria and Aleppo are far from the markets."),
    ("Nadal knocked out in Shanghai", "Rafael Nadal was knocked out in the second round of the Shanghai tournament."),
]


def _article(db: sqlite3.Connection, uri: str, title: str, text: str, language: str) -> Article:
    page = Page(uri=uri, raw=text.encode(), kind="text", url=f"https://news.example/{uri}", source="news.example")
    article = Article(page_hash=page.hash, blocks=[Block("p", text)], title=title, language=language,
                      site="news.example", published="2016-10-06T10:00:00")
    write.save_page(db, page)
    write.save_article(db, article)
    return article


def _build(db: sqlite3.Connection) -> dict[str, str]:
    ids = {
        "stats": _article(db, "stats", "国家统计局：前三季度居民收入实际增长6.3%", STATS, "zh").id,
        "film": _article(db, "film", "第二十届上海国际电影节明年六月举行", FILM, "zh").id,
        "budget": _article(db, "budget", "来年度予算、防衛費は過去最大に", BUDGET, "ja").id,
        "greek": _article(db, "greek", "ΝΈΑ ΜΈΤΡΑ: Η Βουλή ψηφίζει σήμερα", GREEK, "el").id,
    }
    for i, (title, text) in enumerate(ENGLISH):
        ids[f"en{i}"] = _article(db, f"en{i}", title, text, "en").id
    teaser = Teaser("统计局公布居民收入数据", "", url="https://news.example/t", page_hash=db.execute(
        "SELECT page_hash FROM articles WHERE id = ?", (ids["stats"],)).fetchone()[0])
    write.save_teaser(db, teaser, ids["stats"], "news.example")
    ids["teaser"] = teaser.id
    return ids


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "desk.db"
    db = connect(path)
    with db:
        ids = _build(db)
    db.close()
    return path, ids


def _cli_search(path: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["--db", str(path), "search", *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("统计", {"stats", "teaser"}),  # two characters inside the run 国家统计局6日发布数据显示
        ("居民收入", {"stats", "teaser"}),
        ("国家统计局", {"stats"}),
        ("上海", {"film"}),
        ("电影节", {"film"}),
        ("防衛費", {"budget"}),  # Japanese: kanji inside a run of kanji and kana
        ("予算", {"budget"}),
        ("统计 居民", {"stats", "teaser"}),  # words are AND-ed as in English
        ('"居民收入差距"', {"stats"}),
    ],
)
def test_a_cjk_word_finds_the_items_containing_it_in_the_cli(store, word, expected):
    path, ids = store
    found = {hit["item_id"] for hit in _cli_search(path, word)}
    assert found == {ids[name] for name in expected}


def test_cjk_words_match_characters_side_by_side_only(store):
    path, ids = store
    db = connect(path, readonly=True)
    assert find(db, "统居")["total"] == 0  # both occur, never side by side
    # no word boundary is needed (none is written): 计局 is inside 统计局
    assert {h["item_id"] for h in find(db, "计局")["hits"]} == {ids["stats"], ids["teaser"]}


def test_web_search_finds_cjk_words_with_readable_snippets(store):
    path, ids = store
    with TestClient(create_app(str(path))) as client:
        data = client.get("/search.json", params={"q": "统计"}).json()
        assert {hit["item_id"] for hit in data["hits"]} == {ids["stats"], ids["teaser"]} and data["total"] == 2
        stats = next(hit for hit in data["hits"] if hit["item_id"] == ids["stats"])
        # the snippet is the text as written: no separators, no markers, the word in place
        assert "国家统计局6日发布数据显示" in stats["snippet"] and "\x1f" not in stats["snippet"]
        assert stats["title_hl"] == "国家统计局：前三季度居民收入实际增长6.3%"
        page = client.get("/search", params={"q": "统计"})
        assert page.status_code == 200
        assert "国家<mark>统计</mark>局" in page.text and "\x1f" not in page.text
        assert client.get("/search.json", params={"q": "防衛費"}).json()["hits"][0]["item_id"] == ids["budget"]


def test_highlights_mark_the_whole_cjk_word(store):
    path, ids = store
    hits = find(connect(path, readonly=True), "居民收入", kind="article")["hits"]
    assert [hit["item_id"] for hit in hits] == [ids["stats"]]
    assert f"{MARK_OPEN}居民收入{MARK_CLOSE}" in hits[0]["title_hl"]
    assert f"{MARK_OPEN}居民收入{MARK_CLOSE}" in hits[0]["snippet"]


@pytest.mark.parametrize("word", ["Βουλη", "ΒΟΥΛΗ", "βουλή", "Βουλή", "ΝΕΑ ΜΕΤΡΑ"])
def test_greek_is_found_without_accents_and_in_capitals(store, word):
    path, ids = store
    hits = find(connect(path, readonly=True), word)["hits"]
    assert [hit["item_id"] for hit in hits] == [ids["greek"]]
    assert "Βουλή" in hits[0]["snippet"] and "ΝΈΑ ΜΈΤΡΑ" in hits[0]["title_hl"].replace(MARK_OPEN, "").replace(
        MARK_CLOSE, "")


@pytest.mark.parametrize("query", ["Aleppo", "air strike", "syria aleppo", '"air strike"', "army", "Shanghai"])
def test_english_results_and_ranking_are_those_of_plain_fts5(store, query):
    """English text is indexed as it is written, so the desk ranks it as an FTS5 table of the raw text (the
    index before CJK and Greek folding) does: same hits, same order, same snippets."""
    path, _ = store
    db = connect(path, readonly=True)
    reference = sqlite3.connect(":memory:")
    reference.execute("CREATE VIRTUAL TABLE search USING fts5(item_id UNINDEXED, kind UNINDEXED, title, body, site, "
                      "tokenize = 'porter unicode61 remove_diacritics 2')")
    rows = db.execute("SELECT id, title, text, site FROM articles ORDER BY rowid").fetchall()
    reference.executemany("INSERT INTO search VALUES (?, 'article', ?, ?, ?)", [tuple(r) for r in rows])
    terms = " ".join(f'"{t}"' for t in query.replace('"', "").split()) if '"' not in query else query
    expected = reference.execute(
        "SELECT item_id, snippet(search, 3, ?, ?, '…', 24) FROM search WHERE search MATCH ? "
        "ORDER BY bm25(search, 0, 0, 8.0, 1.0, 0.5), rowid",
        (MARK_OPEN, MARK_CLOSE, terms),
    ).fetchall()
    assert expected
    for filters in ({}, {"language": "en"}):  # words alone are ranked in SQL; a filter joins the rows
        hits = find(db, query, **filters)["hits"]
        assert [(h["item_id"], h["snippet"]) for h in hits] == [tuple(r) for r in expected]


def test_a_store_written_before_cjk_indexing_is_migrated_by_its_first_reader(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    # the schema an older newsdesk wrote, with the teaser column today's writer (used to build it) fills
    for step in MIGRATIONS[:6] + MIGRATIONS[7:]:
        step(db)
    db.execute("PRAGMA user_version = 6")
    with db:
        ids = _build(db)
        # as the older newsdesk indexed them: the text as written
        for item_id, title, text in db.execute("SELECT id, title, text FROM articles").fetchall():
            row = db.execute("SELECT row FROM search_rows WHERE item_id = ?", (item_id,)).fetchone()[0]
            db.execute("UPDATE search SET title = ?, body = ?, site = 'news.example' WHERE rowid = ?",
                       (title, text, row))
    assert db.execute("SELECT count(*) FROM search WHERE search MATCH '统计'").fetchone()[0] == 0
    db.close()
    reader = connect(path, readonly=True)
    assert reader.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert {h["item_id"] for h in find(reader, "统计")["hits"]} == {ids["stats"], ids["teaser"]}
    assert [h["item_id"] for h in find(reader, "Βουλη")["hits"]] == [ids["greek"]]
    # rowids were kept: re-indexing an item still replaces its row rather than adding a second one
    assert {h["item_id"] for h in _cli_search(path, "Aleppo")} == {ids["en0"], ids["en1"], ids["en2"]}
    writer = connect(path)
    with writer:
        write.index_item(writer, ids["stats"], "article", "国家统计局", STATS, "news.example")
    assert writer.execute("SELECT count(*) FROM search").fetchone()[0] == len(ids)
    assert len(find(writer, "统计", kind="article")["hits"]) == 1


def test_hindi_and_thai_words_are_found_whole(tmp_path):
    """A second pass: the query "कौन" ("who", in no article) found every Hindi article, as the query was cut
    into consonants without their vowel signs; a Thai headline's "ชาวนา" ("farmers") found nothing."""
    path = tmp_path / "desk.db"
    db = connect(path)
    with db:
        farm = _article(db, "farm", "केंद्र सरकार ने किसानों के लिए राहत पैकेज की घोषणा की",
                        "केंद्र सरकार ने बुधवार को किसानों के लिए राहत पैकेज की घोषणा की।", "hi").id
        cricket = _article(db, "cricket", "भारत ने क्रिकेट सीरीज जीती",
                           "भारतीय क्रिकेट टीम ने न्यूजीलैंड के खिलाफ सीरीज जीत ली।", "hi").id
        flood = _article(db, "flood", "น้ำท่วมภาคเหนือ ชาวนาเดือดร้อนหนัก",
                         "น้ำท่วมหนักในภาคเหนือทำให้ชาวนาหลายพันครอบครัวเดือดร้อน", "th").id
    db.close()
    assert _cli_search(path, "कौन") == []
    assert [hit["item_id"] for hit in _cli_search(path, "क्रिकेट")] == [cricket]
    assert [hit["item_id"] for hit in _cli_search(path, "किसानों")] == [farm]
    assert [hit["item_id"] for hit in _cli_search(path, "ชาวนา")] == [flood]
