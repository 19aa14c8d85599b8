"""Edited articles reach the reader: a newer version of a piece at the same address updates the stored article
in place (same id, story and sources; new text, search entry, headline and facts), while the old bytes are
kept, an identical re-fetch stays known, an older version arriving late is kept aside, another site's run of
the same text stays a copy, and a followed feed's entry whose date changed has its page fetched once more."""

from __future__ import annotations

import pytest

from newsdesk.bench.fetch import LocalSite
from newsdesk.ingest import schedule, sources
from newsdesk.ingest.fetch import Fetcher
from newsdesk.pipeline import ingest, not_older
from newsdesk.reextract import reextract
from newsdesk.settings import Settings
from newsdesk.store import queries, search
from newsdesk.store.sqlite import connect

FIRST_LEAD = ("A landslide killed 15 people in the hill town of Bruneck on Monday after days of heavy rain, the "
              "regional civil protection agency said, and rescuers were still searching for two missing hikers.")
SECOND_LEAD = ("A landslide killed 17 people in the hill town of Bruneck on Monday after days of heavy rain, the "
               "regional civil protection agency said, and rescuers were still searching for two missing hikers.")
REST = ["The slide buried a row of houses on the edge of the old town shortly before dawn, when most residents "
        "were asleep, and cut the only road into the valley for several hours.",
        "Firefighters from three provinces worked through the day with dogs and heavy machinery, and the army sent "
        "two helicopters to carry the injured to the hospital in Bolzano, officials said.",
        "Mayor Anna Gruber said the town had asked for money to shore up the slope last year and was still "
        "waiting for an answer from the regional government when the rain began."]
NEW_PARAGRAPH = ("Geologists from the University of Innsbruck warned on Tuesday that a second slope above the "
                 "cemetery was moving by several centimetres an hour and ordered forty families out of their homes.")


def page(lead: str, extra: list[str] = (), *, site: str = "Alpine Courier", published: str = "2024-05-06T09:00:00Z",
         title: str = "Landslide kills villagers in Bruneck", canonical: str | None = None) -> bytes:
    """An article page as a regional news site serves it: metadata, navigation, the story, a footer."""
    paragraphs = "".join(f"<p>{text}</p>" for text in [lead, *REST, *extra])
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">{link}</head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Lena Hofer</p>{paragraphs}</article></main>
<footer><p>&copy; 2024 {site}. All rights reserved.</p></footer></body></html>""".encode()


def html(body: bytes) -> tuple:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


@pytest.fixture
def web_settings(tmp_path) -> Settings:
    return Settings.load({"db": str(tmp_path / "v.db"), "allow_private_addresses": True, "fetch_timeout": 2.0,
                          "per_host_delay": 0.0}, config_file=str(tmp_path / "none.toml"))


@pytest.fixture
def store(web_settings):
    connection = connect(web_settings.db)
    yield connection
    connection.close()


def the_article(db):
    rows = db.execute("SELECT * FROM articles").fetchall()
    assert len(rows) == 1
    return rows[0]


def test_a_new_version_at_the_same_address_updates_the_article_in_place(store, web_settings):
    db = store
    with LocalSite({"/world/landslide": html(page(FIRST_LEAD))}) as site:
        ingest([site.url("/world/landslide")], db, web_settings)
        before = the_article(db)
        assert "15" in before["text"] and before["story_id"]
        site.routes["/world/landslide"] = html(page(SECOND_LEAD, [NEW_PARAGRAPH], title="Landslide death toll rises"))
        report = ingest([site.url("/world/landslide")], db, web_settings)
    after = the_article(db)
    assert (report.updated, report.stored, report.duplicates) == (1, 0, 0)
    assert after["id"] == before["id"] and after["story_id"] == before["story_id"]
    assert "killed 17" in after["text"] and "killed 15" not in after["text"]
    assert after["title"] == after["headline"] == "Landslide death toll rises"
    assert search.find(db, "cemetery")["total"] == 1  # the new paragraph is searchable
    assert search.find(db, "Landslide death toll rises")["total"] == 1
    story = db.execute("SELECT headline FROM stories WHERE id = ?", (after["story_id"],)).fetchone()
    assert story["headline"] and story["headline"] != before["headline"]
    figures = {row["text"] for row in db.execute("SELECT text FROM figures WHERE article_id = ?", (after["id"],))}
    assert any("17" in text for text in figures) and not any("15" in text for text in figures)
    ran_at = queries.article(db, after["id"])["sources"]
    assert [source["url"] for source in ran_at] == [site.url("/world/landslide")]
    # nothing is lost: both versions' bytes are kept, the old one marked as a version of the article
    pages = db.execute("SELECT hash, version_of FROM pages ORDER BY rowid").fetchall()
    assert [row["version_of"] for row in pages] == [after["id"], None] and after["page_hash"] == pages[1]["hash"]


def test_an_identical_refetch_is_already_known(store, web_settings):
    db = store
    with LocalSite({"/world/landslide": html(page(FIRST_LEAD))}) as site:
        ingest([site.url("/world/landslide")], db, web_settings, enrich=False)
        report = ingest([site.url("/world/landslide")], db, web_settings, enrich=False)
    assert (report.known, report.stored, report.updated, report.duplicates) == (1, 0, 0, 0)
    assert db.execute("SELECT count(*) FROM pages").fetchone()[0] == 1


def test_an_older_version_arriving_late_is_kept_aside_and_never_applied(store, web_settings):
    db = store
    with LocalSite({"/world/landslide": html(page(SECOND_LEAD, [NEW_PARAGRAPH], published="2024-05-07T08:00:00Z"))}
                   ) as site:
        ingest([site.url("/world/landslide")], db, web_settings, enrich=False)
        newer = the_article(db)
        site.routes["/world/landslide"] = html(page(FIRST_LEAD, published="2024-05-06T09:00:00Z"))
        report = ingest([site.url("/world/landslide")], db, web_settings, enrich=False)
    assert (report.known, report.stored, report.updated, report.duplicates) == (1, 0, 0, 0)
    assert dict(the_article(db)) == dict(newer)
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == 1
    late = db.execute("SELECT version_of FROM pages WHERE hash != ?", (newer["page_hash"],)).fetchone()
    assert late["version_of"] == newer["id"]  # its bytes are kept, as a version of the article


def test_reextract_keeps_the_newest_version(store, web_settings):
    db = store
    with LocalSite({"/world/landslide": html(page(FIRST_LEAD))}) as site:
        ingest([site.url("/world/landslide")], db, web_settings, enrich=False)
        site.routes["/world/landslide"] = html(page(SECOND_LEAD, [NEW_PARAGRAPH]))
        ingest([site.url("/world/landslide")], db, web_settings, enrich=False)
    updated = dict(the_article(db))
    report = reextract(db, web_settings, enrich=False)
    assert report.steps["reextract"] == {"unchanged": 1} and (report.stored, report.duplicates) == (0, 0)
    assert dict(the_article(db)) == updated


def test_another_site_running_the_same_text_is_still_a_copy(store, web_settings):
    """A syndicating site whose page names the original as its canonical address: same address, other site."""
    db = store
    with LocalSite({"/world/landslide": html(page(FIRST_LEAD))}) as origin, LocalSite({}) as syndicator:
        ingest([origin.url("/world/landslide")], db, web_settings, enrich=False)
        syndicator.routes["/wire/landslide"] = html(page(FIRST_LEAD, site="Valley Times",
                                                         canonical=origin.url("/world/landslide")))
        report = ingest([syndicator.url("/wire/landslide")], db, web_settings, enrich=False)
    assert (report.duplicates, report.updated, report.stored) == (1, 0, 0)
    rows = db.execute("SELECT id, site, duplicate_of FROM articles ORDER BY rowid").fetchall()
    assert [row["duplicate_of"] for row in rows] == [None, rows[0]["id"]]
    ran_at = queries.article(db, rows[0]["id"])["sources"]
    assert sorted(source["site"] for source in ran_at) == ["Alpine Courier", "Valley Times"]


def atom(site: LocalSite, updated: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Alpine Courier - World</title><id>{site.url('/feed.atom')}</id><updated>{updated}</updated>
<entry><title>Landslide kills villagers in Bruneck</title><link href="{site.url('/world/landslide')}"/>
<id>{site.url('/world/landslide')}</id><published>2024-05-06T09:00:00Z</published><updated>{updated}</updated>
<summary>Rescuers search for two missing hikers.</summary></entry></feed>""".encode()


def test_a_feed_entry_whose_updated_date_changed_is_fetched_once_more(store, web_settings):
    db = store

    def poll() -> schedule.Round:
        with Fetcher(web_settings, retries=0, backoff=0.01) as fetcher:
            return schedule.run_round(db, web_settings, enrich=False, fetcher=fetcher, everything=True)

    def page_requests() -> int:
        return sum(path == "/world/landslide" for path in site.paths())

    with LocalSite({}) as site:
        site.routes["/feed.atom"] = (200, {"Content-Type": "application/atom+xml"}, atom(site, "2024-05-06T09:00:00Z"))
        site.routes["/world/landslide"] = html(page(FIRST_LEAD))
        sources.add(db, site.url("/feed.atom"))
        assert poll().report.stored == 1
        assert poll().report.known == 0 and page_requests() == 1  # an unchanged entry: its page is not fetched
        site.routes["/feed.atom"] = (200, {"Content-Type": "application/atom+xml"}, atom(site, "2024-05-06T15:30:00Z"))
        site.routes["/world/landslide"] = html(page(SECOND_LEAD, [NEW_PARAGRAPH]))
        edited = poll()
        assert edited.report.updated == 1 and edited.outcomes[0]["updated"] == 1 and page_requests() == 2
        again = poll()
    assert (again.report.updated, again.report.known) == (0, 0) and page_requests() == 2  # once, not every poll
    assert "killed 17" in the_article(db)["text"]


def test_a_link_remembered_before_versions_were_kept_is_not_fetched_again(store):
    """After the upgrade a feed's known links have no version: they stay known, and take the current one."""
    db = store
    sources.add(db, "https://courier.example/feed.atom")
    feed_id = db.execute("SELECT id FROM feeds").fetchone()[0]
    with db:
        db.execute("INSERT INTO feed_items (link, feed_id, seen) VALUES ('https://courier.example/a', ?, 'x')",
                   (feed_id,))
    assert sources.is_known_link(db, "https://courier.example/a", feed_id, "v2")
    with db:
        sources.remember_entry_versions(db, feed_id, {"https://courier.example/a": "v2"}, handled=[])
    assert sources.is_known_link(db, "https://courier.example/a", feed_id, "v2")
    assert not sources.is_known_link(db, "https://courier.example/a", feed_id, "v3")
    assert sources.is_known_link(db, "https://courier.example/a", feed_id + 1, "v3")  # another feed's take on it


@pytest.mark.parametrize("new, stored, expected", [
    (("2024-05-07", None), ("2024-05-06T09:00:00Z", None), True),
    (("2024-05-06", None), ("2024-05-07T09:00:00Z", None), False),
    (("2024-05-06", "2024-05-08T10:00:00Z"), ("2024-05-06T09:00:00Z", "2024-05-07T10:00:00Z"), True),
    (("2024-05-06T09:00:00Z", "2024-05-06T10:00:00Z"), ("2024-05-06T09:00:00Z", "2024-05-07T10:00:00Z"), False),
    ((None, None), ("2024-05-06T09:00:00Z", None), True),
])
def test_an_older_version_is_told_by_its_date_then_its_capture(new, stored, expected):
    assert not_older(new, stored) is expected


def test_a_new_version_without_a_date_keeps_the_pieces_date(store, web_settings):
    """An edit whose page no longer shows a date is still the piece published on its day: the article kept no
    date, and its story fell back to when it was first seen."""
    db = store
    undated = page(SECOND_LEAD, [NEW_PARAGRAPH]).replace(
        b'<meta property="article:published_time" content="2024-05-06T09:00:00Z">', b"")
    with LocalSite({"/world/landslide": html(page(FIRST_LEAD))}) as site:
        ingest([site.url("/world/landslide")], db, web_settings)
        site.routes["/world/landslide"] = html(undated)
        assert ingest([site.url("/world/landslide")], db, web_settings).updated == 1
    after = the_article(db)
    assert "killed 17" in after["text"] and after["published"].startswith("2024-05-06")


def test_an_address_that_held_another_piece_since_still_takes_the_first_pieces_edit(store, web_settings):
    """A quick QA pass: a site reused an address for an unrelated story, then edited the first one there; the
    edit became a new article in a new story (the copy index kept one original per address), so the toll
    counted twice."""
    db = store
    rates = ("The central bank raised its main interest rate by a quarter point on Thursday, its first rise in a "
             "year, and said prices were still climbing faster than it would like. Markets barely moved, as traders "
             "had expected the decision for weeks, and the currency held steady against the dollar. The governor "
             "told reporters that further rises would depend on wages and energy prices over the summer months.")
    other = page(FIRST_LEAD, title="Central bank raises rates", published="2024-06-06T09:00:00Z")
    other = other.replace(other[other.index(b"<h1>"):other.index(b"</article>")],
                          f"<h1>Central bank raises rates</h1><p>{rates}</p>".encode())
    with LocalSite({"/world/landslide": html(page(FIRST_LEAD))}) as site:
        ingest([site.url("/world/landslide")], db, web_settings)
        first = db.execute("SELECT id, story_id FROM articles").fetchone()
        site.routes["/world/landslide"] = html(other)
        assert ingest([site.url("/world/landslide")], db, web_settings).stored == 1
        site.routes["/world/landslide"] = html(page(SECOND_LEAD, [NEW_PARAGRAPH], published="2024-05-07T09:00:00Z"))
        report = ingest([site.url("/world/landslide")], db, web_settings)
    assert (report.updated, report.stored) == (1, 0)
    edited = db.execute("SELECT id, story_id, text FROM articles WHERE id = ?", (first["id"],)).fetchone()
    assert "killed 17" in edited["text"] and edited["story_id"] == first["story_id"]
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
