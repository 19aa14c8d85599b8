"""Line up a story's casualty figures across its articles.

Tolls rise as a story develops and outlets quote different sources, so one number per event is
wrong twice: it hides the history and it hides disagreement. Figures are grouped by category and
event (what happened, where, when: fields missing in one report match any value in another), and
each group keeps the latest and the highest figure plus every report with its source and time, and says when
sources disagree on the newest day.

Reports name one event's place at different grains ("a camp near Goma", "the Mugunga camp"), so two places
are one when one name holds the other ("Malatya", "Malatya province") or when two reports give the same
count of the same category in the same month for them: that pair is then one place for the whole story, so
its other tolls (the wounded) join up too. The attackers' own dead ("three of the attackers were killed")
are a group of their own (``perpetrators``), never part of their victims' toll.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Any

from newsdesk.records import Article, Facts, Figure


# the victims a figure counts are the perpetrators: "attackers", "gunmen", "two suicide bombers"
_PERPETRATORS = re.compile(r"\b(?:attackers?|assailants?|gunm[ae]n|militants?|bombers?|hijackers?|terrorists?|insurgents?)$",
                           re.I)


# words that say no more about the victims than a count without a noun: "30 others" and "about 60 people" wounded
# can be the same toll as "17 civilians" can be that of "17 dead"
_ANYONE = {"people", "persons", "others", "individuals", "victims"}


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _victims(figure: Figure) -> str | None:
    return None if figure.victims in _ANYONE else figure.victims


def _perpetrators(figure: Figure) -> bool:
    return bool(figure.victims and _PERPETRATORS.search(figure.victims))


def _one_place(a: str | None, b: str | None, tied: set[frozenset[str]]) -> bool:
    """Whether two figure places may be one event's: either unknown, the same, one named inside the other
    ("Malatya province" and "Malatya"), or ``tied`` by the story."""
    if a is None or b is None or a == b or frozenset((a, b)) in tied:
        return True
    short, long = sorted((a.lower(), b.lower()), key=len)
    return re.search(rf"\b{re.escape(short)}\b", long) is not None


def _tied_places(per_article: list[tuple[Article, Facts]]) -> set[frozenset[str]]:
    """Pairs of places that two reports give the same count for (category, bounds, month): "17 killed near
    Goma" one day, "killed 17 civilians" at the Mugunga camp the next. Within one report two places with the same
    count are two events ("three killed in Idlib ... three also killed in Hama"). Both must be dated, by the
    figure or its report: "at least four killed" in Zaranj and in Lahore, in two undated reports, had made
    Zaranj and Lahore one place."""
    placed = [(article.id, figure, _time_key(figure.time or article.published)) for article, facts in per_article
              for figure in facts.figures if figure.place and (figure.time or article.published)]
    # a pair one report gives as two figures ("a drone killed 13 in Pakistan", "a gunman killed 13" in New York)
    # is two places, whatever other reports' counts tie
    apart = {frozenset((a.place, b.place)) for _, facts in per_article for a, b in combinations(facts.figures, 2)
             if a.place and b.place and a.place != b.place and a.category == b.category}
    return {frozenset((a.place, b.place)) for (first, a, a_month), (second, b, b_month) in combinations(placed, 2)
            if first != second and a.place != b.place and a.category == b.category
            and (a.low, a.high) == (b.low, b.high) and a_month == b_month and _perpetrators(a) == _perpetrators(b)} - apart


# "Last year more than 8,600 people died", "killed in October", "each year": words that date a figure to another
# time than the report's event, or make it a tally of a period
_ELSEWHEN = re.compile(
    r"\b(?:(?:last|each|every|per|a|that|the previous|the same) (?:year|month|week|decade)|annually|yearly|"
    r"(?:weeks|months|years|days) (?:earlier|before|ago)|in (?:(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)|(?:19|20)\d\d)\b)", re.I)
_CLAUSE = re.compile(r"[,;:()]|\s[–—-]-?\s")


def _elsewhen(article: Article, figure: Figure) -> str | None:
    """The words of a figure's clause that date it away from the report's event ("At least 20 people were
    killed in October", "Last year more than 8,600 people died"): such a figure joins only figures dated by the
    same words, never the event's undated toll. A figure whose time is the report's own month is the event's."""
    if figure.time and article.published and figure.time[:7] == article.published[:7]:
        return None
    at = figure.sentence.find(figure.text)
    if at < 0:
        return None
    breaks = list(_CLAUSE.finditer(figure.sentence))
    start = max([m.end() for m in breaks if m.end() <= at], default=0)
    end = min([m.start() for m in breaks if m.start() >= at + len(figure.text)], default=len(figure.sentence))
    found = _ELSEWHEN.search(figure.sentence, start, end)
    return found.group(0).lower() if found else None


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
        "sentence": figure.sentence, "replaced": figure.replaced,
        "added": figure.added,
    }


def _size(row: dict[str, Any]) -> float:
    return max(v for v in (row["low"], row["high"], 0.0) if v is not None)


def group_figures(per_article: list[tuple[Article, Facts]]) -> list[dict[str, Any]]:
    """The figures of a story's articles in groups of one category and event, each with its ``reports`` as
    (article, figure) pairs, oldest first: what ``reconcile_figures`` reports on, and what the figures
    export marks on every figure, so that both count the same tolls."""
    groups: list[dict[str, Any]] = []
    # by date, then id: the CLI, the desk and the export hand the reports over in different orders
    ordered = sorted(per_article, key=lambda pair: (pair[0].published or "", pair[0].id))
    tied = _tied_places(ordered)
    for article, facts in ordered:
        for figure in facts.figures:
            elsewhen = _elsewhen(article, figure)
            group = next((g for g in groups if g["elsewhen"] == elsewhen and _joins(g, figure, tied)), None)
            if group is None:
                group = {"category": figure.category, "event": figure.event, "place": figure.place,
                         "time_key": _time_key(figure.time), "victims": _victims(figure),
                         "perpetrators": _perpetrators(figure), "elsewhen": elsewhen, "reports": []}
                groups.append(group)
            for key, value in (("event", figure.event), ("place", figure.place), ("time_key", _time_key(figure.time)),
                               ("victims", _victims(figure))):
                group[key] = group[key] or value
            group["reports"].append((article, figure))
    for group in groups:
        group["latest_report"] = _latest(group["reports"])
    return groups


def _joins(group: dict[str, Any], figure: Figure, tied: set[frozenset[str]]) -> bool:
    """Whether ``figure`` may be one more report of the group's toll: same category and kind of victim, and no
    field that says another event (a figure naming no victims fits any group, but never the attackers')."""
    return (group["category"] == figure.category
            and group["perpetrators"] == _perpetrators(figure)
            and _compatible(group["event"], figure.event)
            and all(_one_place(report.place, figure.place, tied) for _, report in group["reports"])
            and _same_time(group["time_key"], _time_key(figure.time))
            and _compatible(group["victims"], _victims(figure)))


def _latest(reports: list[tuple[Article, Figure]]) -> tuple[Article, Figure]:
    """The toll the newest report gives: of its figures in the group, the largest. Its later sentences give a
    part of the toll ("twelve of them in the east") or repeat an earlier count, so its last figure is often
    not what the report says the toll now is."""
    tolls = [pair for pair in reports if not pair[1].added] or reports  # "two more died" is no toll of its own
    newest = [pair for pair in tolls if pair[0].id == tolls[-1][0].id]
    current = [pair for pair in newest if not pair[1].replaced] or newest  # not a toll it says was replaced
    return max(current, key=lambda pair: _size(_figure_row(*pair)))


def _disputed(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures different sources give on the group's newest day, when they differ ("19, according to the
    Observatory" beside "12, state media said"): a monitor must see that the toll is contested, not one number.
    Each source's last word on that day; empty when the sources of that day agree or only one spoke. "Police"
    and "police" are one source."""
    day = (history[-1]["published"] or "")[:10]
    said: dict[str, dict[str, Any]] = {}
    for row in history:
        if row["attributed_to"] and not row["added"] and (row["published"] or "")[:10] == day:
            said[row["attributed_to"].casefold()] = row
    return list(said.values()) if len({_size(row) for row in said.values()}) > 1 else []


def reconcile_figures(per_article: list[tuple[Article, Facts]]) -> list[dict[str, Any]]:
    """Per event and category: ``latest``, ``highest``, the full ``history`` (oldest first) and the figures of
    sources that ``disputed`` the toll on its newest day."""
    result = []
    for group in group_figures(per_article):
        reports = group.pop("reports")
        history = [_figure_row(article, figure) for article, figure in reports]
        group["time"] = group.pop("time_key")
        group.pop("elsewhen")
        latest = group.pop("latest_report")
        group["latest"] = next(row for row, pair in zip(history, reports) if pair is latest)
        group["disputed"] = _disputed(history)
        group["highest"] = max([row for row in history if not row["added"]] or history, key=_size)
        spellings = {row["attributed_to"].casefold(): row["attributed_to"] for row in reversed(history) if row["attributed_to"]}
        group["sources"] = sorted(spellings.values())
        group["history"] = history
        result.append(group)
    return result
