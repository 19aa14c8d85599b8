"""What every command shares: the settings, the store connection, and printing text or JSON lines."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from typing import Any

import click

from newsdesk.settings import Settings


@dataclass
class Context:
    db_option: str | None = None
    config_file: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = Settings.load({"db": self.db_option, **self.overrides}, self.config_file)
            except (ValueError, OSError) as exc:
                raise click.ClickException(f"bad settings: {exc}") from exc
        return self._settings

    def connect(self, readonly: bool = False) -> sqlite3.Connection:
        from newsdesk.store.sqlite import connect

        if os.path.isdir(self.settings.db):  # SQLite says only "unable to open database file"
            raise click.ClickException(f"the store {self.settings.db} is a directory; give --db a file path")
        try:
            return connect(self.settings.db, readonly=readonly)
        except (FileNotFoundError, sqlite3.DatabaseError) as exc:
            raise click.ClickException(str(exc)) from exc


pass_ctx = click.make_pass_decorator(Context)

# The bound of --limit and --offset: far beyond any store, and inside SQLite's 64-bit integers.
MAX_ROWS = 1_000_000_000


class FiniteRange(click.FloatRange):
    """A FloatRange that also refuses nan, which passes every comparison a range makes."""

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def cannot_write(target: str, exc: OSError) -> click.ClickException:
    """One line for a file that cannot be written (no such folder, disk full, …): the errno's own words,
    since pyarrow's messages wrap them in its own."""
    return click.ClickException(f"cannot write {target}: {os.strerror(exc.errno) if exc.errno else exc}")

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object per line.")


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def shorten(text: str | None, width: int) -> str:
    """``text`` on one line within ``width`` characters, cut at a word when one ends in its last third."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > (width * 2) // 3 else cut).rstrip(" ,;:-–—") + "…"
