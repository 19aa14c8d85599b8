"""The ``newsdesk`` command: a thin layer over the library that parses arguments, calls, and prints.

Every command that prints results takes ``--json`` (one JSON object per line) so scripts never scrape
text. The store is chosen by ``--db PATH`` or ``NEWSDESK_DB``; settings follow defaults < file <
environment < command line (see ``newsdesk settings``).
"""

from __future__ import annotations

import os

# numpy advises the kernel to back every big array with huge pages. Where the kernel then compacts memory
# to find them on a page fault (transparent_hugepage/defrag = madvise, a common default), the fresh
# multi-MB matrices of story grouping paid for it: the UCI file took 158 CPU-s with the advice, 128 without.
# Read when numpy is first imported, so it is set before anything imports it; a user's own setting stands.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

import click  # noqa: E402 - after the setting above

from newsdesk.cli.common import Context, pass_ctx


class _Group(click.Group):
    """Turns a missing optional extra into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - whatever the command returns
        try:
            return super().invoke(ctx)
        except RuntimeError as error:
            from newsdesk.stories.embeddings import MissingExtra

            if isinstance(error, MissingExtra):
                raise click.ClickException(str(error)) from error
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", metavar="PATH", envvar="NEWSDESK_DB", help="SQLite store (default: user data dir; env NEWSDESK_DB).")
# A settings file someone names must exist: a typo would otherwise run silently on the defaults. Only the
# default location (newsdesk.toml in the user config dir) may be absent.
@click.option("--config", metavar="FILE", envvar="NEWSDESK_CONFIG", show_envvar=True,
              type=click.Path(exists=True, dir_okay=False),
              help="TOML settings file, which must exist (default: newsdesk.toml in the user config dir, if any).")
@click.version_option(package_name="newsdesk")
@click.pass_context
def main(click_ctx: click.Context, db: str | None, config: str | None) -> None:
    """newsdesk: raw news pages in; clean, deduplicated, story-grouped, searchable news out.

    \b
    Typical use:
      newsdesk ingest pages/ feed.xml crawl.warc.gz   # read, extract, dedup, group, store
      newsdesk stories                                # the top stories of the newest days
      newsdesk search "air strike" --place Aleppo     # full-text search with filters
      newsdesk serve                                  # the web desk on http://127.0.0.1:8000
    """
    click_ctx.obj = Context(db_option=db, config_file=config)


def _register() -> None:
    from newsdesk.cli import bench, desk, facts, items, live, run

    for module in (run, items, facts, desk, live):
        for command in module.COMMANDS:
            main.add_command(command)
    main.add_command(bench.bench)


_register()

__all__ = ["main", "pass_ctx"]
