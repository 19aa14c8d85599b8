"""Shared test fixtures: paths to the bundled samples and fixtures, the shared evaluation data (tests that
need it skip cleanly when it is absent, as on a user's fresh clone), and a fresh store per test."""

from __future__ import annotations

import socketserver
import threading
from pathlib import Path

import pytest

from newsdesk.bench import shared_data as evaluation_data
from newsdesk.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "aleppo-afp-with-teasers.txt"


@pytest.fixture
def shared_data() -> Path:
    path = evaluation_data()
    if not path.is_dir():
        pytest.skip(f"shared evaluation data not found at {path}")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load({"db": str(tmp_path / "desk.db")}, config_file=str(tmp_path / "none.toml"))


@pytest.fixture
def db(settings: Settings):
    from newsdesk.store.sqlite import connect

    connection = connect(settings.db)
    yield connection
    connection.close()


class RawServer(socketserver.ThreadingTCPServer):
    """A local TCP server whose ``handle(request)`` speaks (or withholds) HTTP byte by byte: the misbehaving
    hosts a well-formed test site cannot play (one that never answers, one that drips its headers)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server.handle(self.request)

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle(self, request) -> None:
        raise NotImplementedError

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
