"""Named entities from spaCy, normalised so one person or organisation is one record.

A news article names someone in full once ("President Bashar al-Assad") and then by surname
("Assad"); an organisation in full and then by its head noun or initials ("the Observatory",
"SOHR"). The small English model tags each mention separately and sometimes mislabels a place as a
person or nationality ("Aleppo" as NORP), so we (1) strip titles, (2) relabel mentions the
gazetteer knows as places, and (3) fold short mentions into the longest compatible name seen
earlier in the same article or story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from newsdesk.facts.places import DEMONYMS, WORLD_CITY, is_known_place, is_known_region
from newsdesk.records import Entity

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
TITLES = re.compile(
    r"^(?:(?:the|former|late|then|acting|interim|deputy|vice|prime|foreign|defence|defense|interior|chief|"
    r"general|gen\.|lt\.|col\.|maj\.|sgt\.|capt\.|president|minister|secretary|senator|sen\.|rep\.|governor|"
    r"gov\.|mayor|king|queen|prince|princess|sheikh|pope|dr\.?|mr\.?|mrs\.?|ms\.?|sir|lord|judge|justice|"
    r"spokesman|spokeswoman|ambassador|commander|chancellor|premier|state|us|u\.s\.|un|"
    # a job word the model takes into the name: "Driver Nachum Herzi", "Principal Dawn"
    r"driver|principal|sapper|officer|constable|trooper|sergeant|corporal|detective|inspector|headteacher|headmaster)\s+)+",
    re.IGNORECASE,
)
_PARTICLES = re.compile(r"^(?:al|el|ad|as|ash|at|az|bin|ibn|abu|van|von|de|der|da|di|du|le|la)-", re.IGNORECASE)
_STOP = {"the", "of", "for", "and", "on", "in", "&", "a"}


@lru_cache(maxsize=20_000)  # an article repeats its names, a story its articles' names
def clean_name(text: str, label: str) -> str:
    """The surface form minus titles, possessives and a leading article."""
    name = re.sub(r"[’']s$", "", text.strip())
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\s*\([^)]*$", "", name)  # a bracket the model's span cut: "National Hurricane Center (NHC"
    if label == "PERSON":
        name = TITLES.sub("", name)
    return " ".join(name.split()) or text.strip()


@lru_cache(maxsize=20_000)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_PARTICLES.sub("", t).lower() for t in re.findall(r"[\w\-\.]+", name))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _STOP and w[:1].isupper())


def same_entity(short: str, full: str, label: str) -> bool:
    """Whether ``short`` can be a later reference to ``full`` (same label assumed)."""
    if short.lower() == full.lower():
        return True
    short_tokens, full_tokens = _tokens(short), _tokens(full)
    if not short_tokens or len(short_tokens) >= len(full_tokens):
        return False
    if label == "PERSON":
        # "Assad" -> "Bashar al-Assad", "Bashar Assad"; a first name alone is risky but common in news
        return short_tokens == full_tokens[-len(short_tokens):] or short_tokens == full_tokens[: len(short_tokens)]
    if short.isupper() and len(short) >= 2 and short.replace(".", "") == _initials(full):
        return True
    content = [t for t in full_tokens if t not in _STOP]
    return all(t in content for t in short_tokens if t not in _STOP)


_LOCATIVE = re.compile(r"(?:\b(?:in|into|near|outside|from)|\b(?:village|town|city|district|neighbourhood|neighborhood|province|suburb) of)\s*(?:\([^)]*\)\s*)?$", re.I)


# "in" alone does not make a place of an organisation ("invested in Apple"); "the town of Bayda" does
_PLACE_OF = re.compile(r"\b(?:village|town|city|district|neighbourhood|neighborhood|province|suburb) of\s*$", re.I)
# a division named as such after the name: "Rakhine state", "Borno State", "Helmand province"
_DIVISION_AFTER = re.compile(r"\s+(?:state|province|region|district|governorate|county|oblast)\b", re.I)


def relabel(text: str, label: str, before: str = "", after: str = "") -> str:
    """Correct the model's commonest confusions: a known place tagged as a person or nationality, a
    nationality tagged as a place ("Ukrainian officials said": who spoke, not where), and an unknown name
    after a locative ("into Bustan al-Basha", "the village of X") tagged PERSON, or tagged ORG after "the
    town of" ("the town of Bayda") or before the division it names ("in Rakhine state")."""
    demonym = text.strip().lower() in DEMONYMS
    if label in PLACE_LABELS and demonym:
        return "NORP"
    if STORM.search(before):
        return "EVENT"
    if label in ("ORG", *PLACE_LABELS) and (_NEWS_NAME.search(text) or _POLICE_BEFORE.search(before)):
        return "ORG"
    if label in PLACE_LABELS and text.strip().lower() in NOT_PLACES:
        return NOT_PLACES[text.strip().lower()]
    if label == "PERSON" and _GROUP_OR_PRESS.match(text):
        return "ORG"
    if label in ("NORP", "PERSON", "ORG") and not demonym and is_known_place(clean_name(text, "GPE")):
        return "GPE"
    if label == "PERSON" and is_known_region(clean_name(text, "GPE")):
        return "GPE"
    if (label == "PERSON" and _LOCATIVE.search(before)) or (label == "ORG" and (_PLACE_OF.search(before) or _DIVISION_AFTER.match(after))):
        return "LOC"
    if label == "NORP" and _GROUP_NAME.search(text):
        return "ORG"  # "Islamic State", "al-Nusra Front": a group, not a nationality
    return label


# "Hurricane Gilbert" is a storm, not Gilbert, Arizona
STORM = re.compile(r"\b(?:hurricane|typhoon|cyclone|storm)\s+$", re.I)
_POLICE_BEFORE = re.compile(r"\bPolice\s+$")  # "Police Scotland", tagged Scotland
# a news agency or paper is no place: "Xinhua reported" was China, "the Chicago Sun-Times" Chicago
_NEWS_NAME = re.compile(r"^(?:Xinhua|Reuters|AFP|Interfax|Itar-Tass|Tass|Kyodo|Yonhap|Bernama|Anadolu|Wafa|IRNA|ISNA|Fars|"
                        r"Police\s.+)$|\s(?:Times|Sun-Times|Post|Herald|Tribune|Gazette|Journal|Telegraph|Chronicle)$")
# words the model tags places that name no place: a season, a book, a law, a wave, a movement
NOT_PLACES = {"lent": "EVENT", "ramadan": "EVENT", "tsunami": "EVENT", "quran": "WORK_OF_ART", "koran": "WORK_OF_ART",
              "sharia": "LAW", "taleban": "ORG", "taliban": "ORG", "oxfam": "ORG"}
# Arabic names of papers and armed groups the model takes for people's: "Al Ahram", "Asharq al-Awsat",
# "Ansar Dine"; not "Al Gore", whose second name is no Arabic press word
_GROUP_OR_PRESS = re.compile(r"^(?:Asharq\b|Ansar\b|Sinn F[ée]in$|(?:Al|El)[- ](?:Ahram|Akhbar|Hayat|Jazeera|Arabiya|Watan|Quds|"
                             r"Masry|Sharq|Khaleej|Bayan|Nahar|Safir|Mayadeen|Shorouk|Ittihad|Thawra|Qaeda|Shabaab)\b)")
# a NORP mention ending in one of these is an organisation's name
_GROUP_WORDS = r"(?:State|Front|Brigades?|Army|Party|Movement|Council|Union|Congress|League|Alliance|Group|Organi[sz]ation|" \
               r"Forces|Committee)"
_GROUP_NAME = re.compile(rf"\s{_GROUP_WORDS}$")
_GROUP_WORD = re.compile(rf"{_GROUP_WORDS}$")


def widened(ent) -> tuple[str, int]:
    """(text, end) of an entity span, taking in the group word the model left out: it tags "Islamic" of
    "the Islamic State group" as a nationality."""
    doc = ent.doc
    if ent.label_ == "NORP" and ent.end < len(doc) and _GROUP_WORD.match(doc[ent.end].text):
        return doc[ent.start:ent.end + 1].text, doc[ent.end].idx + len(doc[ent.end].text)
    return ent.text, ent.end_char


def normalise(mentions: Iterable[tuple[str, int, int, str]], seed: list[Entity] | None = None) -> list[Entity]:
    """Group (label, start, end, text) mentions into entities; ``seed`` lets a story share names.

    Longer names are processed first so a short mention can attach to a full name that appears
    later in the text as well as earlier.
    """
    mentions = list(mentions)
    entities: list[Entity] = [Entity(label=e.label, name=e.name, mentions=[]) for e in (seed or [])]
    order = sorted(range(len(mentions)), key=lambda i: -len(_tokens(clean_name(mentions[i][3], mentions[i][0]))))
    assigned: dict[int, Entity] = {}
    for i in order:
        label, start, end, text = mentions[i]
        name = clean_name(text, label)
        target = next((e for e in entities if _compatible(e.label, label, name) and same_entity(name, e.name, label)
                       and not _named_after(name, e.name, {label, e.label})), None)
        if target is None:
            target = Entity(label=label, name=name, mentions=[])
            entities.append(target)
        assigned[i] = target
    for i in sorted(assigned, key=lambda i: mentions[i][1]):
        label, start, end, text = mentions[i]
        assigned[i].mentions.append((start, end, text))
    kept = [e for e in entities if e.mentions]
    kept.sort(key=lambda e: e.mentions[0][0])
    return kept


def _compatible(existing: str, new: str, name: str) -> bool:
    """Same label, or any two place labels; or a person's surname that the model tagged otherwise: ORG
    ("Ayrault said"), FAC ("the supermarket where Giffords had scheduled an event"), or GPE or LOC
    ("Palin", "Byrd", "Bush", which is also a town in Egypt) unless it names a country, a state or a
    city of half a million ("Washington"; "Rangoon" beside a misread "Embassy Rangoon"). Left apart, the
    gazetteer resolves such a name through some town's alternate names (Giffords is one of Great Kills,
    New York)."""
    if existing == new or {existing, new} <= PLACE_LABELS:
        return True
    return existing == "PERSON" and (
        new in ("ORG", "FAC")
        or (new in PLACE_LABELS and not is_known_place(name, min_population=500_000, alias_population=1_000_000)))


# The words by which a longer name is still the same place: "Aleppo province", "Gaza City", "Kyiv Oblast",
# "Southern Arizona" (but "South Sudan" is a place of its own: see ``_named_after``); and the natural features a
# short name is said for ("the Niger Delta ... Niger", "Guantanamo Bay ... Guantanamo")
_SAME_PLACE_WORDS = {"city", "province", "state", "region", "district", "governorate", "county", "oblast", "strip",
                     "prefecture", "municipality", "of", "the", "delta", "river", "valley", "basin", "lake", "bay", "coast",
                     "peninsula", "desert", "mountains", "sea", "gulf", "island", "islands"}
_COMPASS_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "upper", "lower"}
# Only a place this big (or a country or state) is meant by itself beside a longer name built on it: "Kennedy"
# beside "the Kennedy Space Center" is the centre, though a locality of Bogota has that name
OWN_PLACE_POPULATION = WORLD_CITY


def _named_after(short: str, full: str, labels: set[str]) -> bool:
    """Whether a place in its own right lends its name to another place-like name: "Paris" in a story that
    also names "Paris Saint-Germain" is the city, not the club, and "Sudan" is not "South Sudan"."""
    if not labels <= PLACE_LABELS or not is_known_place(short, min_population=OWN_PLACE_POPULATION):
        return False
    extra = set(_tokens(full)) - set(_tokens(short))
    if extra <= _SAME_PLACE_WORDS:
        return False
    return not (extra <= _SAME_PLACE_WORDS | _COMPASS_WORDS) or is_known_place(full)


def merge_story(per_article: list[list[Entity]]) -> list[Entity]:
    """Story-level entities: one record per real-world entity across a story's articles.

    Offsets index different texts, so a merged mention is ``(article_index, article_index, text)``.
    """
    mentions = [(e.label, index, index, text) for index, entities in enumerate(per_article) for e in entities for _, _, text in e.mentions]
    return normalise(mentions)
