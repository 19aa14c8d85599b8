"""Hard-wrapped plain text is joined back into paragraphs before segmentation; one-block-per-line pages are not.

A QA tester's wrapped JSONL record had kept one word in four: the segmenter, reading each wrapped line alone,
took the lines that start mid-sentence for subheads and furniture.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from newsdesk.extract import extract
from newsdesk.extract.reflow import reflow
from newsdesk.extract.text import extract_text
from newsdesk.ingest import read
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "samples" / "aleppo-afp-with-teasers.txt"
WIKINEWS = REPO / "samples" / "wikinews.jsonl"

FIRST = ("Heavy rain flooded streets across Dhaka on Thursday and officials said the water would recede by the "
         "weekend, while thousands of residents waded through knee-deep water to reach their workplaces.")
SECOND = ("The meteorological department said more rain was expected over the next two days across the central "
          "and northern districts.")
WRAPPED = ("Heavy rain flooded streets across Dhaka on Thursday and officials\n"
           "said the water would recede by the weekend, while thousands of\n"
           "residents waded through knee-deep water to reach their workplaces.\n\n"
           "The meteorological department said more rain was expected\n"
           "over the next two days across the central and northern districts.")


def _text_article(text: str, uri: str = "wrap.txt"):
    return extract_text(Page(uri=uri, raw=text.encode(), kind="text"))


def test_a_wrapped_jsonl_record_keeps_every_word_in_two_paragraphs(tmp_path):
    record = {"url": "https://example.org/wrap", "title": "Flood in Dhaka", "text": WRAPPED}
    path = tmp_path / "wrap.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (page,) = list(read(str(path), Settings()))
    assert not isinstance(page, Failure)
    article = extract(page).article
    assert article.title == "Flood in Dhaka"
    assert article.paragraphs == [FIRST, SECOND] and article.subheads == []


@pytest.mark.parametrize("under_title", ["\n", "\n\n"])
def test_a_wrapped_text_file_keeps_its_title(under_title):
    article = _text_article("Flood in Dhaka" + under_title + WRAPPED)
    assert article.title == "Flood in Dhaka"
    assert article.paragraphs == [FIRST, SECOND]


@pytest.mark.parametrize("separator", ["\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
@pytest.mark.parametrize("words", ["officials said", "across Dhaka"])
def test_a_stray_break_inside_a_sentence_loses_nothing(separator, words):
    """The start of the sentence had been dropped: read alone, it looked like a subhead or a headline."""
    first, rest = words.split()
    article = _text_article(f"{FIRST}\n\n{SECOND}".replace(words, first + separator + rest))
    assert article.paragraphs == [FIRST, SECOND] and article.title is None


def test_a_page_written_one_block_per_line_is_left_as_it_is():
    seed = SEED.read_text(encoding="utf-8")
    assert reflow(seed) == seed.splitlines()
    page = ["Home", "World", "Politics", "Sign in",
            "Floods leave thousands stranded across the region",
            "by Jane Smith",
            "Updated 2 hours ago",
            FIRST, SECOND,
            "Residents shelter in a school in Dhaka on Thursday. Photo: Rafiq Ahmed",
            "Read more",
            "Council approves new cycle lanes along the seafront",
            "The scheme will cost £4m and take two years to complete, the council said on Monday.",
            "Rail strike called off after last-minute talks",
            "Unions said the offer was good enough to put to their members in a ballot next week.",
            "Your bag is empty,", "but you still look good.",
            "Zig has the syntax of Rust", "the runtime safety of Rust", "the error handling of Go",
            "what's not to like?",
            "How n8n Works", "n8n workflows are built visually and executed one step after another by the engine.",
            "© 2024 The Daily Courier Ltd. All rights reserved."]
    assert reflow("\n".join(page)) == page


def test_wikinews_articles_one_paragraph_a_line_keep_their_paragraphs():
    """Three of them break a sentence once, mid-way ("Officers from the fire and" / "ambulance services are on
    the scene."): those are joined, every other line is left alone."""
    with WIKINEWS.open(encoding="utf-8") as fh:
        texts = [json.loads(row)["text"] for row in fh]
    changed = [text for text in texts if reflow(text) != text.splitlines()]
    assert len(changed) == 3
    for text in changed:
        assert " ".join(reflow(text)).split() == text.split()
        assert len(reflow(text)) == len(text.splitlines()) - 1


@pytest.mark.parametrize("width", [60, 72, 80])
def test_wrapped_wikinews_articles_come_back_as_their_paragraphs(width):
    with WIKINEWS.open(encoding="utf-8") as fh:
        articles = [[p for p in json.loads(row)["text"].split("\n") if p.strip()] for row in fh][:60]
    exact = 0
    for paragraphs in articles:
        text = "\n\n".join(textwrap.fill(paragraph, width) for paragraph in paragraphs)
        joined = [" ".join(line.split()) for line in reflow(text) if line.strip()]
        exact += joined == [" ".join(paragraph.split()) for paragraph in paragraphs]
    assert exact >= 58


def test_a_compound_split_at_its_hyphen_is_one_word_again():
    text = ("Thousands of residents waded through water that was knee-\n"
            "deep in places to reach their workplaces, officials said on Thursday.")
    assert reflow(text) == ["Thousands of residents waded through water that was knee-deep in places to reach "
                            "their workplaces, officials said on Thursday."]
