"""``newsdesk serve``: the web desk over the store; ``newsdesk backup``: a consistent copy of that store."""

from __future__ import annotations

import sqlite3

import click

from newsdesk.cli.common import Context, cannot_write, emit_json, json_option, pass_ctx


@click.command()
@click.option("--db", "db_path", metavar="PATH", help="SQLite store (same as the top-level --db).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@pass_ctx
def serve(ctx: Context, db_path: str | None, host: str, port: int, reload: bool) -> None:
    """Serve the web desk: front page, stories, articles, search, feeds and a JSON API."""
    import os

    import uvicorn

    from newsdesk.store.sqlite import connect

    path = db_path or ctx.settings.db
    try:  # a mistyped path is refused as the other commands refuse it, not served as a new empty desk
        connect(path, readonly=True).close()
    except (FileNotFoundError, sqlite3.DatabaseError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"newsdesk desk on http://{host}:{port}/  (store: {path})", err=True)
    if reload:
        # uvicorn's reloader imports the app by name in a fresh process, so the settings travel by env.
        os.environ["NEWSDESK_DB"] = path
        os.environ["NEWSDESK_PUBLIC_URL"] = ctx.settings.public_url
        os.environ["NEWSDESK_STORIES_DAYS"] = str(ctx.settings.stories_days)
        uvicorn.run("newsdesk.web.app:app_from_env", factory=True, host=host, port=port, reload=True)
        return
    from newsdesk.web.app import create_app

    try:
        # opens the store: a file that is not one is one line here, not a traceback
        app = create_app(path, ctx.settings.public_url, ctx.settings.stories_days)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    uvicorn.run(app, host=host, port=port, log_level="info")


@click.command()
@click.argument("dest", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@json_option
@pass_ctx
def backup(ctx: Context, dest: str, force: bool, as_json: bool) -> None:
    """Copy the store to DEST as one consistent SQLite file, safe while `serve`, `ingest`, `fetch` or `watch`
    run. A plain copy of the store's file misses what sits in its -wal file beside it.

    DEST is a complete store (`newsdesk --db DEST ...` reads it), readable by its owner only: it holds the
    followed sources' addresses with their credentials. An existing DEST is not replaced without --force.
    """
    from newsdesk.store.sqlite import backup as copy_store

    ctx.connect(readonly=True).close()  # a missing or foreign store is said as every command says it
    try:
        made = copy_store(ctx.settings.db, dest, overwrite=force)
    except FileExistsError as exc:
        raise click.ClickException(f"{dest} already exists (--force replaces it)") from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise cannot_write(dest, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"cannot back up {ctx.settings.db}: {exc}") from exc
    if as_json:
        emit_json(made)
        return
    click.echo(f"backed up {made['store']} to {made['backup']} ({made['bytes'] / 1e6:.1f} MB): "
               f"{made['articles']} articles, {made['teasers']} teasers, {made['stories']} stories, "
               f"{made['pages']} pages, {made['feeds']} sources")


COMMANDS = [serve, backup]
