"""newsdesk used as a Python library, as a QA pass used it: one path given as a string, records sent through
JSON, a grouper pickled to another process, pages made by hand, and what importing an extractor costs."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED

from newsdesk.cli.run import extraction_json
from newsdesk.extract import extract
from newsdesk.ingest import read
from newsdesk.records import (Article, Block, Caption, DateMention, Entity, Facts, Failure, Figure, Page, Place,
                              Source, Story, StoryMember, Teaser, from_dict, to_dict)

JUNK = bytes(range(256)) * 20  # every byte value: far more control bytes than any text holds


# 1. read() ------------------------------------------------------------------------------------------------

def test_read_takes_one_path_given_as_a_string_or_a_path(settings, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Floods hit the coast.\nThousands were evacuated on Tuesday.\n")
    for target in (str(page), page):
        items = list(read(target, settings))
        assert [(type(i), i.uri) for i in items] == [(Page, str(page))]


def test_a_path_that_cannot_be_looked_at_is_a_failure_not_an_exception(settings):
    (failure,) = read(["x" * 5000], settings)  # stat() raises "File name too long"
    assert isinstance(failure, Failure) and "File name too long" in failure.reason


def test_a_folder_that_cannot_be_listed_is_a_failure_and_the_walk_goes_on(settings, tmp_path, monkeypatch):
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "secret.txt").write_text("Not to be read.\n")
    (tmp_path / "open.txt").write_text("Floods hit the coast.\nThousands were evacuated on Tuesday.\n")
    real_scandir = os.scandir

    def scandir(path="."):  # as root no permission bit refuses a listing: refuse it here
        if Path(path).name == "closed":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read([str(tmp_path)], settings))
    assert [(type(i).__name__, Path(i.uri).name) for i in items] == [("Failure", "closed"), ("Page", "open.txt")]
    assert "Permission denied" in items[0].reason


# 2. to_dict / from_dict -----------------------------------------------------------------------------------

RECORDS = [
    Page("a.html", b"\x00\xff<html>caf\xc3\xa9</html>", "html", url="https://example.com/a",
         hints={"title": "Storm", "published": "2024-01-02"}),
    Article("f" * 64, blocks=[Block("h", "Sub"), Block("p", "Body text.")], title="Storm",
            captions=[Caption("A flooded road", "AFP")], teasers=[Teaser("Other story", "More", page_hash="f" * 64)]),
    Teaser("Storm hits coast", "Thousands evacuated", url="https://example.com/t", language="en"),
    Facts("a1", entities=[Entity("PERSON", "Ada Lovelace", [(0, 3, "Ada"), (10, 18, "Lovelace")])],
          places=[Place("Aleppo", "SY", 36.2, 37.16, 170063, [(5, 11, "Aleppo")])],
          dates=[DateMention("on Tuesday", "2024-01-02", 3, 13, "on")],
          figures=[Figure("killed", "nearly 20", 18.0, 20.0, subgroups=["children"], replaced=True)]),
    Entity("ORG", "UN", [(0, 2, "UN")]),
    Place("Paris", mentions=[(1, 6, "Paris")]),
    Figure("injured", "12", 12.0, 12.0),
    DateMention("2016", "2016"),
    Story("s1", [StoryMember("a1", "Storm hits coast", "2024-01-02", "a.com", 0.9)], "Storm hits coast"),
    StoryMember("t1", "Headline"),
    Source("a1", "f" * 64, "a.com", "https://a.com/1", "2024-01-02"),
    Block("p", "text"),
    Caption("caption"),
    Failure("x.html", "read", "empty file", skipped=True),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_every_record_comes_back_the_same_from_json(record):
    assert from_dict(type(record), json.loads(json.dumps(to_dict(record)))) == record


def test_a_stored_figure_of_another_version_still_reads():
    stored = {"category": "killed", "text": "3", "low": 3, "high": 3, "no_longer_a_field": 1}
    assert from_dict(Figure, stored) == Figure("killed", "3", 3, 3)


# 3. pickling the grouper ----------------------------------------------------------------------------------

def test_a_pickled_grouper_groups_the_next_batch_as_the_original_does():
    from newsdesk.stories.grouping import GroupItem, StoryGrouper

    when = "2024-11-26T08:00:00Z"
    first = [GroupItem("t1", "Strong earthquake hits Hokkaido, tsunami warning issued", "", when, "a.com"),
             GroupItem("t2", "Danish parliament passes 2025 budget", "", when, "b.com")]
    later = "2024-11-26T09:00:00Z"
    second = [GroupItem("t3", "Hokkaido earthquake: tsunami warning for Kushiro coast", "", later, "c.com"),
              GroupItem("t4", "Wammen's 2025 budget passes Danish parliament", "", later, "d.com"),
              GroupItem("t5", "Magnitude 7.1 quake strikes off Hokkaido, Japan", "", later, "e.com")]
    grouper = StoryGrouper()
    grouper.group(first)
    copy = pickle.loads(pickle.dumps(grouper))
    assert copy.group(second) == grouper.group(second)
    assert copy.embeddings is grouper.embeddings  # the shipped table is shared, not pickled


def test_a_table_of_ones_own_pickles_whole():
    from newsdesk.stories.embeddings import StaticEmbeddings

    table = StaticEmbeddings.load()
    copy = pickle.loads(pickle.dumps(table))
    texts = ["Storm batters the coast", "Parliament passes the budget"]
    assert (copy.embed(texts) == table.embed(texts)).all()


# 4. binary data -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["text", "html"])
def test_extract_refuses_binary_data(kind):
    with pytest.raises(ValueError, match="binary data"):
        extract(Page("x", JUNK, kind))


def test_extract_still_reads_text_in_other_scripts():
    lines = ["اندلعت اشتباكات عنيفة في مدينة حلب شمال سوريا صباح اليوم.",
             "وقال مسؤولون إن عشرات المدنيين فروا من الأحياء الشرقية."]
    assert extract(Page("ar.txt", "\n".join(lines).encode(), "text")).article is not None


def test_a_jsonl_record_of_binary_text_is_one_failure(settings, tmp_path):
    records = [{"url": "https://example.com/junk", "text": JUNK.decode("latin-1")},
               {"url": "https://example.com/html", "html": JUNK.decode("latin-1")},
               {"url": "https://example.com/ok", "text": "Floods hit the coast.\nThousands were evacuated.\n"}]
    path = tmp_path / "junk.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    items = list(read([str(path)], settings))
    assert [type(i) for i in items] == [Failure, Failure, Page]
    assert [str(i) for i in items[:2]] == [f"{path}#L1: read failed: binary data in 'text', not a web page or text",
                                           f"{path}#L2: read failed: binary data in 'html', not a web page or text"]


def test_ingest_reports_a_binary_jsonl_record_in_one_line(tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main

    path = tmp_path / "junk.jsonl"
    path.write_text(json.dumps({"url": "https://example.com/junk", "text": JUNK.decode("latin-1")}) + "\n")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "desk.db"), "ingest", str(path)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}#L1: read failed: binary data in 'text', not a web page or text"]


# 5. hand-made feed pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("hints", "reason"), [
    ({"title": 123}, "'title' hint is int"),
    ({"summary": ["a"]}, "'summary' hint is list"),
    ({}, "no headline"),
    ({"title": "   ", "summary": "<p></p>"}, "no headline"),
])
def test_a_feed_page_without_a_readable_headline_is_a_value_error(hints, reason):
    with pytest.raises(ValueError, match=reason):
        extract(Page("feed#1", b"", "feed", hints=hints))


# 6. extract --json ----------------------------------------------------------------------------------------

def test_extract_json_gives_every_page_the_same_keys():
    with_article = extraction_json("seed", extract(Page("seed", SEED.read_bytes(), "text")))
    teasers_only = extraction_json("feed#1", extract(Page("feed#1", b"", "feed", hints={"title": "Storm hits"})))
    assert list(teasers_only) == list(with_article)
    assert teasers_only["untitled"] is None and teasers_only["blocks"] == [] and teasers_only["url"] is None


# 7. import cost -------------------------------------------------------------------------------------------

def test_the_text_extractor_loads_without_scikit_learn():
    code = "import sys, newsdesk.extract.text; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_the_segmenter_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from newsdesk.extract.segmenter import ENGLISH_STOP_WORDS as ours

    assert ours == ENGLISH_STOP_WORDS


def test_the_readmes_library_example_runs(monkeypatch):
    """The README's "Use as a library" block, run as written from the repository root: the seed page gives one
    article, in one story, with its figures."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Use as a library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert len(scope["articles"]) == 1 and set(scope["stories"]) == {scope["articles"][0].id}
    assert any(f.category == "killed" and f.place == "Aleppo" for f in scope["facts"][0].figures)
