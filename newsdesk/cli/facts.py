"""``newsdesk facts``: people, organisations, places, dates and casualty figures of an article or story."""

from __future__ import annotations

import sys

import click

from newsdesk.cli.common import Context, emit_json, json_option, pass_ctx, shorten


@click.command()
@click.argument("item_id", required=False)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="Extract the pages of a file first and print their facts (no store needed).")
@json_option
@pass_ctx
def facts(ctx: Context, item_id: str | None, path: str | None, as_json: bool) -> None:
    """Facts of an article (a…) or story (s…) in the store, or of every page of a file with --file.

    Prints entities, places (with country and coordinates), dates (text and resolved value) and figures
    (category, text, low/high, victims, place, time, attributed_to, sentence). For a story, figures are
    also reconciled across its articles: latest and highest per event, with every source.

    A file may hold many pages (JSON Lines, WARC, a feed): each gets its facts, named by its "path" (the
    file, then # and where in it). A page that cannot be read or has no article text prints one line on
    stderr and the others go on; exit code 1 if any page failed.
    """
    if bool(item_id) == bool(path):
        raise click.UsageError("give either an ITEM_ID (an article a… or a story s…) or --file PATH")
    from newsdesk import nlp

    nlp.use_model(ctx.settings.spacy_model)
    if path:
        sys.exit(_facts_of_file(ctx, path, as_json))
    result = _facts_of_item(ctx, item_id)
    if as_json:
        emit_json(result)
    else:
        if result.get("note"):
            click.echo(f"note: {item_id}: {result['note']}", err=True)
        print_facts(result)


def _facts_of_file(ctx: Context, path: str, as_json: bool) -> int:
    """Print the facts of every page in the file as it is read; the exit code: 1 if any page failed."""
    from newsdesk.extract import extract, in_english
    from newsdesk.facts import extract_facts, facts_to_json
    from newsdesk.ingest import read
    from newsdesk.records import Failure

    items = failed = 0
    for page in read([path], ctx.settings):
        items += 1
        if isinstance(page, Failure):
            failed += not page.skipped
            click.echo(f"{'note' if page.skipped else 'error'}: {page}", err=True)
            continue
        try:
            article = extract(page).article
        except ValueError as exc:
            article, reason = None, str(exc)
        else:
            reason = "no article text (only headlines)"
        if article is None:
            failed += 1
            click.echo(f"error: {page.uri}: {reason}", err=True)
            continue
        if not in_english(article):
            click.echo(f"note: {page.uri}: facts are read from English text only; this page is in "
                       f"'{article.language}'", err=True)
        result = {"path": page.uri, "published": article.published, "language": article.language}
        result |= facts_to_json(extract_facts(article))
        if as_json:
            emit_json(result)
        else:
            click.secho(f"== {page.uri}", bold=True)
            print_facts(result)
    if not items:
        raise click.ClickException(f"{path}: nothing to read")
    return 1 if failed else 0


def _facts_of_item(ctx: Context, item_id: str) -> dict:
    """The facts of an article or story; ``skipped`` and ``note`` say which articles had none read because
    they are not in English, since empty lists alone look like an article that names nobody. A story's
    tolls are those the desk and the export give (``story_figures``)."""
    from newsdesk.extract import in_english
    from newsdesk.facts import extract_facts, facts_to_json
    from newsdesk.facts.store import FACTS_VERSION, story_figures
    from newsdesk.store.queries import row_to_article, stored_facts

    db = ctx.connect(readonly=True)
    if item_id.startswith("s"):
        rows = db.execute(
            """SELECT a.* FROM story_members m JOIN articles a ON a.id = m.item_id
               WHERE m.story_id = ? ORDER BY a.published""", (item_id,)).fetchall()
        if not rows and not db.execute("SELECT 1 FROM stories WHERE id = ?", (item_id,)).fetchone():
            raise click.ClickException(f"no story with id {item_id}")
    else:
        rows = db.execute("SELECT * FROM articles WHERE id = ?", (item_id,)).fetchall()
        if not rows:
            raise click.ClickException(f"no article with id {item_id}")
    # the facts step's stored facts when they are current (milliseconds), else read afresh (seconds a story)
    per_article = [(article, stored_facts(db, article.id, FACTS_VERSION) or extract_facts(article))
                   for article in map(row_to_article, rows)]
    merged: dict = {"id": item_id, "entities": [], "places": [], "dates": [], "figures": []}
    for article, found in per_article:
        data = facts_to_json(found)
        for key in ("entities", "places", "dates", "figures"):
            merged[key] += [dict(entry, article_id=article.id) for entry in data.get(key, [])]
    if item_id.startswith("s"):
        merged["reconciled_figures"] = story_figures(db, item_id)
    skipped = [article for article, _ in per_article if not in_english(article)]
    if skipped:
        merged["skipped"] = [{"article_id": article.id, "language": article.language} for article in skipped]
        merged["note"] = english_only_note(skipped, len(per_article), item_id.startswith("s"))
    return merged


def english_only_note(skipped: list, articles: int, story: bool) -> str:
    """Why articles have no facts, in the words ``facts --file`` uses for a page."""
    languages = ", ".join(sorted({f"'{article.language}'" for article in skipped}))
    if not story:
        return f"facts are read from English text only; this article is in {languages}"
    return (f"facts are read from English text only; {len(skipped)} of its {articles} articles "
            f"{'is' if len(skipped) == 1 else 'are'} in {languages}")


def print_facts(result: dict) -> None:
    out = sys.stdout
    if result.get("entities"):
        click.secho("entities", bold=True)
        for entity in result["entities"]:
            click.echo(f"  {entity.get('label', ''):<8} {entity.get('name') or entity.get('text')}", file=out)
    if result.get("places"):
        click.secho("places", bold=True)
        for place in result["places"]:
            where = f"{place['lat']:.3f}, {place['lon']:.3f}" if place.get("lat") is not None else "no coordinates"
            click.echo(f"  {place.get('name') or place.get('text')}  ({place.get('country') or '?'}; {where})")
    if result.get("dates"):
        click.secho("dates", bold=True)
        for date in result["dates"]:
            click.echo(f"  {date['text']!r:<28} → {date['value']}")
    if result.get("figures"):
        click.secho("figures", bold=True)
        for fig in result["figures"]:
            including = f"including {', '.join(fig['subgroups'])}" if fig.get("subgroups") else None
            parts = [fig["category"], fig["text"], fig.get("victims"), including, fig.get("place"), fig.get("time")]
            click.echo("  " + " | ".join(str(p) for p in parts if p))
            if fig.get("attributed_to"):
                click.echo(f"      according to {fig['attributed_to']}")
            click.echo(f"      “{shorten(fig['sentence'], 110)}”")
    if result.get("reconciled_figures"):
        click.secho("tolls across the story (latest report; the highest when it differs)", bold=True)
        for group in result["reconciled_figures"]:
            latest, highest = group["latest"], group["highest"]
            where = " | ".join(str(p) for p in (group.get("place"), group.get("time")) if p)
            click.echo(f"  {group['category']} {latest['text']}" + (f" | {where}" if where else "")
                       + f"  ({_reported(latest)}; {len(group['history'])} report(s))")
            if highest is not latest and highest["text"] != latest["text"]:
                click.echo(f"      highest: {highest['text']} ({_reported(highest)})")
            if group.get("disputed"):
                click.echo("      sources disagree: " + "; ".join(
                    f"{row['text']} ({row['attributed_to']})" for row in group["disputed"]))


def _reported(row: dict) -> str:
    """Who reported a figure, where and when: "Syrian Observatory, in aljazeera.com of 2016-10-06"."""
    said = row.get("attributed_to") or "unattributed"
    day = (row.get("published") or "")[:10] or "an unknown day"
    return f"{said}, in {row.get('site') or 'an article'} of {day}"


COMMANDS = [facts]
