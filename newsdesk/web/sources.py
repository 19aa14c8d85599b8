"""The sources page: every followed feed, sitemap or page with its health (last success, last error,
failures in a row, items per day, next poll), so a failing source is seen on the desk, not only in logs.

The desk is public, and a private feed's address carries its credentials (``https://user:pass@...``,
``?api_key=...``), so addresses, and errors that quote them, are shown without their secrets."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from newsdesk.ingest.sources import listing, public_source
from newsdesk.web.render import render, store

router = APIRouter()
SHOWN = ("id", "url", "title", "kind", "status", "interval", "items_per_day", "last_success", "last_error",
         "failures", "next_due", "ignore_robots")


def sources_data(db: sqlite3.Connection) -> dict:
    has_table = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'feeds'").fetchone()
    rows = listing(db) if has_table else []
    return {"sources": [{key: public.get(key) for key in SHOWN} for public in map(public_source, rows)]}


@router.get("/sources.json", tags=["sources"], summary="Followed sources and their health (JSON)")
@router.get("/api/sources", tags=["sources"], summary="Followed sources and their health (JSON)")
def sources_json(db: sqlite3.Connection = Depends(store)) -> dict:
    return sources_data(db)


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_html(request: Request, db: sqlite3.Connection = Depends(store)):
    return render(request, "sources.html", sources_data(db))
