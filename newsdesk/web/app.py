"""The web desk's application factory: one FastAPI app over one store, read-only.

Pages are server-rendered Jinja (no front-end build); every page has a JSON twin at the same path with
``.json`` and under ``/api/…``, documented by the OpenAPI spec at ``/openapi.json``. The desk never
writes: each worker thread keeps its own read-only SQLite connection, and WAL lets an ingest write
while the desk reads.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdesk.settings import Settings
from newsdesk.store.sqlite import connect
from newsdesk.store.search import ItemMeta
from newsdesk.web.render import STATIC_DIR, plain_problem, render, wants_json

# Web text is untrusted: no inline script may run, nothing is loaded from another origin, and the page
# cannot be framed. Charts are inline SVG styled by the stylesheet, so no inline style is needed either.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class HeadAsGet:
    """Answer HEAD as GET without the body: feed readers and link checkers ask HEAD first, and FastAPI's
    GET routes (unlike Starlette's) do not take it. The headers, Content-Length included, are the GET's."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = message | {"body": b""}
            await send(message)

        await self.app(scope | {"method": "GET"}, receive, headers_only)


class StoreConnections:
    """One read-only connection per thread: sqlite3 connections must not be shared by concurrent requests."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self.meta = ItemMeta()  # shared by every thread's searches
        # Create or migrate the store once, so a fresh desk shows its empty state instead of an error and
        # an older store gains the tables this code reads. A store we may not write is read as it is, and one
        # that cannot be read (an older schema we may not update) stops the server here, in one line, rather
        # than failing every request.
        try:
            connect(path).close()
        except sqlite3.OperationalError:
            if not Path(path).exists():
                raise
        open_for_reading(path).close()

    def get(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_for_reading(self.path)
        return db


def open_for_reading(path: str) -> sqlite3.Connection:
    """A read-only connection tuned for search: filters join every full-text match to its article, and
    through the page cache alone those lookups are syscalls; memory-mapped, they are memory reads."""
    db = connect(path, readonly=True)
    db.execute("PRAGMA mmap_size = 4294967296")
    db.execute("PRAGMA cache_size = -131072")  # 128 MiB per connection
    return db


def create_app(db_path: str, public_url: str = "", stories_days: float = Settings.stories_days) -> FastAPI:
    """The desk over the store at ``db_path``; ``public_url`` and ``stories_days`` are the settings of those
    names (the front page's window when a request gives no ``days``)."""
    from newsdesk.web import articles, entities, feeds, front, search, sources, stories

    app = FastAPI(
        title="newsdesk",
        summary="Stories, articles, search and facts from the newsdesk store.",
        description="Every HTML page has a JSON twin: the same path with `.json`, or under `/api/`.",
        version="0.1.0",
        # Swagger UI and ReDoc load scripts from a CDN: the desk works offline, so /api lists the spec itself.
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = StoreConnections(str(db_path))
    app.state.public_url = public_url.rstrip("/")
    app.state.stories_days = stories_days
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (front, stories, articles, search, entities, feeds, sources):
        app.include_router(module.router)
    app.add_middleware(HeadAsGet)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(getattr(exc, "headers", None) or {})  # e.g. Allow on a 405
        allow = headers.get("Allow") or headers.get("allow")
        if allow and "GET" in allow and "HEAD" not in allow:  # HeadAsGet answers HEAD wherever GET is
            headers = {k: v for k, v in headers.items() if k.lower() != "allow"} | {"Allow": f"{allow}, HEAD"}
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        response = render(
            request, "error.html", {"status": exc.status_code, "detail": exc.detail}, status_code=exc.status_code
        )
        response.headers.update(headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):  # FastAPI's documented shape, which the OpenAPI spec promises
            return await request_validation_exception_handler(request, exc)
        problems = [plain_problem(e) for e in exc.errors()]
        return render(request, "error.html", {"status": 422, "detail": "; ".join(problems) + "."}, status_code=422)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_index(request: Request):
        spec = app.openapi()
        routes = [
            {
                "path": path,
                "method": method.upper(),
                "summary": op.get("summary", ""),
                "params": [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"],
            }
            for path, ops in spec["paths"].items()
            for method, op in ops.items()
        ]
        return render(request, "api.html", {"routes": routes})

    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --reload``, which builds the app in a fresh process from an import string: the settings
    come from the environment (``serve`` puts the store and the public address there) and the settings file."""
    settings = Settings.load()
    return create_app(settings.db, settings.public_url, settings.stories_days)
