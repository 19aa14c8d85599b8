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

What a source's document holds, and the article pages it points to, are read in ``poll.py``.
"""

from __future__ import annotations

import email.utils
import math
import random
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import brotli
import httpcore
import httpx
from protego import Protego

from newsdesk.ingest import sources
from newsdesk.ingest.guard import BlockedAddress, transport
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


# only what _BoundedDecoder reads is asked for: a server that honours the request cannot send a bomb unchecked
ACCEPT_ENCODING = "gzip, deflate, br"
DECODING_ERRORS = (zlib.error, brotli.error)
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

    A coding that is not asked for and cannot be read with such a cap (zstd, compress) is refused by name
    rather than stored as bytes no one can read. A token that is no compression at all (a server writing its
    charset there) is read as the body it is, as httpx does.
    """

    def __init__(self, coding: str, limit: int) -> None:
        self.limit = limit
        self.body = bytearray()
        self.steps = []
        # the codings are listed in the order they were applied, so the last is undone first
        for name in reversed([part.strip().lower() for part in coding.split(",")]):
            if name in ("gzip", "x-gzip", "deflate"):
                self.steps.append(_Inflater(name))
            elif name == "br":
                self.steps.append(_Unbrotli())
            elif name in ("zstd", "compress", "x-compress"):
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
