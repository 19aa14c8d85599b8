"""Where and when a casualty figure happened: the place and the day of the deaths it counts, which are
often not the ones its sentence names first.

A figure's sentence may name the place people fled to, were taken to or came from, or where a source sits
("evacuated to the capital, Bamako", "asylum seekers from Iran", "according to officials in Ankara"): such
places are asides, never the figure's place. A figure whose sentence names no place takes the event's: one
named in the lead or twice, else one the first paragraph puts something "in", else the country of a
nationality in the lead; a town beats its country, and the dateline's place wins over a country alone.
A figure's time is the day of the deaths, not of the report: "the toll from Monday's earthquake ... rose to 31
on Tuesday" is Monday's; "two days after" moves it back; a date of an earlier toll ("up from 12 on Monday")
is no time of this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from newsdesk.facts.places import country_of, gazetteer
from newsdesk.facts.quantities import number_value
from newsdesk.facts.sentences import Sentence
from newsdesk.records import DateMention, Entity, Place

# The kinds of event a casualty figure counts the dead of, as their words say them
EVENTS = [
    ("air strike", r"air[ -]?strikes?|air[ -]?raids?|aerial bombardment"), ("suicide bombing", r"suicide (?:bomb\w*|attack\w*)"),
    ("car bomb", r"car bombs?"), ("shelling", r"shelling|artillery"), ("bombing", r"bombings?|bombardments?|bombs?"),
    ("explosion", r"explosions?|blasts?|explosives?"), ("raid", r"raids?"), ("shooting", r"shootings?|gunfire|gunm[ae]n|shot"),
    ("clashes", r"clash(?:es)?|fighting|battles?|firefights?"), ("ambush", r"ambush\w*"), ("attack", r"attacks?|assaults?|offensive"),
    ("crash", r"crash\w*|collisions?|collided|derail\w*"), ("earthquake", r"earthquakes?|quakes?|tremors?|tsunamis?"),
    ("flood", r"floods?|flooding|landslides?|mudslides?"), ("storm", r"storms?|hurricanes?|typhoons?|cyclones?|tornado\w*"),
    ("fire", r"fires?|blazes?|wildfires?"), ("stampede", r"stampedes?"), ("collapse", r"collapse\w*"),
    ("outbreak", r"outbreaks?|epidemics?|pandemics?|virus|flu|cholera"), ("riot", r"riots?|protests?|unrest"),
    ("war", r"war|conflict|bloodshed|violence|insurgency|uprising"),
]
_PLACE_INTRO = re.compile(r"\b(?:village|town|city|district|province|region|neighbourhood|neighborhood|camp) of\b", re.I)

def figure_time(text: str, sent: Sentence, dates: list[DateMention], position: int,
                 time_of: Callable[[DateMention], str | None]) -> str | None:
    """The time of the deaths a figure at ``position`` counts, from the dates of its sentence: the day the
    sentence gives its event ("the death toll from Monday's earthquake ... rose to 31 on Tuesday" is Monday's),
    else the date nearest the figure. The day the story was filed, a statement made or a toll reached is not the
    day of the deaths when the sentence names another ("KYIV, March 8 - ... after a dam collapsed on Thursday",
    "... on Sunday, police said on Monday"); when it names no other, it is the nearest there is, moved back by
    "two days after" when the figure comes after those words. A date of the figure's own clause beats one nearer in
    the next ("a 2007 bomb in Algiers that killed 17 U.N. staff, and a 2003 attack"), and a record's date ("the
    highest number since 1998") dates no figure."""
    dates = [d for d in dates if not _RECORD_SINCE.search(text, max(0, d.start - 40), d.start)]
    clause_start, clause_end = clause_of(text, sent, position)
    dates = [d for d in dates if clause_start <= d.start < clause_end] or dates
    event_days = [d for d in dates if _POSSESSIVE_EVENT.match(text, d.end)]
    if event_days:
        return time_of(_as_point(_nearest_mention(event_days, position)))
    told = [d for d in dates if not _telling_date(text, sent, d.start)] or dates
    if not told:
        return None
    mention = _nearest_mention(told, position)
    if mention.end <= position and _WHEN.match(text, mention.end):
        mention = _as_point(mention)  # "since February 2023, when earthquakes killed more than 50,000"
    return _days_earlier(time_of(mention), _days_after(text[mention.end:position]))


# "Monday's earthquake", "the toll from Monday's shelling": the day of the event, not a span from it
_POSSESSIVE_EVENT = re.compile(rf"['’]s\s+(?:[\w-]+\s+){{0,2}}?(?:{'|'.join(pattern for _, pattern in EVENTS)})\b", re.I)
_WHEN = re.compile(r",?\s+when\b", re.I)
# "the highest number since 1998", "more than at any time since 2008": a record's date, not the figure's
_RECORD_SINCE = re.compile(r"(?:\b(?:highest|lowest|worst|deadliest|largest|biggest|fewest)\b[^,;.–—]{0,30}|\bany time\s+)$", re.I)
_CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas)\b|;|\s[–—]\s|\s--\s")


def clause_of(text: str, sent: Sentence, position: int) -> tuple[int, int]:
    """The stretch of the sentence around ``position`` between clause breaks (", and", ";", a dash)."""
    start, end = sent.start, sent.end
    for m in _CLAUSE_BREAK.finditer(text, sent.start, sent.end):
        if m.end() <= position:
            start = m.end()
        elif m.start() >= position:
            end = min(end, m.start())
    return start, end
# "risen to 31, up from 12 on Monday": the day of the earlier toll
_EARLIER_LEVEL = re.compile(r"\b(?:up|down) from\b[^,;]{0,30}$", re.I)
# "said on Wednesday ..., two days after shelling ... that killed 17": the shelling was on Monday
_DAYS_AFTER = re.compile(r"\b(\w+) days? after\b", re.I)
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def _as_point(mention: DateMention) -> DateMention:
    """The mention as the day something happened on, not the start of a span ("from Monday" in "the toll from
    Monday's shelling" reads as "since")."""
    return replace(mention, relation="on")


def _nearest_mention(mentions: list[DateMention], position: int) -> DateMention:
    return min(mentions, key=lambda mention: abs(mention.start - position))


def dates_earlier_toll(text: str, sent: Sentence, mention: DateMention) -> bool:
    return bool(_EARLIER_LEVEL.search(text[sent.start:mention.start]))


def _days_after(between: str) -> int:
    """How many days after the date the figure's event came, by the words between them ("two days after")."""
    match = _DAYS_AFTER.search(between)
    count = number_value(match.group(1)) if match else None
    return int(count) if count else 0


def _days_earlier(value: str | None, days: int) -> str | None:
    """A day ``days`` before ``value``, when ``value`` is a day; a month or a span stays as it is."""
    if not days or value is None or not _DAY.fullmatch(value):
        return value
    return (date.fromisoformat(value) - timedelta(days=days)).isoformat()


_TELLING = re.compile(r"\b(?:said|says|told|reported|announced|added|confirmed|stated|reports)\s+(?:on\s+|late\s+|early\s+)?$",
                      re.I)
DATELINE = re.compile(r"^[A-Z][\w .'’-]{0,60}(?:,[^–—\n]{0,40}?)?(?:\s*\([^)]{1,40}\))?\s{0,3}(?:-{1,2}|[–—])\s")


# "the death toll ... rose to 31 on Tuesday": the day the toll was reached, not the day of the deaths
_TOLL_REACHED = re.compile(r"\b(?:rose|risen|rises|climbed|climbs|jumped|increased|grew|reached)\s+(?:to\s+)?[^,;]{1,30}?\s+(?:on|by)\s+$",
                           re.I)


def _telling_date(text: str, sent: Sentence, start: int) -> bool:
    """Whether the date at ``start`` dates the telling, not the event: a dateline's, a reporting verb's or a
    toll's rise."""
    before = text[max(sent.start, start - 40): start]
    if _TELLING.search(before[-30:]) or _TOLL_REACHED.search(before):
        return True
    dateline = DATELINE.match(text[sent.start: sent.end])
    return bool(dateline) and start < sent.start + dateline.end()


def sentence_places(text: str, sentences: list[Sentence], index: int, place_spans: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Places named in the sentence, else in the one before it (same block), else in the next one
    when it introduces a place ("The strike on the village of Thalthana ...")."""
    def within(sent: Sentence) -> list[tuple[int, str]]:
        return [(s, n) for s, n in place_spans if sent.start <= s < sent.end]

    sent = sentences[index]
    found = within(sent)
    if not found and index and "\n\n" not in text[sentences[index - 1].start:sent.start]:
        found = within(sentences[index - 1])
    if not found and index + 1 < len(sentences) and _PLACE_INTRO.search(sentences[index + 1].text):
        found = within(sentences[index + 1])
    return found


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|at|outside|around|across|of|on)\s+(?:[\w-]+\s+)?$", re.I)
_ADMIN_UNIT = r"\s+(?:county|district|province|village|town|city|governorate|prefecture|township)"
_ADMIN_AFTER = re.compile(rf"{_ADMIN_UNIT}\b", re.I)
_ADMIN_END = re.compile(rf"{_ADMIN_UNIT}$", re.I)


def is_local(text: str, start: int, end: int) -> bool:
    """Whether a place mention names where something happened: "in Aleppo", "near the town of X",
    "struck mountainous Yushu county" (an administrative unit named as such is a location, not an actor)."""
    return bool(_LOCATIVE_BEFORE.search(text[max(0, start - 25):start]) or _ADMIN_AFTER.match(text, end)
                or _ADMIN_END.search(text[start:end]))


def is_country(place: Place) -> bool:
    return bool(place.country) and country_of(place.name) == place.country


# "asylum seekers from Iran", "evacuated to the capital, Bamako", "will spread to the earthquake ravaged city of
# Port-au-Prince", "has not reached Port-au-Prince": where people came from or were taken, not where they died. A bare
# "to" is no move: "a solution to Syria's bloodshed"
_AWAY_BEFORE = re.compile(r"\b(?:from|(?:taken|brought|moved|evacuated|flown|airlifted|rushed|transferred|sent|travel\w*|spread\w*|"
                          r"fled|flee\w*|return\w*|head\w*|bound)\s+(?:back\s+)?(?:to|into|for)|reach(?:ed|es|ing)?)\s+(?:the\s+)?"
                          r"(?:(?!(?:in|near|at|on|of)\b)[\w-]+\s+){0,2}"
                          r"(?:(?:city|town|village|capital|region|province|district)(?:\s+of|,)\s+)?$", re.I)
# "according to the officials at Ankara": where the source sits
_SOURCE_BEFORE = re.compile(r"\baccording to\b[^,.;:]*$", re.I)
# "U.N. officials in New York said": where the source sits, when a reporting verb follows the place
_SOURCE_IN = re.compile(r"\b(?:officials?|spokes(?:man|men|woman|women|person)|sources?|diplomats?|authorities)\s+in\s+$", re.I)
_SAYS_AFTER = re.compile(r"[\w .'’-]{0,30}?\s+(?:said|says|told|reported|announced|confirmed)\b")
# "a mob apparently angry over a Quran burning in Florida": the place of the cause, not of the killing; "looking "like
# Hiroshima"": a likeness
_CAUSE_BEFORE = re.compile(r"\b(?:angry|anger|angered|outrage\w*|furious|incensed|upset)\s+(?:over|about|at|by)\s+[^,.;]{0,30}$|"
                           r"[\"“]like\s+$", re.I)


def is_aside(text: str, start: int, end: int) -> bool:
    """Whether the place mentioned at ``start``..``end`` is one the event did not happen in: where people came
    from or were taken, where a source sits, where its cause was, or no place at all but a storm's name."""
    before = text[max(0, start - 60):start]
    return bool(_AWAY_BEFORE.search(before) or _SOURCE_BEFORE.search(before) or _CAUSE_BEFORE.search(before)
                or (_SOURCE_IN.search(before) and _SAYS_AFTER.match(text, start))
                or is_storm(text, text[start:end]))


def is_storm(text: str, name: str) -> bool:
    """"near where Gilbert made landfall": a name the text gives a storm ("Hurricane Gilbert") is no place."""
    return re.search(rf"\b(?:Hurricane|Typhoon|Cyclone|Tropical Storm|Storm)\s+{re.escape(name)}\b", text) is not None


def _dominant(places: list[Place], text: str, sentences: list[Sentence]) -> str | None:
    """The place an article's events happen in, for figures whose sentence names none: one the lead sentence
    names or the text names again, else one the lead paragraph puts something in ("The attacks occurred ... in
    the North Waziristan region"), not one named once in passing further down (Bamako, where the injured of a
    stampede in Timbuktu may be taken; Saint-Marc, where a field hospital was set up for a cholera outbreak).

    Towns beat countries, and mentions after "in/near/at" or named as a unit ("Herat province") count
    double: capitals used as governments ("Moscow said", "Washington announced") are frequent but are not
    where people died. Asides (``is_aside``) count for nothing. On a tie the place named first, the lede's,
    wins over a district named further down. Measured on the gold set (place F1): dev 0.838 to 0.857, test 0.639
    to 0.667; the one figure lost is "A professional football player from Brazil ... among seven people arrested",
    whose Brazil is now an aside.
    """
    lead_end = sentences[0].end if sentences else 0
    lead_paragraph_end = text.find("\n\n") if "\n\n" in text else len(text)
    mentions = {p.name: [(s, e) for s, e, _ in p.mentions if not is_aside(text, s, e)] for p in places}

    def weight(place: Place) -> int:
        return sum(2 if is_local(text, s, e) else 1 for s, e in mentions[place.name])

    def named(place: Place) -> bool:
        return len(mentions[place.name]) >= 2 or any(s < lead_end for s, _ in mentions[place.name])

    def in_lead_paragraph(place: Place) -> bool:
        return any(s < lead_paragraph_end and is_local(text, s, e) for s, e in mentions[place.name])

    for tier in (named, in_lead_paragraph):
        found = [p for p in places if tier(p)]
        pool = [p for p in found if not is_country(p)] or found
        if pool:
            return max(pool, key=weight).name
    return None


def _lead_country(sentences: list[Sentence], entities: list[Entity]) -> str | None:
    """The country a nationality in the lead sentence names ("in the Haitian cholera outbreak"): where the event
    is when no place the article names is the event's (the outbreak has not reached Port-au-Prince)."""
    lead_end = sentences[0].end if sentences else 0
    codes = [country_of(e.name) for e in entities if e.label == "NORP" for s, _, _ in e.mentions if s < lead_end]
    return next((_country_names().get(code) for code in codes if code), None)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Each country's name in the gazetteer, by its ISO code."""
    return {c.country: c.name for candidates in gazetteer().values() for c in candidates if c.kind == "country" and c.country}


def fallback_place(places: list[Place], text: str, sentences: list[Sentence], entities: list[Entity],
                    dateline: Place | None) -> str | None:
    """The place of a figure whose sentence names none: the article's dominant place, or its dateline
    ("KABUL (Reuters) -") when the article names no place, or only the dateline's country, which the
    dateline makes more precise; a WASHINGTON dateline does not move a story about Iraq. Without either, the
    country of a nationality the lead names."""
    dominant = _dominant(places, text, sentences)
    if dateline is None or not dateline.country:
        return dominant or _lead_country(sentences, entities)
    main = next((p for p in places if p.name == dominant), None)
    if main is None or (is_country(main) and main.country == dateline.country):
        return dateline.name
    return dominant
