"""Re-extract: run today's extractors over the pages the store already holds.

The store keeps every page's bytes so that an upgrade's better extraction reaches what was read before,
without the original files (a crawl is often gone by then). An article is updated in place: its id,
its sources, its copies and its story stay, while what depends on its text (headline, standfirst,
search entry, facts, copy signature, its story's headline) is cleared and written again by the usual
store-level steps. Nothing stored is lost: a page that fails now keeps its stored extraction, an article
no longer found keeps its row, and teasers that are no longer found stay. A page that failed before goes
the way of a new page (dedup, store, stories), as it would on a re-ingest.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator

from newsdesk.extract import Extraction
from newsdesk.pipeline import (Extracted, Report, dedup, enrich_store, extract_pages, load_deduper, store,
                               store_extracted, update_article)
from newsdesk.records import Failure, Page, Progress
from newsdesk.settings import Settings
from newsdesk.store import write

STEP = "reextract"


def stored_pages(db: sqlite3.Connection, statuses: dict[str, str]) -> Iterator[Page]:
    """Every page with kept bytes, oldest first, rebuilt as it was read; ``statuses`` learns each one's
    stored status (ok or failed) as it goes. A page kept as another version of an article is passed over: the
    article's text is its newest version's, read from the page it names."""
    hashes = [row[0] for row in db.execute(
        "SELECT hash FROM pages WHERE raw IS NOT NULL AND version_of IS NULL ORDER BY ingested, rowid")]
    for page_hash in hashes:
        row = db.execute("SELECT * FROM pages WHERE hash = ?", (page_hash,)).fetchone()
        statuses[page_hash] = row["status"]
        yield Page(uri=row["uri"], raw=zlib.decompress(row["raw"]), kind=row["kind"], url=row["url"],
                   fetched=row["fetched"], source=row["source"], hints=json.loads(row["hints"]), hash=row["hash"])


def reextract(
    db: sqlite3.Connection,
    settings: Settings,
    on_item: Callable[[Failure | None], None] | None = None,
    enrich: bool = True,
    on_step: Progress | None = None,
) -> Report:
    """Extract every stored page again and bring the store up to date with the result."""
    report = Report()
    deduper = load_deduper(db)
    statuses: dict[str, str] = {}
    for extracted in extract_pages(stored_pages(db, statuses), settings.workers, settings.page_time_limit):
        page = extracted.page if isinstance(extracted, Extracted) else extracted[0]
        report.read += 1
        if statuses.pop(page.hash) != "ok":
            outcomes = list(store(dedup([extracted], deduper), db, report))
        else:
            outcomes = [_reextract_stored(db, extracted, deduper, report)]
        for outcome in outcomes:
            if on_item:
                on_item(outcome)
    if enrich:
        enrich_store(db, settings, report, on_step)
    return report


def _reextract_stored(db: sqlite3.Connection, extracted: Extracted | tuple[Page, Failure], deduper,
                      report: Report) -> Failure | None:
    if not isinstance(extracted, Extracted):  # the stored extraction stands; the run says which page failed
        page, failure = extracted
        failure = Failure(page.uri, "extract", f"{failure.reason} (the stored extraction is kept)")
        report.failures.append(failure)
        report.count(STEP, "failed, stored extraction kept")
        return failure
    page, extraction = extracted.page, extracted.extraction
    stored = db.execute("SELECT * FROM articles WHERE page_hash = ?", (page.hash,)).fetchone()
    article = extraction.article
    if article is not None and stored is None:  # a page that held only teasers now holds an article
        item = next(dedup([extracted], deduper))
        with db:
            store_extracted(db, item, report)
        report.count(STEP, "article found where there was none")
        return None
    if article is not None:
        with db:
            updated = update_article(db, stored, article, extracted.text_signature)
            report.count(STEP, "updated" if updated else "unchanged")
    else:
        report.count(STEP, "no article found now, stored one kept" if stored else "unchanged")
    with db:
        _add_new_teasers(db, page, extraction, deduper, report)
    return None


def _add_new_teasers(db: sqlite3.Connection, page: Page, extraction: Extraction, deduper, report: Report) -> None:
    article_row = db.execute("SELECT id, site FROM articles WHERE page_hash = ?", (page.hash,)).fetchone()
    site = article_row["site"] if article_row else page.source
    for teaser in extraction.teasers:
        if db.execute("SELECT 1 FROM teasers WHERE id = ?", (teaser.id,)).fetchone():
            continue
        original = deduper.find_title(teaser.headline, site, teaser.published)
        if original is None:
            deduper.add_title(teaser.headline, site, teaser.id)
        write.save_teaser(db, teaser, article_row["id"] if article_row else None, site, original)
        report.teasers += 1
