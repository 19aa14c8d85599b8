"""The front page: the top stories of a time window, ranked by ``queries.stories`` and filtered by source,
language, place or person. The window ends at the newest item in the store, so a desk loaded from an
archive shows that archive's stories, not an empty "today"; its length is the ``stories_days`` setting unless a
request gives ``days``."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.settings import MAX_DAYS
from newsdesk.store import queries
from newsdesk.web.models import FrontPage
from newsdesk.web.render import DAY_PATTERN, iso_day, render, store

router = APIRouter()
PER_PAGE = 20  # stories on a front page, hits on a search page


def story_ids_matching(
    db: sqlite3.Connection, site: str | None, language: str | None, place: str | None, person: str | None
) -> set[str] | None:
    """Stories with at least one member matching every given filter; None when no filter is set."""
    selects = []
    if site:
        selects.append(
            (
                """SELECT m.story_id FROM story_members m LEFT JOIN articles a ON a.id = m.item_id
                           LEFT JOIN teasers t ON t.id = m.item_id
                           WHERE coalesce(a.site, t.site, a.agency) = ? COLLATE NOCASE""",
                site,
            )
        )
    if language:
        selects.append(
            (
                """SELECT m.story_id FROM story_members m JOIN articles a ON a.id = m.item_id
                           WHERE a.language = ? COLLATE NOCASE""",
                language,
            )
        )
    if place:
        selects.append(
            (
                """SELECT m.story_id FROM story_members m JOIN places p ON p.article_id = m.item_id
                           WHERE p.name = ? COLLATE NOCASE""",
                place,
            )
        )
    if person:
        selects.append(
            (
                """SELECT m.story_id FROM story_members m JOIN entities e ON e.article_id = m.item_id
                           WHERE e.label = 'PERSON' AND e.name = ? COLLATE NOCASE""",
                person,
            )
        )
    if not selects:
        return None
    ids: set[str] | None = None
    for sql, value in selects:
        found = {row[0] for row in db.execute(sql, (value,))}
        ids = found if ids is None else ids & found
    return ids or set()


def story_sites(db: sqlite3.Connection, story_ids: list[str]) -> dict[str, list[str]]:
    if not story_ids:
        return {}
    marks = ",".join("?" * len(story_ids))
    sites: dict[str, list[str]] = {i: [] for i in story_ids}
    for row in db.execute(
        f"""SELECT DISTINCT m.story_id, coalesce(a.site, t.site, a.agency) AS site FROM story_members m
            LEFT JOIN articles a ON a.id = m.item_id LEFT JOIN teasers t ON t.id = m.item_id
            WHERE m.story_id IN ({marks}) AND coalesce(a.site, t.site, a.agency) IS NOT NULL ORDER BY site""",
        story_ids,
    ):
        sites[row["story_id"]].append(row["site"])
    return sites


def story_languages(db: sqlite3.Connection, story_ids: list[str]) -> dict[str, str]:
    """The language of each story whose articles all share one (its headline is one of theirs); a story
    with articles in several languages, or of unknown ones, or of teasers only, has none."""
    if not story_ids:
        return {}
    marks = ",".join("?" * len(story_ids))
    rows = db.execute(
        f"""SELECT m.story_id, min(a.language) FROM story_members m JOIN articles a ON a.id = m.item_id
            WHERE m.story_id IN ({marks}) GROUP BY m.story_id
            HAVING count(DISTINCT a.language) = 1 AND count(a.language) = count(*)""",
        story_ids,
    )
    return dict(rows.fetchall())


def latest_articles(db: sqlite3.Connection, limit: int = PER_PAGE) -> list[dict]:
    """The newest canonical articles: what the front page shows while no story has been grouped yet."""
    rows = db.execute(
        f"""SELECT {queries.ARTICLE_LIST_FIELDS} FROM articles WHERE duplicate_of IS NULL
            ORDER BY coalesce(published, ingested) DESC, id LIMIT ?""",
        (limit,),
    )
    return [dict(r) for r in rows]


def facets(db: sqlite3.Connection) -> dict[str, list[str]]:
    """Values the filters can take: every source and language in the store (few, so cheap to list). An
    article without a site (a scraped text file) is known by its agency, as its story page names it."""
    sites = [
        r[0]
        for r in db.execute(
            """SELECT coalesce(site, agency) FROM articles WHERE coalesce(site, agency) IS NOT NULL
               UNION SELECT site FROM teasers WHERE site IS NOT NULL ORDER BY 1"""
        )
    ]
    languages = [
        r[0] for r in db.execute("SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY 1")
    ]
    return {"sites": sites, "languages": languages}


def front_page(
    db: sqlite3.Connection,
    *,
    days: float | None,
    until: str | None = None,
    site: str | None = None,
    language: str | None = None,
    place: str | None = None,
    person: str | None = None,
    page: int = 1,
) -> dict:
    end = until or queries.newest_dated(db) or queries.newest_time(db)
    start = queries.window_start(end, days) if end and days is not None else None
    matching = story_ids_matching(db, site, language, place, person)
    ranked = queries.stories(db, days=days, limit=10**9, until=end)
    if until:
        ranked = [s for s in ranked if (s["first_seen"] or "") <= until + "\uffff"]
    if matching is not None:
        ranked = [s for s in ranked if s["id"] in matching]
    offset = (page - 1) * PER_PAGE
    shown = ranked[offset : offset + PER_PAGE]
    sites = story_sites(db, [s["id"] for s in shown])
    languages = story_languages(db, [s["id"] for s in shown])
    # The window ends at the newest dated item: say how many undated stories fall after it
    undated = queries.undated_after(db, end) if days is not None and not until else 0
    return {
        "stories": [s | {"sites": sites.get(s["id"], []), "language": languages.get(s["id"])} for s in shown],
        "window": {"days": days, "start": start, "end": end, "undated_after": undated},
        "filters": {"site": site, "language": language, "place": place, "person": person, "until": until},
        "page": page,
        "has_next": len(ranked) > offset + PER_PAGE,
        "latest_articles": latest_articles(db)
        if not ranked and matching is None and not queries.newest_time(db)
        else [],
    }


class FrontParams:
    """The front page's query string, shared by the HTML page, its JSON twin and the feeds."""

    def __init__(
        self,
        request: Request,
        days: float | None = Query(
            None,
            gt=0,
            le=MAX_DAYS,
            description="Window length in days, ending at the newest item (default: the `stories_days` setting).",
        ),
        all_time: bool = Query(False, alias="all", description="No window: rank every story in the store."),
        until: str | None = Query(
            None,
            pattern=DAY_PATTERN,
            description="End the window on this day (YYYY-MM-DD) instead of at the newest item.",
            json_schema_extra={"format": "date"},
        ),
        site: str | None = Query(None, max_length=300, description="Only stories with an item from this site."),
        language: str | None = Query(None, max_length=20, description="Only stories with an article in this language."),
        place: str | None = Query(None, max_length=300, description="Only stories naming this place."),
        person: str | None = Query(None, max_length=300, description="Only stories naming this person."),
        page: int = Query(1, ge=1, le=10_000),
    ) -> None:
        default_days = request.app.state.stories_days  # the setting: a request without ``days`` gets it
        self.days = None if all_time else (default_days if days is None else days)
        self.all = all_time
        self.until = iso_day(until, "until")
        self.site, self.language = site or None, language or None
        self.place, self.person, self.page = place or None, person or None, page

    def data(self, db: sqlite3.Connection) -> dict:
        return front_page(
            db,
            days=self.days,
            until=self.until,
            site=self.site,
            language=self.language,
            place=self.place,
            person=self.person,
            page=self.page,
        )


@router.get("/index.json", response_model=FrontPage, tags=["front page"], summary="Top stories (JSON)")
@router.get("/api/stories", response_model=FrontPage, tags=["front page"], summary="Top stories (JSON)")
def front_json(params: FrontParams = Depends(), db: sqlite3.Connection = Depends(store)) -> dict:
    return params.data(db)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def front_html(request: Request, params: FrontParams = Depends(), db: sqlite3.Connection = Depends(store)):
    data = params.data(db)
    counts = queries.stats(db)
    active = {k: v for k, v in data["filters"].items() if v}
    if params.all:
        active["all"] = "true"
    elif params.days != request.app.state.stories_days:
        active["days"] = params.days
    twin = active | ({"page": params.page} if params.page > 1 else {})  # the JSON of this very page
    return render(
        request,
        "front.html",
        data
        | {
            "counts": counts,
            "facets": facets(db),
            "all": params.all,
            "active": active,
            "twin": twin,
            "default_days": request.app.state.stories_days,
        },
    )
