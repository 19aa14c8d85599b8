"""Dates and times a QA pass found read wrong: a masthead's date taken for the story's, weekdays and nights
resolved the wrong way, feed and JSON Lines times that lost their zone or invented one, date lines and dated
bylines of scraped text, an address's day left unread, and undated members charted at their ingest time."""

from __future__ import annotations

import json
import time

import feedparser
import pytest
from web_fixtures import _page, _store_article, _story

from newsdesk.extract import extract
from newsdesk.extract.html import extract_html
from newsdesk.facts.dates import find_dates
from newsdesk.ingest.feeds import entry_time, parse
from newsdesk.ingest.jsonl import epoch_time, iso_time, parse_line
from newsdesk.records import Article, Block, Page, utc_time
from newsdesk.store.queries import story
from newsdesk.web.stories import story_page

STORY = ("<p>The city council voted to approve a new budget for the coming year after a long debate that lasted "
         "into the night and drew hundreds of residents to the chamber, officials said.</p><p>Council members said "
         "the plan would raise spending on schools and roads while holding property taxes flat, according to a "
         "statement released after the vote by the mayor.</p>")
DECLARED = '<meta property="article:published_time" content="2016-10-06T08:00:00Z">'


def _published(body: str, head: str = DECLARED) -> str | None:
    html = f'<html lang="en-US"><head><title>Budget t4</title>{head}</head><body>{body}</body></html>'
    return extract_html(Page(uri="t4.html", raw=html.encode(), kind="html")).published


def test_a_masthead_date_later_than_the_declared_one_does_not_win() -> None:
    masthead = '<div class="top">Monday, December 8, 2026</div>'
    assert _published(f"{masthead}<article><h1>Budget t4</h1>{STORY}</article>") == "2016-10-06T08:00:00Z"
    # without an <article>, a date that shares nothing smaller than the <body> with the headline is the page's too
    assert _published(f"{masthead}<div><h1>Budget t4</h1>{STORY}</div>") == "2016-10-06T08:00:00Z"


def test_a_date_in_the_storys_own_header_still_beats_a_stale_declared_one() -> None:
    header = '<header><time>September 8, 2021</time><h1>Budget t4</h1></header>'
    stale = '<meta property="article:published_time" content="2012-09-12">'
    assert _published(f"<article>{header}{STORY}</article>", stale) == "2021-09-08"
    assert _published(f"<div>{header}{STORY}</div>", stale) == "2021-09-08"


def _values(text: str, published: str) -> list[tuple[str, str | None]]:
    return [(d.text, d.value) for d in find_dates(text, published)]


def test_next_weekday_written_on_that_weekday_is_a_week_on() -> None:
    assert _values("The talks will resume next Monday.", "2016-10-03") == [("next Monday", "2016-10-10")]
    assert _values("The talks resumed last Monday.", "2016-10-03") == [("last Monday", "2016-09-26")]


@pytest.mark.parametrize(("text", "published", "value"), [
    ("The council said it would meet on Thursday.", "2016-10-03", "2016-10-06"),
    ("The rain was expected to ease by Wednesday.", "2016-10-03", "2016-10-05"),
    ("The owner said he would rebuild in March.", "2016-01-01", "2016-03"),
    ("Officials said the vote is on Thursday.", "2016-10-03", "2016-10-06"),
    # the reporting verb is past, the event is not; and a past event stays past
    ("The council met on Thursday, officials said.", "2016-10-03", "2016-09-29"),
    ("He is to blame for the attack on Monday.", "2016-10-05", "2016-10-03"),
])
def test_the_verb_governing_a_date_decides_its_tense(text: str, published: str, value: str) -> None:
    assert [v for _, v in _values(text, published)] == [value]


def test_last_night_and_overnight_are_dated_by_the_evening_they_begin() -> None:
    assert _values("Water rose last night and overnight.", "2016-10-03") == [
        ("last night", "2016-10-02"), ("overnight", "2016-10-02")]
    assert _values("Crews will work overnight to restore power.", "2016-10-03") == [("overnight", "2016-10-03")]
    assert _values("He left the day before yesterday and returns the day after tomorrow.", "2016-10-03") == [
        ("the day before yesterday", "2016-10-01"), ("the day after tomorrow", "2016-10-05")]
    # the adjective names no night: "overnight wards" are wards open at night
    assert _values("It emerged that overnight wards at the hospital had closed.", "2016-10-03") == []


@pytest.mark.parametrize("value", [1475762700, "1475762700", 1475762700000, 1475762700.0])
def test_a_jsonl_epoch_time_is_read_in_utc(value) -> None:
    assert epoch_time(value) == "2016-10-06T14:05:00Z"
    record = json.dumps({"url": "https://x.example/1", "title": "Budget passes", "published": value}).encode()
    assert parse_line(record, "x.jsonl#L1").hints["published"] == "2016-10-06T14:05:00Z"


def test_a_jsonl_time_with_a_zone_name_keeps_its_zone() -> None:
    edt = iso_time("Thu, 06 Oct 2016 22:30:00 EDT")
    assert edt == "2016-10-06T22:30:00-04:00" and utc_time(edt) == "2016-10-07T02:30:00Z"
    assert utc_time(iso_time("Thu, 06 Oct 2016 22:30:00 CEST")) == "2016-10-06T20:30:00Z"


def test_a_jsonl_time_written_with_a_space_is_stored_with_a_t() -> None:
    assert iso_time("2016-10-06 14:05:00") == "2016-10-06T14:05:00"
    assert iso_time("2016-10-06 14:05:00") > iso_time("2016-10-06T09:00:00")
    assert iso_time("2016-10-06") == "2016-10-06"


def _rss(pub_date: str) -> str | None:
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Globe</title><item><title>Budget passes</title>'
            f"<link>https://globe.example/1</link><pubDate>{pub_date}</pubDate></item></channel></rss>").encode()
    return next(parse(feed, "globe.rss")).hints.get("published")


def test_an_rss_zone_feedparser_does_not_know_is_read_by_the_zone_table() -> None:
    assert _rss("06 Oct 2016 09:00 CEST") == "2016-10-06T07:00:00Z"
    assert _rss("Thu, 06 Oct 2016 09:00:00 IST") == "2016-10-06T03:30:00Z"
    assert _rss("Thu, 06 Oct 2016 09:00:00 EDT") == "2016-10-06T13:00:00Z"  # one feedparser knows, as before


def test_a_feed_date_without_a_time_is_a_bare_day() -> None:
    assert _rss("Thu, 06 Oct 2016") == "2016-10-06"
    atom = feedparser.parse(b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Budget</title>'
                            b"<updated>2016-10-06</updated></entry></feed>").entries[0]
    assert entry_time(atom) == "2016-10-06"
    assert entry_time({"published": "", "published_parsed": time.gmtime(1475762700)}) == "2016-10-06T14:05:00Z"


def test_the_story_chart_leaves_undated_members_out(db) -> None:
    for number, published in ((0, "2016-10-05"), (1, "2016-10-06"), (9, None)):
        page = _page(f"budget{number}.txt", None, "globe.example", f"Budget text {number}.".encode())
        _store_article(db, page, Article(page_hash=page.hash, id=f"a{number}", title=f"Budget {number}",
                                         blocks=[Block("p", f"Budget text {number}.")], published=published,
                                         site="globe.example"))
    _story(db, "s1", "Budget passes", "", [("a0", "article"), ("a1", "article"), ("a9", "article")])
    data = story_page(db, "s1")
    assert [b["start"][:4] for b in data["coverage"]] == ["2016", "2016"]  # no bar in the year it was read
    assert sum(b["count"] for b in data["coverage"]) == 2 and data["undated"] == 1
    # and the command line lists the undated member last, as the desk's timeline does
    assert [m["id"] for m in story(db, "s1")["members"]] == ["a0", "a1", "a9"]


PLAIN = """Regional airline cancels flights over pilot shortage
{date}
A regional airline cancelled dozens of flights across the country because of a shortage of pilots, the company said in a statement.
The airline said the cancellations would continue until the end of the month while it trains new crews at its base near the capital.
Passengers whose flights were cancelled will be offered refunds or seats on other flights, a spokeswoman for the airline said.
Unions blamed the shortage on low pay and long hours and said many pilots had left for larger carriers in recent years.
"""


@pytest.mark.parametrize(("line", "byline"), [
    ("Published 6 October 2016 | Updated 8 October 2016", None),
    ("Updated: 8 October 2016 Published: 6 October 2016", None),
    ("6 October 2016 | Updated 8 October 2016", None),
    ("Jane Smith, 6 October 2016", "Jane Smith"),
    ("By Jane Smith | October 6, 2016", "Jane Smith"),
])
def test_a_scraped_date_line_of_two_dates_or_after_a_name_keeps_the_date_and_title(line: str, byline) -> None:
    raw = PLAIN.format(date=line).encode()
    article = extract(Page(uri="airline.txt", raw=raw, kind="text")).article
    assert article.title == "Regional airline cancels flights over pilot shortage"
    assert article.published == "2016-10-06" and article.byline == byline


@pytest.mark.parametrize(("url", "day"), [
    ("https://www.theguardian.com/politics/2012/nov/07/nadine-dorries-im-a-celebrity", "2012-11-07"),
    ("http://www.cnn.com/2012/10/21/us/george-mcgovern-dead/", "2012-10-21"),
])
def test_a_jsonl_text_record_is_dated_by_its_address(url: str, day: str) -> None:
    text = PLAIN.format(date="").split("\n", 2)[2]
    record = json.dumps({"url": url, "title": "A story", "text": text}).encode()
    assert extract(parse_line(record, "x.jsonl#L1")).article.published == day
