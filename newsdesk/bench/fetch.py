"""Benchmark fetch-and-extract throughput against local servers (no internet, no sleeps).

The WCXB dev pages (709 real news pages, gunzipped) are served from ``ThreadingHTTPServer`` instances on
loopback addresses 127.0.0.1…127.0.0.N, each standing in for one host. newsdesk's ``Fetcher`` runs with
the guard off (loopback), ``per_host_delay`` 0 and its default per-host concurrency, in a pool of 8
threads; "fetch+extract" also runs each page through ``newsdesk.extract`` in the main thread, as a fetch
round does. The peer is a bare ``httpx.Client`` loop (no politeness, robots or guard) with trafilatura,
which bounds what the politeness machinery costs. Quality is the share of pages fetched (and, with
extraction, yielding article text).

``LocalSite`` is also what the fetch tests serve their cases from.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import click

from newsdesk.bench import shared_data
from newsdesk.bench.table import emit

PAGES = shared_data() / "extraction" / "wcxb-dev-articles" / "html"

Reply = tuple[int, dict[str, str], bytes]


class LocalSite:
    """An HTTP server on a loopback address answering from ``routes`` (path → reply or callable).

    A callable gets the request handler (headers, path) and returns ``(status, headers, body)``; a body
    that is an iterable of chunks (with a Content-Length header) is sent chunk by chunk. Every request is logged with its headers; ``max_in_flight`` is the most requests served at once.
    """

    def __init__(self, routes: dict[str, Reply | Callable[[BaseHTTPRequestHandler], Reply]],
                 host: str = "127.0.0.1") -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request, in order
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                with site._lock:
                    site.requests.append((self.path, dict(self.headers)))
                    site.arrivals.append(time.monotonic())
                    site.in_flight += 1
                    site.max_in_flight = max(site.max_in_flight, site.in_flight)
                try:
                    route = site.routes.get(self.path.split("?")[0], (404, {}, b"not found"))
                    status, headers, body = route(self) if callable(route) else route
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for chunk in [body] if isinstance(body, bytes) else body:  # an iterable body drips
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with site._lock:
                        site.in_flight -= 1

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def __enter__(self) -> "LocalSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def load_pages(limit: int | None) -> list[bytes]:
    files = sorted(PAGES.glob("*.html.gz"))[:limit]
    return [gzip.decompress(f.read_bytes()) for f in files]


def _sites(pages: list[bytes], hosts: int) -> tuple[list[LocalSite], list[str]]:
    sites, urls = [], []
    for number in range(hosts):
        share = {f"/p/{i}.html": (200, {"Content-Type": "text/html"}, page)
                 for i, page in enumerate(pages) if i % hosts == number}
        share["/robots.txt"] = (404, {}, b"")
        sites.append(LocalSite(share, host=f"127.0.0.{number + 1}"))
    for i in range(len(pages)):
        urls.append(sites[i % hosts].url(f"/p/{i}.html"))
    return sites, urls


def _run_newsdesk(urls: list[str], extract_too: bool) -> tuple[int, int]:
    from newsdesk.extract import extract
    from newsdesk.ingest.fetch import Fetcher, FetchError
    from newsdesk.ingest.poll import html_page
    from newsdesk.settings import Settings

    settings = Settings.load({"allow_private_addresses": True, "per_host_delay": 0.0, "db": ":memory:"})

    def get(url: str):
        try:
            return html_page(fetcher.get(url), {})
        except FetchError:
            return None

    fetched = extracted = 0
    with Fetcher(settings) as fetcher, ThreadPoolExecutor(8) as pool:
        for page in pool.map(get, urls):
            if page is None or isinstance(page, str):
                continue
            fetched += 1
            if extract_too:
                try:
                    extracted += extract(page).article is not None
                except ValueError:
                    pass
    return fetched, extracted


def _run_peer(urls: list[str], extract_too: bool) -> tuple[int, int]:
    import httpx
    import trafilatura

    fetched = extracted = 0
    with httpx.Client() as client:
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            fetched += 1
            if extract_too and trafilatura.extract(response.content):
                extracted += 1
    return fetched, extracted


@click.command()
@click.option("--limit", type=int, default=200, show_default=True, help="Pages to serve (0: all 709).")
@click.option("--hosts", type=int, default=4, show_default=True, help="Loopback hosts for the N-host rows.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row.")
def command(limit: int, hosts: int, as_json: bool) -> None:
    """Fetch (and fetch+extract) throughput, pages/s, with 1 and with N local hosts."""
    if not PAGES.is_dir():
        raise click.ClickException(f"shared data not found at {PAGES}")
    pages = load_pages(limit or None)
    rows = []
    for method, runner in (("newsdesk", _run_newsdesk), ("httpx+trafilatura (peer)", _run_peer)):
        for n_hosts in (1, hosts):
            if method != "newsdesk" and n_hosts != 1:
                continue  # the sequential peer does not use hosts in parallel
            for extract_too in (False, True):
                sites, urls = _sites(pages, n_hosts)
                for site in sites:
                    site.__enter__()
                try:
                    runner(urls[:20], False)  # warm-up: imports, connections, robots.txt
                    start = time.perf_counter()
                    fetched, extracted = runner(urls, extract_too)
                    seconds = time.perf_counter() - start
                finally:
                    for site in sites:
                        site.__exit__(None, None, None)
                rows.append({"method": method, "task": "fetch+extract" if extract_too else "fetch", "hosts": n_hosts,
                             "pages": len(urls), "fetched": fetched / len(urls),
                             "extracted": extracted / len(urls) if extract_too else None,
                             "pages_per_s": round(len(urls) / seconds, 1)})
    emit(rows, as_json)


if __name__ == "__main__":
    command()
