"""Date expressions in article text, resolved against the publication date.

News prose dates events relative to the day it was written ("on Wednesday", "last month"), so a
date is only useful once anchored. spaCy's DATE entities find most spans but do not resolve them,
and miss some ("September 19" inside a long clause is usually found, "since 2011" loses its
"since"), so we scan with our own patterns as well and merge the two. Weekdays point back to the
most recent such day on or before publication unless the sentence is about the future ("will travel
to Moscow on Thursday"), the usual newsroom convention.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date, timedelta

from newsdesk.records import DateMention

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

# The patterns are lower-case and run over the lower-cased text: case-insensitive matching costs twice as much.
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_REL = r"(?:(?P<rel>since|before|after|until|till|by|from|in|on|during)\s+)?"
# "overnight" as an adverb ("rose overnight.", "overnight in Aleppo"), not the adjective of "overnight wards"
_OVERNIGHT = (r"overnight(?=\s*(?:[^\w\s]|$)|\s+(?:and|or|but|in|on|at|to|into|as|after|before|when|while|with|from"
              r"|near|across|amid|despite|following|local)\b)")
_PATTERNS = [
    # "September 22", "Sept. 22, 2016", "October 2 2016"
    ("month_day", rf"{_REL}(?:{_WEEKDAY},?\s+)?(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"),
    # "22 September 2016", "2 October"
    ("day_month", rf"{_REL}(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"),
    ("iso", rf"{_REL}(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
    # "in September 2015", "last September"
    ("month_year", rf"{_REL}(?P<month>{_MONTH})\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b"),
    ("weekday", rf"{_REL}(?P<mod>last|next|this|past|coming)?\s*(?P<weekday>{_WEEKDAY})(?P<part>\s+(?:morning|afternoon|evening|night))?\b"),
    ("relative", rf"{_REL}(?P<rword>yesterday|today|tomorrow|tonight|last\s+night|the\s+day\s+before\s+yesterday|"
                 rf"the\s+day\s+after\s+tomorrow|{_OVERNIGHT})\b"),
    ("unit", rf"{_REL}(?P<early>early|late|mid-?)?\s*(?P<mod>last|next|this|past)\s+(?P<unit>week|month|year|weekend)\b"),
    ("named_month", rf"{_REL}(?P<mod>last|next|this|early|late)\s+(?P<month>{_MONTH})\b"),
    ("bare_month", rf"\b(?P<rel>in|since|during|until|by)\s+(?P<month>{_MONTH})\b(?!\s+\d)"),
    ("decade", rf"{_REL}the\s+(?P<decade>(?:19|20)\d0)s\b"),
    ("year", rf"{_REL}(?P<early>early|late|mid-?)?\s*(?P<year>(?:19|20)\d\d)\b(?![-/]\d)"),
    ("ago", r"(?P<count>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>day|week|month|year)s?\s+ago\b"),
]
_COMPILED = [(name, re.compile(rf"\b{pat}")) for name, pat in _PATTERNS]
_RELATIVE_SHIFT = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "last night": -1,
                   "the day before yesterday": -2, "the day after tomorrow": 2}
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# Markers of tense, future first: "is expected to" is future though "expected" looks past, and "would" is the
# future of reported speech ("said it would meet on Thursday"). Past forms are regular ones ("killed"; not
# "need", "hundred") and the commonest irregular verbs of news.
_TENSE = re.compile(
    r"\b(?:(?P<future>will|shall|\w+'ll|would|(?:is|are) due|plans? to|(?:is|are) to(?! blame)|scheduled|upcoming|"
    # a plan reported in the past is still ahead: "the rain was expected to ease by Wednesday" ("was due to" is
    # as often "because of": "was due to the court ruling in May")
    r"going to|(?:is|are|was|were) (?:set|expected|scheduled|slated) to|"
    # an aim looks ahead: "has enough delegates to defeat Republican John McCain in November"
    r"to (?:defeat|beat|win|face|meet|hold|vote|visit|elect|sign|launch|attend|contest|challenge))"
    r"|(?P<past>(?!\w*eed\b|hundred\b)\w{2,}ed|was|were|had|did|said|told|took|met|began|came|went|left|held|fell|hit|struck|shot|"
    r"saw|made|gave|found|got|ran|won|lost|fought|flew|sent|led|brought|spoke|wrote|rose|broke|sank|blew|threw|caught|"
    r"fled|stood|sought|kept|paid|sold|became|has|have))\b",
    re.I,
)
_RELATIONS = {"since": "since", "from": "since", "before": "before", "after": "after", "until": "until", "till": "until", "by": "until"}


def parse_published(value: str | None) -> date | None:
    """The publication day from an ISO date or datetime string; None when absent or unreadable."""
    if not value:
        return None
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)", value.strip())
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def _month_shift(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _year_for(month: int, day_of_month: int, anchor: date | None, future: bool) -> int | None:
    """Year of a day given without one: the anchor's, unless that lands implausibly far ahead or behind."""
    if anchor is None:
        return None
    year = anchor.year
    try:
        candidate = date(year, month, day_of_month)
    except ValueError:
        return year
    if not future and (candidate - anchor).days > 60:
        return year - 1
    if future and (anchor - candidate).days > 180:
        return year + 1
    return year


def _resolve(kind: str, m: re.Match[str], anchor: date | None, future: bool) -> str | None:
    g = m.groupdict()
    if kind in ("month_day", "day_month", "iso"):
        month = int(g["month"]) if kind == "iso" else MONTHS[g["month"].lower().rstrip(".")]
        day_of_month = int(g["day"])
        year = int(g["year"]) if g.get("year") else _year_for(month, day_of_month, anchor, future)
        if year is None:
            return f"XXXX-{month:02d}-{day_of_month:02d}"
        try:
            return date(year, month, day_of_month).isoformat()
        except ValueError:
            return None
    if kind == "month_year":
        return f"{int(g['year']):04d}-{MONTHS[g['month'].lower().rstrip('.')]:02d}"
    if kind == "year":
        return g["year"]
    if kind == "decade":
        start = int(g["decade"])
        return f"{start}/{start + 9}"
    if anchor is None:
        return None
    if kind == "weekday":
        target = WEEKDAYS[g["weekday"].lower()]
        mod = (g.get("mod") or "").lower()
        if mod == "next" or (future and mod not in ("last", "past")):
            ahead = (target - anchor.weekday()) % 7
            if mod == "next" and ahead == 0:
                ahead = 7  # "next Monday" written on a Monday is a week on, not the day itself
            return (anchor + timedelta(days=ahead)).isoformat()
        back = (anchor.weekday() - target) % 7
        if mod in ("last", "past") and back == 0:
            back = 7
        return (anchor - timedelta(days=back)).isoformat()
    if kind == "relative":
        word = " ".join(g["rword"].split())
        # A night is dated by the evening it begins, as "Monday night" is: "overnight" in the past tense is the
        # night just ended, which began the day before the dateline ("last night"); ahead, it is tonight.
        shift = (0 if future else -1) if word == "overnight" else _RELATIVE_SHIFT[word]
        return (anchor + timedelta(days=shift)).isoformat()
    if kind == "unit":
        step = {"last": -1, "past": -1, "this": 0, "next": 1}[g["mod"].lower()]
        unit = g["unit"].lower()
        if unit == "year":
            return str(anchor.year + step)
        if unit == "month":
            year, month = _month_shift(anchor, step)
            return f"{year:04d}-{month:02d}"
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=step)
        if unit == "weekend":
            return f"{(monday + timedelta(days=5)).isoformat()}/{(monday + timedelta(days=6)).isoformat()}"
        return f"{monday.isoformat()}/{(monday + timedelta(days=6)).isoformat()}"
    if kind in ("named_month", "bare_month"):
        month = MONTHS[g["month"].lower().rstrip(".")]
        mod = (g.get("mod") or "").lower()
        year = anchor.year
        # "last September" is the latest September before the dateline, this year's from October on;
        # "in January", said of the future in December, is next year's
        if (mod == "last" and month >= anchor.month) or (mod != "next" and not future and month > anchor.month):
            year -= 1
        if (mod == "next" and month <= anchor.month) or (future and mod not in ("last", "next") and month < anchor.month):
            year += 1
        return f"{year:04d}-{month:02d}"
    if kind == "ago":
        count = int(g["count"]) if g["count"].isdigit() else _SMALL[g["count"].lower()]
        unit = g["unit"].lower()
        if unit == "day":
            return (anchor - timedelta(days=count)).isoformat()
        if unit == "week":
            return (anchor - timedelta(weeks=count)).isoformat()
        if unit == "month":
            year, month = _month_shift(anchor, -count)
            return f"{year:04d}-{month:02d}"
        return str(anchor.year - count)
    return None


TENSE_REACH = 300
# A date that a present "is" governs is an appointment, ahead: "officials said the vote is on Thursday", "the
# hearing is set for Monday" (the span starts at its "on")
_SCHEDULED = re.compile(r"\b(?:is|are)\s+(?:(?:set|scheduled|slated|due|planned)\s+)?(?:for\s+)?$", re.I)
_SCHEDULED_REACH = 30


def _future(text: str, start: int, end: int) -> bool:
    """Whether the verb a date belongs to is in the future tense. Without a parse, that verb is taken to be
    the nearest marker of tense before the date in its sentence, else the nearest after: in "talks will
    resume on Monday, officials said, after a strike on Monday killed 8", the first Monday is ahead and the
    second behind, and in "will hold a funeral on Friday for those killed in Tuesday's bombing" the
    Tuesday is past. In reported speech the nearest marker is the reported verb's, not the reporting one's:
    "the council said it would meet on Thursday" is ahead, and so is a date that a present "is" governs ("the
    vote is on Thursday"). The search stays within ``TENSE_REACH`` characters of the date: a verb farther away
    is not the date's, and a text without sentence breaks had made every date search all of it."""
    floor, ceiling = max(0, start - TENSE_REACH), min(len(text), end + TENSE_REACH)
    left = max(text.rfind(". ", floor, start), text.rfind("\n", floor, start), floor - 1) + 1
    if _SCHEDULED.search(text, max(left, start - _SCHEDULED_REACH), start):
        return True
    right_candidates = [i for i in (text.find(". ", end, ceiling), text.find("\n", end, ceiling)) if i >= 0]
    right = min(right_candidates) if right_candidates else ceiling
    before = list(_TENSE.finditer(text, left, start))
    marker = before[-1] if before else _TENSE.search(text, end, right)
    return bool(marker and marker.group("future"))


class _Spans:
    """Spans that do not overlap, kept in order, so that testing a new one costs a search, not a scan (a text
    of 6,000 dates took half a minute)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect_left(self.starts, end)  # the spans starting before ``end``; only the last may reach ``start``
        return at > 0 and self.ends[at - 1] > start

    def add(self, start: int, end: int) -> None:
        at = bisect_left(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def find_dates(text: str, published: str | None, extra_spans: list[tuple[int, int]] = ()) -> list[DateMention]:
    """Every date expression in ``text`` with its span, resolved against ``published`` where possible.

    ``extra_spans`` are DATE spans from the NER model; those our patterns cannot resolve are kept
    with ``value=None`` so nothing the model saw is dropped.
    """
    anchor = parse_published(published)
    found: list[DateMention] = []
    taken = _Spans()
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lower-case to two ("İ"): keep the offsets aligned
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(lowered):
            start, end = m.start(), m.end()
            if taken.overlaps(start, end):
                continue
            if kind == "year" and (_looks_like_time(lowered, start, end)
                                   or (not (m.group("rel") or m.group("early")) and _looks_like_count(text, start, end))):
                continue
            future = _future(text, start, end)
            value = _resolve(kind, m, anchor, future)
            if kind == "month_day" and not m.group("year") and _NINE_ELEVEN.match(lowered, m.start("month")):
                value = "2001-09-11"
            rel_word = (m.groupdict().get("rel") or "").lower()
            # the preposition is kept in the span only when it changes the meaning ("since 2011")
            if rel_word and rel_word not in _RELATIONS:
                start = m.start("rel") + len(m.group("rel"))
            start += len(text[start:end]) - len(text[start:end].lstrip())
            taken.add(m.start(), m.end())
            found.append(DateMention(text=text[start:end], value=value, start=start, end=end, relation=_RELATIONS.get(rel_word, "on")))
    for s_start, s_end in extra_spans:
        # the model tags a clock time ("0200 local time") DATE now and then: it dates nothing
        if re.fullmatch(r"\d{4}", text[s_start:s_end].strip()) and _looks_like_time(lowered, s_start, s_end):
            continue
        if not taken.overlaps(s_start, s_end):
            taken.add(s_start, s_end)
            found.append(DateMention(text=text[s_start:s_end], value=None, start=s_start, end=s_end))
    return _timeline_years(text, sorted(found, key=lambda d: d.start), anchor)


_ENTRY_END = re.compile(r"\s*(?::|[-–—]\s)")
_FULL_DAY = re.compile(r"^(\d{4})-(\d\d)-\d\d$")


def _timeline_years(text: str, mentions: list[DateMention], anchor: date | None) -> list[DateMention]:
    """A timeline's entries name their year once: in "7 Nov 2010: First polls ... 13 Nov: Aung San Suu Kyi freed"
    (published a year later) the 13 Nov is 2010's, not the publication year's. An entry is a date that opens its
    line and ends at a colon or a dash; one without a year takes the year of the entry before it (the next year
    when its month comes earlier, unless that is after the report)."""
    last: tuple[int, int] | None = None  # (year, month) of the latest timeline entry
    for mention in mentions:
        line_start = text.rfind("\n", 0, mention.start) + 1
        entry = not text[line_start:mention.start].strip() and _ENTRY_END.match(text, mention.end)
        day = _FULL_DAY.match(mention.value or "")
        if not (entry and day):
            continue
        year, month = int(day.group(1)), int(day.group(2))
        if re.search(r"\b\d{4}\b", mention.text):
            last = (year, month)
        elif last is not None:
            year = last[0] + (month < last[1])
            if anchor and date(year, month, 1) > anchor:
                year = last[0]
            mention.value = f"{year:04d}{mention.value[4:]}"
            last = (year, month)
    return mentions


# "the September 11 attacks" are those of 2001, whenever the story was written
_NINE_ELEVEN = re.compile(r"sep(?:t(?:ember)?)?\.?\s+11(?:th)?\s+(?:terror(?:ist)?\s+)?attacks?\b")


_COUNTED = re.compile(r"(people|persons|troops|soldiers|homes|houses|families|residents|km|miles|metres|meters|dollars|\$|%)")


def _looks_like_count(text: str, start: int, end: int) -> bool:
    """A four-digit number followed by a noun of quantity ("2000 people") is not a year."""
    after = text[end : end + 20].lstrip().lower()
    before = text[max(0, start - 2) : start]
    return bool(_COUNTED.match(after)) or "$" in before


# a time zone, or the words that say a four-digit number is a time of day
_CLOCK_AFTER = re.compile(r"\s*(?:hours|hrs|local time|z|gmt|utc|[ecmp][sd]t|bst|ist|cet|cest|eet|eest|msk|jst|kst|aest|aedt|sast|"
                          r"wat|eat|pkt|hkt|sgt|wib)\b")
_CLOCK_BEFORE = re.compile(r"\bat\s+(?:about\s+|around\s+|approximately\s+)?$")


def _looks_like_time(lowered: str, start: int, end: int) -> bool:
    """A four-digit number is a time of day, not a year, when a time zone or "hours" or "local time" follows
    it ("2030 UTC", "0200 local time"), or when it reads as HHMM after "at" ("at 2030 on Sunday")."""
    digits = re.search(r"\d{4}", lowered[start:end])
    if digits is None:
        return False
    number_start, number_end = start + digits.start(), start + digits.end()
    if _CLOCK_AFTER.match(lowered, number_end):
        return True
    hours, minutes = int(lowered[number_start:number_start + 2]), int(lowered[number_start + 2:number_end])
    return hours < 24 and minutes < 60 and bool(_CLOCK_BEFORE.search(lowered, max(0, number_start - 30), number_start))
