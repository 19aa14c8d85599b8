"""How every benchmark prints its rows: an aligned text table, or one JSON object per row for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click


def cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def emit(rows: Sequence[dict], as_json: bool, columns: Sequence[str] | None = None) -> None:
    """Print ``rows``; ``columns`` picks and orders them (default: every key of the first row)."""
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no rows")
        return
    columns = list(columns or rows[0])
    texts = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(t[i]) for t in texts)) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row.get(c), int | float) or row.get(c) is None for row in rows) for c in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)).rstrip()

    click.echo(line(columns))
    for values in texts:
        click.echo(line(values))
