"""Line up a story's casualty figures across its articles.

Tolls rise as a story develops and outlets quote different sources, so one number per event is
wrong twice: it hides the history and it hides disagreement. Figures are grouped by category and
event (what happened, where, when: fields missing in one report match any value in another), and
each group keeps the latest and the highest figure plus every report with its source and time.
"""

from __future__ import annotations

from typing import Any

from newsdesk.records import Article, Facts, Figure


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _time_key(time: str | None) -> str | None:
    return time.split("/")[0][:7] if time else None  # same month: reports disagree on the exact day


def _figure_row(article: Article, figure: Figure) -> dict[str, Any]:
    return {
        "text": figure.text, "low": figure.low, "high": figure.high, "victims": figure.victims,
        "subgroups": figure.subgroups, "attributed_to": figure.attributed_to, "place": figure.place,
        "time": figure.time, "article_id": article.id, "site": article.site, "published": article.published,
        "sentence": figure.sentence,
    }


def _size(row: dict[str, Any]) -> float:
    return max(v for v in (row["low"], row["high"], 0.0) if v is not None)


def group_figures(per_article: list[tuple[Article, Facts]]) -> list[dict[str, Any]]:
    """The figures of a story's articles in groups of one category and event, each with its ``reports`` as
    (article, figure) pairs, oldest first: what ``reconcile_figures`` reports on, and what the figures
    export marks on every figure, so that both count the same tolls."""
    groups: list[dict[str, Any]] = []
    ordered = sorted(per_article, key=lambda pair: pair[0].published or "")
    for article, facts in ordered:
        for figure in facts.figures:
            group = next(
                (g for g in groups
                 if g["category"] == figure.category
                 and _compatible(g["event"], figure.event)
                 and _compatible(g["place"], figure.place)
                 and _compatible(g["time_key"], _time_key(figure.time))
                 and _compatible(g["victims"], figure.victims)),
                None,
            )
            if group is None:
                group = {"category": figure.category, "event": figure.event, "place": figure.place,
                         "time_key": _time_key(figure.time), "victims": figure.victims, "reports": []}
                groups.append(group)
            for key, value in (("event", figure.event), ("place", figure.place), ("time_key", _time_key(figure.time)), ("victims", figure.victims)):
                group[key] = group[key] or value
            group["reports"].append((article, figure))
    return groups


def reconcile_figures(per_article: list[tuple[Article, Facts]]) -> list[dict[str, Any]]:
    """Per event and category: ``latest``, ``highest`` and the full ``history`` (oldest first)."""
    result = []
    for group in group_figures(per_article):
        history = [_figure_row(article, figure) for article, figure in group.pop("reports")]
        group["time"] = group.pop("time_key")
        group["latest"] = history[-1]
        group["highest"] = max(history, key=_size)
        group["sources"] = sorted({row["attributed_to"] for row in history if row["attributed_to"]})
        group["history"] = history
        result.append(group)
    return result
