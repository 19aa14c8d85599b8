"""Defects from an operator's and a security reviewer's QA passes over fetch, watch and the sources: a brotli
bomb, credentials in command-line output and stored errors, enrichment left undone after a stopped run,
failures on stdout, edited articles missing from a source's line, a settings typo that did not name its file,
and no supported way to back the store up."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time

import brotli
import click
import pytest
from click.testing import CliRunner
from test_watch import NewsSite

from newsdesk.bench.fetch import LocalSite
from newsdesk.cli import main
from newsdesk.cli.common import Context
from newsdesk.cli.live import _print_outcome
from newsdesk.cli.live import fetch as fetch_command
from newsdesk.cli.live import sources as sources_command
from newsdesk.ingest import schedule
from newsdesk.ingest.fetch import Fetcher, FetchError
from newsdesk.ingest.sources import without_secrets
from newsdesk.settings import Settings
from newsdesk.store.sqlite import connect


def make_settings(tmp_path, **overrides) -> Settings:
    return Settings.load({"db": str(tmp_path / "cli.db"), "allow_private_addresses": True, "fetch_timeout": 5.0,
                          "per_host_delay": 0.0} | overrides)


def run(tmp_path, *args):
    group = click.Group(commands={"sources": sources_command, "fetch": fetch_command})
    context = Context(db_option=str(tmp_path / "cli.db"),
                      overrides={"allow_private_addresses": True, "per_host_delay": 0.0, "fetch_timeout": 2.0})
    return CliRunner().invoke(group, list(args), obj=context, catch_exceptions=False)


# ---- 1. a brotli bomb ----

def brotli_of_zeros(megabytes: int) -> bytes:
    compressor = brotli.Compressor(quality=5)
    zeros = b"\0" * (1 << 20)
    return b"".join(compressor.process(zeros) for _ in range(megabytes)) + compressor.finish()


class RecordingDecompressor:
    """brotli's decompressor, noting what each call was allowed to write and what it wrote."""

    calls: list[tuple[int | None, int]] = []

    def __init__(self) -> None:
        self.inner = REAL_DECOMPRESSOR()

    def process(self, data: bytes, output_buffer_limit: int | None = None) -> bytes:
        if output_buffer_limit is None:
            out = self.inner.process(data)
        else:
            out = self.inner.process(data, output_buffer_limit=output_buffer_limit)
        self.calls.append((output_buffer_limit, len(out)))
        return out


REAL_DECOMPRESSOR = brotli.Decompressor


def test_a_brotli_bomb_is_refused_at_the_page_limit_without_being_inflated(tmp_path, monkeypatch):
    """4.5 kB of br made of 3 GB of zeros took 5.7 GB and a minute: httpx inflated each chunk whole."""
    limit = 100_000
    bomb = brotli_of_zeros(300)
    page = b"<html><head><title>Fine</title></head><body><p>" + b"Small page. " * 2000 + b"</p></body></html>"
    routes = {"/bomb": (200, {"Content-Type": "text/html", "Content-Encoding": "br"}, bomb),
              "/page": (200, {"Content-Type": "text/html", "Content-Encoding": "br"}, brotli.compress(page))}
    monkeypatch.setattr(brotli, "Decompressor", RecordingDecompressor)
    RecordingDecompressor.calls = []
    with LocalSite(routes) as site, Fetcher(make_settings(tmp_path, max_page_bytes=limit), retries=0) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="larger than the 100,000-byte limit"):
            fetcher.get(site.url("/bomb"), ignore_robots=True)
        assert time.monotonic() - started < 5
        bomb_calls = list(RecordingDecompressor.calls)
        assert fetcher.get(site.url("/page"), ignore_robots=True).body == page  # a real br page still reads
        assert "br" in site.requests[0][1]["Accept-Encoding"]
    # the decoder was never allowed more than the limit, nor wrote much past it (its buffer grows in blocks)
    assert bomb_calls and all(allowed is not None and allowed <= limit + 1 for allowed, _ in bomb_calls)
    assert sum(written for _, written in bomb_calls) < limit + 200_000


def test_a_coding_that_was_not_asked_for_is_refused_by_name(tmp_path):
    routes = {"/z": (200, {"Content-Type": "text/html", "Content-Encoding": "zstd"}, b"\x28\xb5\x2f\xfd" + b"x" * 50)}
    with LocalSite(routes) as site, Fetcher(make_settings(tmp_path), retries=0) as fetcher:
        with pytest.raises(FetchError, match="Content-Encoding zstd was not asked for"):
            fetcher.get(site.url("/z"), ignore_robots=True)
        assert "zstd" not in site.requests[0][1]["Accept-Encoding"]


# ---- 2. credentials on the command line and in stored errors ----

def test_credentials_in_a_query_value_are_masked():
    assert (without_secrets("https://proxy.example/get?u=ftp://bob:hunter2@files.example/feed.xml&n=1")
            == "https://proxy.example/get?u=ftp://files.example/feed.xml&n=1")
    encoded = without_secrets("https://proxy.example/get?u=ftp%3A%2F%2Fbob%3Ahunter2%40files.example%2Ff&n=1")
    assert "hunter2" not in encoded and "bob" not in encoded and encoded.endswith("&n=1")
    plain = "https://proxy.example/get?u=https%3A%2F%2Ffiles.example%2Ffeed.xml"
    assert without_secrets(plain) == plain


def test_sources_commands_show_no_credentials_but_export_keeps_them(tmp_path):
    url = "http://user:s3cr3t@news.example/feed?api_key=k3y"
    outputs = [run(tmp_path, "sources", "add", url), run(tmp_path, "sources", "list"),
               run(tmp_path, "sources", "list", "--json"), run(tmp_path, "sources", "remove", url)]
    for result in outputs[:3]:
        assert "news.example/feed" in result.output
    for result in outputs:
        assert "s3cr3t" not in result.output and "k3y" not in result.output and "user" not in result.output
    run(tmp_path, "sources", "add", url)
    assert "user:s3cr3t@news.example" in run(tmp_path, "sources", "export-opml").output  # a backup to re-import
    assert "credentials" in run(tmp_path, "sources", "export-opml", "--help").output


def test_fetch_lines_and_the_stored_error_hide_a_redirect_targets_credentials(tmp_path):
    with LocalSite({"/feed": (302, {"Location": "ftp://bob:hunter2@files.example/feed.xml"}, b"")}) as site:
        source = site.url("/feed").replace("http://", "http://user:s3cr3t@")
        run(tmp_path, "sources", "add", source)
        results = [run(tmp_path, "fetch"), run(tmp_path, "fetch", "--all", "--json"),
                   run(tmp_path, "sources", "list"), run(tmp_path, "sources", "list", "--json")]
    for result in results:
        assert "files.example/feed.xml" in result.output
        assert "hunter2" not in result.output and "s3cr3t" not in result.output, result.output
    db = connect(tmp_path / "cli.db")
    assert db.execute("SELECT last_error FROM feeds").fetchone()[0] == (
        "refused to follow a redirect to a non-http address: ftp://files.example/feed.xml")
    db.close()


# ---- 3. stories, headlines and facts left undone by an earlier run ----

def test_a_round_with_nothing_new_finishes_what_an_earlier_run_left_undone(tmp_path):
    with LocalSite({}) as site:
        NewsSite(site, entries=2)
        run(tmp_path, "sources", "add", site.url("/feed.xml"))
        assert run(tmp_path, "fetch", "--no-enrich").exit_code == 0  # as a run stopped before its stories
        db = connect(tmp_path / "cli.db")
        assert db.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 2
        assert schedule.enrichment_pending(db)
        with Fetcher(make_settings(tmp_path), retries=0) as fetcher:
            result = schedule.run_round(db, make_settings(tmp_path), fetcher=fetcher, everything=True)
    assert result.outcomes[0]["not_modified"] and not result.report.stored  # nothing new: a 304
    assert db.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM facts_done").fetchone()[0] == 2
    assert not schedule.enrichment_pending(db)  # done for good: the next quiet round does nothing
    db.close()


# ---- 4 and 5. what a source's line says, and where ----

def test_a_failing_source_is_said_on_stderr_even_when_quiet(tmp_path):
    with LocalSite({"/bad.xml": (404, {}, b"")}) as site:
        NewsSite(site, entries=1)
        run(tmp_path, "sources", "add", site.url("/feed.xml"), site.url("/bad.xml"))
        result = run(tmp_path, "fetch", "--no-enrich", "-q")
    assert result.exit_code == 1
    assert "FAILED" in result.stderr and "HTTP 404" in result.stderr and "FAILED" not in result.stdout
    assert "ok         Town news: 1 new" in result.stdout


def test_a_sources_line_counts_its_edited_articles(capsys):
    outcome = {"id": 1, "url": "https://riverton.example/feed", "title": "Riverton Gazette", "ok": True,
               "not_modified": False, "stored": 1, "updated": 1, "known": 0, "duplicates": 0, "failed": 0,
               "deferred": 0, "next_in": 1800}
    _print_outcome(outcome, as_json=False)
    assert "Riverton Gazette: 1 new, 1 updated, 0 known, 0 duplicate(s)" in capsys.readouterr().out


# ---- 6. a settings file's fault names the file ----

def test_a_typo_in_the_settings_file_names_the_file(tmp_path):
    config = tmp_path / "desk.toml"
    config.write_text("stories_day = 3\n")
    with pytest.raises(ValueError, match=f"^{config}: unknown setting"):
        Settings.load(config_file=str(config))
    result = CliRunner().invoke(main, ["--config", str(config), "settings"])
    assert result.exit_code == 1 and f"bad settings: {config}: unknown setting(s): stories_day" in result.output


# ---- 7. backup ----

def add_articles(db: sqlite3.Connection, count: int) -> None:
    with db:
        db.execute("INSERT INTO pages (hash, uri, kind, size, status) VALUES ('h', 'u', 'html', 1, 'ok')")
        db.executemany("INSERT INTO articles (id, page_hash, title_source, body_hash, blocks, captions, text, words) "
                       "VALUES (?, 'h', 'publisher', 'b', '[]', '[]', 'text', 1)", [(f"a{n}",) for n in range(count)])


def test_backup_holds_what_a_writer_has_not_checkpointed(tmp_path):
    """A plain copy of the store's file had 4 of 28 articles: the rest sat in its -wal file."""
    store, dest = tmp_path / "desk.db", tmp_path / "backup.db"
    writer = connect(store)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # all of it stays in the -wal file while the writer is open
    add_articles(writer, 28)
    reader = connect(store, readonly=True)  # `serve` reading meanwhile
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM articles").fetchone()
    shutil.copy(store, tmp_path / "plain-copy.db")
    assert sqlite3.connect(tmp_path / "plain-copy.db").execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    result = CliRunner().invoke(main, ["--db", str(store), "backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert f"to {dest}" in result.output and "28 articles" in result.output
    copy = connect(dest, readonly=True)
    assert copy.execute("SELECT count(*) FROM articles").fetchone()[0] == 28
    copy.close()
    refused = CliRunner().invoke(main, ["--db", str(store), "backup", str(dest)])
    assert refused.exit_code == 1 and "already exists (--force replaces it)" in refused.output
    forced = CliRunner().invoke(main, ["--db", str(store), "backup", "--force", "--json", str(dest)])
    assert forced.exit_code == 0 and json.loads(forced.stdout)["articles"] == 28
    reader.rollback()
    reader.close()
    writer.close()
