"""The fetcher against real HTTP servers on loopback: errors, retries, redirects, limits, robots, guard."""

from __future__ import annotations

import gzip
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import RawServer

from newsdesk.bench.fetch import LocalSite
from newsdesk.ingest import guard
from newsdesk.ingest.fetch import Fetcher, FetchError
from newsdesk.ingest.poll import poll_url
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

HTML = b"<html><head><title>Hello</title></head><body><p>Body text.</p></body></html>"


def settings(tmp_path, **overrides) -> Settings:
    values = {"db": str(tmp_path / "t.db"), "allow_private_addresses": True, "fetch_timeout": 0.5,
              "per_host_delay": 0.0} | overrides
    return Settings.load(values)


def html(body: bytes = HTML, **headers) -> tuple:
    return 200, {"Content-Type": "text/html; charset=utf-8", **headers}, body


@pytest.fixture
def fetcher_factory(tmp_path):
    made = []

    def make(**overrides) -> Fetcher:
        retries = overrides.pop("retries", 1)
        fetcher = Fetcher(settings(tmp_path, **overrides), retries=retries, backoff=0.01)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


# ---- the private-address guard ----

def test_guard_refuses_loopback_without_the_switch(fetcher_factory):
    with LocalSite({"/": html()}) as site:
        with pytest.raises(FetchError) as error:
            fetcher_factory(allow_private_addresses=False).get(site.url("/"))
        assert site.requests == []  # refused before connecting, not after
    message = str(error.value)
    assert "127.0.0.1" in message and "loopback" in message and "NEWSDESK_ALLOW_PRIVATE_ADDRESSES=1" in message


def test_guard_checks_resolved_addresses_of_names(fetcher_factory):
    with LocalSite({"/": html()}) as site:
        url = site.url("/").replace("127.0.0.1", "localhost")
        with pytest.raises(FetchError, match=r"localhost \(.*\): a loopback address"):
            fetcher_factory(allow_private_addresses=False).get(url)
        assert site.requests == []


@pytest.mark.parametrize("address, reason", [
    ("10.1.2.3", "a private address"), ("192.168.0.1", "a private address"), ("172.16.5.4", "a private address"),
    ("169.254.169.254", "a link-local address"), ("::1", "a loopback address"),
    ("::ffff:127.0.0.1", "a loopback address"), ("fc00::1", "a private address"), ("fe80::1", "a link-local address"),
    ("100.64.0.1", "a private address"), ("0.0.0.0", "an unspecified address"), ("224.0.0.1", "a multicast address"),
    ("93.184.216.34", None), ("2606:4700::1111", None),
])
def test_forbidden_reason(address, reason):
    assert guard.forbidden_reason(address) == reason


def test_guard_applies_to_every_redirect_hop(fetcher_factory, monkeypatch):
    # Only 127.0.0.2 counts as private here, so the first hop (127.0.0.1) is allowed and the redirect is not.
    monkeypatch.setattr(guard, "forbidden_reason", lambda a: "a private address" if a == "127.0.0.2" else None)
    with LocalSite({"/secret": html()}, host="127.0.0.2") as inner:
        with LocalSite({"/": (302, {"Location": inner.url("/secret")}, b"")}) as outer:
            with pytest.raises(FetchError, match="127.0.0.2: a private address"):
                fetcher_factory(allow_private_addresses=False).get(outer.url("/"))
            assert outer.paths() == ["/robots.txt", "/"]
        assert inner.requests == []


# ---- status codes, retries, timeouts ----

@pytest.mark.parametrize("status", [404, 410])
def test_client_errors_fail_at_once(fetcher_factory, status):
    with LocalSite({"/x": (status, {}, b"gone")}) as site:
        with pytest.raises(FetchError) as error:
            fetcher_factory(retries=2).get(site.url("/x"))
        assert site.paths().count("/x") == 1
    assert error.value.status == status and not error.value.transient
    assert str(status) in str(error.value)


def test_server_errors_are_retried_then_reported(fetcher_factory):
    with LocalSite({"/x": (500, {}, b"oops")}) as site:
        with pytest.raises(FetchError, match="HTTP 500") as error:
            fetcher_factory(retries=2).get(site.url("/x"))
        assert site.paths().count("/x") == 3
    assert error.value.transient


def test_flaky_server_succeeds_on_retry(fetcher_factory):
    answers = iter([(503, {}, b""), (429, {"Retry-After": "0"}, b""), html()])
    with LocalSite({"/x": lambda _req: next(answers)}) as site:
        response = fetcher_factory(retries=2).get(site.url("/x"))
        assert site.paths().count("/x") == 3
    assert response.status == 200 and response.body == HTML


def test_long_retry_after_is_handed_to_the_scheduler(fetcher_factory):
    with LocalSite({"/x": (429, {"Retry-After": "3600"}, b"")}) as site:
        with pytest.raises(FetchError) as error:
            fetcher_factory(retries=3).get(site.url("/x"))
        assert site.paths().count("/x") == 1  # no retry within the fetch: the wait is too long
    assert error.value.status == 429 and error.value.retry_after == 3600


def test_slow_response_times_out(fetcher_factory):
    def slow(_req):
        time.sleep(1.2)
        return html()

    with LocalSite({"/slow": slow}) as site:
        with pytest.raises(FetchError, match="timed out") as error:
            fetcher_factory(retries=0, fetch_timeout=0.3).get(site.url("/slow"))
    assert error.value.transient


def test_slow_drip_body_is_cut_off(fetcher_factory):
    def drip(_req):
        def chunks():
            for _ in range(20):
                time.sleep(0.1)  # each read is quick, the whole body is not
                yield b"x" * 10
        return 200, {"Content-Type": "text/html", "Content-Length": "200"}, chunks()

    with LocalSite({"/drip": drip}) as site:
        with pytest.raises(FetchError, match="body not complete after 0.5s"):
            fetcher_factory(retries=0, fetch_timeout=0.5).get(site.url("/drip"))


class SilentHost(RawServer):
    """Accepts connections, logs each request line and never answers: a host that is up but hangs."""

    def __init__(self) -> None:
        self.request_lines: list[str] = []
        super().__init__()

    def handle(self, request) -> None:
        self.request_lines.append(request.recv(65536).split(b"\r\n", 1)[0].decode())
        while request.recv(65536):  # until the client gives up and closes
            pass


def test_a_timeout_after_retries_says_how_many_tries_and_how_long(fetcher_factory):
    """A QA pass: a host that never answered held the fetch about 63 s and the message said "timed out after
    20s"; it now tells the tries and the time they took."""
    with SilentHost() as host:
        with pytest.raises(FetchError) as error:
            fetcher_factory(retries=2, fetch_timeout=0.3).get(host.url("/feed"), ignore_robots=True)
    assert host.request_lines == ["GET /feed HTTP/1.1"] * 3
    assert re.fullmatch(r"timed out after 0.3s \(ReadTimeout\); 3 tries, [01]s in all", str(error.value))
    assert error.value.transient


def test_a_host_that_does_not_answer_robots_txt_is_not_asked_again(fetcher_factory):
    """A QA pass: robots.txt was asked three times (a minute at the default timeout) before the feed, which
    the same silent host would not answer either. One timeout on robots.txt now fails the fetch."""
    with SilentHost() as host:
        with pytest.raises(FetchError, match=r"^timed out after 0.3s \(ReadTimeout\)$"):
            fetcher_factory(retries=2, fetch_timeout=0.3).get(host.url("/feed"))
    assert host.request_lines == ["GET /robots.txt HTTP/1.1"]


# ---- redirects and size limits ----

def test_redirects_are_followed_relative_and_absolute(fetcher_factory):
    with LocalSite({"/a": (301, {"Location": "/b"}, b""), "/b": (307, {"Location": "c"}, b""), "/c": html()}) as site:
        response = fetcher_factory().get(site.url("/a"))
    assert response.url == site.url("/c") and response.body == HTML


def test_redirect_loop_is_detected(fetcher_factory):
    with LocalSite({"/a": (302, {"Location": "/b"}, b""), "/b": (302, {"Location": "/a"}, b"")}) as site:
        with pytest.raises(FetchError, match="redirect loop"):
            fetcher_factory().get(site.url("/a"))
        assert site.paths().count("/a") == 1


def test_redirect_chain_is_limited(fetcher_factory):
    routes = {f"/{i}": (302, {"Location": f"/{i + 1}"}, b"") for i in range(20)}
    with LocalSite(routes) as site:
        with pytest.raises(FetchError, match="more than 10 redirects"):
            fetcher_factory().get(site.url("/0"))


def test_redirect_to_other_schemes_is_refused(fetcher_factory):
    with LocalSite({"/a": (302, {"Location": "file:///etc/passwd"}, b"")}) as site:
        with pytest.raises(FetchError, match="non-http"):
            fetcher_factory().get(site.url("/a"))


def test_huge_bodies_are_cut_off(fetcher_factory):
    big = b"<p>" + b"x" * 300_000 + b"</p>"
    bomb = gzip.compress(b"\0" * 5_000_000)  # 5 MB inflated from a few kilobytes
    routes = {"/big": html(big), "/bomb": (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)}
    with LocalSite(routes) as site:
        fetcher = fetcher_factory(max_page_bytes=100_000)
        for path in ("/big", "/bomb"):
            with pytest.raises(FetchError, match="larger than the 100,000-byte limit"):
                fetcher.get(site.url(path))


# ---- robots.txt and conditional GET ----

ROBOTS = b"User-agent: *\nDisallow: /private\n"


def test_robots_disallow_is_obeyed_and_can_be_overridden(fetcher_factory):
    routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS), "/private/x": html(), "/public": html()}
    with LocalSite(routes) as site:
        fetcher = fetcher_factory()
        assert fetcher.get(site.url("/public")).status == 200
        with pytest.raises(FetchError, match="disallowed by robots.txt"):
            fetcher.get(site.url("/private/x"))
        assert "/private/x" not in site.paths()
        assert site.paths().count("/robots.txt") == 1  # cached per origin
        assert fetcher.get(site.url("/private/x"), ignore_robots=True).status == 200
        assert fetcher_factory(respect_robots=False).get(site.url("/private/x")).status == 200


def test_robots_rules_for_our_user_agent(fetcher_factory):
    robots = b"User-agent: newsdesk\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    with LocalSite({"/robots.txt": (200, {}, robots), "/page": html()}) as site:
        with pytest.raises(FetchError, match="robots.txt"):
            fetcher_factory().get(site.url("/page"))


def test_unreachable_robots_means_wait(fetcher_factory):
    with LocalSite({"/robots.txt": (503, {}, b""), "/page": html()}) as site:
        with pytest.raises(FetchError, match="robots.txt"):
            fetcher_factory(retries=0).get(site.url("/page"))
        assert "/page" not in site.paths()


def test_conditional_get(fetcher_factory):
    def feed(req):
        if req.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 00:00:00 GMT"}, HTML

    with LocalSite({"/f": feed}) as site:
        fetcher = fetcher_factory()
        first = fetcher.get(site.url("/f"))
        again = fetcher.get(site.url("/f"), etag=first.headers["etag"], last_modified=first.headers["last-modified"])
        assert site.requests[-1][1]["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert first.status == 200 and again.not_modified and again.body == b""


def test_per_host_concurrency_is_bounded(fetcher_factory):
    def slow(_req):
        time.sleep(0.15)
        return html()

    with LocalSite({f"/{i}": slow for i in range(8)}) as site:
        fetcher = fetcher_factory(per_host_concurrency=2)
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda i: fetcher.get(site.url(f"/{i}")), range(8)))
        assert all(r.status == 200 for r in results)
        assert site.max_in_flight <= 2


def test_requests_to_one_host_are_spaced(fetcher_factory):
    with LocalSite({f"/{i}": html() for i in range(4)} | {"/robots.txt": (404, {}, b"")}) as site:
        fetcher = fetcher_factory(per_host_delay=0.2, per_host_concurrency=4)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: fetcher.get(site.url(f"/{i}")), range(4)))
        gaps = [b - a for a, b in zip(site.arrivals, site.arrivals[1:])]
    assert len(gaps) == 4 and min(gaps) >= 0.1  # 0.2 s apart at the client; arrival jitter allowed


def test_robots_crawl_delay_slows_the_host_down(fetcher_factory):
    robots = b"User-agent: *\nCrawl-delay: 0.3\nDisallow: /x\n"
    with LocalSite({"/robots.txt": (200, {}, robots), "/page": html()}) as site:
        fetcher = fetcher_factory(per_host_delay=0.1)
        fetcher.get(site.url("/page"))
        assert fetcher.gate(site.url("/page")).delay == 0.3


def test_user_agent_is_sent(fetcher_factory):
    with LocalSite({"/": html()}) as site:
        fetcher_factory(user_agent="deskbot/9 (+mailto:me@example.org)").get(site.url("/"))
        assert all(headers["User-Agent"] == "deskbot/9 (+mailto:me@example.org)" for _, headers in site.requests)


# ---- reading sources into pages ----

LATIN1_FEED = ("<rss version='2.0'><channel><title>Le flux</title><item><title>Caf\u00e9 cr\u00e8me</title>"
               "<link>/missing</link><description>R\u00e9sum\u00e9</description></item>"
               "</channel></rss>").encode("iso-8859-1")


def test_feed_charset_from_http_header(fetcher_factory):
    routes = {"/feed": (200, {"Content-Type": "application/rss+xml; charset=ISO-8859-1"}, LATIN1_FEED)}
    with LocalSite(routes) as site:
        poll = poll_url(fetcher_factory(), site.url("/feed"))
    assert poll.kind == "feed" and poll.title == "Le flux"
    pages = [i for i in poll.items if isinstance(i, Page)]
    # the entry's page is missing (404), so the entry falls back to its own headline
    assert [p.hints["title"] for p in pages] == ["Café crème"]


def test_html_charset_from_header_reaches_the_decoder(fetcher_factory):
    from newsdesk.extract.encoding import decode

    body = "<html><body><p>Le caf\u00e9 est cr\u00e9\u00e9 \u2014 d\u00e9j\u00e0.</p></body></html>".encode("cp1252")
    with LocalSite({"/p": (200, {"Content-Type": "text/html; charset=windows-1252"}, body)}) as site:
        poll = poll_url(fetcher_factory(), site.url("/p"))
    (page,) = poll.items
    assert poll.kind == "page" and page.hints["charset"] == "windows-1252" and page.raw == body
    assert "café est créé — déjà" in decode(page.raw, page.hints["charset"])


def test_malformed_feed_is_an_error_not_a_crash(fetcher_factory):
    routes = {"/feed": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>broken")}
    routes["/empty"] = (200, {"Content-Type": "application/atom+xml"}, b"<?xml version='1.0'?><feed><title>x</title>")
    with LocalSite(routes) as site:
        for path in ("/feed", "/empty"):
            poll = poll_url(fetcher_factory(), site.url(path))
            assert poll.error and poll.error.startswith(("feed has no entries", "malformed feed"))


def test_summary_only_entries_fetch_their_article_pages(fetcher_factory):
    with LocalSite({}) as site:
        site.routes.update({
            "/feed": (200, {"Content-Type": "application/rss+xml"}, f"""<rss version="2.0"><channel><title>Desk</title>
              <item><title>First</title><link>{site.url('/a1')}</link><description>One</description>
                <pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate></item>
              <item><title>Gone</title><link>{site.url('/missing')}</link><description>Two</description></item>
              <item><title>Full</title><link>{site.url('/a3')}</link>
                <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>{'Long text. ' * 60}</p>]]></content:encoded>
              </item></channel></rss>""".encode()),
            "/a1": html(b"<html><body><p>The article.</p></body></html>"),
        })
        poll = poll_url(fetcher_factory(), site.url("/feed"))
        assert "/a3" not in site.paths()  # full content in the feed: no page fetch
    kinds = [(type(i).__name__, getattr(i, "kind", None), getattr(i, "url", None) or i.uri) for i in poll.items]
    assert kinds == [("Page", "html", site.url("/a1")), ("Failure", None, site.url("/missing")),
                     ("Page", "feed", site.url("/missing")), ("Page", "html", site.url("/a3"))]
    article = poll.items[0]
    assert article.hints["title"] == "First" and article.hints["published"] == "2025-03-04T10:00:00Z"
    assert article.source == "Desk"
    assert sorted(poll.links) == sorted(site.url(p) for p in ("/a1", "/missing", "/a3"))


def test_known_entries_are_not_fetched_again(fetcher_factory):
    with LocalSite({}) as site:
        items = "".join(f"<item><title>T{i}</title><link>{site.url(f'/a{i}')}</link></item>" for i in range(3))
        site.routes["/feed"] = (200, {}, f"<rss version='2.0'><channel>{items}</channel></rss>".encode())
        for i in range(3):
            site.routes[f"/a{i}"] = html()
        poll = poll_url(fetcher_factory(), site.url("/feed"), is_known=lambda link: link.endswith("/a1"))
        assert sorted(p for p in site.paths() if p.startswith("/a")) == ["/a0", "/a2"]
    assert len(poll.items) == 2


def test_json_feed_and_news_sitemap(fetcher_factory):
    with LocalSite({}) as site:
        site.routes.update({
            "/feed.json": (200, {"Content-Type": "application/feed+json"}, json.dumps({
                "version": "https://jsonfeed.org/version/1.1", "title": "JF",
                "items": [{"id": "1", "url": "/j1", "title": "Json one", "summary": "S",
                           "date_published": "2025-02-01T08:00:00+01:00"}]}).encode()),
            "/j1": html(),
            "/sitemap.xml": (200, {"Content-Type": "application/xml"}, f"""<?xml version="1.0"?>
              <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
              <url><loc>{site.url('/s1')}</loc><news:news><news:publication_date>2025-01-05</news:publication_date>
                <news:title>Sitemap story</news:title></news:news></url></urlset>""".encode()),
            "/s1": html(),
        })
        json_poll = poll_url(fetcher_factory(), site.url("/feed.json"))
        map_poll = poll_url(fetcher_factory(), site.url("/sitemap.xml"))
    (page,) = json_poll.items
    assert json_poll.title == "JF" and page.url == site.url("/j1")
    assert page.hints["title"] == "Json one" and page.hints["published"] == "2025-02-01T07:00:00Z"
    (page,) = map_poll.items
    assert map_poll.kind == "sitemap" and page.hints == {"title": "Sitemap story", "published": "2025-01-05",
                                                          "charset": "utf-8"}


def test_ingest_reads_urls_through_the_fetcher(tmp_path):
    from newsdesk.ingest import read

    with LocalSite({"/page": html()}) as site:
        items = list(read([site.url("/page"), site.url("/nothing")], settings(tmp_path)))
    assert isinstance(items[0], Page) and items[0].kind == "html" and items[0].raw == HTML
    assert isinstance(items[1], Failure) and "404" in items[1].reason


def test_bad_redirect_target_is_a_fetch_error(fetcher_factory):
    with LocalSite({"/a": (302, {"Location": "http://[::1"}, b"")}) as site:
        with pytest.raises(FetchError, match="Invalid URL|bad address"):
            fetcher_factory().get(site.url("/a"))


def test_wrong_charsets_still_decode(fetcher_factory):
    from newsdesk.extract import extract

    page_bytes = ("<html><head><meta charset='iso-8859-1'><title>x</title></head><body><article>"
                  + "<p>Le caf\u00e9 du march\u00e9 a rouvert ses portes apr\u00e8s les travaux de l'\u00e9t\u00e9.</p>" * 4
                  + "</article></body></html>").encode("iso-8859-1")
    feed_bytes = ("<?xml version='1.0' encoding='iso-8859-1'?><rss version='2.0'><channel><title>t</title>"
                  "<item><title>Th\u00e9\u00e2tre</title><description>d</description></item></channel></rss>"
                  ).encode("iso-8859-1")
    routes = {"/page": (200, {"Content-Type": "text/html; charset=utf-8"}, page_bytes),  # the header lies
              "/feed": (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, feed_bytes)}
    with LocalSite(routes) as site:
        page_poll = poll_url(fetcher_factory(), site.url("/page"))
        feed_poll = poll_url(fetcher_factory(), site.url("/feed"))
    assert "Le café du marché a rouvert" in extract(page_poll.items[0]).article.text
    assert feed_poll.items[0].hints["title"] == "Théâtre"


def test_gzipped_sitemaps_are_read_within_the_size_limit(fetcher_factory):
    with LocalSite({}) as site:
        sitemap = gzip.compress(f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>{site.url('/s1')}</loc></url></urlset>""".encode())
        site.routes.update({"/sitemap.xml.gz": (200, {"Content-Type": "application/x-gzip"}, sitemap),
                            "/s1": html(), "/bomb.xml.gz": (200, {}, gzip.compress(b" " * 300_000))})
        poll = poll_url(fetcher_factory(), site.url("/sitemap.xml.gz"))
        bomb = poll_url(fetcher_factory(max_page_bytes=100_000), site.url("/bomb.xml.gz"))
    assert poll.kind == "sitemap" and [p.url for p in poll.items] == [site.url("/s1")]
    assert bomb.error.startswith("gzipped document larger than")
