"""The search page, its JSON twin and the search form; the search itself is ``newsdesk.store.search``,
shared with the CLI."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.store.search import ItemMeta, find
from newsdesk.web.articles import timeline_time
from newsdesk.web.front import PER_PAGE
from newsdesk.web.models import ErrorDetail, SearchPage
from newsdesk.web.render import DAY_PATTERN, highlight, iso_day, render, store, unmark

router = APIRouter()


def search_page(
    db: sqlite3.Connection, q: str, filters: dict, page: int, per_page: int = PER_PAGE, meta: ItemMeta | None = None
) -> dict:
    try:
        result = find(db, q, **filters, limit=per_page, offset=(page - 1) * per_page, meta=meta)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    for hit in result["hits"]:
        # Plain text for readers of the JSON, and escaped HTML with <mark> for pages and feeds.
        hit["title_html"], hit["snippet_html"] = highlight(hit["title_hl"]), highlight(hit["snippet"])
        hit["title_hl"], hit["snippet"] = unmark(hit["title_hl"]), unmark(hit["snippet"])
        if not hit["published"]:  # an undated teaser ran when its story's timeline says, labelled as there
            when, basis = timeline_time(db, hit["item_id"])
            if basis in ("captured", "page"):
                hit["time"], hit["time_basis"] = when, basis
    return {
        "query": q,
        "filters": filters,
        "total": result["total"],
        "ranked_newest": result["ranked_newest"],
        "page": page,
        "per_page": per_page,
        "has_next": result["total"] > page * per_page,
        "hits": result["hits"],
        "resolved": result["resolved"],
    }


class SearchParams:
    """The search form: words plus filters, shared by the page, its JSON twin and the search feeds."""

    def __init__(
        self,
        request: Request,
        q: str = Query("", max_length=500, description='Words (all must match); "quoted phrases" match exactly.'),
        site: str | None = Query(None, max_length=300),
        language: str | None = Query(None, max_length=20),
        person: str | None = Query(None, max_length=300, description="Only articles naming this person."),
        place: str | None = Query(None, max_length=300, description="Only articles naming this place."),
        since: str | None = Query(
            None,
            pattern=DAY_PATTERN,
            description="Published on or after this day (YYYY-MM-DD).",
            json_schema_extra={"format": "date"},
        ),
        until: str | None = Query(
            None,
            pattern=DAY_PATTERN,
            description="Published on or before this day (YYYY-MM-DD).",
            json_schema_extra={"format": "date"},
        ),
        kind: str | None = Query(None, pattern="^(article|teaser)$"),
        page: int = Query(1, ge=1, le=10_000),
        per_page: int = Query(PER_PAGE, ge=1, le=100, description="Hits per page."),
    ) -> None:
        self.q, self.page, self.per_page = q.strip(), page, per_page
        self.meta = request.app.state.store.meta
        self.filters = {
            "site": site or None,
            "language": language or None,
            "person": person or None,
            "place": place or None,
            "since": iso_day(since, "since"),
            "until": iso_day(until, "until"),
            "kind": kind or None,
        }

    def data(self, db: sqlite3.Connection, per_page: int | None = None) -> dict:
        return search_page(db, self.q, self.filters, self.page, per_page or self.per_page, self.meta)


@router.get(
    "/search.json",
    response_model=SearchPage,
    responses={400: {"model": ErrorDetail}},
    tags=["search"],
    summary="Full-text search (JSON)",
)
@router.get(
    "/api/search",
    response_model=SearchPage,
    responses={400: {"model": ErrorDetail}},
    tags=["search"],
    summary="Full-text search (JSON)",
)
def search_json(params: SearchParams = Depends(), db: sqlite3.Connection = Depends(store)) -> dict:
    return params.data(db)


@router.get(
    "/search", response_class=HTMLResponse, include_in_schema=False, tags=["search"], summary="Full-text search (HTML)"
)
def search_html(request: Request, params: SearchParams = Depends(), db: sqlite3.Connection = Depends(store)):
    from newsdesk.web.front import facets

    data = params.data(db)
    active = {"q": params.q} if params.q else {}
    active |= {k: v for k, v in params.filters.items() if v}
    # The pager keeps the page size, and the JSON link shows this very page.
    paging = active | ({"per_page": params.per_page} if params.per_page != PER_PAGE else {})
    twin = paging | ({"page": params.page} if params.page > 1 else {})
    return render(
        request,
        "search.html",
        data | {"facets": facets(db), "searched": bool(active), "active": active, "paging": paging, "twin": twin},
    )
