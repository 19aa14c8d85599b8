"""Line up a story's casualty figures across its articles.

Tolls rise as a story develops and outlets quote different sources, so one number per event is
wrong twice: it hides the history and it hides disagreement. Figures are grouped by category and
event (what happened, where, when: fields missing in one report match any value in another), and
each group keeps the latest and the highest figure plus every report with its source and time, and says when
sources disagree on the newest day.
"""

from __future__ import annotations

from typing import Any

from newsdesk.records import Article, Facts, Figure


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _time_key(time: str | None) -> str | None:
    return time.split("/")[0][:7] if time else None  # same month: reports disagree on the exact day


def _same_time(a: str | None, b: str | None) -> bool:
    """A figure for a whole year ("2,412 civilians were killed in 2009") is a tally, not an event's toll: it
    joins only figures of that year, where an undated figure joins any month."""
    if (a and len(a) == 4) or (b and len(b) == 4):
        return a == b
    return _compatible(a, b)


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
                 and _same_time(g["time_key"], _time_key(figure.time))
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
    for group in groups:
        group["latest_report"] = _latest(group["reports"])
    return groups


def _latest(reports: list[tuple[Article, Figure]]) -> tuple[Article, Figure]:
    """The toll the newest report gives: of its figures in the group, the largest. Its later sentences give a
    part of the toll ("twelve of them in the east") or repeat an earlier count, so its last figure is often
    not what the report says the toll now is."""
    newest = reports[-1][0].id
    return max((pair for pair in reports if pair[0].id == newest), key=lambda pair: _size(_figure_row(*pair)))


def _disputed(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures different sources give on the group's newest day, when they differ ("19, according to the
    Observatory" beside "12, state media said"): a monitor must see that the toll is contested, not one number.
    Each source's last word on that day; empty when the sources of that day agree or only one spoke."""
    day = (history[-1]["published"] or "")[:10]
    said: dict[str, dict[str, Any]] = {}
    for row in history:
        if row["attributed_to"] and (row["published"] or "")[:10] == day:
            said[row["attributed_to"]] = row
    return list(said.values()) if len({_size(row) for row in said.values()}) > 1 else []


def reconcile_figures(per_article: list[tuple[Article, Facts]]) -> list[dict[str, Any]]:
    """Per event and category: ``latest``, ``highest``, the full ``history`` (oldest first) and the figures of
    sources that ``disputed`` the toll on its newest day."""
    result = []
    for group in group_figures(per_article):
        reports = group.pop("reports")
        history = [_figure_row(article, figure) for article, figure in reports]
        group["time"] = group.pop("time_key")
        latest = group.pop("latest_report")
        group["latest"] = next(row for row, pair in zip(history, reports) if pair is latest)
        group["disputed"] = _disputed(history)
        group["highest"] = max(history, key=_size)
        group["sources"] = sorted({row["attributed_to"] for row in history if row["attributed_to"]})
        group["history"] = history
        result.append(group)
    return result
