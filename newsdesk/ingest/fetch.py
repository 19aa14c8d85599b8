"""HTTP fetching that is polite to every host and safe for the desk that runs it.

One ``Fetcher`` holds one httpx client (connections are reused), a gate per host (at most
``per_host_concurrency`` requests in flight, request starts at least ``per_host_delay`` apart, or the
site's robots.txt Crawl-delay when it asks for more) and a robots.txt cache. Redirects are followed here,
one hop at a time, so each hop passes the robots check, the loop check and (through the transport) the
private-address guard. Transient failures (timeouts, dropped connections, 429, 5xx) are retried with
exponential backoff and jitter, honouring a short Retry-After; a long one is handed to the scheduler.
Bodies are read as a stream and cut off at ``max_page_bytes`` after decompression, so neither a huge
page nor a compression bomb can exhaust memory: the content codings are undone here, by decoders told how much
they may write, since httpx's own inflate a whole chunk (a few kilobytes of brotli, gigabytes of output)
before anyone can look at its size. Each request (connect, headers and body) has one deadline,
``fetch_timeout``, enforced at the socket, so a server that drips bytes cannot hold a fetch, and a stop
(Ctrl-C in ``watch``) breaks a request in flight within a fraction of a second.
"""

from __future__ import annotations

import email.utils
import math
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import feedparser
import httpcore
import httpx
from protego import Protego

try:
    import brotli
except ImportError:  # brotli comes with fastwarc; without it, br is neither asked for nor read
    brotli = None

from newsdesk.ingest import feeds, sources
from newsdesk.ingest.files import looks_binary, sniff
from newsdesk.ingest.guard import BlockedAddress, transport
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings

REDIRECTS = {301, 302, 303, 307, 308}
TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}
MAX_REDIRECTS = 10
RETRIES = 2
BACKOFF_SECONDS = 0.5
MAX_RETRY_AFTER_WAIT = 30.0  # a longer Retry-After ends the fetch; the scheduler waits instead
MAX_CRAWL_DELAY = 60.0
ROBOTS_TTL = 3600.0
ROBOTS_RETRY_TTL = 300.0  # a robots.txt that failed with a server error is asked again this soon
ROBOTS_MAX_BYTES = 512_000
DEADLINE_CHECK = 0.25  # a blocked read wakes this often to look at its request's deadline and the stop event


def _brotli_is_bounded() -> bool:
    """Whether the installed brotli takes an output cap (brotli 1.2 on): an older one inflates all it is given."""
    if brotli is None:
        return False
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except TypeError:
        return False
    return True


# only what _BoundedDecoder reads is asked for: a server that honours the request cannot send a bomb unchecked
ACCEPT_ENCODING = "gzip, deflate, br" if _brotli_is_bounded() else "gzip, deflate"
DECODING_ERRORS = (zlib.error, brotli.error) if brotli else (zlib.error,)
BROTLI_STEP = 1 << 16  # output asked of brotli per call: a call writes at most about a block past it (~100 kB)


class FetchError(Exception):
    """A fetch that failed; ``transient`` says whether trying again later may succeed."""

    def __init__(self, reason: str, status: int | None = None, transient: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.transient = transient
        self.retry_after = retry_after

    def after_tries(self, tries: int, seconds: float) -> "FetchError":
        """The same failure, saying how many tries it took and how long they held the fetch: "timed out after
        20s" alone hid that the source had held the round for a minute."""
        return type(self)(f"{self}; {tries} tries, {seconds:.0f}s in all", self.status, self.transient,
                          self.retry_after)


class FetchTimeout(FetchError):
    """A request that got no complete answer within ``fetch_timeout``."""


class Stopped(Exception):
    """Raised inside a fetch when the fetcher is shutting down (Ctrl-C in ``watch``)."""


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes
    fetched: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip(' "\''):
                return value.strip(' "\'')
        return None


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), at most a day: the
    header is the server's to write, and a wait of years would only overflow the schedule."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), sources.MAX_BACKOFF)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max(0.0, (when - datetime.now(timezone.utc)).total_seconds()), sources.MAX_BACKOFF)


# ---- content codings, undone within the page limit ----

def _too_large(limit: int) -> FetchError:
    return FetchError(f"response larger than the {limit:,}-byte limit (setting max_page_bytes)")


class _Inflater:
    """gzip or deflate. zlib's ``max_length`` stops the output at the cap; input past it waits in
    ``unconsumed_tail``, which only matters once the cap is passed, and then the response is refused anyway."""

    def __init__(self, name: str) -> None:
        # "deflate" is zlib-wrapped by the standard and often bare deflate in practice (httpx tries both too)
        self.fallback = name == "deflate"
        self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)
        self.started = False

    def process(self, data: bytes, cap: int) -> bytes:
        try:
            out = self.inflater.decompress(data, cap)
        except zlib.error:
            if not self.fallback or self.started:
                raise
            self.inflater, self.fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
            out = self.inflater.decompress(data, cap)
        self.started = True
        return out


class _Unbrotli:
    """br, with brotli's ``output_buffer_limit``. The decoder stops writing a little past that limit (its buffer
    grows in blocks) and may stop well short of it with more to come, so its output is drained a step at a time
    until it has nothing more or the cap is passed; what it holds back past the cap is never asked for."""

    def __init__(self) -> None:
        self.decompressor = brotli.Decompressor()

    def process(self, data: bytes, cap: int) -> bytes:
        out = bytearray(self.decompressor.process(data, output_buffer_limit=min(cap, BROTLI_STEP)))
        while len(out) < cap:
            more = self.decompressor.process(b"", output_buffer_limit=min(cap - len(out), BROTLI_STEP))
            if not more:
                break
            out += more
        return bytes(out)


class _BoundedDecoder:
    """Undoes a response's Content-Encoding as its raw bytes arrive, refusing it once any step's output passes
    ``limit``: no step is ever asked to write more than the limit and a byte, whatever the ratio.

    A coding that is not asked for and cannot be read with such a cap (zstd, or br with an old brotli) is
    refused by name rather than stored as bytes no one can read. A token that is no compression at all (a
    server writing its charset there) is read as the body it is, as httpx does.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.limit = limit
        self.body = bytearray()
        self.steps = []
        # the codings are listed in the order they were applied, so the last is undone first
        for name in reversed([part.strip().lower() for part in coding.split(",")]):
            if name in ("gzip", "x-gzip", "deflate"):
                self.steps.append(_Inflater(name))
            elif name == "br" and "br" in ACCEPT_ENCODING:
                self.steps.append(_Unbrotli())
            elif name in ("br", "zstd", "compress", "x-compress"):
                raise FetchError(f"Content-Encoding {name} was not asked for, and newsdesk cannot read it "
                                 "within the page limit")
        self.written = [0] * len(self.steps)

    def feed(self, data: bytes) -> None:
        for number, step in enumerate(self.steps):
            room = self.limit - self.written[number]
            try:
                data = step.process(data, room + 1)
            except DECODING_ERRORS as exc:
                raise FetchError(f"DecodingError: {exc}"[:300], transient=True) from exc
            self.written[number] += len(data)
            if len(data) > room:
                raise _too_large(self.limit)
        self.body += data
        if len(self.body) > self.limit:
            raise _too_large(self.limit)


# ---- one deadline per request, enforced where the bytes arrive ----

_request = threading.local()  # deadline (time.monotonic()) and stop event of the request this thread makes


def _time_left(limit: float | None) -> float:
    """Seconds a socket call may block: the smaller of its own timeout and what is left of the request's
    deadline. Raises when the fetcher is stopping or the deadline has passed."""
    stop = getattr(_request, "stop", None)
    if stop is not None and stop.is_set():
        raise Stopped()
    left = getattr(_request, "deadline", math.inf) - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("request deadline passed")
    return left if limit is None else min(limit, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes end at the deadline of the request in flight on this thread.
    httpx's timeouts bound each read, so a byte a second keeps them happy forever; this bounds the sum."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        give_up = math.inf if timeout is None else time.monotonic() + timeout
        while True:
            # short slices, so a stop is noticed while the server says nothing
            wait = min(_time_left(give_up - time.monotonic()), DEADLINE_CHECK)
            try:
                return self.stream.read(max_bytes, max(wait, 0.001))
            except httpcore.ReadTimeout:
                if time.monotonic() >= give_up:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.stream.start_tls(ssl_context, server_hostname, _time_left(timeout)))

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Wraps the transport's backend (guarded or not) so every connection it opens is a ``_DeadlineStream``."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self.backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.backend.connect_tcp(host, port, _time_left(timeout), local_address,
                                                        socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        return self.backend.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self.backend.sleep(seconds)


class HostGate:
    """Per-host politeness: a bounded number of requests in flight and a minimum gap between starts."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.delay = delay
        self.next_start = 0.0

    @contextmanager
    def turn(self, stop: threading.Event) -> Iterator[None]:
        while not self.slots.acquire(timeout=0.2):
            if stop.is_set():
                raise Stopped()
        try:
            with self.lock:
                now = time.monotonic()
                start = max(now, self.next_start)
                self.next_start = start + self.delay
            if start > now and stop.wait(start - now):
                raise Stopped()
            yield
        finally:
            self.slots.release()


class Fetcher:
    """A polite, guarded HTTP client; thread-safe, so one instance serves a whole fetch round."""

    def __init__(self, settings: Settings, stop: threading.Event | None = None, retries: int = RETRIES,
                 backoff: float = BACKOFF_SECONDS) -> None:
        self.settings = settings
        self.stop = stop or threading.Event()
        self.retries = retries
        self.backoff = backoff
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        http = transport(settings.allow_private_addresses, limits)
        # httpcore takes no per-request deadline, so the pool's backend is wrapped to enforce one
        http._pool._network_backend = _DeadlineBackend(http._pool._network_backend)
        self.client = httpx.Client(
            transport=http,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(settings.fetch_timeout),
            trust_env=False,
        )
        self.robots_agent = settings.user_agent.split("/")[0].split()[0] or "*"
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, tuple[float, Protego | None, str | None]] = {}
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def gate(self, url: str) -> HostGate:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            if host not in self._gates:
                self._gates[host] = HostGate(self.settings.per_host_concurrency, self.settings.per_host_delay)
            return self._gates[host]

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            ignore_robots: bool = False) -> Response:
        """GET ``url`` following redirects; a 2xx or 304 ``Response``, else ``FetchError``."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = set()
        for _hop in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise FetchError(f"refused to follow a redirect to a non-http address: {url[:200]}")
            if url in seen:
                raise FetchError(f"redirect loop at {url[:200]}")
            seen.add(url)
            refusal = self.robots_refusal(url) if self.settings.respect_robots and not ignore_robots else None
            if refusal:
                raise FetchError(refusal)
            response = self._with_retries(url, headers)
            if response.status in REDIRECTS and response.headers.get("location"):
                url = urljoin(url, response.headers["location"].strip())
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return response
            raise FetchError(f"HTTP {response.status} {httpx.codes.get_reason_phrase(response.status)}".strip(),
                             status=response.status, transient=response.status in TRANSIENT_STATUS,
                             retry_after=parse_retry_after(response.headers.get("retry-after")))
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, url: str, headers: dict[str, str], limit: int | None = None,
                      retry_timeouts: bool = True) -> Response:
        started = time.monotonic()
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._once(url, headers, limit)
            except FetchError as exc:
                if last and attempt:
                    raise exc.after_tries(attempt + 1, time.monotonic() - started) from exc
                if last or not exc.transient or (isinstance(exc, FetchTimeout) and not retry_timeouts):
                    raise
                self._sleep(self.backoff * 2**attempt * (0.5 + random.random()))
                continue
            if response.status not in TRANSIENT_STATUS or last:
                return response
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is not None and wait > MAX_RETRY_AFTER_WAIT:
                return response
            self._sleep(wait if wait is not None else self.backoff * 2**attempt * (0.5 + random.random()))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopped()

    def _once(self, url: str, headers: dict[str, str], limit: int | None = None) -> Response:
        limit = limit or self.settings.max_page_bytes
        if self.stop.is_set():
            raise Stopped()
        with self.gate(url).turn(self.stop):
            _request.deadline, _request.stop = time.monotonic() + self.settings.fetch_timeout, self.stop
            headers_in = False
            try:
                with self.client.stream("GET", url, headers=headers, follow_redirects=False) as response:
                    headers_in = True
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise _too_large(limit)
                    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), limit)
                    for chunk in response.iter_raw():
                        decoder.feed(chunk)
                    return Response(str(response.url), response.status_code, response.headers,
                                    bytes(decoder.body), now_iso())
            except BlockedAddress as exc:
                raise FetchError(str(exc)) from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise FetchError(f"bad address {url[:200]!r}: {exc}") from exc
            except httpx.TimeoutException as exc:
                waited = f"{self.settings.fetch_timeout:g}s"
                reason = (f"body not complete after {waited}" if headers_in
                          else f"timed out after {waited} ({type(exc).__name__})")
                raise FetchTimeout(reason, transient=True) from exc
            except httpx.TransportError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}"[:300], transient=True) from exc
            finally:
                _request.deadline, _request.stop = math.inf, None

    def robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids fetching ``url`` now, or None when it allows it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one robots.txt request per origin, however many threads ask
            cached = self._robots.get(origin)
            if cached is None or cached[0] < time.monotonic():
                cached = self._read_robots(origin)
                self._robots[origin] = cached
        _expires, rules, unavailable = cached
        if unavailable:
            return unavailable
        if rules is not None and not rules.can_fetch(url, self.robots_agent):
            return "disallowed by robots.txt (add the source with --ignore-robots if it is your own site)"
        return None

    def _read_robots(self, origin: str) -> tuple[float, Protego | None, str | None]:
        """(cache expiry, the origin's rules or None for "no rules", why nothing may be fetched yet).

        RFC 9309: a 4xx robots.txt means no rules; a server error means "disallow everything" until it
        answers, since a server in trouble is the one that most needs to be left alone (so that verdict
        is cached briefly). A network error or a guard refusal is raised: the page itself would fail the
        same way, and saying so is clearer than blaming robots.txt. A timeout is not tried again: a host
        that does not answer robots.txt will not answer the page either, and the retries would hold the
        poll for a minute before the page were even asked for.
        """
        url = origin + "/robots.txt"
        for _hop in range(5):
            response = self._with_retries(url, {}, limit=ROBOTS_MAX_BYTES, retry_timeouts=False)
            if response.status in REDIRECTS and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            break
        else:
            return time.monotonic() + ROBOTS_TTL, None, None
        if response.status >= 500:
            return (time.monotonic() + ROBOTS_RETRY_TTL, None, f"robots.txt unavailable (HTTP {response.status}): "
                    "nothing is fetched from this site until it answers")
        if 400 <= response.status < 500:
            return time.monotonic() + ROBOTS_TTL, None, None
        rules = Protego.parse(response.body.decode("utf-8", errors="replace"))
        crawl_delay = rules.crawl_delay(self.robots_agent)
        if crawl_delay:
            gate = self.gate(origin)
            gate.delay = max(gate.delay, min(float(crawl_delay), MAX_CRAWL_DELAY))
        return time.monotonic() + ROBOTS_TTL, rules, None


# ---- reading one source: what its document holds, and the article pages its entries point to ----

MAX_NEW_PAGES = 50  # article pages fetched per source per poll; the rest wait for the next round
MAX_CHILD_SITEMAPS = 5
HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
FEED_TYPE_ENDINGS = ("rss+xml", "atom+xml", "rdf+xml", "feed+json")
XML_TYPES = {"application/xml", "text/xml"}  # what feeds and sitemaps are most often served as; never a page
GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", "application/unknown", "unknown/unknown"}


@dataclass
class Poll:
    """What one poll of a source found; the scheduler stores ``items`` and then remembers ``links``."""

    url: str
    kind: str | None = None  # feed | sitemap | page
    title: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    items: list[Page | Failure] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # entry addresses handled for good: not fetched again
    error: str | None = None
    status: int | None = None
    transient: bool = False
    retry_after: float | None = None
    interrupted: bool = False  # stopped part-way: store what came, but do not count it as a poll
    deferred: int = 0  # entry pages left for the next poll (the per-poll budget, a temporary failure)


def is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https")


def document_kind(response: Response) -> str:
    """``feed`` (RSS, Atom, RDF, JSON Feed), ``sitemap`` or ``page``, from the type and the first bytes."""
    head = response.body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{") and b"jsonfeed.org/version" in response.body[:65536]:
        return "jsonfeed"
    if head.startswith(b"<"):
        if b"<urlset" in head or b"<sitemapindex" in head:
            return "sitemap"
        if sniff(head) == "feed" or response.content_type.endswith(("rss+xml", "atom+xml", "rdf+xml")):
            if b"<html" not in head:
                return "feed"
    return "page"


def poll_url(fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None,
             ignore_robots: bool = False, is_known: Callable[[str], bool] | None = None,
             max_new: int | None = MAX_NEW_PAGES, expected_kind: str | None = None) -> Poll:
    """Fetch a source (conditionally, when its validators are known) and turn it into pages.

    Feed entries that carry only a summary get their article page fetched; the entry's title, date
    and summary travel along as hints, so the extractor falls back to them when the page lacks them.
    Entries whose address ``is_known`` are skipped before any request is made. At most ``max_new``
    pages are fetched (None: all of them). ``expected_kind`` is what earlier polls found the source to
    be: a feed or sitemap that answers with a page fails the poll instead of becoming news.
    """
    poll = Poll(url)
    try:
        _poll(fetcher, poll, etag, last_modified, ignore_robots, is_known, max_new, expected_kind)
    except Stopped:
        poll.interrupted = True  # keep the pages fetched so far; the source itself is polled again
    return poll


def _poll(fetcher: Fetcher, poll: Poll, etag: str | None, last_modified: str | None, ignore_robots: bool,
          is_known: Callable[[str], bool] | None, max_new: int | None, expected_kind: str | None) -> None:
    url = poll.url
    try:
        response = fetcher.get(url, etag=etag, last_modified=last_modified, ignore_robots=ignore_robots)
    except FetchError as exc:
        poll.error, poll.status, poll.transient, poll.retry_after = str(exc), exc.status, exc.transient, exc.retry_after
        return
    poll.etag = response.headers.get("etag") or etag
    poll.last_modified = response.headers.get("last-modified") or last_modified
    if response.not_modified:
        poll.not_modified = True
        return
    follower = _Follower(fetcher, poll, ignore_robots, is_known or (lambda _link: False), max_new)
    try:
        body = _gunzip(response.body, fetcher.settings.max_page_bytes)
    except FetchError as exc:
        poll.error = str(exc)
        return
    document = Response(response.url, response.status, response.headers, body, response.fetched)
    kind = document_kind(document)
    if kind == "feed":
        _read_feed(follower, response, body)
    elif kind == "jsonfeed":
        _read_json_feed(follower, response, body)
    elif kind == "sitemap":
        _read_sitemap(follower, response.url, body)
    else:
        _read_page(poll, document, expected_kind)
    if poll.deferred:
        # An unchanged document would answer the next conditional GET with a 304, and the entries left
        # over would never be reached; so the next poll asks for it whole.
        poll.etag = poll.last_modified = None


def _read_page(poll: Poll, response: Response, expected_kind: str | None) -> None:
    """The source's document is neither a feed nor a sitemap. From a source known to be one, or served as
    a feed or as XML, that is a failure (a "back soon" page, an error page's bytes, junk), and the source
    says why on every poll until it serves its document again: stored as an article, such a page would
    be news, and the source would look healthy. Else the document is the page the source follows, and a
    document that is no page fails the poll, as nothing else comes from the source."""
    expected = _expected_document(expected_kind, response.content_type)
    if expected:
        poll.kind = expected_kind or ("feed" if response.content_type.endswith(FEED_TYPE_ENDINGS) else None)
        poll.error = _not_the_document(expected, response)
        poll.etag = poll.last_modified = None
        return
    poll.kind = "page"
    page = html_page(response, hints={})
    if isinstance(page, Page):
        poll.items.append(page)
    else:
        poll.error = page


def _expected_document(expected_kind: str | None, content_type: str) -> str | None:
    """What the source's document ought to be, by what it was before or what the server calls it; None
    when a page is a fine answer."""
    if expected_kind in ("feed", "sitemap"):
        return expected_kind
    if content_type.endswith(FEED_TYPE_ENDINGS):
        return "feed"
    if content_type in XML_TYPES:
        return "feed or sitemap"
    return None


def _not_the_document(expected: str, response: Response) -> str:
    served_as = response.content_type or "no type"
    if sniff(response.body[:4096]) == "html":
        shown_type = "" if response.content_type in HTML_TYPES else f" (served as {served_as})"
        return f"not a {expected}: got an HTML page{shown_type}"
    return f"malformed {expected}: served as {served_as}, but the body is not a {expected}"


def html_page(response: Response, hints: dict, source: str | None = None) -> Page | str:
    """The fetched HTML as a page, or why it is not one. The header charset rides along as a hint for
    the decoder, and the raw bytes stay exactly as they arrived."""
    kind = response.content_type
    if kind in GENERIC_TYPES:  # a server that does not know the type says so; look inside, as for feeds
        if sniff(response.body[:4096]) != "html":
            return f"not a web page ({kind})"
    elif kind not in HTML_TYPES and not kind.startswith("text/"):
        return f"not a web page ({kind})"
    if not response.body.strip():
        return "empty response"
    if looks_binary(response.body):
        return "binary data, not a web page"
    if response.charset:
        hints = {**hints, "charset": response.charset}
    return Page(uri=response.url, raw=response.body, kind="html", url=response.url, fetched=response.fetched,
                source=source, hints=hints)


def _gunzip(body: bytes, limit: int) -> bytes:
    """Sitemaps are often served as ``.xml.gz`` files (not Content-Encoding), so inflate them here."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        data = zlib.decompressobj(wbits=31).decompress(body, limit + 1)
    except zlib.error:
        return body
    if len(data) > limit:
        raise FetchError(f"gzipped document larger than the {limit:,}-byte limit (setting max_page_bytes)")
    return data


class _Follower:
    """Fetches the pages a source's entries point to, within a per-poll budget."""

    def __init__(self, fetcher: Fetcher, poll: Poll, ignore_robots: bool, is_known: Callable[[str], bool],
                 budget: int | None) -> None:
        self.fetcher, self.poll, self.ignore_robots, self.is_known, self.budget = (
            fetcher, poll, ignore_robots, is_known, budget)

    def entry(self, entry: Page | Failure) -> None:
        """A parsed feed entry: kept as is when it carries the article, else its link is followed."""
        if isinstance(entry, Failure):
            self.poll.items.append(entry)
            return
        link = entry.url
        if is_http(link) and self.is_known(link):
            return
        if entry.kind != "feed" or not is_http(link) or entry.hints.get("enclosure") == link:
            self.poll.items.append(entry)
            if link:
                self.poll.links.append(link)
            return
        self.follow(link, entry.hints, entry.source, fallback=entry)

    def follow(self, link: str, hints: dict, source: str | None, fallback: Page | None = None) -> None:
        if self.budget is not None:
            if self.budget <= 0:
                self.poll.deferred += 1  # not remembered, so the next poll picks it up
                return
            self.budget -= 1
        if fallback is not None:
            # the page may hold no article (a consent wall, a video, Google News' script-only page): the
            # extractor then keeps the entry's headline at this address
            hints = {**hints, "entry_link": link}
        try:
            response = self.fetcher.get(link, ignore_robots=self.ignore_robots)
            page = html_page(response, hints, source)
        except FetchError as exc:
            self.poll.items.append(Failure(link, "fetch", str(exc)))
            if exc.transient:
                # not remembered, and counted as left over, so the next poll asks for the feed whole and tries
                # again: with the feed's ETag kept, an unchanged feed answered 304 and the entry was lost for good
                self.poll.deferred += 1
                return
            page = None
        if isinstance(page, Page):
            self.poll.items.append(page)
        else:
            if isinstance(page, str):
                self.poll.items.append(Failure(link, "fetch", page))
            if fallback is not None:  # keep the headline the feed gave, as a teaser
                self.poll.items.append(fallback)
        self.poll.links.append(link)


def _read_feed(follower: _Follower, response: Response, body: bytes) -> None:
    poll = follower.poll
    poll.kind = "feed"
    # The real Content-Type, so feedparser follows RFC 3023 (an HTTP charset overrides the XML declaration).
    # Without one it would assume ISO-8859-1 and flag the feed; it was sniffed as XML, so it is read as XML.
    headers = {"content-location": response.url,
               "content-type": response.headers.get("content-type") or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    poll.title = parsed.feed.get("title") or None
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        poll.error = f"feed has no entries{problem}"[:300]
        return
    site = feeds.site_name(poll.title or "", parsed.feed.get("link"))
    entries = [feeds.entry_page(entry, f"{response.url}#entry{number}", site, response.fetched,
                                parsed.feed.get("language"))
               for number, entry in enumerate(parsed.entries, start=1)]
    # feedparser recovers from much (a wrong media type, a stray character): its flag matters only when
    # no entry could be read, and then the feed's failure says it once instead of each entry's.
    if parsed.get("bozo") and not any(isinstance(entry, Page) for entry in entries):
        poll.error = f"malformed feed: {parsed.bozo_exception}"[:300]
        return
    for entry in entries:
        follower.entry(entry)
    if problem := feeds.cut_short(parsed, body):
        poll.items.append(Failure(response.url, "fetch", problem))


def _read_json_feed(follower: _Follower, response: Response, body: bytes) -> None:
    poll = follower.poll
    poll.kind = "feed"
    try:
        poll.title, entries = feeds.json_feed(body, response.url)
    except ValueError as exc:
        poll.error = f"malformed JSON Feed: {exc}"[:300]
        return
    if not entries:
        poll.error = "feed has no entries"
        return
    site = feeds.site_name(poll.title or "")
    for number, entry in enumerate(entries, start=1):
        follower.entry(feeds.entry_page(entry, f"{response.url}#entry{number}", site, response.fetched))


def _read_sitemap(follower: _Follower, url: str, body: bytes, depth: int = 0) -> None:
    poll = follower.poll
    poll.kind = "sitemap"
    try:
        sitemap = sources.parse_sitemap(body, url)
    except ValueError as exc:
        poll.error = f"malformed sitemap: {exc}"[:300]
        return
    for child in sitemap.children[:MAX_CHILD_SITEMAPS] if depth == 0 else []:
        try:
            response = follower.fetcher.get(child, ignore_robots=follower.ignore_robots)
            _read_sitemap(follower, response.url, _gunzip(response.body, follower.fetcher.settings.max_page_bytes),
                          depth + 1)
        except FetchError as exc:
            poll.items.append(Failure(child, "fetch", str(exc)))
    for link, hints in sitemap.urls:
        if is_http(link) and not follower.is_known(link):
            follower.follow(link, hints, None)


def fetch_target(url: str, settings: Settings) -> Iterator[Page | Failure]:
    """The pages behind one http(s) URL given to ``newsdesk ingest``: a feed's entries (with their article
    pages), a sitemap's pages, or the page itself."""
    with Fetcher(settings) as fetcher:
        poll = poll_url(fetcher, url, max_new=None)  # asked for by name: every entry, not a poll's share
    if poll.error:
        yield Failure(url, "fetch", poll.error)
    yield from poll.items
