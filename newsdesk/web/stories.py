"""The story page: headline, standfirst, every member with its copies, a timeline, the facts, and
pictures of coverage over time and of the places named."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from newsdesk.store import queries
from newsdesk.web.charts import bar_chart, coverage, place_map
from newsdesk.web.facts import story_facts
from newsdesk.web.front import story_languages
from newsdesk.web.models import NOT_FOUND, StoryPage
from newsdesk.web.render import render, store

router = APIRouter()
ID = Path(..., max_length=64, description="Story id (s…)")
# members a page of the timeline shows: a story of 300 was one page of 29,000 pixels and 600 links
TIMELINE_PAGE = 100


def story_page(db: sqlite3.Connection, story_id: str) -> dict:
    data = queries.story(db, story_id)
    if data is None:
        raise HTTPException(404, f"No story with id {story_id}.")
    rows = {row["item_id"]: row for row in
            db.execute("SELECT item_id, time, basis FROM story_times WHERE story_id = ?", (story_id,))}
    languages = dict(db.execute(
        "SELECT m.item_id, a.language FROM story_members m JOIN articles a ON a.id = m.item_id WHERE m.story_id = ?",
        (story_id,),
    ).fetchall())
    for member in data["members"]:
        # When it ran: its own date, else when its page was captured, else (a teaser) the date of the
        # article it was seen beside, else when newsdesk read it; ``time_basis`` says which.
        row = rows.get(member["id"])
        member["time"], member["time_basis"] = (row["time"], row["basis"]) if row else (None, None)
        member["language"] = languages.get(member["id"])
    # An undated member's time is when newsdesk read it: charted, a 2016 story had a bar in the year it was read
    # (the timeline lists the member, and ``undated`` counts it, as an entity page counts its undated articles)
    buckets = coverage([r["time"] for r in rows.values() if r["basis"] != "ingested"])
    return data | {
        "facts": story_facts(db, story_id),
        "coverage": buckets,
        "undated": len(rows) - sum(bucket["count"] for bucket in buckets),
        "language": story_languages(db, [story_id]).get(story_id),
    }


@router.get(
    "/stories/{story_id}.json",
    response_model=StoryPage,
    responses=NOT_FOUND,
    tags=["stories"],
    summary="One story (JSON)",
)
@router.get(
    "/api/stories/{story_id}",
    response_model=StoryPage,
    responses=NOT_FOUND,
    tags=["stories"],
    summary="One story (JSON)",
)
def story_json(story_id: str = ID, db: sqlite3.Connection = Depends(store)) -> dict:
    return story_page(db, story_id)


@router.get(
    "/stories/{story_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
    tags=["stories"],
    summary="One story (HTML)",
)
def story_html(request: Request, story_id: str = ID, page: int = Query(1, ge=1, le=10_000),
               db: sqlite3.Connection = Depends(store)):
    data = story_page(db, story_id)
    # by time, and at one time (a day-stamped feed) the most central first, so an outlier is not the lead
    timeline = sorted(data["members"],
                      key=lambda m: (m["time"] is None, m["time"] or "", -(m["score"] or 0.0), m["id"]))
    start = (page - 1) * TIMELINE_PAGE
    if page > 1 and start >= len(timeline):
        raise HTTPException(404, f"Story {story_id} has {len(timeline)} items: no page {page} of its timeline.")
    return render(
        request,
        "story.html",
        {
            "story": data,
            "timeline": timeline[start:start + TIMELINE_PAGE],
            "page": page,
            "has_next": len(timeline) > start + TIMELINE_PAGE,
            "first_shown": start + 1,
            # one bar fills the whole chart and says less than a sentence does
            "chart": bar_chart(data["coverage"]) if len(data["coverage"]) > 1 else None,
            "map": place_map(data["facts"]["places"]),
        },
    )
