"""A review of how the stories and facts stages sit on the store: the stories stage wrote raw SQL beside
record types nobody used, an article's headline was written by two functions, a story's tolls were
reconciled three ways (the story page's disagreed with `facts sID` and the export), the store imported from
the facts stage, and facts and headlines each loaded their own spaCy pipeline, ignoring `spacy_model`."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsdesk.cli import main
from newsdesk.records import Article, Block, Facts, Figure, Page, Source
from newsdesk.store import write
from newsdesk.web.app import create_app

PACKAGE = Path(__file__).resolve().parents[1] / "newsdesk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_the_stories_stage_hands_records_to_the_store_and_the_store_imports_no_stage():
    source = (PACKAGE / "stories" / "__init__.py").read_text(encoding="utf-8")
    strings = [node.value for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert not [s for s in strings if any(word in s.upper() for word in ("SELECT ", "UPDATE ", "INSERT ", "DELETE "))]
    assert "Story" in source and "StoryMember" in source
    for module in ("queries.py", "write.py", "search.py", "sqlite.py"):
        stages = {name for name in _imports(PACKAGE / "store" / module)
                  if name.startswith(("newsdesk.facts", "newsdesk.stories"))}
        assert not stages, (module, stages)


def _article(db, name: str, site: str, agency: str | None = None, published: str | None = None) -> Article:
    page = Page(uri=f"{name}.txt", raw=name.encode(), kind="text", url=f"https://{site or 'wire'}.example/{name}")
    article = Article(page.hash, blocks=[Block("p", f"The {name} report says what happened.")], title=None,
                      site=site, agency=agency, published=published, url=page.url)
    write.save_page(db, page)
    write.save_article(db, article)
    write.save_source(db, Source(article.id, page.hash, site, page.url, published))
    return article


def test_a_headline_is_indexed_under_the_agency_of_an_article_with_an_empty_site(db):
    """The fixtures' `set_headline` indexed an empty site where the ingest's own writer used the agency."""
    with db:
        article = _article(db, "strike", site="", agency="AFP")
        write.set_headline(db, article.id, "Strike hits city", 0, "A strike hit the city.", 0)
    site = db.execute("SELECT s.site FROM search s JOIN search_rows r ON r.row = s.rowid WHERE r.item_id = ?",
                      (article.id,)).fetchone()[0]
    assert site == "AFP"


def _summary(groups: list[dict]) -> list[tuple]:
    return sorted((g["category"], g["latest"]["article_id"], g["latest"]["text"],
                   sorted(row["text"] for row in g["history"])) for g in groups)


def _exported(rows: list[dict]) -> list[tuple]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["toll_group"], []).append(row)
    return sorted((next(r["category"] for r in group if r["latest_in_group"]),
                   next(r["article_id"] for r in group if r["latest_in_group"]),
                   next(r["text"] for r in group if r["latest_in_group"]),
                   sorted(r["text"] for r in group)) for group in groups.values())


def test_facts_the_story_page_and_the_export_give_a_story_the_same_tolls(settings, db):
    """Built from the sample store's story of Congo river and rebel deaths: a count naming no victims joins
    the first toll it fits, read in the report's order. The story page read each report's figures largest
    first, so "23" joined the villagers' "hundreds" there and the rebels' "90" in `facts sID` and the export."""
    from newsdesk.facts.store import FACTS_VERSION

    place = "Democratic Republic of the Congo"
    with db:
        first = _article(db, "raid", "wire", published="2008-01-10")
        second = _article(db, "boat", "daily", published="2008-01-11")
        write.save_facts(db, Facts(first.id, figures=[
            Figure("killed", "90", 90, 90, victims="hutu rebels", place=place, sentence="90 rebels were killed."),
            Figure("killed", "23", 23, 23, place=place, sentence="23 were killed.", start=30, end=32),
            Figure("killed", "hundreds", 200, None, victims="villagers", event="attack", place=place,
                   sentence="Hundreds of villagers were killed in the attack.", start=60, end=68)]), FACTS_VERSION)
        write.save_facts(db, Facts(second.id, figures=[
            Figure("injured", "12", 12, 12, victims="passengers", place="Kindu", sentence="12 were hurt.")]),
            FACTS_VERSION)
        db.execute("INSERT INTO stories (id, headline, size) VALUES ('s-congo', 'Deaths in Congo', 2)")
        for article in (first, second):
            db.execute("INSERT INTO story_members (story_id, item_id, kind) VALUES ('s-congo', ?, 'article')",
                       (article.id,))
            db.execute("UPDATE articles SET story_id = 's-congo' WHERE id = ?", (article.id,))

    runner = CliRunner()
    result = runner.invoke(main, ["--db", settings.db, "facts", "s-congo", "--json"], catch_exceptions=False)
    cli = _summary(json.loads(result.stdout)["reconciled_figures"])
    with TestClient(create_app(settings.db)) as client:
        web = _summary(client.get("/stories/s-congo.json").json()["facts"]["tolls"])
    result = runner.invoke(main, ["--db", settings.db, "export", "--table", "figures", "--story", "s-congo"],
                           catch_exceptions=False)
    exported = _exported([json.loads(line) for line in result.stdout.splitlines()])
    rebels = ("killed", first.id, "90", ["23", "90"])
    assert rebels in cli and cli == web == exported


def _untitled(text: str) -> Article:
    return Article("layers" * 8, blocks=[Block("p", text)], published="2024-03-01", language="en")


def test_facts_and_headlines_load_one_spacy_pipeline(monkeypatch):
    import spacy

    from newsdesk import nlp
    from newsdesk.facts import extract_facts
    from newsdesk.stories.headlines import write_headline

    loads: list[str] = []
    real = spacy.load
    monkeypatch.setattr(spacy, "load", lambda name, *args, **kwargs: loads.append(name) or real(name, *args, **kwargs))
    nlp._loaded.cache_clear()
    article = _untitled("Police in Lyon said on Friday that at least 12 people were injured when a bus crashed "
                        "into a market stall, the city's mayor told reporters.")
    headline = write_headline(article)
    facts = extract_facts(article)
    assert loads == [nlp.DEFAULT_MODEL]
    assert headline.text and any(f.category == "injured" for f in facts.figures)
    assert any(e.name == "Lyon" for e in facts.entities)


def test_the_spacy_model_setting_chooses_the_pipeline(monkeypatch, tmp_path):
    from newsdesk import nlp

    monkeypatch.setattr(nlp, "_model", nlp._model)  # the command names the model for this process; restored after
    page = tmp_path / "page.txt"
    page.write_text("Police said on Friday that 12 people were injured when a bus crashed in Lyon.\n", encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_SPACY_MODEL", "no_such_spacy_package")
    result = CliRunner().invoke(main, ["facts", "--file", str(page), "--json"])
    assert result.exit_code != 0 and "no_such_spacy_package" in str(result.exception)
