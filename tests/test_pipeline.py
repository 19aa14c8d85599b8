"""The whole ingest on real inputs: the bundled samples, re-runs that never duplicate, a killed run that resumes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import FIXTURES, ROOT, SAMPLES, SEED

from newsdesk.pipeline import ingest
from newsdesk.records import Failure
from newsdesk.store import queries
from newsdesk.store.sqlite import connect

TRUCE = ("Israel, Hezbollah agree to ceasefire brokered by US and France, to take effect Wednesday",
         "Lebanese sources: Biden, Macron set to announce Israel-Hezbollah truce")


def counts(db: sqlite3.Connection) -> dict:
    return queries.stats(db)


def test_seed_page_becomes_one_untitled_article_and_twenty_teasers(db, settings):
    report = ingest([str(SEED)], db, settings, enrich=False)
    assert (report.read, report.stored, report.failed, report.teasers) == (1, 1, 0, 20)
    article = db.execute("SELECT * FROM articles").fetchone()
    assert article["title"] is None and article["title_source"] == "none"
    assert article["agency"] == "AFP" and article["published"].startswith("2016-10-06")
    assert "Israel" not in article["text"] and "Hezbollah" not in article["text"]


def test_reingesting_never_duplicates(db, settings):
    targets = [str(SEED), str(FIXTURES / "warc/ccnews-sample.warc.gz"), str(FIXTURES / "feeds/wikinews.rss")]
    first = ingest(targets, db, settings, enrich=False)
    before = counts(db)
    second = ingest(targets, db, settings, enrich=False)
    assert first.stored > 0 and second.stored == 0 and second.known == first.stored
    assert counts(db) == before


def test_the_same_story_at_two_addresses_is_one_article_with_two_sources(db, settings, tmp_path):
    body = SEED.read_text().split("AFP\n")[0]
    lines = [json.dumps({"url": f"https://site{n}.example/aleppo", "text": body, "source": f"Site {n}"}) for n in (1, 2)]
    (tmp_path / "copies.jsonl").write_text("\n".join(lines) + "\n")
    report = ingest([str(tmp_path / "copies.jsonl")], db, settings, enrich=False)
    assert (report.stored, report.duplicates) == (1, 1)
    article_id = db.execute("SELECT id FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    assert [s["site"] for s in queries.article(db, article_id)["sources"]] == ["Site 1", "Site 2"]


def test_bad_items_fail_alone_and_the_rest_is_stored(db, settings, tmp_path):
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "junk.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "nothing.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    report = ingest([str(tmp_path), str(SEED)], db, settings, enrich=False)
    assert report.stored == 1 and report.failed == 3
    # the summary adds up: every item met is stored, known, merged, passed over or failed
    assert (report.items, report.read) == (4, 2)
    assert report.items == report.stored + report.known + report.duplicates + report.skipped + report.failed
    assert db.execute("SELECT status FROM pages WHERE uri LIKE '%nothing.html'").fetchone()[0] == "failed"


def test_full_ingest_groups_the_seed_truce_teasers_into_one_story(db, settings):
    report = ingest([str(SEED)], db, settings)
    assert report.failed == 0
    story_of = {r["headline"]: r["story_id"] for r in db.execute("SELECT headline, story_id FROM teasers")}
    truce_story = {story_of[h] for h in TRUCE}
    assert len(truce_story) == 1
    others = [h for h, s in story_of.items() if s in truce_story and h not in TRUCE]
    assert others == []
    article = db.execute("SELECT headline, standfirst, story_id FROM articles").fetchone()
    assert article["headline"] and article["standfirst"] and article["story_id"]
    assert all(row["headline"] for row in db.execute("SELECT headline FROM stories"))
    # each member keeps how central it is to its story, which orders the stories export's members (a QA pass
    # found every score 0, so "most central first" was id order)
    truce_id = truce_story.pop()
    scores = dict(db.execute("SELECT item_id, score FROM story_members WHERE story_id = ?", (truce_id,)).fetchall())
    assert len(scores) == 2 and all(score > 0 for score in scores.values())
    exported = next(row for row in queries.export(db, "stories") if row["id"] == truce_id)
    assert exported["members"] == sorted(scores, key=lambda item: (-scores[item], item))


@pytest.mark.slow
def test_killed_ingest_leaves_a_consistent_store_that_resumes(tmp_path):
    db_path = tmp_path / "killed.db"
    records = [json.loads(line) for line in (SAMPLES / "wikinews.jsonl").open()]
    total = 6 * len(records)  # long enough a run that it is surely killed mid-batch
    with (tmp_path / "many.jsonl").open("w") as out:
        for n in range(total):
            record = records[n % len(records)]
            out.write(json.dumps({"text": record["text"] + f"\nRecord {n}.", "source": "Wikinews"}) + "\n")
    command = [sys.executable, "-m", "newsdesk", "--db", str(db_path), "ingest", "--no-enrich", "--quiet",
               str(tmp_path / "many.jsonl")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=5) as peek:
                    stored = peek.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 40:
                process.send_signal(signal.SIGKILL)
                break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    db = connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = db.execute("""SELECT count(*) FROM pages p WHERE p.status = 'ok'
                            AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.page_hash = p.hash)
                            AND NOT EXISTS (SELECT 1 FROM teasers t WHERE t.page_hash = p.hash)""").fetchone()[0]
    assert orphans == 0
    partial = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert 40 <= partial < total
    db.close()
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    db = connect(db_path)
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == total
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == total


def test_same_headline_from_a_sites_second_feed_in_a_later_run_is_a_duplicate(db, settings, tmp_path):
    def feed(name: str, link: str) -> str:
        path = tmp_path / name
        path.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Town News</title>'
            f"<item><title>Council approves new harbour bridge after long debate</title><link>{link}</link>"
            "<description>The vote was 7 to 2.</description></item></channel></rss>")
        return str(path)

    ingest([feed("news.rss", "https://town.example/a")], db, settings, enrich=False)
    ingest([feed("politics.rss", "https://town.example/politics/a")], db, settings, enrich=False)
    rows = db.execute("SELECT id, duplicate_of FROM teasers ORDER BY rowid").fetchall()
    assert len(rows) == 2 and rows[0]["duplicate_of"] is None and rows[1]["duplicate_of"] == rows[0]["id"]


def test_an_older_feed_entry_from_a_sites_second_feed_in_a_later_run_is_still_a_duplicate(db, settings, tmp_path):
    """A QA pass: the same 2014 headline from a site's two feeds, ingested in two runs, stayed two teasers (and two
    stories), as the title index held only the store's newest week, counted from the runs' own clock."""
    def feed(name: str, link: str) -> str:
        path = tmp_path / name
        path.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Town News</title>'
            f"<item><title>Council approves new harbour bridge after long debate</title><link>{link}</link>"
            "<pubDate>Wed, 05 Mar 2014 09:00:00 GMT</pubDate><description>The vote was 7 to 2.</description></item>"
            "</channel></rss>")
        return str(path)

    ingest([feed("news.rss", "https://town.example/a")], db, settings, enrich=False)
    ingest([feed("politics.rss", "https://town.example/politics/a?utm_source=rss")], db, settings, enrich=False)
    rows = db.execute("SELECT id, published, duplicate_of FROM teasers ORDER BY rowid").fetchall()
    assert [row["published"][:10] for row in rows] == ["2014-03-05", "2014-03-05"]
    assert rows[0]["duplicate_of"] is None and rows[1]["duplicate_of"] == rows[0]["id"]


def test_two_feeds_of_one_site_named_by_section_are_one_site(db, settings, tmp_path):
    """A QA pass: feeds titled "Daily Globe - World" and "Daily Globe | Top stories" were two sites, so the
    same headline in both stayed two teasers and counted as two sources of its story."""
    for name, channel in (("world.rss", "Daily Globe - World"), ("top.rss", "Daily Globe | Top stories")):
        (tmp_path / name).write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{channel}</title>'
            "<item><title>Council approves new harbour bridge after long debate</title>"
            f"<link>https://globe.example/{name}/a</link><description>The vote was 7 to 2.</description></item>"
            "</channel></rss>")
        ingest([str(tmp_path / name)], db, settings, enrich=False)
    rows = db.execute("SELECT site, duplicate_of FROM teasers ORDER BY rowid").fetchall()
    assert [row["site"] for row in rows] == ["Daily Globe", "Daily Globe"]
    assert rows[0]["duplicate_of"] is None and rows[1]["duplicate_of"] is not None


def test_an_exact_copy_of_an_article_older_than_the_index_is_still_a_copy(db, settings, tmp_path):
    """A QA pass resuming a killed ingest of a crawl spanning weeks: the copy index holds the store's newest
    week, so exact copies of older articles came out as new originals (132 of them)."""
    body = ("The council approved the new harbour bridge on Tuesday after a debate that lasted four hours, and "
            "work is due to start in the spring. The bridge will carry two lanes of traffic and a cycle path.")
    for name, url, published in (("old.jsonl", "https://town.example/bridge", "2024-01-02T10:00:00Z"),
                                 ("new.jsonl", "https://town.example/other", "2024-03-01T10:00:00Z"),
                                 ("copy.jsonl", "https://town.example/bridge?utm_source=feed2", "2024-01-02T10:00:00Z")):
        text = body if name != "new.jsonl" else "A different story about the spring fair, which opens next week."
        (tmp_path / name).write_text(json.dumps({"url": url, "published": published, "text": text}) + "\n")
        ingest([str(tmp_path / name)], db, settings, enrich=False)
    rows = db.execute("SELECT url, duplicate_of FROM articles ORDER BY rowid").fetchall()
    assert [row["duplicate_of"] is None for row in rows] == [True, True, False]


def test_a_near_copy_of_an_article_older_than_the_index_is_found_in_a_later_run(db, settings, tmp_path):
    """A QA pass: the seed's 2016 AFP story, then in a later run another site's copy with one sentence reworded,
    stayed two articles, as the index held the store's newest week (set by the teasers' capture today). Now an
    article older than that week recalls the store's originals from around its date."""
    body = SEED.read_text().split("AFP\n")[0]
    reworded = body.replace("It was not immediately clear what was behind the move",
                            "It was unclear what lay behind the move")
    assert reworded != body
    ingest([str(SEED)], db, settings, enrich=False)
    (tmp_path / "later.jsonl").write_text(json.dumps({"url": "https://today.example/teasers", "published":
                                                      "2026-12-01T08:00:00Z", "text": "A council story. " * 40}) + "\n")
    (tmp_path / "copy.jsonl").write_text(json.dumps({"url": "https://two.example/aleppo", "published": "2016-10-06",
                                                     "text": reworded}) + "\n")
    ingest([str(tmp_path / "later.jsonl")], db, settings, enrich=False)
    report = ingest([str(tmp_path / "copy.jsonl")], db, settings, enrich=False)
    assert (report.stored, report.duplicates) == (0, 1)
    original = db.execute("SELECT id FROM articles WHERE duplicate_of IS NULL AND published LIKE '2016%'").fetchone()[0]
    assert db.execute("SELECT count(*) FROM sources WHERE article_id = ?", (original,)).fetchone()[0] == 2


def test_copy_in_a_later_run_is_found_from_stored_signatures_without_reshingling(db, settings, tmp_path, monkeypatch):
    from newsdesk.dedup import Deduper
    from newsdesk.pipeline import load_deduper

    body = SEED.read_text().split("AFP\n")[0]
    (tmp_path / "first.jsonl").write_text(json.dumps({"url": "https://one.example/aleppo", "text": body}) + "\n")
    ingest([str(tmp_path / "first.jsonl")], db, settings, enrich=False)
    assert db.execute("SELECT count(*) FROM signatures").fetchone()[0] == 1

    shingled = []
    real_signature = Deduper.signature
    monkeypatch.setattr(Deduper, "signature", lambda self, text: shingled.append(text) or real_signature(self, text))
    assert len(load_deduper(db)) == 1 and shingled == []  # the index came from the stored blob

    trimmed = body.rsplit("\n", 3)[0] + "\nRead more on our site."
    (tmp_path / "second.jsonl").write_text(json.dumps({"url": "https://two.example/x", "text": trimmed}) + "\n")
    report = ingest([str(tmp_path / "second.jsonl")], db, settings, enrich=False)
    assert (report.stored, report.duplicates) == (0, 1)


def test_articles_stored_without_a_signature_get_one_on_the_next_round(db, settings):
    from newsdesk.pipeline import load_deduper

    ingest([str(SAMPLES / "wikinews.jsonl")], db, settings, enrich=False)
    originals = db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
    with db:
        db.execute("DELETE FROM signatures")
    assert len(load_deduper(db)) == originals
    long_enough = db.execute("SELECT count(*) FROM signatures").fetchone()[0]
    assert 0.9 * originals <= long_enough <= originals


def test_an_item_the_grouper_moves_leaves_its_old_story(db, settings, monkeypatch):
    """A later run of the same time slice can move an earlier item to another story (the slice is
    re-clustered); the store follows: one membership, both stories recounted, an emptied story gone."""
    from newsdesk.stories import update_stories
    from newsdesk.stories.grouping import StoryGrouper

    ingest([str(SEED)], db, settings, enrich=False)
    update_stories(db, settings)
    truce = db.execute("SELECT story_id FROM teasers WHERE headline = ?", (TRUCE[0],)).fetchone()[0]
    mover, alone = db.execute(
        """SELECT t.id, t.story_id FROM teasers t JOIN stories s ON s.id = t.story_id
           WHERE s.size = 1 ORDER BY t.rowid LIMIT 1""").fetchone()
    monkeypatch.setattr(StoryGrouper, "group", lambda self, items: {mover: truce})

    counts = update_stories(db, settings)
    assert counts["items moved"] == 1 and counts["items grouped"] == 0
    assert db.execute("SELECT story_id FROM teasers WHERE id = ?", (mover,)).fetchone()[0] == truce
    assert [r[0] for r in db.execute("SELECT story_id FROM story_members WHERE item_id = ?", (mover,))] == [truce]
    assert db.execute("SELECT size FROM stories WHERE id = ?", (truce,)).fetchone()[0] == 3
    assert db.execute("SELECT 1 FROM stories WHERE id = ?", (alone,)).fetchone() is None


def test_undated_teasers_take_their_pages_capture_time_not_the_old_articles_date(db, settings, tmp_path):
    """The seed is a 2016 article page captured in 2024; its "latest news" rail is from the capture."""
    record = {"url": "https://news.example/aleppo", "text": SEED.read_text(), "fetched": "2024-11-27T08:00:00+00:00"}
    (tmp_path / "capture.jsonl").write_text(json.dumps(record) + "\n")
    ingest([str(tmp_path / "capture.jsonl")], db, settings, enrich=False)
    ingest([], db, settings)
    article = db.execute("SELECT published, story_id FROM articles").fetchone()
    assert article["published"].startswith("2016-10-06")
    first_seen = {r["id"]: r["first_seen"] for r in db.execute("SELECT id, first_seen FROM stories")}
    assert first_seen.pop(article["story_id"]).startswith("2016-10-06")
    assert len(first_seen) == 19 and all(seen.startswith("2024-11-27") for seen in first_seen.values())


def test_parallel_extraction_stores_exactly_what_one_process_does(settings, tmp_path):
    from dataclasses import replace

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for path in (FIXTURES / "html").glob("*.html"):
        (inputs / path.name).write_bytes(path.read_bytes())
    (inputs / "seed.txt").write_bytes(SEED.read_bytes())
    (inputs / "seed-again.txt").write_bytes(SEED.read_bytes())  # the same page twice in one batch
    (inputs / "junk.html").write_bytes(bytes(range(256)) * 40)
    targets = [str(inputs), str(FIXTURES / "warc/ccnews-sample.warc.gz"), str(FIXTURES / "feeds/wikinews.rss")]
    stores = {}
    for workers in (1, 2):
        run_settings = replace(settings, db=str(tmp_path / f"w{workers}.db"), workers=workers)
        db = connect(run_settings.db)
        report = ingest(targets, db, run_settings, enrich=False)
        stores[workers] = (
            report.as_dict(),
            [tuple(r) for r in db.execute("SELECT id, duplicate_of, title, text FROM articles ORDER BY id")],
            [tuple(r) for r in db.execute("SELECT id, duplicate_of FROM teasers ORDER BY id")],
            [tuple(r) for r in db.execute("SELECT uri, status, error FROM pages ORDER BY uri")],
            [tuple(r) for r in db.execute("SELECT article_id, scheme, shingles, hashvalues FROM signatures ORDER BY 1")],
        )
        db.close()
    assert stores[1] == stores[2]
    summary = stores[2][0]
    assert summary["known"] == 1 and summary["failed"] == 1 and summary["stored"] >= 6


def _extract_or_die(item, time_limit=None):
    """Stands in for an extraction worker killed from outside (the kernel's out-of-memory killer)."""
    import os

    from newsdesk.pipeline import extract_one

    if getattr(item, "uri", "").endswith("die.html"):
        os._exit(9)
    return extract_one(item, time_limit)


def test_a_dead_extraction_worker_stops_the_run_with_a_clear_error_and_keeps_what_was_stored(settings, tmp_path, monkeypatch):
    from dataclasses import replace

    import newsdesk.pipeline
    from newsdesk.pipeline import WorkerDied

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    body = SEED.read_text().split("AFP\n")[0]
    for n in range(40):  # two workers take 32 pages a batch: the first batch is stored before the death
        (inputs / f"a-{n:02}.txt").write_text(f"{body}\nThe monitor's update number {n} followed.\n")
    (inputs / "die.html").write_bytes((FIXTURES / "html" / "wcxb-0438.html").read_bytes())
    monkeypatch.setattr(newsdesk.pipeline, "extract_one", _extract_or_die)
    db = connect(settings.db)
    with pytest.raises(WorkerDied, match="run again to resume"):
        ingest([str(inputs)], db, replace(settings, workers=2), enrich=False)
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 32
    monkeypatch.undo()
    report = ingest([str(inputs)], db, settings, enrich=False)
    assert (report.known, report.stored + report.duplicates, report.failed) == (32, 9, 0)


def test_ingest_bench_stores_the_same_articles_with_every_worker_count():
    from click.testing import CliRunner

    from newsdesk.bench.ingest import command

    result = CliRunner().invoke(command, [str(FIXTURES / "html"), "--workers", "1,2", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    ours = [r for r in rows if r["method"] == "newsdesk ingest"]
    assert [r["workers"] for r in ours] == [1, 2] and all(r["same_store"] and r["with_article"] == 1.0 for r in ours)


def test_scraper_dates_are_stored_as_iso_and_a_bad_or_future_one_never_moves_the_desk(db, settings, tmp_path):
    """A JSONL date in a feed's RFC 2822 form sorted after every ISO date and crashed the front page; one
    from 2099 held the desk's window on itself alone."""
    body = "The council met on Tuesday to approve the budget for the coming year, officials said. " * 3
    records = [
        {"url": "https://a.example/1", "title": "Budget approved", "text": body, "published": "2016-10-05"},
        {"url": "https://a.example/2", "title": "Feed form", "text": body.replace("council", "senate"),
         "published": "Thu, 06 Oct 2016 12:00:00 GMT"},
        {"url": "https://a.example/3", "title": "Not a date", "text": body.replace("council", "board"),
         "published": "not a date"},
        {"url": "https://a.example/4", "title": "From the future", "text": body.replace("council", "mayor"),
         "published": "2099-01-01T00:00:00Z"},
    ]
    (tmp_path / "dates.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    report = ingest([str(tmp_path / "dates.jsonl")], db, settings, enrich=False)
    assert report.failed == 0
    stored = dict(db.execute("SELECT title, published FROM articles").fetchall())
    assert stored == {"Budget approved": "2016-10-05", "Feed form": "2016-10-06T12:00:00Z",
                      "Not a date": None, "From the future": None}
    assert queries.newest_dated(db) == "2016-10-06T12:00:00Z"
    db.execute("UPDATE articles SET published = 'Thu, 06 Oct 2016' WHERE title = 'Budget approved'")  # an old store
    assert queries.newest_dated(db) == "2016-10-06T12:00:00Z"
    assert queries.stories(db, days=3) == []  # nothing grouped (enrich off), and the old value parses no more


def test_workers_of_a_killed_ingest_end_with_it(tmp_path):
    """Extraction workers wait on a queue they also hold open, so a SIGKILLed ingest left them running
    (two processes of ~235 MB each, found by a QA pass)."""
    import os

    records = [json.loads(line) for line in (SAMPLES / "wikinews.jsonl").open()]
    with (tmp_path / "many.jsonl").open("w") as out:
        for n in range(4 * len(records)):
            out.write(json.dumps({"text": records[n % len(records)]["text"] + f"\nRecord {n}."}) + "\n")
    command = [sys.executable, "-m", "newsdesk", "--db", str(tmp_path / "k.db"), "ingest", "--no-enrich", "--quiet",
               "--workers", "2", str(tmp_path / "many.jsonl")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> set[int]:
        found = set()
        for entry in os.listdir("/proc"):
            try:
                status = open(f"/proc/{entry}/status").read() if entry.isdigit() else ""
            except OSError:
                continue
            if f"\nPPid:\t{process.pid}\n" in status and "\nState:\tZ" not in status:
                found.add(int(entry))
        return found

    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
        time.sleep(0.2)
        workers = children()
    assert len(workers) >= 2, "the workers never started"
    time.sleep(2)  # past their start-up, into extraction
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    def running(pid: int) -> bool:  # an exited orphan may linger as a zombie until its new parent reaps it
        try:
            return "\nState:\tZ" not in open(f"/proc/{pid}/status").read()
        except OSError:
            return False

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(map(running, workers)):
        time.sleep(0.2)
    alive = [pid for pid in workers if running(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "extraction workers outlived the killed ingest"


def test_a_page_that_takes_too_long_fails_alone(monkeypatch):
    """An extractor stuck on one page (a pathological table, a loop in a parser's fallback) must not hold
    the batch: the page fails with the limit named, the next one is read."""
    import newsdesk.pipeline
    from newsdesk.pipeline import extract_one
    from newsdesk.records import Page

    real_extract = newsdesk.pipeline.extract
    monkeypatch.setattr(newsdesk.pipeline, "extract", lambda page: time.sleep(60) if page.uri == "stuck" else real_extract(page))
    started = time.monotonic()
    page, failure = extract_one(Page(uri="stuck", raw=b"<p>x</p>", kind="html"), time_limit=1.0)
    assert failure.reason.startswith("extraction took longer than 1 s") and time.monotonic() - started < 10
    seed = Page(uri=str(SEED), raw=SEED.read_bytes(), kind="text")
    assert extract_one(seed, time_limit=60).extraction.article is not None  # the alarm is off again
    time.sleep(1.2)  # and no stray alarm goes off later


def test_an_element_with_a_hundred_thousand_attributes_is_read_quickly():
    """libxml2 checks each attribute against the others, in C where no time limit reaches: such a crafted
    element took 15 s to parse, and the page two minutes to extract."""
    from newsdesk.pipeline import extract_one
    from newsdesk.records import Page

    attributes = " ".join(f'a{n}="x"' for n in range(100_000))
    text = "A storm battered the coast near Lisbon on Monday, cutting power to thousands of homes, officials said."
    slow = Page(uri="slow.html", raw=f"<html><body><p {attributes}>{text}</p></body></html>".encode(), kind="html")
    started = time.monotonic()
    extracted = extract_one(slow, time_limit=60)
    assert "storm battered the coast" in extracted.extraction.article.text
    assert time.monotonic() - started < 10


def test_failure_reasons_are_grouped_by_kind_and_keep_their_addresses():
    """The summary grouped reasons at the first colon: "redirect loop at http", "refused to connect to 127.0.0.1"."""
    from newsdesk.pipeline import Report
    from newsdesk.records import Failure

    report = Report(failures=[Failure("a", "read", "corrupt or unreadable file: Error -3 while decompressing"),
                              Failure("b", "read", "corrupt or unreadable file: Compressed file ended early"),
                              Failure("c", "fetch", "redirect loop at http://x.example/a")])
    assert report.as_dict()["failure_reasons"] == {"corrupt or unreadable file": 2,
                                                   "redirect loop at http://x.example/a": 1}


def test_the_store_level_steps_say_how_far_they_have_got(db, settings):
    """A QA pass: after the pages, headlines and facts took 6 of a big archive's 7.5 minutes behind a frozen
    progress bar (and one transaction, which held off a second ingest)."""
    from newsdesk.pipeline import enrich_store

    ingest([str(SEED)], db, settings, enrich=False)
    heard: list[tuple[str, int, int]] = []
    enrich_store(db, settings, on_step=lambda step, done, total: heard.append((step, done, total)))
    steps = {step for step, _, _ in heard}
    assert steps == {"headlines", "facts"}
    for step in steps:
        last = [(done, total) for name, done, total in heard if name == step][-1]
        assert last[0] == last[1] > 0


def test_teasers_carry_their_feeds_or_pages_language_and_search_by_language_keeps_them(db, settings, tmp_path):
    """A QA pass: `search Alep --language fr` dropped a French feed's items, which had no language."""
    from newsdesk.store.search import find

    feed = tmp_path / "monde.rss"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Le Quotidien - Monde</title>'
                    "<language>fr-FR</language><item><title>Alep : 19 morts dans des frappes</title>"
                    "<link>https://quotidien.example/alep</link><description>Au moins 19 civils ont été tués "
                    "mercredi.</description></item></channel></rss>", encoding="utf-8")
    ingest([str(feed), str(SEED)], db, settings, enrich=False)
    languages = {row["headline"]: row["language"] for row in db.execute("SELECT headline, language FROM teasers")}
    assert languages["Alep : 19 morts dans des frappes"] == "fr"
    assert {language for headline, language in languages.items() if not headline.startswith("Alep")} == {"en"}
    hits = find(db, "Alep", language="fr")["hits"]
    assert [hit["kind"] for hit in hits] == ["teaser"]


def test_an_undated_article_is_dated_by_when_it_or_a_copy_was_first_seen(db, settings, tmp_path):
    """A QA pass: a story whose article had no date stayed undated (dated by when newsdesk read it, so outside
    every window) although a copy of it had a date, as did a crawl's undated articles with a capture time."""
    body = ("The council approved the new harbour bridge on Tuesday after a debate that lasted four hours, and "
            "work is due to start in the spring. The bridge will carry two lanes of traffic and a cycle path.")
    records = [{"url": "https://town.example/bridge", "text": body},
               {"url": "https://wire.example/bridge", "text": body, "published": "2024-03-05T09:00:00Z"},
               {"url": "https://town.example/fair", "fetched": "2024-03-06T08:00:00Z",
                "text": "The spring fair opens next week on the common, with rides, a farmers' market and music."}]
    path = tmp_path / "items.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    ingest([str(path)], db, settings)
    times = {row["headline"][:14]: (row["first_seen"], row["basis"]) for row in db.execute(
        """SELECT s.headline, s.first_seen, min(t.basis) AS basis FROM stories s
           JOIN story_times t ON t.story_id = s.id GROUP BY s.id""")}
    assert sorted(times.values()) == [("2024-03-05T09:00:00Z", "seen"), ("2024-03-06T08:00:00Z", "seen")]


@pytest.mark.parametrize("runs", [1, 2])
def test_an_undated_page_of_an_archive_joins_its_dated_story_and_leaves_its_times(db, settings, tmp_path, runs):
    """Found in a QA pass: an undated page (no date, no capture time) was grouped at the moment newsdesk read it,
    so it formed a story of its own, apart from the same event's dated coverage, numbered differently in every
    fresh build. It is grouped at the store's newest dated time now, and the story's times stay its dated ones."""
    reports = [
        ("https://a.example/1", "Earthquake kills 40 in central Italy", "2016-08-24T08:00:00Z",
         "A powerful earthquake struck central Italy early on Wednesday, killing at least 40 people and leaving "
         "dozens missing in the mountain town of Amatrice, officials said.\nRescuers dug through rubble with their "
         "bare hands as aftershocks shook the region.\nThe mayor of Amatrice said half the town was gone."),
        ("https://b.example/2", "Italy quake: rescuers search rubble in Amatrice", "2016-08-24T12:00:00Z",
         "Rescuers in central Italy searched through rubble in Amatrice after a powerful earthquake killed dozens "
         "of people, officials said on Wednesday.\nThe quake struck in the early hours, and aftershocks continued "
         "through the morning.\nThe mayor said half of the town had been destroyed."),
        ("https://c.example/3", "Brexit talks stall in Brussels", "2016-08-24T09:00:00Z",
         "Negotiators in Brussels failed to agree on the terms of talks about Britain leaving the European Union, "
         "officials said on Wednesday, as both sides blamed each other for the delay."),
    ]
    dated = tmp_path / "dated.jsonl"
    dated.write_text("".join(json.dumps({"url": url, "title": title, "published": published, "text": text}) + "\n"
                             for url, title, published, text in reports))
    undated = tmp_path / "amatrice.html"
    undated.write_text(
        "<html><head><title>Amatrice earthquake toll rises as rescuers dig through rubble</title></head><body>"
        "<article><h1>Amatrice earthquake toll rises as rescuers dig through rubble</h1><p>The death toll from "
        "the earthquake that struck central Italy rose as rescuers dug through the rubble of Amatrice, where the "
        "mayor said half of the town had been destroyed.</p><p>Aftershocks continued to shake the mountain region, "
        "officials said, as dozens of people remained missing.</p></article></body></html>")
    batches = [[str(dated), str(undated)]] if runs == 1 else [[str(dated)], [str(undated)]]
    for paths in batches:
        ingest(paths, db, settings)
    stories = {row["id"]: row for row in db.execute("SELECT * FROM stories")}
    members = {}
    for row in db.execute("SELECT m.story_id, a.title FROM story_members m JOIN articles a ON a.id = m.item_id"):
        members.setdefault(row["story_id"], set()).add(row["title"])
    quake = next(story_id for story_id, titles in members.items() if "Earthquake kills 40 in central Italy" in titles)
    assert members[quake] == {"Earthquake kills 40 in central Italy", "Italy quake: rescuers search rubble in Amatrice",
                              "Amatrice earthquake toll rises as rescuers dig through rubble"}
    assert len(stories) == 2
    assert (stories[quake]["first_seen"], stories[quake]["last_seen"]) == ("2016-08-24T08:00:00Z", "2016-08-24T12:00:00Z")


def test_a_teaser_merged_into_another_counts_as_a_duplicate_not_a_teaser(db, settings, tmp_path):
    """A QA pass: the same headline from a site's second feed was merged, yet the run said "0 duplicate(s) merged,
    1 teaser(s)" and `stats` counted two teasers."""
    def feed(name: str, link: str) -> str:
        path = tmp_path / name
        path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Town News</title>'
                        f"<item><title>Council approves new harbour bridge</title><link>{link}</link>"
                        "<description>The vote was 7 to 2.</description></item></channel></rss>")
        return str(path)

    first = ingest([feed("news.rss", "https://town.example/a")], db, settings, enrich=False)
    second = ingest([feed("politics.rss", "https://town.example/politics/a")], db, settings, enrich=False)
    assert (first.teasers, first.duplicates) == (1, 0) and (second.teasers, second.duplicates) == (0, 1)
    assert queries.stats(db)["teasers"] == 1 and queries.stats(db)["teaser_duplicates"] == 1


def test_a_page_another_ingest_stores_meanwhile_is_counted_known_and_stays_stored(db, settings, monkeypatch):
    """Two ingests of one file at once: both read the page before either stored it. The second to write
    must count it as already known, not as one more article stored (both had reported "stored 1"), and a
    failure in its extraction must not mark the other's stored page failed."""
    from newsdesk import pipeline

    def read_before_the_other_ingest_stored(items, db, report):  # skip_known as it saw the store: empty
        for item in items:
            report.read += 1
            yield item

    real_extract = pipeline.extract_pages

    def extract_while_another_ingest_runs(pages, *args, **kwargs):
        pages = list(pages)
        monkeypatch.setattr(pipeline, "extract_pages", real_extract)
        other = connect(settings.db)
        assert ingest([str(SEED)], other, settings, enrich=False).stored == 1
        other.close()
        yield from real_extract(pages, *args, **kwargs)

    monkeypatch.setattr(pipeline, "skip_known", read_before_the_other_ingest_stored)
    monkeypatch.setattr(pipeline, "extract_pages", extract_while_another_ingest_runs)
    report = ingest([str(SEED)], db, settings, enrich=False)
    assert (report.read, report.stored, report.known, report.teasers) == (1, 0, 1, 0)
    assert counts(db)["articles"] == 1 and db.execute("SELECT count(*) FROM teasers").fetchone()[0] == 20

    monkeypatch.setattr(pipeline, "extract_pages",
                        lambda pages, *args, **kwargs: ((page, Failure(page.uri, "extract", "boom")) for page in pages))
    report = ingest([str(SEED)], db, settings, enrich=False)
    assert (report.failed, report.known) == (0, 1)
    assert [row[0] for row in db.execute("SELECT status FROM pages")] == ["ok"]
