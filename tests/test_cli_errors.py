"""The command line on bad input: a value it cannot use is a usage error (exit 2) or one `Error:` line (exit 1),
never a traceback and never a silent wrong answer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SAMPLES, SEED

from newsdesk.cli import main
from newsdesk.store.queries import EXPORTS

FEED = FIXTURES / "feeds/wikinews.rss"  # one full article and two headline-only entries


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None):
        return runner.invoke(main, ["--db", settings.db, *args], env=env)

    return invoke


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def one_error_line(result, *words: str) -> bool:
    lines = result.output.strip().splitlines()
    return (result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("Error: ")
            and all(word in lines[0] for word in words))


def test_an_export_that_cannot_be_written_is_one_line(run, tmp_path):
    assert run("ingest", "--no-enrich", str(FEED)).exit_code == 0
    for fmt in ("jsonl", "csv", "parquet"):
        missing = tmp_path / "no-such-folder" / f"x.{fmt}"
        result = run("export", "--format", fmt, "-o", str(missing))
        assert one_error_line(result, f"cannot write {missing}: No such file or directory"), (fmt, result.output)
    full = Path("/dev/full")
    if full.is_char_device():
        for fmt in ("jsonl", "csv", "parquet"):
            result = run("export", "--format", fmt, "-o", str(full))
            assert one_error_line(result, "cannot write /dev/full: No space left on device"), (fmt, result.output)
        # pyarrow deletes a path it failed to write to: run as root, that would be the device itself
        assert full.is_char_device()


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_search_dates_must_be_iso_dates(run, option):
    assert run("ingest", "--no-enrich", str(FEED)).exit_code == 0
    for bad in ("yesterday", "2024/03/01", "2024-13-01", "2024-03-01T25:00", "01-03-2024"):
        result = run("search", option, bad)
        assert result.exit_code == 2 and "YYYY-MM-DD" in result.output, (bad, result.output)
    # the feed's items ran at noon on 2010-03-01, -02 and -03
    # a bare day as --until includes that day, as the front page's until does; a time is exclusive
    for since, until, found in (("2010-03-01", "2010-03-01", 1), ("2010-03-01", "2010-03-02", 2), ("2010-03-01T12:00", "2010-03-03T12:00", 2),
                                ("2010-03-01T12:00:01", "2010-03-03T12:00:01", 2), ("2010-03-04", "2011-01-01", 0)):
        hits = json_lines(run("search", "--since", since, "--until", until, "--json").output)
        assert len(hits) == found, (since, until)


def test_facts_of_a_file_cover_every_page(run):
    result = run("facts", "--file", str(FIXTURES / "jsonl/mixed.jsonl"), "--json")
    assert result.exit_code == 1  # two of its five lines are not pages, one a headline without text
    records = json_lines(result.stdout)
    assert [r["path"].rsplit("#", 1)[1] for r in records] == ["L1", "L2"]
    assert all(r["entities"] for r in records)
    errors = result.stderr.splitlines()
    assert len(errors) == 3 and all(e.startswith("error: ") for e in errors)
    assert "#L3" in errors[0] and "#L4" in errors[1] and "only headlines" in errors[1] and "#L5" in errors[2]

    warc = run("facts", "--file", str(FIXTURES / "warc/ccnews-sample.warc.gz"), "--json")
    assert warc.exit_code == 0  # its image and robots.txt records are passed over, not failures
    assert len(json_lines(warc.stdout)) == 2 and "note: " in warc.stderr

    feed = run("facts", "--file", str(FEED))
    assert feed.exit_code == 1 and feed.stdout.count("== ") == 1
    assert feed.stderr.count("no article text (only headlines)") == 2


def test_site_filter_ignores_case(run, tmp_path, settings):
    pages = tmp_path / "wikinews3.jsonl"
    pages.write_text("".join((SAMPLES / "wikinews.jsonl").read_text(encoding="utf-8").splitlines(True)[:3]),
                     encoding="utf-8")
    assert run("ingest", "--no-enrich", str(pages)).exit_code == 0
    for site in ("Wikinews", "wikinews", "WIKINEWS"):
        assert len(json_lines(run("search", "--site", site, "--json").output)) == 3, site
        assert len(json_lines(run("search", "Jupiter", "--site", site, "--json").output)) == 1, site
    # the desk filters matched words in memory instead: the same answer
    from newsdesk.store.search import ItemMeta, find
    from newsdesk.store.sqlite import connect

    db = connect(settings.db, readonly=True)
    assert find(db, "Jupiter", site="wikiNEWS", meta=ItemMeta())["total"] == 1
    db.close()


def test_a_named_settings_file_must_exist(run, tmp_path):
    missing = tmp_path / "missing.toml"
    result = run("--config", str(missing), "settings")  # after --db: still the top-level option
    assert result.exit_code == 2 and "does not exist" in result.output
    from_env = run("settings", env={"NEWSDESK_CONFIG": str(missing)})
    assert from_env.exit_code == 2 and "NEWSDESK_CONFIG" in from_env.output
    # the default location may be absent
    assert run("settings", env={"XDG_CONFIG_HOME": str(tmp_path / "empty")}).exit_code == 0


def test_extract_and_facts_follow_the_settings_file_as_ingest_does(run, tmp_path):
    small = tmp_path / "small.toml"
    small.write_text("max_page_bytes = 100\n", encoding="utf-8")
    for command in (["extract", str(SEED)], ["facts", "--file", str(SEED)], ["ingest", str(SEED)]):
        result = run("--config", str(small), *command)
        assert result.exit_code == 1 and "100-byte page limit" in result.output, command


def test_option_values_out_of_range_are_usage_errors(run):
    assert run("ingest", "--no-enrich", str(FEED)).exit_code == 0
    for args in (["search", "the", "--limit", "100000000000000000000"], ["search", "the", "--limit", "-1"],
                 ["search", "the", "--limit", "0"], ["search", "the", "--offset", "-5"],
                 ["search", "the", "--offset", "100000000000000000000"], ["stories", "--limit", "0"],
                 ["stories", "--days", "nan"], ["stories", "--days", "inf"], ["stories", "--days", "-5"],
                 ["stories", "--days", "0"], ["stories", "--days", "1e9"]):
        result = run(*args)
        assert result.exit_code == 2 and "Invalid value" in result.output, (args, result.output)
    assert run("stories", "--days", "0.5").exit_code == 0


@pytest.mark.parametrize("name, value, words", [
    ("MAX_PAGE_BYTES", "-5", "max_page_bytes must be at least 1, not -5"),
    ("MAX_PAGE_BYTES", "lots", "max_page_bytes must be a whole number, not 'lots'"),
    ("STORIES_DAYS", "nan", "stories_days must be a finite number"),
    ("STORY_SLICE_HOURS", "0", "story_slice_hours must be more than 0"),
    ("RESPECT_ROBOTS", "maybe", "respect_robots must be true or false"),
    ("POLL_INTERVAL", "soon", "poll_interval: bad interval 'soon'"),  # a QA pass: said first at `sources add`
])
def test_bad_settings_values_are_one_line_before_anything_is_read(run, settings, name, value, words):
    result = run("ingest", str(SEED), env={f"NEWSDESK_{name}": value})
    assert one_error_line(result, "bad settings: " + words), result.output
    assert not Path(settings.db).exists()  # said before the store was even opened


@pytest.mark.parametrize("line, words", [
    ("public_url = 5", "public_url must be text (in quotes in a TOML file), not 5"),  # "db = 5" was a traceback
    ("user_agent = 5", "user_agent must be text"),  # had failed every fetch
    ("workers = ", "not a TOML file"),  # the file is named
])
def test_a_settings_file_of_the_wrong_types_is_one_line_naming_the_setting_or_file(run, tmp_path, line, words):
    config = tmp_path / "newsdesk.toml"
    config.write_text(line + "\n")
    result = run("--config", str(config), "stats")
    assert result.exit_code != 0 and words in result.output and "Traceback" not in result.output, result.output
    if words == "not a TOML file":
        assert str(config) in result.output


def test_the_private_addresses_setting_reads_its_rule_named_variable_and_its_old_short_one(monkeypatch):
    from newsdesk.settings import Settings

    for name in ("NEWSDESK_ALLOW_PRIVATE_ADDRESSES", "NEWSDESK_ALLOW_PRIVATE"):
        monkeypatch.delenv("NEWSDESK_ALLOW_PRIVATE_ADDRESSES", raising=False)
        monkeypatch.delenv("NEWSDESK_ALLOW_PRIVATE", raising=False)
        monkeypatch.setenv(name, "1")
        assert Settings.load(config_file="/nonexistent/newsdesk.toml").allow_private_addresses is True


def test_a_file_that_is_not_a_store_says_so_for_every_command(tmp_path):
    path = tmp_path / "notdb.db"
    path.write_text("hello\n")
    for command in (["stats"], ["stories"], ["search", "x"], ["export"], ["show", "a1"], ["story", "s1"],
                    ["facts", "a1"], ["ingest", str(SEED)], ["reextract"], ["sources", "list"]):
        result = CliRunner().invoke(main, ["--db", str(path), *command])
        assert one_error_line(result, f"{path} is not a newsdesk store (not an SQLite database)"), command


def test_another_programs_sqlite_database_is_no_store_and_is_left_alone(tmp_path):
    """A valid SQLite file without newsdesk's tables gave "no such table" tracebacks, and ingest would have
    added newsdesk's tables to it."""
    import sqlite3

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
    for command in (["stats"], ["stories"], ["search", "x"], ["ingest", str(SEED)]):
        result = CliRunner().invoke(main, ["--db", str(path), *command])
        assert one_error_line(result, f"{path} is not a newsdesk store (an SQLite database without its tables)"), command
    with sqlite3.connect(path) as other:
        assert [r[0] for r in other.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_a_store_path_with_a_hash_is_read_as_it_is(tmp_path):
    path = tmp_path / "desk#1.db"
    assert CliRunner().invoke(main, ["--db", str(path), "ingest", "--no-enrich", str(FEED)]).exit_code == 0
    result = CliRunner().invoke(main, ["--db", str(path), "stats", "--json"])
    assert result.exit_code == 0 and json_lines(result.output)[0]["articles"] == 1
    # a raw file: URI would have cut the path at "#", opening (and creating) "desk" read-write instead
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("desk#1.db")] == []


def test_an_empty_export_keeps_its_columns(run, tmp_path):
    from newsdesk.store.sqlite import connect

    empty = tmp_path / "empty.db"
    connect(empty).close()
    assert run("ingest", str(SEED), str(FEED)).exit_code == 0
    for table in EXPORTS:
        # the columns of an export with rows, which an empty one must match
        full = json_lines(run("export", "--table", table).output)
        assert full, table
        columns = list(full[0])
        header = CliRunner().invoke(main, ["--db", str(empty), "export", "--table", table, "--format", "csv"])
        assert header.exit_code == 0 and list(csv.reader(io.StringIO(header.output))) == [columns], table
        out = tmp_path / f"{table}.parquet"
        result = CliRunner().invoke(main, ["--db", str(empty), "export", "--table", table, "--format", "parquet",
                                           "-o", str(out)])
        assert result.exit_code == 0
        read = pq.read_table(out)
        assert read.num_rows == 0 and read.column_names == columns, table


def test_a_store_that_cannot_be_written_is_one_line_and_keeps_what_was_stored(run, monkeypatch):
    """A QA pass: a full disk, a store remounted read-only and a second writer holding the store each ended an
    ingest with a traceback. Now one line says what happened and that the pages stored before are kept."""
    import sqlite3

    import newsdesk.pipeline as pipeline

    real, calls = pipeline.store_extracted, []

    def fill_up(db, item, report):
        calls.append(item)
        if len(calls) > 1:
            raise sqlite3.OperationalError("database or disk is full")
        real(db, item, report)

    monkeypatch.setattr(pipeline, "store_extracted", fill_up)
    result = run("ingest", "--no-enrich", str(FEED))
    assert result.exit_code == 1 and not isinstance(result.exception, sqlite3.OperationalError)
    assert "the store could not be written (database or disk is full)" in result.output
    monkeypatch.setattr(pipeline, "store_extracted", real)
    assert json.loads(run("stats", "--json").output)["pages"] == 1


def test_a_store_path_that_is_a_directory_says_so(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path), "stats"])
    assert result.exit_code == 1 and "is a directory" in result.output


def test_quiet_ingest_still_names_each_failure_on_stderr(tmp_path):
    """An operator's QA pass: `ingest -q` under cron exited 1 with nothing on stderr, and its summary counted
    "not valid JSON" without naming the file; fetch's failures go to stderr under -q too."""
    (tmp_path / "y.jsonl").write_text('{not json\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "desk.db"), "ingest", "-q", "--no-enrich", str(tmp_path / "y.jsonl")])
    assert result.exit_code == 1
    assert "y.jsonl#L1" in result.stderr and "error:" in result.stderr and "error:" not in result.stdout
