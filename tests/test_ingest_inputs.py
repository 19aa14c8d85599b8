"""Messy input files from a QA pass (round 3): each bad item gets one clear line, the rest of the batch goes on,
and memory stays bounded, whatever a file's name says and however its content is wrapped."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.ingest import read
from newsdesk.ingest.files import detect_kind, sniff
from newsdesk.records import shown
from newsdesk.records import Failure, Page

PAGE = ("<!DOCTYPE html><html><head><title>Storm batters coast</title></head><body><article>"
        "<h1>Storm batters coast</h1><p>A storm battered the coast on Monday, officials said, and thousands of "
        "homes were left without power.</p><p>Repair crews worked through the night.</p></article></body></html>")
TEXT = ("Storm batters coast\n\nA storm battered the coast on Monday, officials said, and thousands of homes were "
        "left without power.\n\nRepair crews worked through the night.\n")


def items(targets, settings) -> tuple[list[Page], list[Failure]]:
    found = list(read([str(t) for t in targets], settings))
    return [i for i in found if isinstance(i, Page)], [i for i in found if isinstance(i, Failure)]


def record(text: str) -> bytes:
    return b'{"url": "https://example.com/%s", "text": "%s"}\n' % (text.encode(), text.encode())


# 1. one huge JSONL line


def peak_bytes_reading(targets, settings) -> tuple[int, list[Page], list[Failure]]:
    tracemalloc.start()
    try:
        pages, failures = items(targets, settings)
        return tracemalloc.get_traced_memory()[1], pages, failures
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_huge_jsonl_line_is_refused_in_bounded_memory_and_the_next_records_are_read(settings, tmp_path, gzipped):
    """A 3 MB .jsonl.gz holding one 3 GB line had peaked at 6.4 GB: the whole line was read before its length was
    checked. Now it is read to the limit and passed over in chunks; the records after it are read."""
    settings.max_page_bytes = 10_000
    size = 30_000_000 if gzipped else 1_500_000  # small on disk either way
    huge = b'{"url": "https://example.com/bomb", "text": "' + b"a" * size + b'"}'
    data = record("first") + huge + b"\n" + record("after") + huge  # the last one without a newline
    path = tmp_path / ("bomb.jsonl.gz" if gzipped else "bomb.jsonl")
    path.write_bytes(gzip.compress(data, 9) if gzipped else data)
    del data, huge
    peak, pages, failures = peak_bytes_reading([path], settings)
    assert peak < 1_000_000, f"peak {peak:,} bytes for a 10,000-byte limit"
    assert [p.url for p in pages] == ["https://example.com/first", "https://example.com/after"]
    assert [(f.uri.rsplit("#", 1)[1], f.reason) for f in failures] == [
        (line, "record larger than the 10,000-byte page limit (setting max_page_bytes)") for line in ("L2", "L4")]


def test_a_line_at_the_limit_is_read_and_one_byte_over_is_not(settings, tmp_path):
    line = record("x" * 50)
    settings.max_page_bytes = len(line)
    (tmp_path / "edge.jsonl").write_bytes(line + line.replace(b"x", b"y", 1).replace(b'"}', b' "}'))
    pages, failures = items([tmp_path / "edge.jsonl"], settings)
    assert len(pages) == 1 and [f.uri.rsplit("#", 1)[1] for f in failures] == ["L2"]


# 2. an unreadable JSONL file


def test_an_unreadable_jsonl_is_one_failure_and_the_batch_goes_on(settings, tmp_path, monkeypatch):
    """The gzip sniff opened the file outside the reader's ``try``: a PermissionError ended the whole ingest with
    a traceback, and the files after it were never read."""
    (tmp_path / "a.html").write_text(PAGE)
    (tmp_path / "bad.jsonl").write_bytes(record("never"))
    (tmp_path / "zz_after.html").write_text(PAGE.replace("Storm", "Gale"))
    real_open = Path.open

    def refusing_open(self, *args, **kwargs):
        if self.name == "bad.jsonl":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    pages, failures = items([tmp_path], settings)
    assert [Path(p.uri).name for p in pages] == ["a.html", "zz_after.html"]
    assert [str(f) for f in failures] == [f"{tmp_path / 'bad.jsonl'}: read failed: corrupt or unreadable file: "
                                          "Permission denied"]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_jsonl_whose_read_fails_is_one_failure(settings, tmp_path):
    """The QA pass's stand-in for an unreadable file as root: reading /proc/self/mem at offset 0 fails (EIO)."""
    (tmp_path / "bad.jsonl").symlink_to("/proc/self/mem")
    (tmp_path / "zz_after.html").write_text(PAGE)
    pages, failures = items([tmp_path], settings)
    assert [Path(p.uri).name for p in pages] == ["zz_after.html"]
    assert len(failures) == 1 and failures[0].reason.startswith("corrupt or unreadable file: ")


def test_a_jsonl_cut_off_keeps_its_records_and_says_where_it_broke(settings, tmp_path):
    data = gzip.compress(b"".join(record(f"r{i}") for i in range(2000)))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    pages, failures = items([tmp_path / "cut.jsonl.gz"], settings)
    assert pages and len(failures) == 1
    assert failures[0].reason.startswith(f"corrupt or unreadable file after line {len(pages)}: ")


# 3. UTF-16 HTML under any name


@pytest.mark.parametrize(("name", "codec"), [
    ("page.txt", "utf-16"), ("page", "utf-16"), ("page.txt", "utf-16-le"), ("page", "utf-16-be"),
    ("page.txt", "utf-32")])
def test_wide_encoded_html_under_any_name_is_html(settings, tmp_path, name, codec):
    """UTF-16 HTML named .txt (or without a name) was sniffed on its raw bytes, where a NUL follows every letter,
    so "<html" was never found: its raw markup was stored as the article text."""
    path = tmp_path / name
    path.write_bytes(PAGE.encode(codec))
    assert detect_kind(path) == "html"
    pages, failures = items([path], settings)
    assert not failures and [p.kind for p in pages] == ["html"]
    from newsdesk.extract import extract

    article = extract(pages[0]).article
    assert article.title == "Storm batters coast" and "<" not in article.text


def test_wide_encoded_plain_text_stays_text(tmp_path):
    assert sniff(TEXT.encode("utf-16")) == sniff(TEXT.encode("utf-16-le")) == "text"
    assert sniff(b'\xff\xfe<\x00r\x00s\x00s\x00 \x00v\x00=\x00"\x002\x00"\x00>\x00') == "feed"


@pytest.mark.parametrize(("name", "codec"), [("records", "utf-16"), ("records.jsonl", "utf-16-le"),
                                             ("records.jsonl", "utf-32")])
def test_wide_encoded_jsonl_is_read_record_by_record(settings, tmp_path, name, codec):
    """Sniffed on its decoded start, UTF-16 JSONL without a name is JSONL; read as bytes, each of its lines after
    the first began with half a newline and failed as JSON, so its lines are read as text."""
    data = (record("first") + record("second")).decode()
    (tmp_path / name).write_bytes(data.encode(codec))
    pages, failures = items([tmp_path / name], settings)
    assert not failures and [p.url for p in pages] == ["https://example.com/first", "https://example.com/second"]


# 4. plain text named .html


def test_plain_text_named_html_is_read_as_text(settings, tmp_path):
    """The .html name won over the content: the page failed "no article text found"."""
    (tmp_path / "actually_text.html").write_text(TEXT + "Costs < 3% and rates > 2%, a <-> b, 1<2.\n")
    (tmp_path / "real.html").write_text(PAGE)
    (tmp_path / "utf16.html").write_bytes(PAGE.encode("utf-16"))
    pages, failures = items([tmp_path], settings)
    assert not failures
    assert {Path(p.uri).name: p.kind for p in pages} == {"actually_text.html": "text", "real.html": "html",
                                                         "utf16.html": "html"}
    from newsdesk.extract import extract

    assert "officials said" in extract(pages[0]).article.text


# 5. gzip inside gzip


def test_a_page_gzipped_twice_is_read_and_thrice_is_refused_by_name(settings, tmp_path):
    """A page gzipped twice was refused as "binary data". The second layer is unwrapped, as bounded as the first
    (streamed, read to the page limit); a third is refused in one line that says what it is."""
    (tmp_path / "double.html.gz").write_bytes(gzip.compress(gzip.compress(PAGE.encode())))
    (tmp_path / "double_noext").write_bytes(gzip.compress(gzip.compress(PAGE.encode())))
    (tmp_path / "double.jsonl.gz").write_bytes(gzip.compress(gzip.compress(record("twice"))))
    (tmp_path / "triple.html.gz").write_bytes(gzip.compress(gzip.compress(gzip.compress(PAGE.encode()))))
    pages, failures = items([tmp_path], settings)
    assert {Path(p.uri.split("#")[0]).name: p.kind for p in pages} == {
        "double.html.gz": "html", "double_noext": "html", "double.jsonl.gz": "text"}
    assert pages[0].raw == PAGE.encode()
    assert [str(f) for f in failures] == [f"{tmp_path / 'triple.html.gz'}: read failed: gzip inside gzip more than "
                                          "2 layers deep, not unwrapped further"]


def test_a_double_gzip_bomb_is_refused_at_the_page_limit(settings, tmp_path):
    settings.max_page_bytes = 10_000
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(gzip.compress(b"<html>" + b"a" * 20_000_000, 9), 9))
    peak, pages, failures = peak_bytes_reading([tmp_path / "bomb.html.gz"], settings)
    assert not pages and "10,000-byte page limit" in failures[0].reason and peak < 1_000_000


# 6. control characters in file names


def test_a_file_name_with_a_newline_gives_one_failure_line(settings, tmp_path):
    """An empty file named "empty\\nsecond line.html" printed its failure on two lines."""
    (tmp_path / "empty\nsecond line.html").write_bytes(b"")
    (tmp_path / "bad\nname.jsonl").write_bytes(b"not json\n")
    (tmp_path / "esc\x1b[31mred.html").write_text(PAGE)
    pages, failures = items([tmp_path], settings)
    assert sorted(str(f) for f in failures) == [
        f"{tmp_path}/bad\\nname.jsonl#L1: read failed: not valid JSON: Expecting value: line 1 column 1 (char 0)",
        f"{tmp_path}/empty\\nsecond line.html: read failed: empty file"]
    assert [p.uri for p in pages] == [f"{tmp_path}/esc\\x1b[31mred.html"]


def test_shown_paths_escape_only_when_a_control_character_is_present():
    assert shown("C:\\news\\a b é 中文.html") == "C:\\news\\a b é 中文.html"
    assert shown("a\\b\tc\n.html") == "a\\\\b\\tc\\n.html"
    assert shown(os.fsdecode(b"latin\xe9.html")) == "latin\\udce9.html"


def test_the_ingest_command_prints_one_line_for_a_file_named_with_a_newline(settings, tmp_path):
    from newsdesk.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty\nsecond line.html").write_bytes(b"")
    result = CliRunner().invoke(main, ["--db", settings.db, "ingest", "--no-enrich", str(tmp_path / "in")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "second line" in line or line.startswith("error:")]
    assert lines == [f"error: {tmp_path}/in/empty\\nsecond line.html: read failed: empty file"]


def test_an_address_with_credentials_is_stored_without_them(tmp_path):
    """A self-hoster's QA pass: a private feed's relative entry links were read against its address, so the
    articles' addresses carried the feed's user name and password onto the public desk."""
    from newsdesk.cli import main

    text = "The harbour reopened on Friday after a storm closed it for a week, the port authority said. " * 3
    record = {"url": "https://reader:hunter2@news.example.org/local/harbour?api_key=SECRET3&page=2",
              "title": "Harbour reopens", "text": text}
    (tmp_path / "private.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = tmp_path / "desk.db"
    assert CliRunner().invoke(main, ["--db", str(db), "ingest", str(tmp_path / "private.jsonl")]).exit_code == 0
    exported = CliRunner().invoke(main, ["--db", str(db), "export"]).stdout
    assert "hunter2" not in exported and "SECRET3" not in exported
    assert json.loads(exported)["url"] == "https://news.example.org/local/harbour?api_key=\u2026&page=2"
