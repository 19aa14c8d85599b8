"""story_embeddings = "minilm": the MiniLM transformer in story grouping (the `embeddings` extra)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import SEED

pytest.importorskip("sentence_transformers", reason="the embeddings extra is not installed")

from newsdesk.bench.bcubed import bcubed  # noqa: E402
from newsdesk.bench.stories import UCI_PATH, load_uci, shared_data  # noqa: E402
from newsdesk.pipeline import ingest  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.stories import update_stories  # noqa: E402
from newsdesk.stories.embeddings import embeddings_for  # noqa: E402
from newsdesk.stories.grouping import EMBEDDING_DEFAULTS, GroupItem, StoryGrouper  # noqa: E402
from newsdesk.stories.vectors import FEATURE_BITS  # noqa: E402


def _day(day: int, hour: int = 9) -> str:
    return (datetime(2024, 3, day, tzinfo=UTC) + timedelta(hours=hour)).isoformat()


def test_transformer_places_paraphrases_together_and_encodes_each_text_once() -> None:
    model = embeddings_for("minilm")
    calls = []
    encode = model.model.encode
    model.model.encode = lambda texts, **kw: calls.append(list(texts)) or encode(texts, **kw)
    try:
        texts = ["Apple buys Beats for $3 billion", "Apple acquires headphone maker Beats",
                 "Strong earthquake hits Japan", "Magnitude 7 quake strikes Hokkaido", "!!!"]
        vectors = model.embed(texts)
        again = model.embed(texts[:2] + ["Apple buys Beats for $3 billion"])
    finally:
        model.model.encode = encode
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.6 and similarity[2, 3] > 0.6
    assert max(similarity[0, 2], similarity[0, 3], similarity[1, 3]) < 0.2
    assert not vectors[4].any()  # no word: no direction, as with the static table
    assert (again[2] == vectors[0]).all()
    # a live desk re-clusters the day at every poll: a headline is encoded once, not at every run
    assert sorted(sum(calls, [])) == sorted(texts[:4])


def test_a_saved_static_state_switches_to_the_transformer() -> None:
    grouper = StoryGrouper(window_hours=72)
    story = grouper.add(GroupItem("1", "Central bank raises interest rates to curb inflation", published=_day(1)))
    grouper.add(GroupItem("2", "Football club sacks manager after defeat", published=_day(2)))  # folds day 1
    state = json.loads(json.dumps(grouper.to_state()))
    restored = StoryGrouper.from_state(state, embeddings="minilm")
    assert restored.embedding_kind == "minilm" and restored.dims == (1 << FEATURE_BITS) + 384
    assert all(restored.params[k] == v for k, v in EMBEDDING_DEFAULTS["minilm"].items())
    # the static table's dimensions mean nothing to the transformer: only the TF-IDF part is kept
    assert restored.stories[story].centroid and max(restored.stories[story].centroid) < 1 << FEATURE_BITS
    follow_up = GroupItem("3", "Central bank interest rates rise as inflation bites", published=_day(2, 15))
    assert restored.add(follow_up) == story
    assert StoryGrouper.from_state(restored.to_state()).embedding_kind == "minilm"


def test_the_setting_reaches_the_store(tmp_path) -> None:
    """NEWSDESK_STORY_EMBEDDINGS-style setting: the seed's truce teasers still form one story alone."""
    if not SEED.is_file():
        pytest.skip("seed page absent")
    settings = Settings.load({"db": str(tmp_path / "desk.db"), "story_embeddings": "minilm"},
                             config_file=str(tmp_path / "none.toml"))
    from newsdesk.store.sqlite import connect

    db = connect(settings.db)
    try:
        ingest([str(SEED)], db, settings, enrich=False)
        update_stories(db, settings)
        state = json.loads(db.execute("SELECT value FROM state WHERE key = 'story_grouper'").fetchone()[0])
        stories = [r[0] for r in db.execute("SELECT story_id FROM teasers WHERE headline LIKE '%Hezbollah%'")]
        sizes = {r[0]: r[1] for r in db.execute("SELECT id, size FROM stories")}
    finally:
        db.close()
    assert state["embeddings"] == "minilm"
    assert len(stories) == 2 and len(set(stories)) == 1 and sizes[stories[0]] == 2


@pytest.mark.slow
def test_uci_quality_floor_with_the_transformer() -> None:
    path = shared_data() / UCI_PATH
    if not path.is_file():
        pytest.skip(f"shared data absent: {path}")
    dataset = load_uci(path, limit=4000)  # the first days: 30 CPU-s of transformer
    transformer = bcubed(StoryGrouper(embeddings="minilm").group(dataset.items), dataset.gold)["f1"]
    static = bcubed(StoryGrouper().group(dataset.items), dataset.gold)["f1"]
    # measured 0.875 and 0.878: since calendar words and numbers left the static vectors (0.873 before), the two
    # are level on these first days; the transformer's gain shows on the whole file (BENCHMARKS.md), too slow here
    assert transformer >= 0.86 and static >= 0.86 and abs(transformer - static) < 0.02, (transformer, static)
