"""``newsdesk serve``: the web desk over the store."""

from __future__ import annotations

import sqlite3

import click

from newsdesk.cli.common import Context, pass_ctx


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


COMMANDS = [serve]
