"""What every page family shares: the store dependency, the Jinja environment and its filters.

Autoescape is on for every template, and no filter marks web text safe except ``highlight``, which
escapes the text first and only then turns the search markers into ``<mark>``. Links taken from web
text pass through ``safe_url``, so a ``javascript:`` link is shown as text, never followed.

The desk's own words are English (``<html lang="en">``); every element that holds text from the web
carries ``dir="auto"``, so an Arabic or Hebrew headline runs right to left, and the language of its
article when known (``lang_attr``), so CJK text gets fonts of its own language and screen readers a voice.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from newsdesk.store.search import MARK_CLOSE, MARK_OPEN

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"


def store(request: Request) -> sqlite3.Connection:
    """FastAPI dependency: this thread's read-only connection to the desk's store."""
    return request.app.state.store.get()


def wants_json(request: Request) -> bool:
    """Errors of the API, JSON twins and feeds are JSON (as the OpenAPI spec says); pages get a page."""
    path = request.url.path
    return path.endswith((".json", ".atom", ".rss")) or path.startswith("/api/")


DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
NOT_A_DAY = "not a calendar day (YYYY-MM-DD)"


def iso_day(value: str | None, name: str) -> str | None:
    """A ``YYYY-MM-DD`` query parameter checked as a real day; a bad one is a 422 like any invalid input.
    (Pydantic's lax ``date`` would take "0" as 1970-01-01.)"""
    if not value:
        return None
    try:
        # No news is older than year 1000; clamping keeps window arithmetic inside the calendar.
        return max(date.fromisoformat(value), date(1000, 1, 1)).isoformat()
    except ValueError:
        raise RequestValidationError(
            [{"loc": ("query", name), "msg": NOT_A_DAY, "type": "value_error", "input": value}]
        ) from None


# How the desk's query parameters fail (a word where a number goes, a number out of range), said the way a
# reader can act on; any other problem keeps pydantic's words
PLAIN_PROBLEMS = {
    "float_parsing": "{name} must be a number",
    "int_parsing": "{name} must be a whole number",
    "bool_parsing": "{name} must be true or false",
    "greater_than": "{name} must be more than {gt:g}",
    "greater_than_equal": "{name} must be at least {ge:g}",
    "less_than_equal": "{name} must be at most {le:g}",
    "string_too_long": "{name} must be at most {max_length} characters long",
}
# a pattern of alternatives, as ``kind`` has: "^(article|teaser)$"
CHOICES = re.compile(r"\^\(([\w|]+)\)\$")


def plain_problem(error: dict) -> str:
    """One validation error in plain words ("since must be a date like 2016-10-06") for the HTML error page:
    pydantic's own ("String should match pattern '^\\d{4}-…'") speaks to programmers, and the JSON API keeps it."""
    name = ".".join(str(part) for part in error["loc"][1:]) or str(error["loc"][0])
    kind, context = error["type"], error.get("ctx") or {}
    pattern = context.get("pattern", "")
    if (kind == "string_pattern_mismatch" and pattern == DAY_PATTERN) or error["msg"] == NOT_A_DAY:
        return f"{name} must be a date like 2016-10-06"
    choices = CHOICES.fullmatch(pattern) if kind == "string_pattern_mismatch" else None
    if choices:
        return f"{name} must be {' or '.join(choices.group(1).split('|'))}"
    if kind in PLAIN_PROBLEMS:
        return PLAIN_PROBLEMS[kind].format(name=name, **context)
    return f"{name}: {error['msg']}"


def highlight(text: str | None) -> Markup:
    escaped = str(escape(text or ""))
    return Markup(escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


# a BCP 47 tag as py3langid or a page's <html lang> gives it ("zh", "pt-BR"); nothing that could leave the attribute
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def lang_attr(language: str | None) -> Markup:
    """`` lang="…"`` for an element holding text in ``language``; nothing when the language is unknown or
    is not a well-formed tag (it was read from the page)."""
    if not language or not LANGUAGE_TAG.fullmatch(language):
        return Markup("")
    return Markup(' lang="{}"').format(language)


def unmark(text: str | None) -> str:
    return (text or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain web link; None for ``javascript:``, ``data:`` and anything else."""
    if not url:
        return None
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def when(value: str | None, with_time: bool = True) -> str:
    """An ISO date or time as people read it ("6 Oct 2016, 14:05 UTC"); unknown dates say so. A time whose zone
    the source did not give is shown without one."""
    if not value:
        return "date unknown"
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value.strip()) <= 10 or not with_time or (parsed.hour, parsed.minute) == (0, 0):
        return f"{parsed.day} {parsed:%b %Y}"
    zone = " UTC" if parsed.utcoffset() is not None and not parsed.utcoffset() else ""
    return f"{parsed.day} {parsed:%b %Y, %H:%M}{zone}"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def path_quote(value: str) -> str:
    """A name as a path segment, every reserved character escaped. The server decodes ``%2F`` before
    routing, so name routes take the rest of the path (``{name:path}``). (A name that itself ends in
    ``.json`` has its JSON twin at ``….json.json`` but no reachable HTML page.)"""
    return quote(value, safe="")


LABEL_NAMES = {"PERSON": "person", "ORG": "organisation"}


def label_name(label: str | None) -> str:
    """spaCy's entity label as readers say it."""
    return LABEL_NAMES.get(label or "", label or "")


def item_href(item_id: str) -> str:
    return f"/teasers/{item_id}" if item_id.startswith("t") else f"/articles/{item_id}"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters.update(
        highlight=highlight,
        safe_url=safe_url,
        when=when,
        plural=plural,
        q=path_quote,
        label_name=label_name,
        unmark=unmark,
        item_href=item_href,
        lang_attr=lang_attr,
    )
    env.globals.update(item_href=item_href)
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, context: dict, status_code: int = 200):
    return templates.TemplateResponse(request, name, context, status_code=status_code)
