"""Schemathesis against the desk's OpenAPI spec: generated requests never crash the app, and every JSON
response matches its documented schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from web_fixtures import build_desk

from newsdesk.web.app import create_app

_app = None


def _desk_app():
    global _app
    if _app is None:
        import tempfile
        from pathlib import Path

        path = Path(tempfile.mkdtemp(prefix="newsdesk-contract-")) / "desk.db"
        build_desk(path)
        _app = create_app(str(path))
    return _app


schema = schemathesis.openapi.from_asgi("/openapi.json", _desk_app())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case):
    case.call_and_validate()
