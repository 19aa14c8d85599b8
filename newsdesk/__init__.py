"""newsdesk: raw news pages in; clean, deduplicated, story-grouped, summarised and searchable news out.

The path of one article: ingest (Page) → extract (Article, Teaser) → dedup → stories → headlines →
facts → store (SQLite) → web / cli / export. See ``pipeline.py`` for the ordered steps.
"""

__version__ = "0.1.0"
