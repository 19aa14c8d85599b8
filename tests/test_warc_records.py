"""WARC records that broke the rest of the archive (QA round 3): every later record must still be read, and each
bad record must be one clear failure line naming it."""

from __future__ import annotations

import dataclasses
import gzip
import zlib

import pytest

from newsdesk.ingest import warc
from newsdesk.records import Failure, Page

ARTICLE = (b"<html><head><title>Council approves the bridge</title></head><body><h1>Council approves the bridge</h1>"
           + b"<p>The council approved the new bridge over the river on Tuesday evening.</p>" * 40 + b"</body></html>")


def _page(n: int) -> bytes:
    return ARTICLE.replace(b"the bridge", f"bridge {n}".encode())


def _http(body: bytes, headers: str = "", length: bool = True) -> bytes:
    sized = f"Content-Length: {len(body)}\r\n" if length else ""
    return f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{headers}{sized}\r\n".encode() + body


def _record(url: str, block: bytes, length: int | None = None) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2025-12-20T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(block) if length is None else length}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def _good(n: int) -> bytes:
    return _record(f"https://town.example/good{n}", _http(_page(n)))


def _chunked(data: bytes, size: int = 700) -> bytes:
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def _write(tmp_path, name: str, records: list[bytes]):
    """A plain WARC, or a .warc.gz with each record its own gzip member as crawlers write them."""
    path = tmp_path / name
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if name.endswith(".gz") else b"".join(records))
    return path


def _read(path, settings):
    items = list(warc.read(path, settings))
    return ([i for i in items if isinstance(i, Page)],
            [i for i in items if isinstance(i, Failure) and not i.skipped])


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_chunked_and_gzipped_response_is_decoded_and_the_records_after_it_are_read(settings, tmp_path, name):
    """fastwarc's own decoding of this most common header pair ended the iteration after it, with no error."""
    both = _http(_chunked(gzip.compress(_page(9))), "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                 length=False)
    path = _write(tmp_path, name, [_good(1), _record("https://town.example/both", both), _good(2), _good(3)])
    pages, failures = _read(path, settings)
    assert not failures
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "both", "good2", "good3"]
    assert pages[1].raw == _page(9)


@pytest.mark.parametrize("headers, body", [
    ("Transfer-Encoding: chunked\r\n", _chunked(_page(9))),
    ("Content-Encoding: gzip\r\n", gzip.compress(_page(9))),
    ("Content-Encoding: deflate\r\n", zlib.compress(_page(9))),
    ("Content-Encoding: deflate\r\n", zlib.compress(_page(9))[2:-4]),  # bare deflate, as some servers send it
    ("Content-Encoding: gzip\r\n", _page(9)),  # stored decoded with the header kept: read as it is
])
def test_each_http_encoding_gives_the_page_itself(settings, tmp_path, headers, body):
    length = "chunked" not in headers
    path = _write(tmp_path, "crawl.warc", [_record("https://town.example/coded", _http(body, headers, length)), _good(2)])
    pages, failures = _read(path, settings)
    assert not failures and [p.raw for p in pages] == [_page(9), _page(2)]


def test_brotli_is_decoded(settings, tmp_path):
    brotli = pytest.importorskip("brotli")
    coded = _http(brotli.compress(_page(9)), "Content-Encoding: br\r\n")
    pages, failures = _read(_write(tmp_path, "crawl.warc", [_record("https://town.example/br", coded)]), settings)
    assert not failures and [p.raw for p in pages] == [_page(9)]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_false_gzip_claim_fails_that_record_alone_and_names_it(settings, tmp_path, name):
    """The decoding error had ended the archive in one line that named no record."""
    liar = _http(b"Plain words, not gzip data at all. " * 30, "Content-Encoding: gzip\r\n")
    path = _write(tmp_path, name, [_good(1), _record("https://town.example/liar", liar), _good(2), _good(3)])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "good2", "good3"]
    assert len(failures) == 1 and failures[0].uri.endswith("#https://town.example/liar")
    assert "Content-Encoding gzip, but the body cannot be decoded" in failures[0].reason


def test_the_page_limit_holds_for_the_decoded_body(settings, tmp_path):
    small = dataclasses.replace(settings, max_page_bytes=len(_page(9)) - 1)
    coded = _http(gzip.compress(_page(9)), "Content-Encoding: gzip\r\n")
    path = _write(tmp_path, "crawl.warc", [_record("https://town.example/big", coded)])
    _, failures = _read(path, small)
    assert len(failures) == 1 and f"larger than the {small.max_page_bytes:,}-byte page limit" in failures[0].reason


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_warc_content_length_too_small_fails_that_record_alone(settings, tmp_path, name):
    """The parser then stood inside the record's body and gave up on the archive ("corrupt WARC after 1 page")."""
    block = _http(_page(5))
    short = _record("https://town.example/short", block, length=len(block) - 500)
    path = _write(tmp_path, name, [_good(1), short, _good(2), _good(3)])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "good2", "good3"]
    assert len(failures) == 1 and failures[0].uri.endswith("#https://town.example/short")
    assert "truncated record" in failures[0].reason and "resumed at the next record" in failures[0].reason


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_warc_content_length_too_big_loses_no_record(settings, tmp_path, name):
    """The record had swallowed the next one's headers and the records after it were lost."""
    block = _http(_page(5))
    long = _record("https://town.example/long", block, length=len(block) + 300)
    path = _write(tmp_path, name, [_good(1), long, _good(2), _good(3)])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "long", "good2", "good3"]
    assert pages[1].raw == _page(5)  # not the next record's headers after it
    assert len(failures) == 1 and "malformed WARC data after this record" in failures[0].reason


def test_a_broken_gzip_member_fails_that_record_alone(settings, tmp_path):
    members = [gzip.compress(r) for r in (_good(1), _good(2), _good(3), _good(4))]
    broken = bytearray(members[1])
    broken[len(broken) // 2: len(broken) // 2 + 40] = bytes(40)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join([members[0], bytes(broken), members[2], members[3]]))
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "good3", "good4"]
    assert len(failures) == 1 and failures[0].uri.endswith("#https://town.example/good2")
    assert f"offset {len(members[0]):,}" in failures[0].reason


def test_junk_between_plain_records_is_one_failure_and_reading_goes_on(settings, tmp_path):
    path = _write(tmp_path, "crawl.warc", [_good(1), b"\x00 stray bytes \r\n" * 50, _good(2), _good(3)])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "good2", "good3"]
    assert len(failures) == 1 and failures[0].uri.endswith("#https://town.example/good1")


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_a_parser_that_stops_early_without_an_error_is_caught(settings, tmp_path, monkeypatch, name):
    """The safety net for any other silent stop: a clean end with records still after it is resumed and said."""
    real = warc.ArchiveIterator

    def first_record_only(*args, **kwargs):
        yield next(iter(real(*args, **kwargs)))

    monkeypatch.setattr(warc, "ArchiveIterator", first_record_only)
    path = _write(tmp_path, name, [_good(1), _good(2), _good(3)])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "good2", "good3"]
    assert [f.uri.rsplit("/", 1)[1] for f in failures] == ["good1", "good2"]
    assert all("reading stopped early" in f.reason for f in failures)


def test_a_truncated_last_record_still_fails_alone(settings, tmp_path):
    data = b"".join([_good(1), _good(2)])
    path = tmp_path / "crawl.warc"
    path.write_bytes(data[:-800])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1"]
    assert len(failures) == 1 and "truncated record" in failures[0].reason


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_the_next_record_is_found_across_scan_blocks(settings, tmp_path, monkeypatch, name):
    """The search for the next record reads the file in blocks; a start lying across two of them must be found."""
    monkeypatch.setattr(warc, "SCAN_BLOCK", 97)
    path = _write(tmp_path, name, [_good(1), _good(2), _good(3)])
    data = path.read_bytes()
    second = data.index(gzip.compress(_good(2))) if name.endswith(".gz") else data.index(_good(2))
    path.write_bytes(data[:second] + b"\x00 stray bytes \r\n" * 300 + data[second:])
    pages, failures = _read(path, settings)
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["good1", "good2", "good3"]
    assert len(failures) == 1 and failures[0].reason.endswith(f"resumed at the next record at offset {second + 4800:,}")
