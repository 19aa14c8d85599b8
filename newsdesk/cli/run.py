"""Commands that read input: ``ingest`` (into the store), ``reextract`` (the store's own pages again),
``extract`` (files to JSON, no store), ``settings``."""

from __future__ import annotations

import sqlite3
import sys

import click
from tqdm import tqdm

from newsdesk.cli.common import Context, emit_json, json_option, pass_ctx
from newsdesk.records import Failure


workers_option = click.option(
    "--workers", "-w", type=click.IntRange(min=1), default=None,
    help="Processes extracting pages in parallel (setting `workers`, default 1); the result is the same.")


def _close(*bars: tqdm) -> None:
    for progress in bars:
        progress.close()


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--no-enrich", is_flag=True, help="Only store pages; skip stories, headlines and facts.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; each failure is still one line on stderr, for cron and logs.")
@workers_option
@json_option
@pass_ctx
def ingest(ctx: Context, targets: tuple[str, ...], no_enrich: bool, quiet: bool, workers: int | None,
           as_json: bool) -> None:
    """Read pages into the store: HTML files (.html/.htm, gzipped), directories (recursive), JSON Lines,
    WARC/WARC.gz archives, RSS/Atom feeds, plain-text scrapes, and http(s) URLs.

    A JSON Lines record holds "url" and "html" or "text"; "title", "published", "author", "source" and
    "fetched" (when the page was captured; it dates the page's undated teasers) are optional. A record with
    a "title" and no text, or whose text is its title and a line more, is a headline item, as a feed entry is.

    Each page is extracted, checked against what the store holds (re-running never duplicates; a killed run
    resumes where it stopped), grouped into stories and given a headline. A bad item prints one line and the
    batch goes on. Exit code 1 if anything failed, 0 otherwise.
    """
    from newsdesk.pipeline import ingest as run_ingest

    ctx.overrides["workers"] = workers
    db = ctx.connect()
    _run_with_progress(ctx, "ingest", quiet, as_json,
                       lambda on_item, on_step: run_ingest(targets, db, ctx.settings, on_item=on_item,
                                                           enrich=not no_enrich, on_step=on_step))


@click.command()
@click.option("--no-enrich", is_flag=True, help="Only update articles; skip stories, headlines and facts.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; each failure is still one line on stderr, for cron and logs.")
@workers_option
@json_option
@pass_ctx
def reextract(ctx: Context, no_enrich: bool, quiet: bool, workers: int | None, as_json: bool) -> None:
    """Extract every page in the store again from its kept bytes, with this version's extractors.

    Run it after upgrading newsdesk: articles are updated in place (same ids, sources, copies and stories),
    and their headlines, search entries and facts are written again. Nothing stored is lost: a page that
    no longer extracts keeps its stored article, and pages that failed before get another chance. Exit
    code 1 if any page failed.
    """
    from newsdesk.reextract import reextract as run_reextract

    ctx.overrides["workers"] = workers
    db = ctx.connect()
    total = db.execute("SELECT count(*) FROM pages WHERE raw IS NOT NULL").fetchone()[0]
    _run_with_progress(ctx, "reextract", quiet, as_json,
                       lambda on_item, on_step: run_reextract(db, ctx.settings, on_item=on_item,
                                                              enrich=not no_enrich, on_step=on_step),
                       total=total)


def _run_with_progress(ctx: Context, name: str, quiet: bool, as_json: bool, run, total: int | None = None) -> None:
    """Run a page job with a progress bar and one line per failure, then print its summary and exit. The
    store-level steps after the pages (headlines, facts) get a bar each: on a big archive they are most of
    the run."""
    hidden = quiet or as_json or not sys.stderr.isatty()
    bar = tqdm(desc=name, unit="page", total=total, disable=hidden, file=sys.stderr)
    steps: dict[str, tqdm] = {}

    def on_step(step: str, done: int, all_items: int) -> None:
        if step not in steps:
            bar.close()
            steps[step] = tqdm(desc=step, unit="item", total=all_items, disable=hidden, file=sys.stderr)
        steps[step].update(done - steps[step].n)

    def on_item(outcome: Failure | None) -> None:
        bar.update(1)
        if isinstance(outcome, Failure) and not outcome.skipped:  # quiet or not: a failure must reach cron's mail
            tqdm.write(f"error: {outcome}", file=sys.stderr)

    from newsdesk.pipeline import WorkerDied

    try:
        report = run(on_item, on_step)
    except WorkerDied as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        _close(bar, *steps.values())
        click.echo("interrupted: every page stored so far is kept; run the same command again to resume", err=True)
        sys.exit(130)
    except sqlite3.OperationalError as exc:
        # a full disk, a store made read-only, another writer holding the store past the wait: each page is
        # written in its own transaction, so what was stored before stays; say so in one line
        raise click.ClickException(f"the store could not be written ({exc}): every page stored before this is "
                                   f"kept; fix that and run the same command again to resume") from exc
    finally:
        _close(bar, *steps.values())
    summary = report.as_dict()
    if as_json:
        emit_json(summary | {"db": ctx.settings.db})
    else:
        if name == "reextract":
            click.echo(f"re-read {report.read} stored page(s): {report.stored} new article(s), "
                       f"{report.teasers} new teaser(s), failed {report.failed}  → {ctx.settings.db}")
        else:
            click.echo(
                f"read {report.read} page(s) of {report.items} item(s): stored {report.stored}, "
                f"{f'updated {report.updated} to a newer version, ' if report.updated else ''}"
                f"skipped {report.known} already known, "
                f"{report.duplicates} duplicate(s) merged, {report.teasers} teaser(s), {report.skipped} record(s) "
                f"passed over (no article page: not HTML, a redirect or error page, a request), failed {report.failed}"
                f"  → {ctx.settings.db}"
            )
        for reason, count in summary["failure_reasons"].items():
            click.echo(f"  failed ({count}): {reason}")
        for step in ("reextract", "stories", "headlines", "facts"):
            if step in summary["steps"]:
                click.echo(f"  {step}: " + ", ".join(f"{k} {v}" for k, v in summary["steps"][step].items()))
    sys.exit(1 if report.failed else 0)


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@json_option
@pass_ctx
def extract(ctx: Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Extract articles from files directly, without a store.

    Prints for each page: path, title, byline, published, language, body, subheads, captions, teasers
    (with --json: one object per input page on stdout). Failures go to stderr, one line each; exit code 1
    if any input failed.
    """
    from newsdesk.extract import extract as extract_page
    from newsdesk.ingest import read

    failed = 0
    for item in read(paths, ctx.settings):
        if isinstance(item, Failure):
            failed += not item.skipped
            click.echo(f"{'note' if item.skipped else 'error'}: {item}", err=True)
            continue
        try:
            result = extract_page(item)
        except Exception as exc:  # one bad page must not stop the others
            failed += 1
            click.echo(f"error: {item.uri}: extract failed: {exc}", err=True)
            continue
        record = extraction_json(item.uri, result)
        if as_json:
            emit_json(record)
        else:
            print_extraction(record)
    sys.exit(1 if failed else 0)


# the article's fields as ``extract --json`` gives them, null for a page that holds only teasers
ARTICLE_JSON_FIELDS = ("title", "untitled", "byline", "agency", "published", "dateline", "language", "site", "url",
                       "canonical_url")


def extraction_json(path: str, result) -> dict:
    """One object per page with the same keys whether it held an article or only teasers (null or empty
    where there is no article): a teaser-only page had lacked seven of them, so a reader of the lines had
    to know which shape it was looking at before it could read one."""
    article = result.article
    teasers = [{"headline": t.headline, "standfirst": t.standfirst, "url": t.url, "published": t.published}
               for t in result.teasers]
    if article is None:
        return {"path": path, **dict.fromkeys(ARTICLE_JSON_FIELDS), "body": "", "paragraphs": [], "subheads": [],
                "blocks": [], "captions": [], "teasers": teasers}
    return {
        "path": path,
        **{name: getattr(article, name) for name in ARTICLE_JSON_FIELDS},
        "body": "\n\n".join(article.paragraphs),
        "paragraphs": article.paragraphs,
        "subheads": article.subheads,
        "blocks": [{"kind": b.kind, "text": b.text} for b in article.blocks],
        "captions": [{"text": c.text, "credit": c.credit} for c in article.captions],
        "teasers": teasers,
    }


def print_extraction(record: dict) -> None:
    click.secho(f"== {record['path']}", bold=True)
    click.echo(f"title:     {record['title'] or '(untitled)'}")
    for field in ("byline", "agency", "published", "language", "site"):
        if record.get(field):
            click.echo(f"{field + ':':<10} {record[field]}")
    for block in record["blocks"]:
        click.echo(f"\n## {block['text']}" if block["kind"] == "h" else f"\n{block['text']}")
    for caption in record["captions"]:
        click.echo(f"\n[caption] {caption['text']}" + (f" ({caption['credit']})" if caption["credit"] else ""))
    if record["teasers"]:
        click.echo(f"\n{len(record['teasers'])} teaser(s):")
        for teaser in record["teasers"]:
            click.echo(f"  * {teaser['headline']}" + (f" — {teaser['standfirst']}" if teaser["standfirst"] else ""))
    click.echo("")


@click.command("settings")
@json_option
@pass_ctx
def show_settings(ctx: Context, as_json: bool) -> None:
    """Show every setting with its current value (defaults < file < NEWSDESK_* environment < options)."""
    for name, value, help_text in ctx.settings.describe():
        if as_json:
            emit_json({"name": name, "value": value, "help": help_text})
        else:
            click.echo(f"{name:<24} {value!s:<40} {help_text}")


COMMANDS = [ingest, reextract, extract, show_settings]
