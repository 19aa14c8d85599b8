"""The source list: add/list/remove, OPML in and out, JSON Feed and sitemap parsing, the CLI commands."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from newsdesk.cli.common import Context
from newsdesk.cli.live import sources as sources_command
from newsdesk.ingest import sources
from newsdesk.store.sqlite import connect

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="News">
    <outline text="World" title="World news" type="rss" xmlUrl="https://news.example.org/world.rss"
             htmlUrl="https://news.example.org/world"/>
    <outline text="Folder"><outline text="Deep" xmlUrl="http://deep.example.net/atom.xml"/></outline>
  </outline>
  <outline text="Not a feed" htmlUrl="https://example.com/"/>
  <outline text="Bad scheme" xmlUrl="ftp://example.com/feed"/>
</body></opml>"""


@pytest.fixture
def db(tmp_path):
    connection = connect(tmp_path / "s.db")
    yield connection
    connection.close()


@pytest.mark.parametrize("text, seconds", [("900", 900), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1.5h", 5400)])
def test_parse_interval(text, seconds):
    assert sources.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["10s", "often", "-5m", ""])
def test_parse_interval_refuses_bad_or_hammering_values(text):
    with pytest.raises(ValueError):
        sources.parse_interval(text)


def test_add_list_remove(db):
    assert sources.add(db, "https://a.example.org/feed", title="A", interval=600)
    assert not sources.add(db, "https://a.example.org/feed")  # already there
    assert sources.add(db, "https://b.example.org/sitemap.xml", ignore_robots=True)
    with pytest.raises(ValueError, match="not an http"):
        sources.add(db, "file:///etc/passwd")
    rows = sources.listing(db)
    assert [(r["url"], r["title"], r["interval"], r["ignore_robots"], r["status"]) for r in rows] == [
        ("https://a.example.org/feed", "A", 600, False, "new"),
        ("https://b.example.org/sitemap.xml", None, sources.DEFAULT_INTERVAL, True, "new")]
    assert rows[0]["items_per_day"] == 0.0
    assert len(sources.due(db)) == 2  # never polled: due now
    assert sources.remove(db, "https://a.example.org/feed")
    assert sources.remove(db, str(rows[1]["id"]))
    assert not sources.remove(db, "https://nowhere.example/")
    assert sources.listing(db) == []


def test_opml_import_walks_folders_and_skips_non_feeds(db):
    bad_scheme = ["not an http(s) URL: 'ftp://example.com/feed'"]
    assert sources.import_opml(db, OPML) == (2, 0, bad_scheme)
    assert sources.import_opml(db, OPML) == (0, 2, bad_scheme)
    rows = sources.listing(db)
    assert [(r["url"], r["title"], r["site_url"]) for r in rows] == [
        ("https://news.example.org/world.rss", "World news", "https://news.example.org/world"),
        ("http://deep.example.net/atom.xml", "Deep", None)]


def test_opml_round_trip(db, tmp_path):
    sources.import_opml(db, OPML)
    exported = sources.export_opml(db)
    assert exported.startswith(b"<?xml") and b'version="2.0"' in exported
    other = connect(tmp_path / "other.db")
    assert sources.import_opml(other, exported) == (2, 0, [])
    assert [(r["url"], r["title"], r["site_url"]) for r in sources.listing(other)] == [
        (r["url"], r["title"], r["site_url"]) for r in sources.listing(db)]


def test_opml_external_entities_are_refused(db):
    evil = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/hostname">]>
      <opml version="2.0"><body><outline text="&x;" xmlUrl="https://e.example.org/f"/></body></opml>"""
    with pytest.raises(ValueError, match="external entity"):
        sources.read_opml(evil)


def test_opml_garbage_is_a_clear_error():
    with pytest.raises(ValueError, match="not a valid OPML"):
        sources.read_opml(b"<opml><body><outline")


def test_json_feed_entries():
    data = b"""{"version": "https://jsonfeed.org/version/1", "title": "Blog", "items": [
      {"id": "1", "url": "https://b.example/1", "title": "Full", "content_html": "<p>Hello</p>",
       "date_published": "2025-01-02T03:04:05Z", "author": {"name": "Ann"}},
      {"id": "2", "external_url": "/2", "content_text": "Para one.\\n\\nPara <two>."},
      "junk"]}"""
    title, entries = sources.json_feed(data, "https://b.example/feed.json")
    assert title == "Blog" and len(entries) == 2
    assert entries[0]["link"] == "https://b.example/1" and entries[0]["author"] == "Ann"
    assert entries[0]["content"] == [{"value": "<p>Hello</p>"}]
    assert entries[0]["published_parsed"][:6] == (2025, 1, 2, 3, 4, 5)
    assert entries[1]["link"] == "https://b.example/2"
    assert entries[1]["content"][0]["value"] == "<p>Para one.</p><p>Para &lt;two&gt;.</p>"


@pytest.mark.parametrize("data", [b"{not json", b'{"items": []}', b'{"version": "https://jsonfeed.org/version/1"}'])
def test_json_feed_refuses_non_feeds(data):
    with pytest.raises(ValueError):
        sources.json_feed(data, "https://b.example/")


def test_sitemap_index_newest_first():
    data = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://s.example/old.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
      <sitemap><loc>/new.xml.gz</loc><lastmod>2025-06-01</lastmod></sitemap></sitemapindex>"""
    sitemap = sources.parse_sitemap(data, "https://s.example/sitemap.xml")
    assert sitemap.children == ["https://s.example/new.xml.gz", "https://s.example/old.xml"] and sitemap.urls == []


def test_news_sitemap_hints():
    data = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
               xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://s.example/a</loc><lastmod>2025-01-01</lastmod></url>
      <url><loc>https://s.example/b</loc><news:news><news:publication>
        <news:name>S</news:name></news:publication><news:publication_date>2025-03-01T10:00:00Z</news:publication_date>
        <news:title>B happened</news:title></news:news></url>
      <url><lastmod>2025-05-01</lastmod></url></urlset>"""
    sitemap = sources.parse_sitemap(data, "https://s.example/")
    assert sitemap.urls == [("https://s.example/b", {"title": "B happened", "published": "2025-03-01T10:00:00Z"}),
                            ("https://s.example/a", {})]


@pytest.mark.parametrize("data", [b"<html><body>no</body></html>", b"<urlset><url>"])
def test_sitemap_refuses_non_sitemaps(data):
    with pytest.raises(ValueError):
        sources.parse_sitemap(data, "https://s.example/")


def test_backoff_doubles_and_is_capped():
    waits = [sources.backoff_seconds(600, n) for n in (1, 2, 3, 20)]
    assert 1080 <= waits[0] <= 1320 and 2160 <= waits[1] <= 2640 and 4320 <= waits[2] <= 5280
    assert waits[3] <= sources.MAX_BACKOFF * 1.1
    assert sources.backoff_seconds(600, 1, retry_after=7200) == 7200


def run(tmp_path, *args):
    group = click.Group(commands={"sources": sources_command})
    return CliRunner().invoke(group, list(args), obj=Context(db_option=str(tmp_path / "cli.db")),
                              catch_exceptions=False)


def test_sources_cli(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(OPML)
    assert "imported 2 new source(s), 0 already followed" in run(tmp_path, "sources", "import-opml", str(opml)).output
    added = run(tmp_path, "sources", "add", "https://c.example/page", "--every", "2h", "--ignore-robots")
    assert added.exit_code == 0 and "added: https://c.example/page" in added.output
    assert run(tmp_path, "sources", "add", "https://c.example/page", "--every", "5s").exit_code == 2
    listing = run(tmp_path, "sources", "list").output.splitlines()
    assert len(listing) == 3 and "new" in listing[0] and "World news" in listing[0] and "every 2h" in listing[2]
    as_json = run(tmp_path, "sources", "list", "--json").output.splitlines()
    assert len(as_json) == 3 and '"items_per_day": 0.0' in as_json[0]
    exported = run(tmp_path, "sources", "export-opml").output
    assert exported.count("<outline") == 3 and 'xmlUrl="https://c.example/page"' in exported
    removed = run(tmp_path, "sources", "remove", "https://c.example/page", "https://nope.example/")
    assert removed.exit_code == 1 and "removed: https://c.example/page" in removed.output


# ---- what the public desk may show of a source's address ----

PRIVATE_FEED = "https://user:hunter2@feeds.example.com/private.xml?api_key=SECRET123&edition=uk"


@pytest.mark.parametrize("text, shown", [
    (PRIVATE_FEED, "https://feeds.example.com/private.xml?api_key=\u2026&edition=uk"),
    ("https://a.example/f?token=t1&accessToken=t2&X-Amz-Signature=s&api%5Fkey=k&page=2",
     "https://a.example/f?token=\u2026&accessToken=\u2026&X-Amz-Signature=\u2026&api%5Fkey=\u2026&page=2"),
    ("https://me:p@ss@a.example/", "https://a.example/"),  # an unescaped "@" in the password
    ("bad address 'https://u:pw@a.example/x?password=pw': boom", "bad address 'https://a.example/x?password=\u2026': boom"),
    ("HTTP 500 Internal Server Error", "HTTP 500 Internal Server Error"),
    (None, None),
])
def test_without_secrets(text, shown):
    assert sources.without_secrets(text) == shown


def test_the_desk_shows_followed_addresses_without_their_credentials(tmp_path):
    """A QA pass: /sources, /sources.json and /api/sources published a private feed's user, password and key,
    in its address and in a fetch error quoting it. A later security pass: `sources list` printed them into
    logs too; only `sources export-opml`, a backup to re-import, keeps them."""
    from fastapi.testclient import TestClient

    from newsdesk.web.app import create_app

    path = tmp_path / "cli.db"  # the store `run` gives the CLI
    db = connect(path)
    sources.add(db, PRIVATE_FEED)
    with db:
        db.execute("UPDATE feeds SET failures = 1, last_error = ?", (f"redirect loop at {PRIVATE_FEED}",))
    db.close()
    shown = "https://feeds.example.com/private.xml?api_key=\u2026&amp;edition=uk"
    with TestClient(create_app(str(path))) as desk:
        pages = {route: desk.get(route).text for route in ("/sources", "/sources.json", "/api/sources")}
        listed = desk.get("/sources.json").json()["sources"][0]
    for route, text in pages.items():
        assert "hunter2" not in text and "SECRET123" not in text and "user:" not in text, route
    assert pages["/sources"].count(shown) == 3  # as its name (it has no title yet), its address, in the error
    assert listed["url"] == "https://feeds.example.com/private.xml?api_key=\u2026&edition=uk"
    assert listed["last_error"] == f"redirect loop at {listed['url']}"
    assert "hunter2" not in run(tmp_path, "sources", "list", "--json").output


def test_opml_import_names_the_entries_it_refuses_and_exits_1(tmp_path):
    """A QA pass: an OPML with javascript: and file: entries said "imported 1 new source(s)", exit 0, and the
    two were dropped unseen (and an unparseable address stopped the whole import, unnamed). As with `ingest`, anything that failed makes the exit code 1."""
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(b"""<opml version="2.0"><body>
      <outline text="Evil" xmlUrl="javascript:alert(1)"/>
      <outline text="Local" xmlUrl="file:///etc/passwd"/>
      <outline text="Broken" xmlUrl="http://[::1"/>
      <outline text="Good" xmlUrl="https://good.example/feed.xml"/></body></opml>""")
    result = run(tmp_path, "sources", "import-opml", str(opml))
    assert result.exit_code == 1
    assert result.stdout == "imported 1 new source(s), 0 already followed, 3 not imported\n"
    assert result.stderr.splitlines() == ["not imported: not an http(s) URL: 'javascript:alert(1)'",
                                          "not imported: not an http(s) URL: 'file:///etc/passwd'",
                                          "not imported: not a valid URL: 'http://[::1' (Invalid IPv6 URL)"]
    assert [row["url"] for row in sources.listing(connect(tmp_path / "cli.db"))] == ["https://good.example/feed.xml"]
