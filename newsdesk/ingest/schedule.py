"""The fetch round and the watch loop that keeps a desk current.

A round polls every due source in a small thread pool (fetching is waiting, and the per-host gates in
the fetcher keep any one site from being hammered however many of its feeds are due), while the main
thread feeds each finished poll through the same pipeline steps as ``newsdesk ingest``: skip known →
extract → dedup → store. A source's row (validators, next due time, health) advances only after its
pages are stored, so a round stopped at any point loses nothing: what was not stored is fetched again.

``watch`` runs rounds until stopped, sleeping until the next source is due. Failing sources back off
(doubling their interval up to a day) and are reported each round; one bad feed never stops the loop.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import feedparser

from newsdesk import pipeline
from newsdesk.ingest import sources
from newsdesk.ingest.fetch import Fetcher, Response
from newsdesk.ingest.poll import Poll, document_kind, poll_url
from newsdesk.records import Failure
from newsdesk.settings import Settings
from newsdesk.store.sqlite import connect

MAX_WORKERS = 8  # threads, all waiting on the network; politeness is per host, in the fetcher
IDLE_CHECK_SECONDS = 60.0  # watch re-reads the source list at least this often (sources added meanwhile)


@dataclass
class Round:
    report: pipeline.Report = field(default_factory=pipeline.Report)
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # one per polled source
    interrupted: bool = False


def run_round(db: sqlite3.Connection, settings: Settings, *, everything: bool = False,
              only: list[str] | None = None, fetcher: Fetcher | None = None, stop: threading.Event | None = None,
              on_source: Callable[[dict[str, Any]], None] | None = None,
              on_item: Callable[[Failure | None], None] | None = None, enrich: bool = True) -> Round:
    """Poll the due sources (or all, or those named in ``only``) once and store what they hold."""
    due = sources.due(db, everything=everything or bool(only))
    if only:
        due = [feed for feed in due if feed["url"] in only or str(feed["id"]) in only]
    result = Round()
    if not due:
        return result
    due = interleave_hosts(due)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings, stop)
    stop = fetcher.stop
    deduper = pipeline.load_deduper(db)
    is_known = KnownLinks(db)
    try:
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(due)), thread_name_prefix="fetch") as pool:
            futures = [pool.submit(_poll, fetcher, feed, is_known) for feed in due]
            handled: set[int] = set()
            try:
                _consume(futures, handled, db, result, deduper, on_source, on_item, settings.page_time_limit)
            except KeyboardInterrupt:
                # Stop fetching, then store every poll that already finished; the rest is re-polled later.
                result.interrupted = True
                stop.set()
                for future in futures:
                    future.cancel()
                _consume(futures, handled, db, result, deduper, on_source, on_item, settings.page_time_limit)
    finally:
        is_known.close()
        if own_fetcher:
            fetcher.close()
    result.interrupted = result.interrupted or stop.is_set()
    # Skipped on a stop to exit quickly: these steps work on whatever is pending, so the next round does it,
    # even one that brings nothing new.
    if enrich and not result.interrupted and (result.report.stored or result.report.updated
                                              or enrichment_pending(db)):
        pipeline.enrich_store(db, settings, result.report)
    return result


def enrichment_pending(db: sqlite3.Connection) -> bool:
    """Whether stored items wait for the store-level steps: a run was stopped, or run with ``--no-enrich``,
    after its pages were stored and before their stories, headlines and facts were written. Without this
    check a desk whose sources bring nothing new (304s) kept such articles out of every story for good.

    It asks what the steps themselves would pick up, but cheaply: the facts step comes last, so an article
    without facts stands for its headline too; a facts version raised by an upgrade is left, as before, to
    the next round that stores something (asking for it here would load the facts models every round)."""
    return bool(db.execute(
        """SELECT EXISTS (SELECT 1 FROM articles WHERE story_id IS NULL AND duplicate_of IS NULL)
               OR EXISTS (SELECT 1 FROM teasers WHERE story_id IS NULL AND duplicate_of IS NULL)
               OR EXISTS (SELECT 1 FROM stories WHERE headline IS NULL AND size > 0)
               OR EXISTS (SELECT 1 FROM articles a WHERE a.duplicate_of IS NULL
                          AND NOT EXISTS (SELECT 1 FROM facts_done f WHERE f.article_id = a.id))""").fetchone()[0])


def interleave_hosts(feeds: list) -> list:
    """Order sources host by host in turn, so the workers spread over hosts instead of all queueing at the
    gate of one site that has many feeds due."""
    by_host: dict[str, list] = {}
    for feed in feeds:
        by_host.setdefault(urlsplit(feed["url"]).hostname or "", []).append(feed)
    queues = list(by_host.values())
    return [queue[i] for i in range(max(map(len, queues), default=0)) for queue in queues if i < len(queue)]


class KnownLinks:
    """A thread-safe "already handled?" check on a read connection of its own: workers ask it while the
    main thread writes through the store's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        path = db.execute("PRAGMA database_list").fetchone()["file"]
        self.reader = connect(path, readonly=True) if path else None  # an in-memory store has one connection
        self.db = self.reader or db
        self.lock = threading.Lock()

    def __call__(self, link: str, feed_id: int | None = None, version: str | None = None) -> bool:
        with self.lock:
            return sources.is_known_link(self.db, link, feed_id, version)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


class EntryVersionsFetcher:
    """The fetcher, for one poll of a source, keeping what each entry of the source's feed says (``versions``:
    link -> ``sources.entry_version``), read from the feed as it arrives. ``poll_url`` asks whether a link is
    known by its address alone, before fetching its page, while an edited article's entry differs only in its
    title or dates; so the poll's known-link check looks the entry up here."""

    def __init__(self, fetcher: Fetcher, url: str) -> None:
        self.fetcher, self.url = fetcher, url
        self.versions: dict[str, str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fetcher, name)

    def get(self, url: str, **options) -> Response:
        response = self.fetcher.get(url, **options)
        if url == self.url and not response.not_modified:
            self.versions = feed_entry_versions(response)
        return response


def feed_entry_versions(response: Response) -> dict[str, str]:
    """link -> version of every entry of a feed or JSON Feed document (none for a sitemap or a page), its links
    read as ``poll`` reads them."""
    kind = document_kind(response)
    if kind == "feed":
        headers = {"content-location": response.url,
                   "content-type": response.headers.get("content-type") or "application/xml"}
        entries = feedparser.parse(response.body, response_headers=headers).entries
    elif kind == "jsonfeed":
        try:
            entries = sources.json_feed(response.body, response.url)[1]
        except ValueError:  # the poll itself says what is wrong with the document
            return {}
    else:
        return {}
    return {entry["link"]: sources.entry_version(entry) for entry in entries if entry.get("link")}


def _poll(fetcher: Fetcher, feed: sqlite3.Row, known_links: KnownLinks) -> tuple[sqlite3.Row, Poll, dict[str, str]]:
    """Poll one source; also returns the versions of its feed's entries, remembered once its pages are stored."""
    versioned = EntryVersionsFetcher(fetcher, feed["url"])

    def is_known(link: str) -> bool:
        return known_links(link, feed["id"], versioned.versions.get(link))

    try:
        poll = poll_url(versioned, feed["url"], etag=feed["etag"], last_modified=feed["last_modified"],
                        ignore_robots=bool(feed["ignore_robots"]), is_known=is_known,
                        expected_kind=feed["kind"])
    except Exception as exc:  # a bug or a parser crash on one source fails that source, never the watch
        poll = Poll(feed["url"], error=f"internal error: {type(exc).__name__}: {exc}"[:300])
    return feed, poll, versioned.versions


def _consume(futures: list[Future], handled: set[int], db: sqlite3.Connection, result: Round, deduper,
             on_source: Callable | None, on_item: Callable | None, time_limit: float | None = None) -> None:
    for future in as_completed(futures):
        if future.cancelled() or id(future) in handled:
            continue
        handled.add(id(future))
        feed, poll, entry_versions = future.result()
        try:
            outcome = store_poll(db, feed, poll, result.report, deduper, on_item, time_limit, entry_versions)
        except Exception as exc:  # a bug or a hostile value in one source's poll fails that source, not the round
            failed = Poll(poll.url, error=f"internal error: {type(exc).__name__}: {exc}"[:300])
            outcome = store_poll(db, feed, failed, result.report, deduper, on_item, time_limit)
        result.outcomes.append(outcome)
        if on_source:
            on_source(outcome)


def store_poll(db: sqlite3.Connection, feed: sqlite3.Row, poll: Poll, report: pipeline.Report, deduper,
               on_item: Callable[[Failure | None], None] | None = None,
               time_limit: float | None = None, entry_versions: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one poll's pages through the ingest steps, then advance the source's row and remember what its
    feed's entries said (``entry_versions``)."""
    if poll.error:
        # It is stored as the source's last error, shown and logged: a redirect target's credentials
        # ("ftp://bob:pw@...") are no more to be kept there than the source's own.
        poll.error = sources.without_secrets(poll.error)
    before = (report.stored, report.updated, report.known, report.duplicates, report.failed)
    pages = pipeline.skip_known(poll.items, db, report)
    for outcome in pipeline.store(pipeline.dedup(pipeline.extract_pages(pages, time_limit=time_limit), deduper), db, report):
        if on_item:
            on_item(outcome)
    if poll.error:
        report.failures.append(Failure(poll.url, "fetch", poll.error))
        report.count("fetch", "failed")
    stored, updated, known, duplicates, failed = (now - then for now, then in zip(
        (report.stored, report.updated, report.known, report.duplicates, report.failed), before))
    with db:
        health = sources.record_poll(db, feed, poll, stored)
        sources.remember_entry_versions(db, feed["id"], entry_versions or {}, poll.links)
    return {"id": feed["id"], "url": feed["url"], "title": feed["title"] or poll.title, "kind": poll.kind,
            "stored": stored, "updated": updated, "known": known, "duplicates": duplicates,
            "failed": failed - (1 if poll.error else 0), "deferred": poll.deferred, **health}


def watch(db: sqlite3.Connection, settings: Settings, *, stop: threading.Event | None = None,
          on_source: Callable[[dict[str, Any]], None] | None = None,
          on_round: Callable[[Round], None] | None = None, max_rounds: int | None = None,
          enrich: bool = True) -> int:
    """Run rounds until ``stop`` is set, Ctrl-C, or ``max_rounds``; returns the number of rounds run."""
    stop = stop or threading.Event()
    rounds = 0
    with Fetcher(settings, stop) as fetcher:  # one client for the whole watch: connections and robots.txt reused
        while not stop.is_set() and (max_rounds is None or rounds < max_rounds):
            result = run_round(db, settings, fetcher=fetcher, on_source=on_source, enrich=enrich)
            rounds += 1
            if on_round:
                on_round(result)
            if result.interrupted or (max_rounds is not None and rounds >= max_rounds):
                break
            wake = sources.next_wake(db)
            wait = IDLE_CHECK_SECONDS
            if wake is not None:
                wait = min(max((wake - sources.now_utc()).total_seconds(), 1.0), IDLE_CHECK_SECONDS)
            stop.wait(wait)
    return rounds
