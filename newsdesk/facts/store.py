"""The facts step over the store: extract facts for every canonical article that lacks them.

``FACTS_VERSION`` is stored with each article's facts, so raising it after an extractor improves makes
the next run redo old articles instead of leaving them with stale facts.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from newsdesk.records import Progress
from newsdesk.store.queries import row_to_article
from newsdesk.store.write import save_facts

FACTS_VERSION = 9  # 2: parse per sentence, sources the parse missed, places named as administrative units;
# 3: places the gazetteer lacks get a country, continents, no lower-case entities, no facts read from other languages;
# 4: a group tagged as a nationality ("Islamic State") is an organisation;
# 5: one number in two places is two figures, figures dated by their event, cities as place context, no photo
# credits as names, short and unspaced non-English texts not read;
# 6: regions found by the names texts use ("Crimea" for the Autonomous Republic of Crimea)
# 7: attackers' dead and corrected tolls marked, a figure's place and day those of the event, nationalities
# and attributive countries no places, big places the model missed, relative days from the dateline's day
# 8: counts added to an earlier toll ("two more died") marked, never the toll itself
# 9: numbers that count no one (markers, addresses, units, rates, magnitudes, negated), list items, clause dates,
# causes and sources no event's place; AP state abbreviations, world cities over namesakes, storms no places,
# a timeline entry's year from the entry before it
BATCH = 64


def update_facts(db: sqlite3.Connection, on_step: Progress | None = None) -> Counter:
    from newsdesk.extract import in_english
    from newsdesk.facts import extract_facts_batch

    counts: Counter = Counter()
    rows = db.execute(
        """SELECT a.* FROM articles a LEFT JOIN facts_done f ON f.article_id = a.id
           WHERE a.duplicate_of IS NULL AND (f.version IS NULL OR f.version < ?)
           ORDER BY a.published, a.id""",
        (FACTS_VERSION,),
    ).fetchall()
    for start in range(0, len(rows), BATCH):
        articles = [row_to_article(row) for row in rows[start: start + BATCH]]
        with db:
            for article, facts in zip(articles, extract_facts_batch(articles), strict=True):
                save_facts(db, facts, FACTS_VERSION)
                counts["articles" if in_english(article) else "skipped, not in English"] += 1
                counts["figures"] += len(facts.figures)
        if on_step:
            on_step("facts", min(start + BATCH, len(rows)), len(rows))
    return counts
