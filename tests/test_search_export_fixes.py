"""A QA tester's pass over search filters and exports: a query with no word listed whatever the filters kept
as hits, a person or place of no word ("%", '"', " ") matched every name, "Zurich" missed Zürich, a
whitespace query searched for nothing, CSV cells ran as spreadsheet formulas, and the figures export mixed
ints and floats in ``low`` / ``high``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsdesk.cli import main
from newsdesk.cli.items import csv_cell
from newsdesk.records import Article, Block, Entity, Facts, Figure, Page, Place, Source
from newsdesk.store import write
from newsdesk.store.search import find, fts_query, resolve_names
from newsdesk.web.app import create_app

NO_WORD = "the query has no word to search for"
HYPERLINK = '=HYPERLINK("http://evil.example","click") Syria talks resume'
COMMAND = "+cmd|' /C calc'!A0 Café"


def _article(db, name: str, title: str, text: str, places=(), people=(), figures=()) -> Article:
    page = Page(uri=f"{name}.txt", raw=name.encode(), kind="text", url=f"https://wire.example/{name}")
    article = Article(page.hash, blocks=[Block("p", text)], title=title, title_source="publisher",
                      site="Example Wire", published="2024-03-01", language="en", url=page.url)
    with db:
        write.save_page(db, page)
        write.save_article(db, article)
        write.save_source(db, Source(article.id, page.hash, article.site, page.url, article.published))
        write.save_facts(db, Facts(article.id, entities=[Entity("PERSON", p, []) for p in people],
                                   places=list(places), figures=list(figures)), version=1)
    return article


@pytest.fixture
def desk(db, settings):
    """A store of four articles: places and people written with and without accents, formula-like titles."""
    _article(db, "zurich", "Talks open in Zürich", "Diplomats met in Zürich on Friday.",
             places=[Place("Zürich", "CH", 47.37, 8.55, 2657896, [(17, 23, "Zürich")])], people=["José Mourinho"])
    _article(db, "sao", "Floods in Sao Paulo", "Rain flooded Sao Paulo streets.",
             places=[Place("Sao Paulo", "BR", -23.55, -46.63, None, [(13, 22, "Sao Paulo")])])
    _article(db, "moscow", "Talks in Moscow", "Envoys met in Москва.",
             places=[Place("Москва", "RU", 55.75, 37.62, None, [(14, 20, "Москва")])])
    _article(db, "formula", HYPERLINK, "Syria talks resume in Geneva, 12 killed in Homs. " + COMMAND,
             places=[Place("London", "GB", 51.5, -0.12, None, [(0, 6, "London")])],
             figures=[Figure("killed", "dozens", 24, None, sentence="Dozens were killed."),
                      Figure("killed", "12", 12.0, 12.0, sentence="12 killed.", start=30, end=32)])
    return settings.db


def _run(store: str, *args: str):
    return CliRunner().invoke(main, ["--db", store, *args])


def _one_error_line(result, text: str) -> bool:
    return result.exit_code == 1 and result.output.strip().splitlines() == [f"Error: {text}"]


@pytest.mark.parametrize("query", ["🎉", '"', "*", "(", "-\""])
def test_a_query_with_no_word_is_refused_with_or_without_a_filter(desk, query):
    """It listed every item the filter kept ("4 of 4 match(es)"), as if each were a hit."""
    assert _one_error_line(_run(desk, "search", "--site", "Example Wire", "--", query), NO_WORD)
    assert _one_error_line(_run(desk, "search", "--", query), NO_WORD)
    with pytest.raises(ValueError, match=NO_WORD):
        fts_query(query)
    with TestClient(create_app(desk)) as client:
        for path in ("/api/search", "/search.json"):
            answer = client.get(path, params={"q": query, "site": "Example Wire"})
            assert answer.status_code == 400 and answer.json() == {"detail": NO_WORD}
        page = client.get("/search", params={"q": query, "site": "Example Wire"})
        assert page.status_code == 400 and NO_WORD in page.text


@pytest.mark.parametrize("option, value", [("person", "%"), ("person", "_"), ("person", "\\"), ("person", " "),
                                           ("place", '"'), ("place", "%%")])
def test_a_person_or_place_with_no_word_is_refused_not_matched_to_every_name(desk, option, value):
    """--person '%' found 17 articles, --place '"' 11: the value, stripped of LIKE's wildcards, was empty."""
    message = f"the {option} {value!r} has no word to search for"
    assert _one_error_line(_run(desk, "search", f"--{option}", value), message)
    with TestClient(create_app(desk)) as client:
        answer = client.get("/api/search", params={option: value})
        assert answer.status_code == 400 and answer.json() == {"detail": message}


def test_a_person_or_place_is_found_whatever_its_accents_and_case(desk, db):
    """--place Zurich found nothing where --place Zürich did; São Paulo missed Sao Paulo."""
    assert resolve_names(db, "places", "Zurich") == resolve_names(db, "places", "ZÜRICH") == ["Zürich"]
    assert resolve_names(db, "places", "São Paulo") == ["Sao Paulo"]
    assert resolve_names(db, "places", "МОСКВА") == ["Москва"]  # case beyond ASCII, which NOCASE leaves
    assert resolve_names(db, "entities", "Jose Mourinho", "PERSON") == ["José Mourinho"]
    assert resolve_names(db, "entities", "mourinho", "PERSON") == ["José Mourinho"]
    assert resolve_names(db, "places", "Zurichs") == []  # still whole words
    assert [hit["headline"] for hit in find(db, place="Zurich")["hits"]] == ["Talks open in Zürich"]
    with TestClient(create_app(desk)) as client:
        assert client.get("/api/search", params={"place": "Sao Paulo"}).json()["total"] == 1
        assert client.get("/api/search", params={"place": "São Paulo"}).json()["total"] == 1


def test_a_name_with_like_wildcards_matches_them_as_written(db):
    """The wildcards were stripped, so "A_B" looked for "AB"; now they are escaped and mean themselves."""
    _article(db, "code", "Code names", "Camps A_B and AxB.",
             places=[Place("Camp A_B", None, None, None, None, []), Place("Camp AxB", None, None, None, None, [])])
    assert resolve_names(db, "places", "a_b") == ["Camp A_B"]
    assert resolve_names(db, "places", "ax%") == []


def test_a_whitespace_query_without_filters_is_a_usage_error(desk):
    """`search '   '` exited 0 with "no matches" where `search ''` asks for a query."""
    result = _run(desk, "search", "   ")
    assert result.exit_code == 2 and "give a QUERY or at least one filter" in result.output
    listed = _run(desk, "search", "   ", "--site", "Example Wire")  # blank words and a filter: the filter's items
    assert listed.exit_code == 0 and "4 of 4 match(es)" in listed.output
    assert fts_query("   ") == ""


def _csv(store: str, table: str) -> list[dict]:
    result = _run(store, "export", "--table", table, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_csv_cells_a_spreadsheet_would_run_are_quoted_and_other_formats_kept_exact(desk):
    """A scraped title "=HYPERLINK(...)" was written as is: a spreadsheet opening the CSV runs it."""
    article = next(row for row in _csv(desk, "articles") if row["url"].endswith("/formula"))
    assert article["title"] == "'" + HYPERLINK and article["text"].startswith("Syria")
    exact = [json.loads(line) for line in _run(desk, "export").stdout.splitlines()]
    assert HYPERLINK in [row["title"] for row in exact]
    london = next(row for row in _csv(desk, "places") if row["name"] == "London")
    assert london["lon"] == "-0.12"  # a number stays a number
    assert csv_cell(COMMAND) == "'" + COMMAND and csv_cell("+1.0%") == "'+1.0%" and csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("\tx") == "'\tx" and csv_cell("\r=1") == "'\r=1" and csv_cell("-x") == "'-x"
    assert csv_cell("-0.12") == "-0.12" and csv_cell("+3e5") == "+3e5" and csv_cell(-0.12) == -0.12
    assert csv_cell(["=a"]) == '["=a"]' and csv_cell("Syria") == "Syria" and csv_cell(None) is None
    assert csv_cell("=") == "="  # the exact qualifier of a figure: a formula of nothing runs nothing


def test_figures_export_low_and_high_as_floats_in_every_format(desk, tmp_path):
    """"dozens" came out as 24 beside exact figures' 12.0 (51 of 916 rows ints)."""
    rows = [json.loads(line) for line in _run(desk, "export", "--table", "figures").stdout.splitlines()]
    assert sorted((row["text"], row["low"], row["high"]) for row in rows) == [("12", 12.0, 12.0),
                                                                           ("dozens", 24.0, None)]
    assert all(isinstance(row["low"], float) for row in rows)
    dozens = next(row for row in _csv(desk, "figures") if row["text"] == "dozens")
    assert (dozens["low"], dozens["high"]) == ("24.0", "")
