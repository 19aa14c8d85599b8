"""Stories: the store-level steps that group new items into stories and write missing headlines.

Grouping runs over what the store holds but has not grouped yet, in publication order, with the open
window's state persisted between runs (``state`` table). So an ingest killed before this step loses
nothing: the next run picks the ungrouped items up, and an item is never grouped twice. An item of
the latest time slice can still move to another story when a later run's items of the same slice
change how the slice clusters (see ``StoryGrouper.add_batch``); its old story is recounted, and
deleted once empty.

The steps hand ``Story`` and ``StoryMember`` records to ``store.write``, which holds the SQL, and read the
store through ``store.queries``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import replace

from newsdesk.records import Progress, Story, StoryMember
from newsdesk.settings import Settings
from newsdesk.store import queries, write
from newsdesk.store.write import refresh_story

GROUPER_STATE = "story_grouper"


def update_stories(db: sqlite3.Connection, settings: Settings) -> Counter:
    """Group the store's ungrouped items (``queries.ungrouped_items``) into stories, and write what changed."""
    from newsdesk.stories.grouping import GroupItem, StoryGrouper

    counts: Counter = Counter()
    state = queries.state(db, GROUPER_STATE)
    grouper = (StoryGrouper.from_state(json.loads(state), embeddings=settings.story_embeddings) if state
               else StoryGrouper(window_hours=settings.story_window_hours, embeddings=settings.story_embeddings,
                                 long_window_hours=settings.story_long_window_hours,
                                 slice_hours=settings.story_slice_hours))
    pending = {item["id"]: item for item in queries.ungrouped_items(db)}
    assignment = grouper.group(
        GroupItem(id=item["id"], headline=item["headline"], text=item["text"] or "", published=item["time"],
                  site=item["site"], url=item["url"], language=item["language"])
        for item in pending.values()
    )
    stories: dict[str, Story] = {}
    touched: set[str] = set()
    with db:
        for item_id, story_id in assignment.items():
            story_id = story_id if story_id.startswith("s") else f"s{story_id}"
            item = pending.get(item_id)
            if item is None:  # grouped in an earlier run; the slice's clustering has moved it
                grouped = queries.story_member(db, item_id)
                if grouped is None:
                    continue
                old_story, member = grouped
                touched.add(old_story)
                counts["items moved"] += 1
            else:
                member = StoryMember(item_id, item["headline"], item["published"], item["site"], kind=item["kind"])
                counts["items grouped"] += 1
            stories.setdefault(story_id, Story(story_id)).members.append(member)
        for story in stories.values():
            write.save_story(db, story)
        touched |= set(stories)
        for story_id in touched:
            refresh_story(db, story_id)
        write.delete_empty_stories(db, touched)
        write.save_state(db, GROUPER_STATE, json.dumps(grouper.to_state()))
    counts["stories touched"] = len(touched)
    return counts


HEADLINE_BATCH = 64  # items written per transaction: another ingest or the desk waits for one batch, not the step


def update_headlines(db: sqlite3.Connection, on_step: Progress | None = None) -> Counter:
    """Give every article without a headline or standfirst one, then every story without one."""
    from newsdesk.stories.headlines import member_centrality, story_headline, write_headline, write_standfirst

    counts: Counter = Counter()
    rows = queries.articles_without_headline(db)
    stories = queries.stories_without_headline(db)
    total = len(rows) + len(stories)
    for start in range(0, len(rows), HEADLINE_BATCH):
        with db:
            for row in rows[start: start + HEADLINE_BATCH]:
                article = queries.row_to_article(row)
                headline = write_headline(article)
                standfirst = write_standfirst(article) if not row["standfirst"] else None
                write.set_headline(db, article.id, headline.text, headline.sentence_index,
                                   standfirst.text if standfirst else row["standfirst"],
                                   standfirst.sentence_index if standfirst else row["standfirst_sentence"])
                counts["articles"] += 1
        if on_step:
            on_step("headlines", counts["articles"], total)
    for start in range(0, len(stories), HEADLINE_BATCH):
        with db:
            for story_id in stories[start: start + HEADLINE_BATCH]:
                members = queries.story_members(db, story_id)
                pairs = [(member.headline, text) for member, text in members]
                scores = member_centrality(pairs)
                headline, standfirst = story_headline(pairs, scores)
                write.set_story_headline(db, Story(
                    story_id, [replace(member, score=float(score)) for (member, _), score in zip(members, scores)],
                    headline.text, standfirst.text))
                counts["stories"] += 1
        if on_step:
            on_step("headlines", counts["articles"] + counts["stories"], total)
    return counts
