"""Commands for live sources: ``sources add|list|remove|import-opml|export-opml``, ``fetch``, ``watch``."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

import click

from newsdesk.cli.common import Context, cannot_write, emit_json, json_option, pass_ctx, shorten
from newsdesk.records import Failure


def without_secrets(text: str | None) -> str | None:
    """What these commands may print of an address, or of a text quoting one: what the public desk shows, as
    every line may end up in a journal or in cron mail. (Imported here, as the ingest package is slow to load.)"""
    from newsdesk.ingest.sources import without_secrets as public

    return public(text)


def _public(row: dict) -> dict:
    """A source's row or a poll's outcome as the public desk shows it (see ``without_secrets``)."""
    from newsdesk.ingest.sources import public_source

    return public_source(row)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}" if seconds % size == 0 or seconds >= 10 * size else f"{seconds / size:.1f}{unit}"
    return f"{seconds}s"


def _seconds_since(stamp: str) -> float:
    from newsdesk.ingest.sources import now_utc

    return (now_utc() - datetime.fromisoformat(stamp.replace("Z", "+00:00"))).total_seconds()


def _age(stamp: str | None) -> str:
    return _duration(_seconds_since(stamp)) + " ago" if stamp else "never"


def _next_poll(row: dict) -> str:
    """When a source is polled next, relative ("in 1.1d"): a bare clock time does not say which day."""
    if not row["active"]:
        return "disabled"
    wait = -_seconds_since(row["next_due"]) if row["next_due"] else 0
    return f"in {_duration(wait)}" if wait >= 1 else "now"


def _interval(value: str | None) -> int | None:
    from newsdesk.ingest.sources import parse_interval

    if value is None:
        return None
    try:
        return parse_interval(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.group()
def sources() -> None:
    """The feeds, sitemaps and pages the desk follows (see also `fetch` and `watch`)."""


@sources.command("add")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--title", help="Name to show (default: the feed's own title).")
@click.option("--every", "every", metavar="INTERVAL", help="Poll interval: 900, 15m, 2h, 1d  [default: setting poll_interval, 30m]")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt for this source (only for your own sites).")
@pass_ctx
def sources_add(ctx: Context, urls: tuple[str, ...], title: str | None, every: str | None, ignore_robots: bool) -> None:
    """Follow RSS/Atom/JSON feeds, sitemaps (news sitemaps too) or plain pages."""
    from newsdesk.ingest import sources as store

    db = ctx.connect()
    interval = _interval(every or ctx.settings.poll_interval)
    for url in urls:
        try:
            added = store.add(db, url, title, interval, ignore_robots)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        click.echo(f"{'added' if added else 'already followed'}: {without_secrets(store.check_url(url))}")


@sources.command("list")
@json_option
@pass_ctx
def sources_list(ctx: Context, as_json: bool) -> None:
    """Every source with its health: status, items per day, last success, last error, next poll.

    Addresses are shown without their credentials; `sources export-opml` writes them whole."""
    from newsdesk.ingest import sources as store

    rows = [_public(row) for row in store.listing(ctx.connect())]
    for row in rows:
        if as_json:
            emit_json(row)
            continue
        click.echo(f"{row['id']:>3}  {row['status']:<8} {row['items_per_day']:>6.1f}/day  "
                   f"ok {_age(row['last_success']):<10} next {_next_poll(row):<8} every {_duration(row['interval']):<4} "
                   f"{shorten(row['title'] or row['url'], 60)}")
        if row["failures"] or not row["active"]:
            click.echo(f"       {row['failures']} failure(s) in a row, last {_age(row['last_error_at'])}: "
                       f"{shorten(row['last_error'], 100)}")
    if not rows and not as_json:
        click.echo("no sources yet: `newsdesk sources add URL` or `newsdesk sources import-opml FILE`", err=True)


@sources.command("remove")
@click.argument("sources_", nargs=-1, required=True, metavar="URL|ID...")
@pass_ctx
def sources_remove(ctx: Context, sources_: tuple[str, ...]) -> None:
    """Stop following sources (the articles they brought stay in the store)."""
    from newsdesk.ingest import sources as store

    db = ctx.connect()
    missing = [s for s in sources_ if not store.remove(db, s)]
    for source in sources_:
        click.echo(f"{'not followed' if source in missing else 'removed'}: {without_secrets(source)}",
                   err=source in missing)
    sys.exit(1 if missing else 0)


@sources.command("import-opml")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--every", metavar="INTERVAL", help="Poll interval for the imported feeds  [default: setting poll_interval, 30m]")
@pass_ctx
def sources_import(ctx: Context, file: str, every: str | None) -> None:
    """Follow every feed listed in an OPML file (as exported by feed readers).

    An entry that is no http(s) address (javascript:, file:) is not imported and is named on stderr; as with
    `ingest`, the exit code is 1 if anything failed, though the other feeds are imported.
    """
    from newsdesk.ingest import sources as store

    try:
        imported = store.import_opml(ctx.connect(), Path(file).read_bytes(),
                                     _interval(every or ctx.settings.poll_interval))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    for reason in imported.rejected:
        click.echo(f"not imported: {without_secrets(reason)}", err=True)
    not_imported = f", {len(imported.rejected)} not imported" if imported.rejected else ""
    click.echo(f"imported {imported.added} new source(s), {imported.known} already followed{not_imported}")
    sys.exit(1 if imported.rejected else 0)


@sources.command("export-opml")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@pass_ctx
def sources_export(ctx: Context, output: str | None) -> None:
    """Write the source list as OPML 2.0, a backup to import again.

    Unlike every other command, this writes the addresses whole, credentials included (user names,
    passwords, keys in the query), so that an import follows the same sources: keep the file private.
    """
    from newsdesk.ingest import sources as store

    data = store.export_opml(ctx.connect())
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise cannot_write(output, exc) from exc
    else:
        sys.stdout.write(data.decode("utf-8"))


def _print_outcome(outcome: dict, as_json: bool) -> None:
    """One line per polled source. A failure goes to stderr, where cron and a service manager look for trouble;
    the rest is progress, on stdout."""
    outcome = _public(outcome)
    if as_json:
        emit_json({"event": "source"} | outcome)
        return
    when = datetime.now().strftime("%H:%M:%S")
    name = shorten(outcome["title"] or outcome["url"], 50)
    if not outcome["ok"]:
        state = "disabled" if outcome["disabled"] else f"retry in {_duration(outcome['next_in'])}"
        click.echo(f"{when}  FAILED     {name}: {shorten(outcome['error'], 90)} "
                   f"({outcome['failures']} in a row; {state})", err=True)
    elif outcome.get("interrupted"):
        click.echo(f"{when}  stopped    {name}: {outcome['stored']} new stored before the stop; polled again next time")
    elif outcome["not_modified"]:
        click.echo(f"{when}  unchanged  {name}  (next in {_duration(outcome['next_in'])})")
    else:
        extra = f", {outcome['failed']} item(s) failed" if outcome["failed"] else ""
        if outcome["deferred"]:
            extra += f", {outcome['deferred']} left for the next poll"
        # edited articles, updated in place: the round's "updated" had no source to account for it
        updated = f", {outcome['updated']} updated" if outcome["updated"] else ""
        click.echo(f"{when}  ok         {name}: {outcome['stored']} new{updated}, {outcome['known']} known, "
                   f"{outcome['duplicates']} duplicate(s){extra}  (next in {_duration(outcome['next_in'])})")


def _print_round(result, as_json: bool, quiet: bool) -> None:
    summary = result.report.as_dict()
    if as_json:
        emit_json({"event": "round", "sources": len(result.outcomes), **summary})
        return
    if quiet or not result.outcomes:
        return
    failing = sum(1 for o in result.outcomes if not o["ok"])
    click.echo(f"round: {len(result.outcomes)} source(s) polled, {failing} failing; stored {summary['stored']}, "
               f"updated {summary['updated']}, known {summary['known']}, duplicates {summary['duplicates']}, "
               f"teasers {summary['teasers']}")


def _item_printer(quiet: bool, as_json: bool):
    def on_item(outcome: Failure | None) -> None:
        if isinstance(outcome, Failure) and not (quiet or as_json):
            click.echo(f"    error: {shorten(without_secrets(str(outcome)), 140)}", err=True)
    return on_item


@click.command()
@click.option("--all", "everything", is_flag=True, help="Poll every source now, not only the due ones.")
@click.option("--source", "only", multiple=True, metavar="URL|ID", help="Poll only this source (repeatable).")
@click.option("--no-enrich", is_flag=True, help="Only store pages; skip stories, headlines and facts.")
@click.option("--quiet", "-q", is_flag=True, help="No per-item error lines.")
@json_option
@pass_ctx
def fetch(ctx: Context, everything: bool, only: tuple[str, ...], no_enrich: bool, quiet: bool, as_json: bool) -> None:
    """Run one fetch round: poll the due sources once and store what is new. Exit 1 if a source failed.

    A failing source's line goes to stderr (under -q too), the others to stdout."""
    from newsdesk.ingest import sources as store
    from newsdesk.ingest.schedule import run_round

    db = ctx.connect()
    only = tuple(store.stored_url(source) for source in only)
    followed = {value for row in store.listing(db) for value in (row["url"], str(row["id"]))}
    unknown = [source for source in only if source not in followed]
    for source in unknown:
        click.echo(f"not followed: {without_secrets(source)} (see `newsdesk sources list`)", err=True)
    if unknown:
        sys.exit(1)
    result = run_round(db, ctx.settings, everything=everything, only=list(only) or None,
                       on_source=lambda o: _print_outcome(o, as_json), on_item=_item_printer(quiet, as_json),
                       enrich=not no_enrich)
    if not result.outcomes and not as_json:
        click.echo("nothing due (use --all to poll every source now, or `newsdesk sources list`)", err=True)
    _print_round(result, as_json, quiet=False)
    sys.exit(1 if any(not o["ok"] for o in result.outcomes) else 0)


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="Only print sources that fail.")
@json_option
@pass_ctx
def watch(ctx: Context, quiet: bool, as_json: bool) -> None:
    """Keep the desk current: poll each source on its interval until Ctrl-C.

    Every host is fetched politely (per-host concurrency and delay, robots.txt); failing sources back off
    and are reported. Ctrl-C (or SIGTERM) stops cleanly: fetches in flight are abandoned, everything
    already fetched is stored, and the next start picks up where this one stopped.
    """
    from newsdesk.ingest import sources as store
    from newsdesk.ingest.schedule import watch as run_watch

    db = ctx.connect()
    count = len(store.due(db, everything=True))
    if not count:
        raise click.ClickException("no sources to watch: `newsdesk sources add URL` or `sources import-opml FILE`")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if not as_json:
        click.echo(f"watching {count} source(s) → {ctx.settings.db}  (Ctrl-C to stop)", err=True)

    def on_source(outcome: dict) -> None:
        if not quiet or not outcome["ok"]:
            _print_outcome(outcome, as_json)

    try:
        run_watch(db, ctx.settings, stop=stop, on_source=on_source,
                  on_round=lambda result: _print_round(result, as_json, quiet))
    except KeyboardInterrupt:
        pass
    if not as_json:
        click.echo("stopped: everything fetched so far is stored; unfinished sources are polled next time", err=True)


COMMANDS = [sources, fetch, watch]
