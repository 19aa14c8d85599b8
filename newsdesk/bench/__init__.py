"""The benchmark harness behind ``newsdesk bench …``: one module per capability, each printing newsdesk beside
its peers on the same data in the same run."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data() -> Path:
    """The project's evaluation data: ``$NEWSDESK_SHARED_DATA``, else ``../shared/data`` beside the repository.
    Benches, trainers and tests read it from here, so that the variable moves every one of them."""
    env = os.environ.get("NEWSDESK_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"
