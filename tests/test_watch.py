"""Fetch rounds and the watch loop against local sites: storing, no duplicates, backoff, clean stops."""

from __future__ import annotations

import threading

import click
import pytest
from click.testing import CliRunner

from newsdesk.bench.fetch import LocalSite
from newsdesk.cli.common import Context
from newsdesk.cli.live import fetch as fetch_command
from newsdesk.cli.live import sources as sources_command
from newsdesk.ingest import schedule, sources
from newsdesk.ingest.fetch import Fetcher
from newsdesk.settings import Settings
from newsdesk.store.sqlite import connect


def article(n: int) -> bytes:
    paras = "".join(f"<p>Paragraph {i} of report {n}: the council of town number {n} met on the river bank to "
                    f"discuss bridges, budgets and the weather for item {n * 7 + i}.</p>" for i in range(5))
    return (f"<html><head><title>Report {n}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Report {n} headline</h1>{paras}</article></body></html>").encode()


class NewsSite:
    """A feed (with ETag) whose summary-only entries link to article pages on the same site."""

    def __init__(self, site: LocalSite, entries: int) -> None:
        self.site = site
        self.entries = list(range(entries))
        site.routes["/feed.xml"] = self.feed
        for n in range(20):
            site.routes[f"/news/{n}"] = (200, {"Content-Type": "text/html"}, article(n))

    def feed(self, request) -> tuple:
        etag = f'"v{len(self.entries)}"'
        if request.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        items = "".join(
            f"<item><title>Feed title {n}</title><link>{self.site.url(f'/news/{n}')}</link>"
            f"<description>Summary {n}</description><pubDate>Tue, 0{n % 9 + 1} Apr 2025 10:00:00 GMT</pubDate></item>"
            for n in self.entries)
        body = f"<rss version='2.0'><channel><title>Town news</title>{items}</channel></rss>".encode()
        return 200, {"Content-Type": "application/rss+xml", "ETag": etag}, body

    def article_requests(self) -> list[str]:
        return [p for p in self.site.paths() if p.startswith("/news/")]


def make_settings(tmp_path, **overrides) -> Settings:
    return Settings.load({"db": str(tmp_path / "w.db"), "allow_private_addresses": True, "fetch_timeout": 1.0,
                          "per_host_delay": 0.0} | overrides)


@pytest.fixture
def db(tmp_path):
    connection = connect(tmp_path / "w.db")
    yield connection
    connection.close()


def round_(db, settings, **kwargs):
    with Fetcher(settings, backoff=0.01) as fetcher:
        return schedule.run_round(db, settings, enrich=False, fetcher=fetcher, **kwargs)


def feed_row(db, url):
    return next(r for r in sources.listing(db) if r["url"] == url)


def test_round_stores_articles_once_and_unchanged_feeds_cost_nothing(tmp_path, db):
    settings = make_settings(tmp_path)
    with LocalSite({}) as site:
        news = NewsSite(site, entries=3)
        sources.add(db, site.url("/feed.xml"))
        first = round_(db, settings)
        assert [(o["ok"], o["stored"]) for o in first.outcomes] == [(True, 3)]
        assert sorted(news.article_requests()) == ["/news/0", "/news/1", "/news/2"]
        rows = db.execute("SELECT title, published, url FROM articles ORDER BY url").fetchall()
        # the pages carry no date: the feed's pubDate is the fallback
        assert [(r["title"], r["published"]) for r in rows] == [
            (f"Report {n} headline", f"2025-04-0{n + 1}T10:00:00Z") for n in range(3)]

        again = round_(db, settings, everything=True)
        assert again.outcomes[0]["not_modified"] and again.outcomes[0]["stored"] == 0
        assert site.requests[-1][1]["If-None-Match"] == '"v3"'
        assert len(news.article_requests()) == 3  # nothing fetched again

        news.entries.append(7)
        changed = round_(db, settings, everything=True)
        assert changed.outcomes[0]["stored"] == 1 and news.article_requests().count("/news/7") == 1
        assert len(news.article_requests()) == 4  # old entries are remembered, not re-fetched
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 4
    row = feed_row(db, site.url("/feed.xml"))
    assert row["status"] == "ok" and row["title"] == "Town news" and row["kind"] == "feed"
    assert row["items_per_day"] == 4.0 and row["items_total"] == 4


def test_failing_sources_back_off_and_are_reported(tmp_path, db):
    settings = make_settings(tmp_path)
    routes = {"/bad.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>x"),
              "/gone.xml": (410, {}, b""), "/busy.xml": (429, {"Retry-After": "7200"}, b""),
              "/down.xml": (500, {}, b"")}
    with LocalSite(routes) as site:
        for path in routes:
            sources.add(db, site.url(path), interval=600)
        first = round_(db, settings)
        assert not any(o["ok"] for o in first.outcomes) and len(first.outcomes) == 4
        assert first.report.failed == 4
        waits = {o["url"].rsplit("/", 1)[1]: o["next_in"] for o in first.outcomes}
        assert 1080 <= waits["bad.xml"] <= 1320 and waits["busy.xml"] >= 7200
        second = round_(db, settings, everything=True)
        assert len(second.outcomes) == 3  # the 410 source is disabled
        waits2 = {o["url"].rsplit("/", 1)[1]: o["next_in"] for o in second.outcomes}
        assert waits2["bad.xml"] > waits["bad.xml"] and waits2["down.xml"] > waits["down.xml"]
    rows = {r["url"].rsplit("/", 1)[1]: r for r in sources.listing(db)}
    assert rows["gone.xml"]["status"] == "disabled" and "gone" in rows["gone.xml"]["last_error"]
    assert rows["bad.xml"]["failures"] == 2 and rows["bad.xml"]["last_error"].startswith("malformed feed")
    assert rows["down.xml"]["last_error"] == "HTTP 500 Internal Server Error"
    assert sources.due(db) == []  # all backed off


def test_one_host_is_never_hammered(tmp_path, db):
    settings = make_settings(tmp_path, per_host_concurrency=1)
    with LocalSite({}) as site:
        NewsSite(site, entries=6)
        site.routes["/feed2.xml"] = site.routes["/feed.xml"]
        sources.add(db, site.url("/feed.xml"))
        sources.add(db, site.url("/feed2.xml"))
        result = round_(db, settings)
        assert site.max_in_flight == 1
    assert sum(o["stored"] for o in result.outcomes) == 6  # the second feed's entries were already known
    assert db.execute("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0] == 6


def test_interrupted_round_loses_nothing_and_duplicates_nothing(tmp_path, db):
    settings = make_settings(tmp_path)
    sites = [LocalSite({}, host=f"127.0.0.{n}") for n in (1, 2, 3)]
    for site in sites:
        site.__enter__()
    try:
        for n, site in enumerate(sites):
            news = NewsSite(site, entries=3)
            news.entries = [n * 3 + i for i in range(3)]
            sources.add(db, site.url("/feed.xml"))

        calls = []

        def interrupt(_outcome):
            calls.append(1)
            if len(calls) == 1:  # Ctrl-C once, while the first poll is being stored
                raise KeyboardInterrupt

        stopped = round_(db, settings, on_source=interrupt)
        assert stopped.interrupted and len(stopped.outcomes) >= 1
        polled = {o["url"] for o in stopped.outcomes if not o.get("interrupted")}  # stopped part-way: still due
        resumed = round_(db, settings)
        assert {o["url"] for o in resumed.outcomes} == {s.url("/feed.xml") for s in sites} - polled
    finally:
        for site in sites:
            site.__exit__(None, None, None)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 9
    assert all(r["status"] == "ok" for r in sources.listing(db))


def test_watch_runs_rounds_until_stopped(tmp_path, db):
    settings = make_settings(tmp_path)
    stop = threading.Event()
    rounds = []
    with LocalSite({}) as site:
        NewsSite(site, entries=2)
        sources.add(db, site.url("/feed.xml"))

        def on_round(result):
            rounds.append([(o["stored"], o["not_modified"]) for o in result.outcomes])
            if len(rounds) == 2:
                stop.set()
            else:
                with db:  # make the source due again at once
                    db.execute("UPDATE feeds SET next_due = NULL")

        count = schedule.watch(db, settings, stop=stop, on_round=on_round, enrich=False)
    assert count == 2 and rounds == [[(2, False)], [(0, True)]]


def run(tmp_path, *args):
    group = click.Group(commands={"sources": sources_command, "fetch": fetch_command})
    context = Context(db_option=str(tmp_path / "cli.db"),
                      overrides={"allow_private_addresses": True, "per_host_delay": 0.0, "fetch_timeout": 1.0})
    return CliRunner().invoke(group, list(args), obj=context, catch_exceptions=False)


def test_fetch_cli_reports_each_source(tmp_path):
    with LocalSite({"/bad.xml": (404, {}, b"")}) as site:
        NewsSite(site, entries=2)
        run(tmp_path, "sources", "add", site.url("/feed.xml"), site.url("/bad.xml"))
        result = run(tmp_path, "fetch", "--no-enrich")
        assert result.exit_code == 1
        assert "ok         Town news: 2 new, 0 known, 0 duplicate(s)" in result.output
        assert f"FAILED     {site.url('/bad.xml')}: HTTP 404 Not Found (1 in a row; retry in" in result.output
        assert "round: 2 source(s) polled, 1 failing; stored 2" in result.output
        assert "nothing due" in run(tmp_path, "fetch").output
        listing = run(tmp_path, "sources", "list").output
    assert "ok " in listing and "failing" in listing and "1 failure(s) in a row" in listing


def test_ctrl_c_stops_watch_cleanly_and_the_next_run_completes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    def slow_article(n):
        def reply(_request):
            time.sleep(0.3)
            return 200, {"Content-Type": "text/html"}, article(n)
        return reply

    path = tmp_path / "w.db"
    with LocalSite({}) as site:
        news = NewsSite(site, entries=6)
        for n in range(6):
            site.routes[f"/news/{n}"] = slow_article(n)
        setup = connect(path)
        sources.add(setup, site.url("/feed.xml"))
        setup.close()
        env = dict(os.environ, NEWSDESK_DB=str(path), NEWSDESK_ALLOW_PRIVATE="1", NEWSDESK_PER_HOST_DELAY="0")
        # as from a terminal: a suite launched in the background inherits SIGINT ignored, and Python keeps that
        watcher = subprocess.Popen([sys.executable, "-c", "from newsdesk.cli import main; main()", "watch"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 30
        while len(news.article_requests()) < 2 and time.monotonic() < deadline and watcher.poll() is None:
            time.sleep(0.05)
        watcher.send_signal(signal.SIGINT)
        output, _ = watcher.communicate(timeout=60)
        assert watcher.returncode == 0, output
        assert "stopped: everything fetched so far is stored" in output
        db = connect(path)
        stored_before = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert 1 <= stored_before < 6
        resumed = round_(db, make_settings(tmp_path))  # the interrupted source is still due
        assert resumed.outcomes[0]["stored"] == 6 - stored_before
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT url) FROM articles").fetchone()[:] == (6, 6)
    db.close()


def test_due_sources_are_spread_over_hosts():
    feeds = [{"url": u} for u in ("http://a.example/1", "http://a.example/2", "http://a.example/3",
                                   "http://b.example/1", "http://c.example/1", "http://c.example/2")]
    order = [f["url"] for f in schedule.interleave_hosts(feeds)]
    assert order == ["http://a.example/1", "http://b.example/1", "http://c.example/1",
                     "http://a.example/2", "http://c.example/2", "http://a.example/3"]


def test_a_crashing_source_fails_alone(tmp_path, db, monkeypatch):
    from newsdesk.ingest import poll

    real_parse = poll.feedparser.parse

    def parse(data, **kwargs):
        if b"Crash" in data:
            raise RuntimeError("parser bug")
        return real_parse(data, **kwargs)

    monkeypatch.setattr(poll.feedparser, "parse", parse)
    crash = b"<rss version='2.0'><channel><title>Crash</title><item><title>x</title></item></channel></rss>"
    with LocalSite({"/crash.xml": (200, {"Content-Type": "application/rss+xml"}, crash)}) as site:
        NewsSite(site, entries=2)
        sources.add(db, site.url("/crash.xml"))
        sources.add(db, site.url("/feed.xml"))
        result = round_(db, make_settings(tmp_path))
    outcomes = {o["url"].rsplit("/", 1)[1]: o for o in result.outcomes}
    assert outcomes["crash.xml"]["error"] == "internal error: RuntimeError: parser bug"
    assert outcomes["feed.xml"]["ok"] and outcomes["feed.xml"]["stored"] == 2


MAINTENANCE = b"<!doctype html><html><head><title>Down</title></head><body><p>We'll be back soon.</p></body></html>"


def test_a_feed_that_turns_into_a_maintenance_page_fails_and_stores_nothing(tmp_path, db):
    """A QA pass: a followed feed that began to serve an HTML page had that page stored as news, and stayed ok."""
    settings = make_settings(tmp_path)
    with LocalSite({}) as site:
        NewsSite(site, entries=2)
        sources.add(db, site.url("/feed.xml"))
        assert round_(db, settings).outcomes[0]["stored"] == 2
        site.routes["/feed.xml"] = (200, {"Content-Type": "text/html"}, MAINTENANCE)
        down = round_(db, settings, everything=True).outcomes[0]
    assert not down["ok"] and down["error"] == "not a feed: got an HTML page" and down["stored"] == 0
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    row = feed_row(db, site.url("/feed.xml"))
    assert (row["status"], row["kind"], row["last_error"]) == ("failing", "feed", "not a feed: got an HTML page")


def test_html_served_as_xml_shows_its_source_failing_on_every_poll(tmp_path, db):
    """A QA pass: HTML served as application/xml failed one item on the first poll, then showed ok and
    "unchanged" forever (its ETag was kept). It must stay failing, with the reason, until it serves a feed."""
    settings = make_settings(tmp_path)

    def xml_labelled_page(request) -> tuple:
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/xml", "ETag": '"v1"'}, MAINTENANCE

    with LocalSite({"/feed.xml": xml_labelled_page}) as site:
        sources.add(db, site.url("/feed.xml"))
        polls = [round_(db, settings, everything=True).outcomes[0] for _ in range(3)]
    reason = "not a feed or sitemap: got an HTML page (served as application/xml)"
    assert [(o["ok"], o.get("error"), o["stored"]) for o in polls] == [(False, reason, 0)] * 3
    row = feed_row(db, site.url("/feed.xml"))
    assert (row["status"], row["failures"], row["last_error"]) == ("failing", 3, reason)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
