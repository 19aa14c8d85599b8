"""The ordered steps of an ingest and the local executor that runs them.

A page walks: read → skip-known → extract → dedup → store; then the store-level steps run over what
is new: stories (grouping in publication order), headlines, facts. Each page step is a plain generator
over records, so a distributed executor can map the same functions over shards of input; the store is
the only shared state. A step that cannot handle an item yields a ``Failure`` instead, which flows on
to the end and is counted by reason: nothing disappears silently.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from multiprocessing import get_context

from newsdesk.dedup import article_url, default_signer
from newsdesk.extract import Extraction, extract
from newsdesk.ingest import read
from newsdesk.records import Article, Failure, Page, Progress, Source, local_day, utc_time
from newsdesk.settings import Settings
from newsdesk.store import write


@dataclass
class Extracted:
    page: Page
    extraction: Extraction
    duplicate_of: str | None = None
    teaser_duplicates: dict[str, str] = field(default_factory=dict)
    signature: tuple[str, bytes, int] | None = None  # (scheme, MinHash values, shingles) of a new original
    text_signature: tuple[str, bytes, int] | None = None  # the same, made where the page was extracted


@dataclass
class Report:
    """What a run did, for the closing summary and for ``--json``."""

    read: int = 0
    stored: int = 0
    updated: int = 0  # stored articles given a newer version's text
    known: int = 0
    duplicates: int = 0
    teasers: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    steps: dict[str, Counter] = field(default_factory=dict)

    def count(self, step: str, outcome: str) -> None:
        self.steps.setdefault(step, Counter())[outcome] += 1

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def items(self) -> int:
        """Everything the run met: the pages read, the records passed over, and the inputs that never
        became a page (an unreadable file, a bad JSON line, a failed fetch), so the counts add up."""
        return self.read + self.skipped + sum(f.stage != "extract" for f in self.failures)

    def as_dict(self) -> dict:
        # a reason's kind is what comes before its details ("corrupt or unreadable file: ..."); a colon
        # inside an address ("redirect loop at http://...", "127.0.0.1:8801") is no such break
        reasons = Counter(f.reason.split(": ")[0] for f in self.failures)
        return {
            "items": self.items, "read": self.read, "stored": self.stored, "updated": self.updated,
            "known": self.known,
            "duplicates": self.duplicates, "teasers": self.teasers, "skipped": self.skipped, "failed": self.failed, "failure_reasons": dict(reasons),
            "steps": {k: dict(v) for k, v in self.steps.items()},
        }


class WorkerDied(RuntimeError):
    """An extraction process ended without an answer; the pages stored before it are kept."""


RECENT_HASHES = 4096  # pages read but maybe not stored yet: parallel extraction holds a batch in flight


def skip_known(items: Iterable[Page | Failure], db: sqlite3.Connection, report: Report) -> Iterator[Page | Failure]:
    """Drop pages whose content hash is already stored, or was just read in this run (the same file
    twice in one batch), so re-running an ingest never duplicates."""
    recent: OrderedDict[str, None] = OrderedDict()
    for item in items:
        if isinstance(item, Page):
            report.read += 1
            if item.hash in recent or write.known_status(db, item.hash) == "ok":
                report.known += 1
                report.count("skip_known", "already known")
                continue
            recent[item.hash] = None
            if len(recent) > RECENT_HASHES:
                recent.popitem(last=False)
        yield item


def extract_pages(
    items: Iterable[Page | Failure], workers: int = 1, time_limit: float | None = None
) -> Iterator[Extracted | Failure | tuple[Page, Failure]]:
    """Extract each page, in input order. With ``workers`` > 1 the pages go to a process pool a batch at
    a time (extraction is the CPU-heavy step; dedup and the store stay here, so the outcome is the same
    as with one process), and only a batch is ever held in memory, however large the archive. A page
    whose extraction takes more than ``time_limit`` seconds fails alone."""
    extract_timed = partial(extract_one, time_limit=time_limit)
    if workers <= 1:
        yield from map(extract_timed, items)
        return
    # a worker killed from outside (out of memory) breaks this pool loudly, where multiprocessing.Pool hangs
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        iterator = iter(items)
        while batch := list(islice(iterator, workers * 16)):
            try:
                yield from list(pool.map(extract_timed, batch, chunksize=4))
            except BrokenProcessPool as exc:
                raise WorkerDied("an extraction worker died (out of memory?); every page stored so far is "
                                   "kept: run again to resume, with --workers 1 to find the page") from exc


def exit_with_parent(parent: int, every: float = 1.0) -> None:
    """Make a pool worker end when the ingest that started it does. A worker waits on a queue whose
    writing end it holds too, so an ingest killed outright (SIGKILL, out of memory) left its workers
    waiting for ever, each holding a few hundred megabytes."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class PageTimeout(BaseException):
    """Raised inside a page's extraction when its time is up; a ``BaseException``, as the extractors'
    own ``except Exception`` fallbacks would otherwise take it for a parse error and carry on."""


@contextmanager
def time_limit_of(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (real time; main thread only, where signals arrive). A
    crafted page (one element with 100,000 attributes) kept the HTML extractors busy for two minutes."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame) -> None:
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_one(item: Page | Failure, time_limit: float | None = None) -> Extracted | Failure | tuple[Page, Failure]:
    if isinstance(item, Failure):
        return item
    try:
        with time_limit_of(time_limit):
            extraction = extract(item)
    except PageTimeout:
        return item, Failure(item.uri, "extract", f"extraction took longer than {time_limit:g} s (page_time_limit)")
    except Exception as exc:  # any extractor error is this page's failure, never the batch's
        reason = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return item, Failure(item.uri, "extract", reason)
    signer = default_signer()
    record = signer.text_signature_record(extraction.article.text) if extraction.article else None
    return Extracted(item, extraction, text_signature=(signer.scheme, *record) if record else None)


def dedup(items: Iterable, deduper) -> Iterator:
    """Mark copies of an article already seen (exact or near-duplicate body, same headline from one site)."""
    for item in items:
        if isinstance(item, Extracted):
            article = item.extraction.article
            if article is not None:
                signature = None
                if item.text_signature and item.text_signature[0] == deduper.scheme:
                    signature = deduper.signature_from_record(*item.text_signature[1:])
                canonical = deduper.add(article, signature)  # finds the original or indexes this one
                item.duplicate_of = canonical if canonical != article.id else None
                if item.duplicate_of is None and (record := deduper.signature_record(article.id)):
                    item.signature = (deduper.scheme, *record)
            site = article.site if article else item.page.source
            for teaser in item.extraction.teasers:
                original = deduper.find_title(teaser.headline, site, teaser.published)
                if original:
                    item.teaser_duplicates[teaser.id] = original
                else:
                    deduper.add_title(teaser.headline, site, teaser.id)
        yield item


def store(items: Iterable, db: sqlite3.Connection, report: Report) -> Iterator[Failure | None]:
    """Write each page and what came of it in one transaction; yield its failure, or None when stored."""
    for item in items:
        if isinstance(item, Failure):
            if item.skipped:
                report.skipped += 1
                report.count(item.stage, f"skipped: {item.reason}")
            else:
                report.failures.append(item)
                report.count(item.stage, "failed")
            yield item
            continue
        page = item[0] if isinstance(item, tuple) else item.page
        with db:
            # Another ingest may have stored this very page since skip_known read the store: the write lock
            # is taken before looking, so the page is written once and counted once, and a failure here
            # never marks that stored page failed.
            if not db.in_transaction:
                db.execute("BEGIN IMMEDIATE")
            if write.known_status(db, page.hash) == "ok":
                report.known += 1
                report.count("skip_known", "already known")
                outcome = None
            elif isinstance(item, tuple):  # a page that failed extraction: keep its bytes, record why
                write.save_page(db, page, status="failed", error=item[1].reason)
                report.failures.append(item[1])
                report.count("extract", "failed")
                outcome = item[1]
            else:
                store_extracted(db, item, report)
                outcome = None
        yield outcome


def store_extracted(db: sqlite3.Connection, item: Extracted, report: Report) -> None:
    page, article = item.page, item.extraction.article
    write.save_page(db, page)
    earlier = earlier_version(db, article, item.duplicate_of) if article is not None and item.duplicate_of else None
    if earlier is not None:
        store_version(db, item, earlier, report)
    elif article is not None:
        write.save_article(db, article, duplicate_of=item.duplicate_of)
        if item.signature:
            write.save_signature(db, article.id, *item.signature)
        seen = article.published or page.fetched
        write.save_source(db, Source(item.duplicate_of or article.id, page.hash, article.site, article.url, seen))
        if item.duplicate_of:
            report.duplicates += 1
            report.count("dedup", "copy of a stored article")
        else:
            report.stored += 1
            report.count("store", "article")
    # a version's own article is not stored: its teasers belong to the article it updates
    page_article = earlier["id"] if earlier is not None else article.id if article else None
    site = article.site if article else page.source
    for teaser in item.extraction.teasers:
        original = item.teaser_duplicates.get(teaser.id)
        write.save_teaser(db, teaser, page_article, site, original)
        if original:  # the same headline from the site's other feed: one more copy, not one more teaser
            report.duplicates += 1
            report.count("dedup", "copy of a stored teaser")
        else:
            report.teasers += 1
    if article is None:
        report.stored += 1
        report.count("store", "teasers only")


def earlier_version(db: sqlite3.Connection, article: Article, original_id: str) -> sqlite3.Row | None:
    """The stored article that ``article`` is another version of, or None when it is a copy: dedup matched it to
    an original at the same address on the same site (the piece edited, or fetched again), not another site's
    run of the same text, which stays a copy with a source of its own."""
    address = article_url(article)
    if address is None:  # a page read from a file or a record without an address is no version of anything
        return None
    stored = db.execute("SELECT * FROM articles WHERE id = ? AND duplicate_of IS NULL", (original_id,)).fetchone()
    if stored is None or (stored["site"] or "").casefold() != (article.site or "").casefold():
        return None
    stored_at = article_url(Article(stored["page_hash"], url=stored["url"], canonical_url=stored["canonical_url"]))
    return stored if stored_at == address else None


def store_version(db: sqlite3.Connection, item: Extracted, earlier: sqlite3.Row, report: Report) -> None:
    """Bring a stored article up to a newer version of it in place (its id, sources and story stay), the way
    re-extraction does; an older version arriving late, or one that changes nothing, only keeps its bytes."""
    page, article = item.page, item.extraction.article
    # an edit that dropped the date line (or a page that never shows one) keeps the date the piece had
    article.published = article.published or earlier["published"]
    earlier_fetched = db.execute("SELECT fetched FROM pages WHERE hash = ?", (earlier["page_hash"],)).fetchone()[0]
    if not not_older((article.published, page.fetched), (earlier["published"], earlier_fetched)):
        write.mark_version(db, page.hash, earlier["id"])
        report.known += 1
        report.count("dedup", "older version of a stored article, kept aside")
    elif update_article(db, earlier, article, item.text_signature):
        write.move_article_page(db, earlier["id"], earlier["page_hash"], page.hash)
        report.updated += 1
        report.count("store", "article updated to a newer version")
    else:
        write.mark_version(db, page.hash, earlier["id"])
        report.known += 1
        report.count("skip_known", "already known")


def not_older(new: tuple[str | None, str | None], stored: tuple[str | None, str | None]) -> bool:
    """Whether a version (published, fetched) is not older than the stored one: by the articles' dates where both
    have them and they differ (a day and a time on that day do not), else by when the pages were captured; with
    neither, the later arrival is the newer. A late copy of an old version must not overwrite a newer one."""
    for new_time, stored_time in zip(map(utc_time, new), map(utc_time, stored)):
        if new_time and stored_time:
            common = min(len(new_time), len(stored_time))
            if new_time[:common] != stored_time[:common]:
                return new_time[:common] > stored_time[:common]
    return True


# the columns extraction fills; an article whose new extraction matches them all is left alone
EXTRACTED_COLUMNS = ("title", "title_source", "byline", "agency", "published", "published_day", "dateline", "language",
                     "site", "url", "canonical_url", "body_hash", "blocks", "captions")


def update_article(db: sqlite3.Connection, stored: sqlite3.Row, article: Article,
                   signature: tuple[str, bytes, int] | None) -> bool:
    """Write a new extraction over a stored article when they differ, and clear what was derived from it;
    ``signature`` is the new text's (scheme, hash values, shingles), kept for a canonical article. Shared by
    re-extraction and by a newer version of a stored piece, so both redo the same things."""
    from newsdesk.stories import refresh_story

    fresh = {
        "title": article.title, "title_source": article.title_source, "byline": article.byline,
        "agency": article.agency, "published": utc_time(article.published),
        "published_day": article.published_day or local_day(article.published), "dateline": article.dateline,
        "language": article.language, "site": article.site, "url": article.url,
        "canonical_url": article.canonical_url, "body_hash": article.body_hash,
        "blocks": json.dumps([{"kind": b.kind, "text": b.text} for b in article.blocks], ensure_ascii=False),
        "captions": json.dumps([{"text": c.text, "credit": c.credit} for c in article.captions], ensure_ascii=False),
    }
    if all(fresh[column] == stored[column] for column in EXTRACTED_COLUMNS):
        return False
    text = article.text
    assignments = ", ".join(f"{column} = :{column}" for column in EXTRACTED_COLUMNS)
    db.execute(
        f"""UPDATE articles SET {assignments}, text = :text, words = :words, headline = NULL,
                standfirst = :standfirst, headline_sentence = NULL, standfirst_sentence = NULL
            WHERE id = :id""",
        fresh | {"text": text, "words": len(text.split()), "standfirst": article.standfirst, "id": stored["id"]},
    )
    # the store-level steps after the run redo headlines (and the search entry with them) and facts
    db.execute("DELETE FROM facts_done WHERE article_id = ?", (stored["id"],))
    db.execute("DELETE FROM signatures WHERE article_id = ?", (stored["id"],))
    if stored["duplicate_of"] is None and signature:
        write.save_signature(db, stored["id"], *signature)
    if stored["story_id"]:
        refresh_story(db, stored["story_id"])  # its times may have moved; its headline is written again
    return True


def load_deduper(db: sqlite3.Connection):
    """The copy index over the store's recent canonical articles and teaser headlines.

    Signatures come from the store; an article stored before signatures were kept (or under other
    settings) is shingled once and its signature saved, so the next round reads it."""
    from newsdesk.dedup import Deduper
    from newsdesk.store.queries import originals_dated_between, recent_for_dedup, teasers_dated_between

    deduper = Deduper()
    articles, teasers, deduper.recall_before = recent_for_dedup(db, deduper.scheme)
    missing: list[str] = []
    for article, stored in articles:
        deduper.add(article, deduper.signature_from_record(*stored) if stored else None, original=True)
        if stored is None:
            missing.append(article.id)
    with db:
        for article_id in missing:
            if record := deduper.signature_record(article_id):
                write.save_signature(db, article_id, deduper.scheme, *record)
    for headline, site, teaser_id in teasers:
        deduper.add_title(headline, site, teaser_id)

    def stored_original(body_hash: str) -> tuple[str, str | None] | None:
        row = db.execute("SELECT id, title FROM articles WHERE body_hash = ? AND duplicate_of IS NULL ORDER BY rowid"
                         " LIMIT 1", (body_hash,)).fetchone()
        return (row[0], row[1]) if row else None

    def stored_between(start: str, end: str):
        articles = ((article, deduper.signature_from_record(*stored) if stored else None)
                    for article, stored in originals_dated_between(db, deduper.scheme, start, end))
        return articles, teasers_dated_between(db, start, end)

    deduper.stored_original = stored_original
    deduper.stored_between = stored_between
    return deduper


def ingest(
    targets: Iterable[str],
    db: sqlite3.Connection,
    settings: Settings,
    on_item: Callable[[Failure | None], None] | None = None,
    enrich: bool = True,
    on_step: Progress | None = None,
) -> Report:
    """Read, extract, deduplicate and store every page under ``targets``; then group, headline, facts
    (``on_step`` hears how far each of those store-level steps has got)."""
    if enrich:
        from newsdesk.stories.embeddings import require

        require(settings.story_embeddings)  # a missing extra is said now, not after the last page
    report = Report()
    deduper = load_deduper(db)
    pages = skip_known(read(targets, settings), db, report)
    for outcome in store(dedup(extract_pages(pages, settings.workers, settings.page_time_limit), deduper), db, report):
        if on_item:
            on_item(outcome)
    if enrich:
        enrich_store(db, settings, report, on_step)
    return report


def enrich_store(db: sqlite3.Connection, settings: Settings, report: Report | None = None,
                 on_step: Progress | None = None) -> Report:
    """The store-level steps: group new items into stories, write missing headlines, extract facts. On a
    big archive they take longer than reading the pages (facts about 0.3 s an article), so ``on_step``
    hears (step, items done, items in all) as they go."""
    from newsdesk import nlp
    from newsdesk.facts.store import update_facts
    from newsdesk.stories import update_headlines, update_stories

    nlp.use_model(settings.spacy_model)
    report = report or Report()
    for outcome, n in update_stories(db, settings).items():
        report.steps.setdefault("stories", Counter())[outcome] += n
    for outcome, n in update_headlines(db, on_step).items():
        report.steps.setdefault("headlines", Counter())[outcome] += n
    for outcome, n in update_facts(db, on_step).items():
        report.steps.setdefault("facts", Counter())[outcome] += n
    return report
