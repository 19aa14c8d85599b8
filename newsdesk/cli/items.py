"""Commands that read the store: ``search``, ``show``, ``stories``, ``story``, ``export``, ``stats``."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import datetime
from itertools import islice

import click

from newsdesk.cli.common import (
    MAX_ROWS, Context, FiniteRange, cannot_write, emit_json, json_option, pass_ctx, shorten,
)
from newsdesk.settings import MAX_DAYS
from newsdesk.store import queries


class IsoTime(click.ParamType):
    """A date or date-time in the stored form, kept as text: published times compare as text, so a value in
    any other form ("yesterday", "2024/03/01") would filter silently in the wrong order."""

    name = "date"

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?", value):
            try:
                datetime.fromisoformat(value)  # the form is right; is it a real day and time?
                return value
            except ValueError:
                pass
        self.fail(f"{value!r} is not a date: give YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS].", param, ctx)


class _SearchCommand(click.Command):
    """Says how to search for a query that begins with "-" (a word left out), which click takes for an option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        typed_args = list(args)  # click's parser consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as error:
            if error.option_name.startswith("--"):
                raise
            typed = next((arg for arg in typed_args if arg.startswith(error.option_name)), error.option_name)  # "-aleppo", not "-a"
            raise click.UsageError(f"no such option: {typed}. To leave a word out, put the query after --: "
                                   f"newsdesk search -- 'WORDS {typed}'", ctx) from error


@click.command(cls=_SearchCommand)
@click.argument("query", required=False, default="")
@click.option("--person", help="Only items naming this person (needs facts).")
@click.option("--place", help="Only items naming this place (needs facts).")
@click.option("--site", help="Only items from this site (any case), or by this agency when an article has no site.")
@click.option("--language", help="Only items in this language (ISO code, e.g. en).")
@click.option("--since", type=IsoTime(), metavar="DATE", help="Published on or after DATE (YYYY-MM-DD[THH:MM[:SS]]).")
@click.option("--until", type=IsoTime(), metavar="DATE", help="Published on or before DATE (a day), or before DATE (with a time) (YYYY-MM-DD[THH:MM[:SS]]).")
@click.option("--kind", type=click.Choice(["article", "teaser"]), help="Only articles or only teasers.")
@click.option("--limit", type=click.IntRange(1, MAX_ROWS), default=20, show_default=True, help="Hits to show.")
@click.option("--offset", type=click.IntRange(0, MAX_ROWS), default=0, show_default=True,
              help="Hits to skip first (the next page).")
@json_option
@pass_ctx
def search(ctx: Context, query: str, as_json: bool, limit: int, offset: int, **filters) -> None:
    """Full-text search (bm25-ranked, with snippets) over articles and teasers.

    Words are AND-ed; "quoted phrases" match exactly; OR between two makes either do; -word or NOT word leaves
    out what holds it (put the query after --: search -- 'Apple -iOS'); word* matches any word it begins.
    Filters combine with the query or stand alone.
    """
    from newsdesk.store.search import MARK_CLOSE, MARK_OPEN, find

    if not query.strip() and not any(filters.values()):
        raise click.UsageError("give a QUERY or at least one filter")
    try:
        result = find(ctx.connect(readonly=True), query, limit=limit, offset=offset, **filters)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for hit in result["hits"]:
        for key in ("title_hl", "snippet"):
            marked = hit.get(key) or ""
            hit[key] = marked.replace(MARK_OPEN, "" if as_json else "[").replace(MARK_CLOSE, "" if as_json else "]")
        if as_json:
            emit_json(hit)
        else:
            click.echo(f"{hit['item_id']}  {hit.get('published') or '':<10.10}  {hit.get('site') or '':<20.20}  "
                       f"{shorten(hit.get('headline'), 70)}")
            click.echo(f"    {shorten(hit['snippet'], 110)}")
    if not as_json:
        shown = len(result["hits"])
        click.echo(f"{shown} of {result['total']} match(es)" if shown else "no matches", err=True)


@click.command()
@click.argument("item_id")
@json_option
@pass_ctx
def show(ctx: Context, item_id: str, as_json: bool) -> None:
    """Show one article (a…), teaser (t…) or story (s…) by id."""
    data = queries.item(ctx.connect(readonly=True), item_id)
    if data is None:
        raise click.ClickException(f"no item with id {item_id}")
    if as_json:
        emit_json(data)
        return
    if item_id.startswith("s"):
        print_story(data)
        return
    click.secho(data.get("headline") or data.get("title") or "(untitled)", bold=True)
    if data.get("standfirst"):
        click.echo(data["standfirst"])
    meta = [data.get(k) for k in ("byline", "agency", "published", "site", "language")]
    click.echo(" · ".join(m for m in meta if m))
    for block in data.get("blocks", []):
        click.echo(f"\n## {block['text']}" if block["kind"] == "h" else f"\n{block['text']}")
    for caption in data.get("captions", []):
        click.echo(f"\n[caption] {caption['text']}")
    if data.get("sources"):
        click.echo(f"\nsources ({len(data['sources'])}): " + ", ".join(s["site"] or s["url"] or "?" for s in data["sources"]))
    if data.get("story"):
        click.echo(f"story: {data['story']['id']}  {data['story']['headline'] or ''}")
    if data.get("teasers"):
        click.echo(f"\n{len(data['teasers'])} teaser(s) on the same page (not part of the article):")
        for teaser in data["teasers"]:
            click.echo(f"  {teaser['id']}  {shorten(teaser['headline'], 90)}")


def seen_day(story: dict) -> str:
    """The day a story was last seen, or "undated" when no member has a date of its own (the seed page's
    2024 teasers would otherwise show the 2016 date of the article they ran beside)."""
    return "undated" if story.get("time_basis") in ("page", "ingested") else (story["last_seen"] or "")[:10]


def print_story(data: dict) -> None:
    click.secho(f"{data['id']}  {data['headline'] or '(untitled story)'}", bold=True)
    if data.get("standfirst"):
        click.echo(data["standfirst"])
    when = {"page": f"undated; its items ran beside an article of {data['first_seen']}",
            "ingested": f"undated; read {data['first_seen']}"}.get(data.get("time_basis") or "",
                                                                  f"{data['first_seen']} → {data['last_seen']}")
    click.echo(f"{data['size']} item(s) from {data['sources']} source(s), {when}")
    for member in data["members"]:
        click.echo(f"  {member['id']}  {member['published'] or '':<10.10}  {member['site'] or '':<18.18}  "
                   f"{shorten(member['headline'], 70)}")


@click.command()
@click.option("--days", type=FiniteRange(0, MAX_DAYS, min_open=True),
              help="Window length in days, ending at the newest dated item (default: setting stories_days).")
@click.option("--all", "all_time", is_flag=True, help="No time window: rank every story in the store.")
@click.option("--limit", type=click.IntRange(1, MAX_ROWS), default=20, show_default=True, help="Stories to show.")
@json_option
@pass_ctx
def stories(ctx: Context, days: float | None, all_time: bool, limit: int, as_json: bool) -> None:
    """The top stories of a time window, ranked by size, source diversity and recency.

    The window ends at the newest dated item in the store, not at the wall clock, so an archive is never
    an empty desk. Stories with no date of their own (dated only by when newsdesk read them) fall after
    it, and older ones before it: their numbers are said, and --all lists them.
    """
    db = ctx.connect(readonly=True)
    window = None if all_time else (days if days is not None else ctx.settings.stories_days)
    rows = queries.stories(db, days=window, limit=limit)
    newest = queries.newest_dated(db)
    undated = 0 if window is None else queries.undated_after(db, newest)
    older = 0 if window is None else queries.older_than(db, newest, window)
    for row in rows:
        if as_json:
            full = queries.story(db, row["id"])
            emit_json(full | {"rank": row["rank"]})
        else:
            click.echo(f"{row['id']}  {row['size']:>3} item(s) {row['sources']:>3} source(s)  "
                       f"{seen_day(row):<10}  {shorten(row['headline'], 80)}")
            if row["standfirst"]:
                click.echo(f"        {shorten(row['standfirst'], 110)}")
    if not rows and not as_json and not undated:
        click.echo("no stories yet: run `newsdesk ingest PATH` first", err=True)
    if undated and not as_json:
        click.echo(f"{undated} undated stor{'y' if undated == 1 else 'ies'} (dated only by when newsdesk read "
                   f"them) outside this window: `newsdesk stories --all` lists them", err=True)
    if older and not as_json:
        click.echo(f"{older} older stor{'y' if older == 1 else 'ies'} before this window of {window:g} day(s) to "
                   f"{newest[:10]}: `--days N` widens it, `--all` lists every story", err=True)


@click.command()
@click.argument("story_id")
@json_option
@pass_ctx
def story(ctx: Context, story_id: str, as_json: bool) -> None:
    """Show one story: headline, standfirst and every member with its sources."""
    data = queries.story(ctx.connect(readonly=True), story_id)
    if data is None:
        raise click.ClickException(f"no story with id {story_id}")
    if as_json:
        emit_json(data)
    else:
        print_story(data)


@click.command()
@click.option("--table", type=click.Choice(queries.EXPORTS), default="articles", show_default=True,
              help="What to export: articles, teasers, stories (with member ids), or one table of facts "
                   "(entities, places with coordinates, resolved dates, casualty figures), a row per fact.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE (required for parquet).")
@click.option("--include-duplicates", is_flag=True,
              help="Also export the copies merged into another article or teaser, each with that one in "
                   "duplicate_of and its story_id (articles and teasers only: stories and facts are of "
                   "canonical items alone).")
@click.option("--since", type=IsoTime(), metavar="DATE", help="Only items published on or after DATE (stories: "
              "running then or later; undated items are left out).")
@click.option("--until", type=IsoTime(), metavar="DATE", help="Only items published on or before DATE (a day), or "
              "before DATE (with a time).")
@click.option("--site", help="Only items from this site, any case (articles and teasers; an article without one by its agency).")
@click.option("--story", "story", metavar="STORY_ID", help="Only the rows of this story (s…).")
@pass_ctx
def export(ctx: Context, table: str, fmt: str, output: str | None, include_duplicates: bool, **filters) -> None:
    """Export the store for analysis: every article (with headline, standfirst, story id, metadata and
    text) by default, or teasers, stories, or the facts of every article; --since, --until, --site and
    --story keep a part of it. The columns of each table are listed in the README ("Export columns"), the
    same in every format and for every store.

    In CSV a text cell that begins with = + - @, a tab or a carriage return is written behind a single quote
    ('=SUM(...)), so that a spreadsheet shows it instead of running it as a formula; numbers and a lone sign
    (the figures' qualifier =) are kept as they are, and JSON Lines and Parquet keep every value exact."""
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    if filters["site"] and table not in queries.SITE_EXPORTED:
        raise click.UsageError(f"--site applies to --table {', '.join(queries.SITE_EXPORTED)} only, not {table}")
    if include_duplicates and table not in queries.DUPLICATES_EXPORTED:
        raise click.UsageError(f"--include-duplicates applies to --table "
                               f"{' and '.join(queries.DUPLICATES_EXPORTED)} only, not {table}")
    db = ctx.connect(readonly=True)
    columns = queries.EXPORT_COLUMNS[table]
    # streamed: a big store need not fit
    if table == "figures":  # with the stories' tolls, as the facts modules reconcile them
        from newsdesk.facts.store import export_figures

        rows = queries.kept(export_figures(db), table, **filters)
    else:
        rows = queries.export(db, table, include_duplicates=include_duplicates, **filters)
    try:
        if fmt == "parquet":
            write_parquet(rows, columns, output)
            return
        with open(output, "w", newline="", encoding="utf-8") if output else nullcontext(sys.stdout) as stream:
            if fmt == "jsonl":
                for row in rows:
                    stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                return
            writer = csv.DictWriter(stream, fieldnames=[name for name, _ in columns])
            writer.writeheader()
            for row in rows:
                writer.writerow({k: csv_cell(v) for k, v in row.items()})
    except OSError as exc:
        if not output:  # only a named file's errors are worded here; a closed pipe (`| head`) is the shell's
            raise
        raise cannot_write(output, exc) from exc


# A spreadsheet runs a cell beginning with one of these as a formula (=HYPERLINK(...) in a scraped title).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell: a list as JSON, and text that a spreadsheet would run as a formula behind a
    single quote (OWASP's advice against CSV injection). Text that is a number ("-0.12") stays a number, and a
    lone sign stays itself: "=" alone runs nothing, and it is the figures' ``qualifier`` for an exact number."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


PARQUET_BATCH = 5000  # rows held in memory at a time


def write_parquet(rows: Iterator[dict], columns: tuple[tuple[str, str], ...], output: str) -> None:
    """Write ``rows`` in batches under the schema of ``columns`` (``queries.EXPORT_COLUMNS``), the same for
    every store and even with no rows, so that the exports of two stores concatenate."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
             "list<str>": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in columns])
    # An open file, not the path: when a write fails pyarrow deletes the path it was given, and for
    # `-o /dev/full` run as root that is the device itself.
    with open(output, "wb") as fh, pq.ParquetWriter(fh, schema) as writer:
        while batch := list(islice(rows, PARQUET_BATCH)):
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))


@click.command()
@json_option
@pass_ctx
def stats(ctx: Context, as_json: bool) -> None:
    """Counts of what the store holds."""
    data = queries.stats(ctx.connect(readonly=True)) | {"db": ctx.settings.db}
    if as_json:
        emit_json(data)
    else:
        for key, value in data.items():
            click.echo(f"{key:<18} {value}")


COMMANDS = [search, show, stories, story, export, stats]
