"""Response shapes of the JSON API, so the OpenAPI spec documents (and schemathesis checks) what it returns.

Fields are the store's columns as ``newsdesk.store.queries`` returns them; anything the store may not
know is optional, because web pages arrive without titles, dates or bylines.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class StorySummary(Loose):
    id: str
    headline: str | None = None
    standfirst: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    time_basis: str | None = Field(None, description="what first_seen and last_seen rest on: its best-dated member's "
                                   "time basis (published | captured | page | ingested; see Member)")
    size: int
    sources: int
    rank: float | None = None
    sites: list[str] = []
    language: str | None = Field(None, description="the language of its articles, when they all share one")


class ArticleSummary(Loose):
    id: str
    headline: str | None = None
    standfirst: str | None = None
    published: str | None = None
    site: str | None = None
    story_id: str | None = None


class Window(Loose):
    days: float | None = None
    start: str | None = None
    end: str | None = None
    undated_after: int = Field(0, description="stories after the window's end: none of their items has a date "
                                              "of its own, so they are stamped with when newsdesk read them")


class FrontPage(Loose):
    stories: list[StorySummary]
    window: Window
    filters: dict[str, str | None]
    page: int
    has_next: bool
    latest_articles: list[ArticleSummary] = []


class Source(Loose):
    site: str | None = None
    url: str | None = None
    seen: str | None = None


class Member(Loose):
    id: str
    kind: str
    headline: str | None = None
    standfirst: str | None = None
    site: str | None = None
    url: str | None = None
    agency: str | None = Field(None, description="the wire agency an article names (AFP, Reuters), if any")
    published: str | None = None
    time: str | None = None
    time_basis: str | None = Field(None, description="published | captured (its page's capture) | page (the date of "
                                   "the article it was seen beside) | ingested (no date known; when newsdesk read it)")
    sources: list[Source] = []
    language: str | None = Field(None, description="an article's language (a teaser's is not known)")


class NamedFact(Loose):
    name: str
    label: str | None = None
    articles: int
    sites: list[str] = []
    namesakes: int | None = Field(None, description="in the places index: how many places share the name (their "
                                  "articles are counted together here; each has its own page)")


class PlaceFact(Loose):
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    articles: int
    sites: list[str] = []


class FigureFact(Loose):
    category: str
    text: str
    low: float | None = None
    high: float | None = None
    article_id: str
    site: str | None = None
    subgroups: list[str] = Field([], description='who the figure includes ("three children")')


class TimeBucket(Loose):
    start: str
    label: str
    count: int


class DateFact(Loose):
    text: str
    value: str | None = Field(None, description="ISO day, month or year, resolved against the article's dateline")
    relation: str


class StoryFacts(Loose):
    people: list[NamedFact] = []
    organisations: list[NamedFact] = []
    places: list[PlaceFact] = []
    figures: list[FigureFact] = []


class ArticleFacts(StoryFacts):
    dates: list[DateFact] = []


class StoryPage(Loose):
    id: str
    headline: str | None = None
    standfirst: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    time_basis: str | None = Field(None, description="what first_seen and last_seen rest on: its best-dated member's "
                                   "time basis (published | captured | page | ingested; see Member)")
    size: int
    sources: int
    members: list[Member]
    facts: StoryFacts
    coverage: list[TimeBucket]
    language: str | None = Field(None, description="the language of its articles, when they all share one")


class Block(Loose):
    kind: str
    text: str


class Caption(Loose):
    text: str
    credit: str | None = None


class Teaser(Loose):
    id: str
    headline: str
    standfirst: str | None = None
    url: str | None = None
    story_id: str | None = None


class ArticlePage(Loose):
    id: str
    headline: str | None = None
    title: str | None = None
    standfirst: str | None = None
    byline: str | None = None
    agency: str | None = None
    published: str | None = None
    site: str | None = None
    url: str | None = None
    language: str | None = None
    blocks: list[Block]
    captions: list[Caption]
    sources: list[Source]
    teasers: list[Teaser]
    story: dict | None = None
    untitled: bool
    facts: ArticleFacts = Field(ArticleFacts(), description="its people, organisations, places with coordinates, "
                                "casualty figures and resolved dates")
    facts_note: str | None = Field(None, description="why the article has no people or places: facts are read "
                                   "from English text only")


class TeaserPage(Loose):
    id: str
    headline: str
    standfirst: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None
    story_id: str | None = None
    article: dict | None = None
    time: str | None = Field(None, description="when it ran, as its story's timeline has it (see time_basis)")
    time_basis: str | None = Field(None, description="published | captured | page | ingested (see Member)")


class SearchHit(Loose):
    item_id: str
    kind: str
    headline: str | None = None
    title_hl: str | None = None
    snippet: str | None = None
    site: str | None = None
    published: str | None = None
    language: str | None = None
    story_id: str | None = None
    time: str | None = Field(None, description="for an undated teaser, when it ran, as its story's timeline has it")
    time_basis: str | None = Field(None, description="captured | page (see Member)")


class SearchPage(Loose):
    query: str
    filters: dict[str, str | None]
    total: int
    ranked_newest: int | None = None
    page: int
    per_page: int
    has_next: bool
    hits: list[SearchHit]


class Appearance(Loose):
    article_id: str
    headline: str | None = None
    site: str | None = None
    published: str | None = None
    story_id: str | None = None
    language: str | None = None


class EntityPage(Loose):
    name: str
    kind: str
    labels: list[str] = []
    articles: int
    appearances: list[Appearance]
    coverage: list[TimeBucket]
    undated: int = Field(0, description="articles with no date: counted in `articles`, left out of `coverage`")
    related: list[NamedFact] = []
    places: list[PlaceFact] = []


class EntityIndex(Loose):
    kind: str
    entries: list[NamedFact]
    total: int = Field(0, description="how many distinct names there are; entries holds the first `limit` of them")
    limit: int = 200


class ErrorDetail(BaseModel):
    detail: str


NOT_FOUND = {404: {"model": ErrorDetail, "description": "No such item in the store"}}
