"""Defects from a code review: a followed source named by its address showed that address's credentials on the
public desk; the pages a poll fetches per source could not be set; and four benches and a trainer read the
shared evaluation data from ../shared/data whatever NEWSDESK_SHARED_DATA said."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsdesk.bench.fetch import LocalSite
from newsdesk.cli import main
from newsdesk.ingest.fetch import Fetcher
from newsdesk.ingest.poll import poll_url
from newsdesk.records import Page
from newsdesk.settings import Settings
from newsdesk.web.app import create_app

PRIVATE = "https://bob:hunter2@feeds.example.com/feed?api_key=SECRET"
SHOWN = "https://feeds.example.com/feed?api_key=\u2026"
# A feed reader's export: an outline with no title is named by its ``text``, here the address itself.
OPML = f"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Reader</title></head><body>
  <outline type="rss" text="{PRIVATE}" xmlUrl="{PRIVATE}" htmlUrl="https://bob:hunter2@feeds.example.com/"/>
</body></opml>"""


def imported_store(tmp_path) -> str:
    path = str(tmp_path / "desk.db")
    (tmp_path / "reader.opml").write_text(OPML, encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", path, "sources", "import-opml", str(tmp_path / "reader.opml")])
    assert result.exit_code == 0, result.output
    return path


def test_a_source_named_by_its_address_shows_no_credentials_on_the_desk(tmp_path):
    """The OPML outline's text became the source's title, and /sources and /sources.json showed it whole."""
    with TestClient(create_app(imported_store(tmp_path))) as desk:
        page = desk.get("/sources").text
        listed = desk.get("/sources.json").json()["sources"]
    assert "hunter2" not in page and "SECRET" not in page and "bob" not in page
    assert [(source["title"], source["url"]) for source in listed] == [(SHOWN, SHOWN)]


def test_a_source_named_by_its_address_shows_no_credentials_on_the_command_line(tmp_path):
    path = imported_store(tmp_path)
    as_json = CliRunner().invoke(main, ["--db", path, "sources", "list", "--json"]).output
    as_text = CliRunner().invoke(main, ["--db", path, "sources", "list"]).output
    for output in (as_json, as_text):
        assert "hunter2" not in output and "SECRET" not in output and "bob" not in output, output
    listed = json.loads(as_json)
    assert (listed["title"], listed["url"], listed["site_url"]) == (SHOWN, SHOWN, "https://feeds.example.com/")
    assert SHOWN in as_text


def test_the_pages_fetched_per_poll_are_a_setting(tmp_path):
    assert Settings().max_pages_per_poll == 50
    settings = Settings.load({"db": str(tmp_path / "f.db"), "allow_private_addresses": True, "per_host_delay": 0.0,
                              "max_pages_per_poll": 2})
    html = b"<html><head><title>Page</title></head><body><p>Body text.</p></body></html>"
    with LocalSite({}) as site:
        items = "".join(f"<item><title>Story {n}</title><link>{site.url(f'/a{n}')}</link></item>" for n in range(5))
        site.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"},
                                f"<rss version='2.0'><channel><title>Desk</title>{items}</channel></rss>".encode())
        for n in range(5):
            site.routes[f"/a{n}"] = (200, {"Content-Type": "text/html"}, html)
        with Fetcher(settings, retries=0) as fetcher:
            poll = poll_url(fetcher, site.url("/feed"))
    assert sum(isinstance(item, Page) for item in poll.items) == 2 and poll.deferred == 3


def test_every_reader_of_the_shared_data_follows_the_variable(tmp_path):
    """bench dedup, ingest, fetch and summaries (and so train_headlines) read ../shared/data regardless."""
    probe = ("from newsdesk.bench import dedup, fetch, ingest, search, summaries\n"
             "from newsdesk.extract.train_segmenter import default_data_file\n"
             "from newsdesk.stories import train_headlines\n"
             "print('\\n'.join(map(str, [dedup.WCXB, dedup.WIKINEWS, fetch.PAGES, ingest.PAGES, search.WIKINEWS,"
             " summaries.BBC, default_data_file(), train_headlines.WIKINEWS, train_headlines.UCI])))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=os.environ | {"NEWSDESK_SHARED_DATA": str(tmp_path)})
    shown = run.stdout.split()
    assert len(shown) == 9, run.stderr
    assert all(path.startswith(str(tmp_path) + os.sep) for path in shown), shown
