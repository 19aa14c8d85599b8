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


SEARCHES = {"/api/search", "/search.json", "/search.atom", "/search.rss"}


def only_a_search_of_left_out_words_is_refused(ctx, response, case):
    """A search of nothing but words to leave out ("-aleppo") is a schema-valid request the desk refuses with a
    400 that says why (FTS5 cannot list what lacks a word); any other refusal of valid data is a failure."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 400:
        detail = response.json()["detail"]
        assert "only words to leave out" in detail or "has no word to search for" in detail, response.text
    else:
        assert response.status_code < 400 or response.status_code in (404, 429) or response.status_code >= 500, \
            response.text


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case):
    if case.operation.path in SEARCHES:
        from schemathesis.specs.openapi.checks import positive_data_acceptance

        case.call_and_validate(excluded_checks=[positive_data_acceptance],
                               additional_checks=[only_a_search_of_left_out_words_is_refused])
    else:
        case.call_and_validate()
