"""Ingest: turn paths and URLs into ``Page`` records (or ``Failure`` records, one per bad item).

Each container format has its own module; this one decides which reader a path needs, by name first and
by sniffing the first bytes when the name says nothing. A reader never raises for one bad item: it yields
a ``Failure`` and goes on, so one broken file cannot stop a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from os import PathLike, fspath
from pathlib import Path

from newsdesk.ingest import feeds, files, jsonl, warc
from newsdesk.records import Failure, Page
from newsdesk.settings import Settings


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def read(targets: Iterable[str | PathLike[str]] | str | PathLike[str], settings: Settings) -> Iterator[Page | Failure]:
    """Every page found under the given paths and URLs, in a stable order. One path or URL on its own is
    one target: a library caller's ``read("pages/a.html", ...)`` had been read a character at a time, and
    its "/" walked the whole filesystem."""
    if isinstance(targets, str | PathLike):
        targets = [targets]
    for target in targets:
        target = fspath(target)
        if is_url(target):
            from newsdesk.ingest.poll import fetch_target

            yield from fetch_target(target, settings)
            continue
        yield from read_path(Path(target), settings)


def read_path(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    """The pages of a file, or of every file under a directory. A path that cannot even be looked at (a
    name too long, a folder without permission) is a failure in one line, as a file that cannot be read
    is: it had raised out of the reader and stopped the batch."""
    try:
        exists = path.exists()
    except OSError as exc:
        yield Failure(str(path), "read", f"cannot open: {exc.strerror or exc}")
        return
    if not exists:
        yield Failure(str(path), "read", "no such file or directory")
        return
    for file in files.walk(path):
        if isinstance(file, Failure):
            yield file
            continue
        try:
            regular = file.is_file()
        except OSError as exc:
            yield Failure(str(file), "read", f"cannot open: {exc.strerror or exc}")
            continue
        if regular:
            yield from read_file(file, settings)
        else:  # reading a pipe would wait for ever
            yield Failure(str(file), "read", "not a regular file (a device, a pipe or a broken link)")


def read_file(path: Path, settings: Settings) -> Iterator[Page | Failure]:
    try:
        kind = files.detect_kind(path)
    except OSError as exc:
        yield Failure(str(path), "read", f"cannot open: {exc.strerror or exc}")
        return
    if kind == "warc":
        yield from warc.read(path, settings)
    elif kind == "jsonl":
        yield from jsonl.read(path, settings)
    elif kind == "feed":
        yield from feeds.read_file(path, settings)
    else:
        yield files.read_page(path, kind, settings)
