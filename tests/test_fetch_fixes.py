"""Network-side defects found by a QA pass: hostile Retry-After, feeds without a charset, dripped headers,
the per-poll budget, XML-illegal titles, octet-stream pages, and the source list's CLI."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import click
import pytest
from click.testing import CliRunner
from conftest import RawServer

from newsdesk.bench.fetch import LocalSite
from newsdesk.cli.common import Context
from newsdesk.cli.live import fetch as fetch_command
from newsdesk.cli.live import sources as sources_command
from newsdesk.ingest import schedule, sources
from newsdesk.ingest.fetch import Fetcher, FetchError, Stopped, parse_retry_after
from newsdesk.ingest.poll import Poll, fetch_target, poll_url
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings
from newsdesk.store.sqlite import connect

HTML = b"<!doctype html><html><head><title>Hello</title></head><body><p>Body text.</p></body></html>"
ARTICLE = ("<html><head><title>Report</title></head><body><article><h1>Council meets on the bridge</h1>"
           + "<p>The council of the river town met on Tuesday to discuss bridges, budgets and the weather.</p>" * 5
           + "</article></body></html>").encode()


def make_settings(tmp_path, **overrides) -> Settings:
    return Settings.load({"db": str(tmp_path / "f.db"), "allow_private_addresses": True, "fetch_timeout": 1.0,
                          "per_host_delay": 0.0} | overrides)


@pytest.fixture
def db(tmp_path):
    connection = connect(tmp_path / "f.db")
    yield connection
    connection.close()


@pytest.fixture
def fetcher_factory(tmp_path):
    made = []

    def make(**overrides) -> Fetcher:
        fetcher = Fetcher(make_settings(tmp_path, **overrides), retries=0, backoff=0.01)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


def rss(site: LocalSite, paths: list[str], title: str = "Desk") -> bytes:
    items = "".join(f"<item><title>Story {p}</title><link>{site.url(p)}</link><description>Summary</description></item>"
                    for p in paths)
    return f"<rss version='2.0'><channel><title>{title}</title>{items}</channel></rss>".encode()


def round_(db, settings):
    with Fetcher(settings, retries=0, backoff=0.01) as fetcher:
        return schedule.run_round(db, settings, enrich=False, fetcher=fetcher, everything=True)


# ---- 1. a hostile Retry-After ----

@pytest.mark.parametrize("value", ["999999999999", "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_retry_after_is_capped_at_a_day(value):
    assert parse_retry_after(value) == sources.MAX_BACKOFF
    assert sources.backoff_seconds(600, 1, retry_after=1e12) == sources.MAX_BACKOFF


def test_hostile_retry_after_fails_its_source_alone(tmp_path, db):
    with LocalSite({}) as site:
        site.routes.update({"/busy.xml": (503, {"Retry-After": "999999999999"}, b""),
                            "/far.xml": (429, {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, b""),
                            "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss(site, ["/a1"])),
                            "/a1": (200, {"Content-Type": "text/html"}, ARTICLE)})
        for path in ("/busy.xml", "/far.xml", "/feed.xml"):
            sources.add(db, site.url(path))
        result = round_(db, make_settings(tmp_path))
    outcomes = {o["url"].rsplit("/", 1)[1]: o for o in result.outcomes}
    assert outcomes["feed.xml"]["ok"] and outcomes["feed.xml"]["stored"] == 1
    assert outcomes["busy.xml"]["next_in"] == outcomes["far.xml"]["next_in"] == sources.MAX_BACKOFF


def test_a_source_that_cannot_be_recorded_fails_alone(tmp_path, db, monkeypatch):
    real = sources.record_poll

    def record_poll(db_, feed, poll, stored):
        if feed["url"].endswith("/bad.xml") and not poll.error.startswith("internal error"):
            raise OverflowError("date value out of range")
        return real(db_, feed, poll, stored)

    monkeypatch.setattr(sources, "record_poll", record_poll)
    with LocalSite({}) as site:
        site.routes.update({"/bad.xml": (404, {}, b""),
                            "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss(site, ["/a1"])),
                            "/a1": (200, {"Content-Type": "text/html"}, ARTICLE)})
        sources.add(db, site.url("/bad.xml"))
        sources.add(db, site.url("/feed.xml"))
        result = round_(db, make_settings(tmp_path))
    outcomes = {o["url"].rsplit("/", 1)[1]: o for o in result.outcomes}
    assert outcomes["bad.xml"]["error"] == "internal error: OverflowError: date value out of range"
    assert outcomes["feed.xml"]["ok"] and outcomes["feed.xml"]["stored"] == 1


# ---- 2. feeds served without a charset ----

def test_feed_without_charset_is_not_malformed_when_nothing_is_new(fetcher_factory):
    with LocalSite({}) as site:
        body = rss(site, ["/a1", "/a2"], title="Caf\u00e9 news")  # UTF-8, no XML declaration
        site.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, body)
        poll = poll_url(fetcher_factory(), site.url("/feed"), is_known=lambda _link: True)
    assert poll.error is None and poll.items == [] and poll.title == "Caf\u00e9 news"


def test_every_linked_page_failing_keeps_each_failure(fetcher_factory):
    with LocalSite({}) as site:
        site.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, rss(site, ["/a1", "/a2"]))
        site.routes["/a1"] = site.routes["/a2"] = (503, {}, b"")
        poll = poll_url(fetcher_factory(), site.url("/feed"))
    assert poll.error is None
    assert [(type(i), i.uri, i.reason) for i in poll.items] == [
        (Failure, site.url(p), "HTTP 503 Service Unavailable") for p in ("/a1", "/a2")]


# ---- 3. one deadline for the whole request ----

class DripServer(RawServer):
    """Sends its status line and headers one byte every 50 ms: each read is quick, the response never is."""

    def handle(self, request) -> None:
        request.recv(65536)
        try:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 400:
                request.sendall(bytes([byte]))
                time.sleep(0.05)
        except OSError:
            pass


def test_dripped_headers_hit_the_request_deadline(fetcher_factory):
    with DripServer() as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out after 0.5s") as error:
            fetcher_factory(fetch_timeout=0.5).get(server.url(), ignore_robots=True)
        assert time.monotonic() - started < 2.0
    assert error.value.transient


def test_stop_breaks_a_request_in_flight(fetcher_factory):
    fetcher = fetcher_factory(fetch_timeout=30.0)
    with DripServer() as server:
        threading.Timer(0.3, fetcher.stop.set).start()
        started = time.monotonic()
        with pytest.raises(Stopped):
            fetcher.get(server.url(), ignore_robots=True)
        assert time.monotonic() - started < 2.0


# ---- 4. the per-poll budget ----

def feed_site(site: LocalSite, count: int) -> None:
    site.routes["/feed"] = (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'},
                            rss(site, [f"/a{n}" for n in range(count)]))
    for n in range(count):
        site.routes[f"/a{n}"] = (200, {"Content-Type": "text/html"}, HTML.replace(b"Hello", f"Page {n}".encode()))


def test_ingest_url_reads_every_entry(tmp_path):
    with LocalSite({}) as site:
        feed_site(site, 55)
        items = list(fetch_target(site.url("/feed"), make_settings(tmp_path)))
    assert sorted(i.url for i in items if isinstance(i, Page)) == sorted(site.url(f"/a{n}") for n in range(55))


def test_a_poll_over_budget_leaves_the_rest_for_an_unconditional_next_poll(fetcher_factory):
    with LocalSite({}) as site:
        feed_site(site, 5)
        poll = poll_url(fetcher_factory(), site.url("/feed"), max_new=3)
    assert len(poll.items) == 3 and poll.deferred == 2
    assert poll.etag is None  # else the unchanged feed answers 304 and the two are never reached


def test_an_entry_whose_page_fails_for_now_is_tried_again_next_poll(fetcher_factory):
    """A QA pass: an entry whose article answered 500 was neither kept nor retried, as the next poll's conditional
    GET of the unchanged feed got a 304. Now the poll asks for the feed whole next time."""
    with LocalSite({}) as site:
        feed_site(site, 2)
        site.routes["/a1"] = (500, {}, b"busy")
        poll = poll_url(fetcher_factory(), site.url("/feed"))
    assert [i.url for i in poll.items if isinstance(i, Page)] == [site.url("/a0")]
    assert any(isinstance(i, Failure) and "500" in i.reason for i in poll.items)
    assert site.url("/a1") not in poll.links and poll.deferred == 1 and poll.etag is None


def test_a_fetched_feed_cut_short_says_its_later_entries_are_lost(fetcher_factory):
    with LocalSite({}) as site:
        feed_site(site, 3)
        whole = site.routes["/feed"][2]
        site.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, whole[: whole.index(b"<item>", 200) + 20])
        poll = poll_url(fetcher_factory(), site.url("/feed"))
    cut = [i for i in poll.items if isinstance(i, Failure) and i.reason.startswith("feed cut short")]
    assert len(cut) == 1 and "any after the break lost" in cut[0].reason


def test_junk_served_as_a_feed_is_a_malformed_feed_not_a_page(fetcher_factory):
    """A QA pass: random bytes served as application/rss+xml read "not a web page" and the source stayed "ok"."""
    with LocalSite({"/feed": (200, {"Content-Type": "application/rss+xml"}, bytes(range(256)) * 4)}) as site:
        poll = poll_url(fetcher_factory(), site.url("/feed"))
    assert poll.kind == "feed" and poll.error.startswith("malformed feed") and not poll.items


# ---- 5. XML-illegal characters in titles ----

def test_export_opml_survives_control_characters_in_titles(db):
    sources.add(db, "https://a.example/feed", title="Given\x0b title")
    sources.add(db, "https://b.example/feed")
    feed = db.execute("SELECT * FROM feeds WHERE url = 'https://b.example/feed'").fetchone()
    with db:
        sources.record_poll(db, feed, Poll(feed["url"], kind="feed", title="Own\x00\x1f title"), 0)
    exported = sources.export_opml(db)
    assert b'title="Given title"' in exported and b'title="Own title"' in exported
    assert [r["title"] for r in sources.listing(db)] == ["Given title", "Own title"]


# ---- 6. pages served with a generic type ----

def test_html_served_as_octet_stream_is_sniffed(fetcher_factory):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with LocalSite({"/page": (200, {"Content-Type": "application/octet-stream"}, HTML),
                    "/image": (200, {"Content-Type": "application/octet-stream"}, png)}) as site:
        page = poll_url(fetcher_factory(), site.url("/page"))
        image = poll_url(fetcher_factory(), site.url("/image"))
    assert isinstance(page.items[0], Page) and page.items[0].raw == HTML
    assert image.error == "not a web page (application/octet-stream)" and not image.items


# ---- 7-9. the CLI ----

def run(tmp_path, *args):
    group = click.Group(commands={"sources": sources_command, "fetch": fetch_command})
    context = Context(db_option=str(tmp_path / "cli.db"),
                      overrides={"allow_private_addresses": True, "per_host_delay": 0.0, "fetch_timeout": 1.0})
    return CliRunner().invoke(group, list(args), obj=context, catch_exceptions=False)


def test_fetch_of_a_source_not_followed_says_so(tmp_path):
    run(tmp_path, "sources", "add", "https://a.example/feed.xml")
    result = run(tmp_path, "fetch", "--source", "https://b.example/feed.xml")
    assert result.exit_code == 1 and "not followed: https://b.example/feed.xml" in result.output
    assert "nothing due" not in result.output


def test_sources_list_says_when_the_next_poll_is(tmp_path):
    run(tmp_path, "sources", "add", "https://a.example/feed.xml")
    db = connect(tmp_path / "cli.db")
    with db:
        db.execute("UPDATE feeds SET next_due = ?", (sources.iso(sources.now_utc() + timedelta(hours=26, seconds=30)),))
    db.close()
    assert "next in 1.1d" in run(tmp_path, "sources", "list").output


def test_sources_add_normalises_the_url(tmp_path):
    outputs = [run(tmp_path, "sources", "add", url).output for url in (
        "https://News.Example/feed.xml", "https://news.example/feed.xml#top", "HTTPS://NEWS.EXAMPLE/feed.xml",
        "https://news.example/feed.xml?utm_source=x")]
    assert outputs == ["added: https://news.example/feed.xml\n"] + ["already followed: https://news.example/feed.xml\n"] * 2 + [
        "added: https://news.example/feed.xml?utm_source=x\n"]
    assert "removed: HTTPS://News.example/feed.xml#x" in run(tmp_path, "sources", "remove",
                                                             "HTTPS://News.example/feed.xml#x").output


# ---- 10. a feed that answers with an HTML page ----

MAINTENANCE = b"<!doctype html><html><head><title>Down</title></head><body><p>We'll be back soon.</p></body></html>"


def test_a_source_known_to_be_a_feed_that_answers_with_a_page_fails(fetcher_factory):
    """A QA pass: a followed feed that served a "We'll be back soon" page had the page stored as an article,
    and the source stayed ok: the poll judged each response alone, whatever the source was known to be."""
    with LocalSite({"/feed": (200, {"Content-Type": "text/html"}, MAINTENANCE)}) as site:
        as_feed = poll_url(fetcher_factory(), site.url("/feed"), expected_kind="feed")
        as_sitemap = poll_url(fetcher_factory(), site.url("/feed"), expected_kind="sitemap")
        as_page = poll_url(fetcher_factory(), site.url("/feed"), expected_kind="page")
    assert (as_feed.error, as_feed.items) == ("not a feed: got an HTML page", [])
    assert (as_sitemap.error, as_sitemap.items) == ("not a sitemap: got an HTML page", [])
    assert as_page.error is None and [type(i) for i in as_page.items] == [Page]


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml; charset=utf-8"])
def test_html_served_as_xml_fails_the_poll(fetcher_factory, content_type):
    """A QA pass: HTML served as application/xml or text/xml read as one failed item ("not a web page") of a
    poll that succeeded, so the source showed ok. Such a document is no page: the poll fails and says why."""
    with LocalSite({"/feed": (200, {"Content-Type": content_type, "ETag": '"v1"'}, MAINTENANCE)}) as site:
        poll = poll_url(fetcher_factory(), site.url("/feed"))
    served_as = content_type.split(";")[0]
    assert poll.error == f"not a feed or sitemap: got an HTML page (served as {served_as})"
    assert poll.items == [] and poll.etag is None


def test_a_page_source_whose_document_is_no_page_fails(fetcher_factory):
    """The source's own document failing is the poll's failure, not a failed item of a healthy source."""
    with LocalSite({"/doc": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ...")}) as site:
        poll = poll_url(fetcher_factory(), site.url("/doc"))
    assert poll.error == "not a web page (application/pdf)" and poll.items == []
