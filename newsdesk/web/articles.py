"""The article reader and the teaser page.

An article is shown as clean text (subheads kept), with its byline or agency, date, captions, original
link, every copy of it seen elsewhere, and the story it belongs to. The teasers that came with its page
are listed apart: they were on the same page but are not part of the article.
"""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse

from newsdesk.extract import in_english
from newsdesk.records import Article, Block
from newsdesk.store import queries
from newsdesk.web.models import NOT_FOUND, ArticlePage, TeaserPage
from newsdesk.web.charts import place_map
from newsdesk.web.facts import article_facts
from newsdesk.web.front import story_languages
from newsdesk.web.render import render, store

router = APIRouter()
ARTICLE_ID = Path(..., max_length=64, description="Article id (a…)")
TEASER_ID = Path(..., max_length=64, description="Teaser id (t…)")


def article_page(db: sqlite3.Connection, article_id: str) -> dict:
    data = queries.article(db, article_id) if article_id.startswith("a") else None
    if data is None:
        raise HTTPException(404, f"No article with id {article_id}.")
    canonical = data["duplicate_of"] or data["id"]
    data["people"] = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT name FROM entities WHERE article_id = ? AND label = 'PERSON' ORDER BY name", (canonical,)
        )
    ]
    data["places"] = [
        r[0] for r in db.execute("SELECT DISTINCT name FROM places WHERE article_id = ? ORDER BY name", (canonical,))
    ]
    data["facts"] = article_facts(db, canonical)
    # The facts step reads English only: say so, or an article without names reads as one that names nobody.
    if not in_english(Article(data["page_hash"], [Block("p", data["text"])], language=data["language"])):
        data["facts_note"] = f"Facts are read from English text only; this article is in '{data['language']}'."
    data.pop("text", None)  # the blocks carry it, with their structure
    _story_language(db, data["story"])
    return data


def _story_language(db: sqlite3.Connection, story: dict | None) -> None:
    """Give the story's headline the language of its articles, when they share one, as the story page
    does: the link to it is text from the web in a page whose own words are English."""
    if story:
        story["language"] = story_languages(db, [story["id"]]).get(story["id"])


def timeline_time(db: sqlite3.Connection, item_id: str) -> tuple[str | None, str | None]:
    """(time, basis) of an item as its story's timeline places it (the ``story_times`` view): for a teaser its
    own date, else its page's capture, else (basis ``page``) the date of the article it ran beside; (None, None)
    for an item in no story."""
    seen = db.execute("SELECT time, basis FROM story_times WHERE item_id = ?", (item_id,)).fetchone()
    return (seen["time"], seen["basis"]) if seen else (None, None)


def teaser_page(db: sqlite3.Connection, teaser_id: str) -> dict:
    data = queries.teaser(db, teaser_id) if teaser_id.startswith("t") else None
    if data is None:
        raise HTTPException(404, f"No teaser with id {teaser_id}.")
    article = None
    if data.get("article_id"):
        row = db.execute(
            "SELECT id, headline, site, published, language FROM articles WHERE id = ?", (data["article_id"],)
        ).fetchone()
        article = dict(row) if row else None
    story = None
    if data.get("story_id"):
        row = db.execute("SELECT id, headline FROM stories WHERE id = ?", (data["story_id"],)).fetchone()
        story = dict(row) if row else None
        _story_language(db, story)
    when, basis = timeline_time(db, teaser_id)
    return data | {"article": article, "story": story, "time": when, "time_basis": basis}


@router.get(
    "/articles/{article_id}.json",
    response_model=ArticlePage,
    responses=NOT_FOUND,
    tags=["articles"],
    summary="One article (JSON)",
)
@router.get(
    "/api/articles/{article_id}",
    response_model=ArticlePage,
    responses=NOT_FOUND,
    tags=["articles"],
    summary="One article (JSON)",
)
def article_json(article_id: str = ARTICLE_ID, db: sqlite3.Connection = Depends(store)) -> dict:
    return article_page(db, article_id)


@router.get(
    "/articles/{article_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
    tags=["articles"],
    summary="Article reader (HTML)",
)
def article_html(request: Request, article_id: str = ARTICLE_ID, db: sqlite3.Connection = Depends(store)):
    article = article_page(db, article_id)
    return render(request, "article.html", {"article": article, "map": place_map(article["facts"]["places"])})


@router.get(
    "/teasers/{teaser_id}.json",
    response_model=TeaserPage,
    responses=NOT_FOUND,
    tags=["articles"],
    summary="One teaser (JSON)",
)
@router.get(
    "/api/teasers/{teaser_id}",
    response_model=TeaserPage,
    responses=NOT_FOUND,
    tags=["articles"],
    summary="One teaser (JSON)",
)
def teaser_json(teaser_id: str = TEASER_ID, db: sqlite3.Connection = Depends(store)) -> dict:
    return teaser_page(db, teaser_id)


@router.get(
    "/teasers/{teaser_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
    tags=["articles"],
    summary="One teaser (HTML)",
)
def teaser_html(request: Request, teaser_id: str = TEASER_ID, db: sqlite3.Connection = Depends(store)):
    return render(request, "teaser.html", {"teaser": teaser_page(db, teaser_id)})
