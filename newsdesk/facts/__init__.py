"""Facts an analyst wants from an article: who, where, when, and how many were hurt.

A spaCy pass for sentences and entities (batched with ``nlp.pipe``; the parse only where a figure
can be, see ``sentences.py``) feeds four steps: entities (``entities.py``), places resolved by
gazetteer (``places.py``), dates resolved against the publication day (``dates.py``) and casualty
figures (``figures.py``). ``reconcile_figures`` then lines up the figures of a story's articles,
since tolls rise as a story develops.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from spacy.tokens import Doc, Span

from newsdesk.extract import in_english
from newsdesk.facts.dates import MONTHS, WEEKDAYS, find_dates, parse_published
from newsdesk.facts.entities import KEPT_LABELS, PLACE_LABELS, STORM, TITLES, merge_story, normalise, relabel, widened
from newsdesk.facts.figures import figure_sentences, find_figures
from newsdesk.facts.places import (
    context_countries, country_of, evidence_of, is_known_place, qualifier_context, resolve, supranational,
)
from newsdesk.facts.quantities import parse_quantity
from newsdesk.facts.reconcile import reconcile_figures
from newsdesk.facts.sentences import Sentence, article_docs, parse, sentences_of
from newsdesk.nlp import DEFAULT_MODEL as MODEL  # the package ``bench facts`` loads for its spaCy baseline
from newsdesk.nlp import pipeline
from newsdesk.records import Article, DateMention, Entity, Facts, Place

BATCH_SIZE = 32
BATCH_CHARS = 100_000
FACTS_CHARS = 100_000  # about 15,000 words

__all__ = ["MODEL", "extract_facts", "extract_facts_batch", "facts_to_json", "reconcile_figures", "story_entities"]


# How far a dateline's day may lie before the publication time and still be the day the story was written:
# a timestamp in UTC runs past the writer's local day ("GAZA, Jan 5" published 2024-01-06T01:30Z)
DATELINE_LAG_DAYS = 2


def publication_date(article: Article) -> str | None:
    """The day the story speaks from, which "yesterday" and "on Friday" count back from: the dateline's
    own day when it writes one just before the extracted date ("GAZA, Jan 5 (Wire)" published early on
    Jan 6, UTC), else the extracted date, else a date the dateline writes in full ("ALEPPO, Oct 6, 2016 (AFP) -")."""
    day = article.published_day or article.published  # the day where it was published, not in UTC
    published = parse_published(day)
    written = _dateline_day(article.dateline, day)
    if published:
        lag = (published - written).days if written else -1
        return written.isoformat() if 0 < lag <= DATELINE_LAG_DAYS else day
    return written.isoformat() if written else None  # without a publication date, only a dateline with a year resolves


def _dateline_day(dateline: str | None, published: str | None) -> date | None:
    """The day a dateline writes ("Jan 5", "Oct 6, 2016"), its year taken from ``published`` when it has none."""
    found = [d.value for d in find_dates(dateline, published) if d.value] if dateline else []
    day = next((value for value in found if re.fullmatch(r"\d{4}-\d\d-\d\d", value)), None)
    return parse_published(day)


def extract_facts(article: Article) -> Facts:
    return next(extract_facts_batch([article]))


def extract_facts_batch(articles: Iterable[Article]) -> Iterator[Facts]:
    """Facts for each article, in order; texts go through spaCy in batches, and so do the
    sentences of a batch that need the parse. Articles not in English get empty facts: the English model
    tagged a French article's "Les" a person and "Cette" an organisation."""
    # Facts come from the first ``FACTS_CHARS`` of a text: a news article is far shorter, and a 1 MB "article"
    # (a book, an archive page of many stories) took 8 minutes and 3.5 GB of parsing and figure matching
    max_length = min(FACTS_CHARS, pipeline().max_length)
    for chunk in _chunks(articles):
        found = _facts_of([article for article in chunk if in_english(article)], max_length)
        for article in chunk:
            yield next(found) if in_english(article) else Facts(article_id=article.id)


def _chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    """Up to ``BATCH_SIZE`` articles and about ``BATCH_CHARS`` of text a batch: the model's working arrays
    grow with the batch's tokens, and 32 long web pages at once took the facts step of 708 WCXB pages to a
    1.5 GB peak (the process keeps what it once held)."""
    chunk: list[Article] = []
    chars = 0
    for article in articles:
        size = len(article.text)
        if chunk and (len(chunk) >= BATCH_SIZE or chars + size > BATCH_CHARS):
            yield chunk
            chunk, chars = [], 0
        chunk.append(article)
        chars += size
    if chunk:
        yield chunk


def _facts_of(batch: list[Article], max_length: int) -> Iterator[Facts]:
    if batch:  # spaCy's pipe over no texts still loads what it needs
        texts = [_LONG_RUN.sub(_cut_run, article.text[:max_length]) for article in batch]
        docs = article_docs(texts, BATCH_SIZE)
        split = [sentences_of(doc, text) for doc, text in zip(docs, texts)]
        parse([sentences[index] for sentences in split for index in figure_sentences(sentences)])
        for article, text, doc, sentences in zip(batch, texts, docs, split):
            yield facts_from_doc(article, text, doc, sentences)


# A run of this many characters without a space is no word of any fact (a link, a row of punctuation), and
# spaCy's tokenizer takes time quadratic in a token's length: a 12 KB page holding "!?.,;:" 2,000 times took
# 98 s. Such a run keeps its start and is blanked past it, so every offset into the text still holds.
_LONG_RUN = re.compile(r"\S{60,}")


def _cut_run(match: re.Match[str]) -> str:
    return match.group(0)[:40] + " " * (len(match.group(0)) - 40)


def facts_from_doc(article: Article, text: str, doc: Doc, sentences: list[Sentence]) -> Facts:
    """Facts of one article: ``doc`` holds the entities of ``text``, split into ``sentences``."""
    published = publication_date(article)
    ents = doc.ents
    by_start = {sent.start: sent for sent in sentences}
    mentions = [
        (_label_of(ent, name, end, text, by_start.get(ent.sent.start_char)), ent.start_char, end, name)
        for ent in ents
        if ent.label_ in KEPT_LABELS and not _lower_case_word(ent.text) and not _TIME_ZONE.match(ent.text)
        and not _PHOTO_CREDIT.search(ent.text)
        for name, end in [widened(ent)]
    ]
    mentions += _places_the_model_missed(text, ents)
    entities = add_short_references(text, normalise(mentions))
    places = _places(entities, text)
    dates = find_dates(text, published, [(e.start_char, e.end_char) for e in ents if e.label_ == "DATE"])
    anchor = parse_published(published)
    figures = find_figures(text, sentences, entities, places, dates, lambda d: _figure_time(d, anchor),
                           _dateline_place(article.dateline, entities, places))
    return Facts(article_id=article.id, entities=entities, places=places, dates=dates, figures=figures)


_DATELINE_EXTRA = re.compile(r"\s*\([^()]*\)")


def _dateline_place(dateline: str | None, entities: list[Entity], places: list[Place]) -> Place | None:
    """The place an article is datelined in ("KABUL (Reuters)", "PARIS, Texas", "ALEPPO, Oct 6, 2016 (AFP)"):
    a place of the article when it names it, else the gazetteer's, weighed by the countries the article
    evokes and the dateline's own second part; None when the gazetteer does not know it."""
    if not dateline:
        return None
    parts = [part.strip() for part in _DATELINE_EXTRA.sub("", dateline).split(",")]
    name = parts[0].title() if parts[0].isupper() else parts[0]
    if not name:
        return None
    for place in places:
        if place.name.lower() == name.lower() or any(m[2].lower() == name.lower() for m in place.mentions):
            return place
    context = context_countries([e.name for e in entities if e.label in PLACE_LABELS | {"NORP"} for _ in e.mentions] + parts[1:2])
    place = resolve(name, context)
    return place if place.country else None


def _label_of(ent: Span, name: str, end: int, text: str, sentence: Sentence | None) -> str:
    """The model's label, corrected (``relabel``); a place that only qualifies who acted ("three US drone
    strikes", "US officials") is a nationality, and one that opens a person's name ("a man identified as
    Wellington Menezes Olivera") is part of that name."""
    label = relabel(name, ent.label_, text[max(0, ent.start_char - 40):ent.start_char], text[end:end + 20])
    if label not in PLACE_LABELS:
        return label
    if _names_an_actor(ent, text, sentence):
        return "NORP"
    if _opens_a_person_name(name, text, ent.start_char, end):
        return "PERSON"
    return label


# What a country's name qualifies when it says who acted or spoke rather than where: "US drone strikes",
# "Pakistan army", "US officials". Events ("the Nepal earthquake", "the Syria war") are left out: there
# the country is where it happened.
_ACTOR_AFTER = re.compile(r"\s+(?:officials?|authorities|government|forces|troops|soldiers|military|army|navy|air force|"
                          r"drones?|warplanes?|jets|aircraft|bombers|missiles?|strikes?|airstrikes?|air strikes?|raids?|"
                          r"embassy|envoys?|ambassadors?|diplomats?|president|minister|spokes(?:man|woman|person)|police|"
                          r"intelligence|special forces|commandos?|navy seals?)\b")
_ATTRIBUTIVE_DEPS = {"compound", "amod", "nmod"}


def _names_an_actor(ent: Span, text: str, sentence: Sentence | None) -> bool:
    """Whether a country's name qualifies an actor after it; where the sentence has its parse (those that may
    hold a figure), the parse must agree: in "In Syria government forces killed 20" Syria is where."""
    if not country_of(ent.text) or not _ACTOR_AFTER.match(text, ent.end_char):
        return False
    if sentence is None or sentence.parsed is None:
        return True
    span = sentence.parsed.char_span(ent.start_char - sentence.start, ent.end_char - sentence.start, alignment_mode="expand")
    return span is not None and span.root.dep_ in _ATTRIBUTIVE_DEPS and span.root.head.i >= span.end


# A one-word place followed by exactly two more capitalised words, then no third nor a possessive, reads as a
# person's full name: "identified as Wellington Menezes Olivera". Longer runs are institutions ("Illinois
# Governor Pat Quinn", "Liverpool John Lennon Airport").
_PERSON_NAME_GOES_ON = re.compile(r" ([A-Z][a-z]+ [A-Z][a-z]+)(?![\w'’-]| [A-Z])")
_PLACE_PREPOSITION = re.compile(r"\b(?:of|in|at|from|near|to)\s+$", re.I)
_PLACE_NAME_WORDS = {"city", "province", "state", "region", "district", "governorate", "county", "oblast", "strip", "airport",
                     "valley", "river", "island", "islands", "mount", "mountains", "north", "south", "east", "west"}


def _opens_a_person_name(name: str, text: str, start: int, end: int) -> bool:
    """Whether a place's name is the first of a person's names (see ``_PERSON_NAME_GOES_ON``): the two words
    after it are no place, place word, title, day or month, and no preposition makes it a place ("Mayor of
    Boston Tom Menino")."""
    following = _PERSON_NAME_GOES_ON.match(text, end)
    if " " in name or following is None or is_known_place(following.group(1)) or _PLACE_PREPOSITION.search(text, max(0, start - 8), start):
        return False
    return not any(word.lower() in _PLACE_NAME_WORDS or word.lower() in WEEKDAYS or word.lower() in MONTHS
                   or TITLES.match(word + " ") or is_known_place(word) for word in following.group(1).split())


# A name the model tagged otherwise or not at all ("Kharkiv and Kyiv" a work of art, "around Sittwe" nothing)
# is taken for a place when the gazetteer knows a city this big under that main name, or a country or state.
MISSED_PLACE_POPULATION = 100_000
_LIST_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_AFTER_LOCATIVE = re.compile(r"\b(?i:in|on|near|at|from|around|outside|to)\s+((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,2})")


def _places_the_model_missed(text: str, ents: tuple[Span, ...]) -> list[tuple[str, int, int, str]]:
    """GPE mentions for big places inside an entity of a label we do not keep, or after a locative outside any
    entity. Small towns are left out: a capitalised word after "in" is too often something else ("in Reading"
    of a report, "at Nice" of a name)."""
    spans = [(ent.start_char, ent.end_char) for ent in ents if ent.label_ not in KEPT_LABELS and ent.label_ != "DATE"]
    taken = [(ent.start_char, ent.end_char) for ent in ents]
    spans += [(m.start(1), m.end(1)) for m in _AFTER_LOCATIVE.finditer(text)
              if not any(s < m.end(1) and m.start(1) < e for s, e in taken)]
    return [("GPE", *part) for start, end in spans for part in _parts(text, start, end)]


def _parts(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """The big places a span lists ("Kharkiv and Kyiv"), each with its offsets."""
    cursor = start
    for separator in [*_LIST_SEPARATOR.finditer(text, start, end), None]:
        piece_end = separator.start() if separator else end
        place = _big_place(text, cursor, piece_end)
        if place:
            yield place
        cursor = separator.end() if separator else end


def _big_place(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """The words between ``start`` and ``end``, when they are a big place by themselves: not "Independence"
    of "in Independence Square"."""
    name = text[start:end].strip()
    if not name[:1].isupper() or not is_known_place(name, min_population=MISSED_PLACE_POPULATION) \
            or STORM.search(text, max(0, start - 12), start):  # "Hurricane Gilbert"
        return None
    first = text.index(name, start, end)
    return first, first + len(name), name


# "2030 (UTC)", "11 a.m. EST": the model tags time zones as organisations (UTC was the sample's top one)
_TIME_ZONE = re.compile(r"^\(?(?:UTC|GMT|Z|[ECMP][SD]T|BST|CET|CEST|EET|EEST|IST|JST|KST|AE[SD]T|AC[SD]T|AW[SD]T|"
                        r"NZ[SD]T|SGT|HKT|MSK|WAT|EAT|CAT|PKT)(?:\s*[+-−]\s*\d{1,2}(?::?\d{2})?)?\)?$")


# "(AP Photo/Bob Galbraith)" left in a story's text: a picture's credit, not a name it reports
_PHOTO_CREDIT = re.compile(r"\b(?:photo|photos|images|pictures)\s*/", re.I)


def _lower_case_word(name: str) -> bool:
    """A name written all in lower case in a cased script is a word the model mistook for a name: "us" in
    "she believed in us" tagged a country, "the van was overloaded" a Turkish city, "bush" a town in Egypt."""
    return name == name.lower() and name != name.upper()


def _figure_time(mention: DateMention, anchor: date | None) -> str | None:
    """A figure's time: the date's value, or for "since 2011" the interval up to publication."""
    if mention.relation == "since" and anchor and mention.value and "/" not in mention.value:
        return f"{mention.value}/{anchor.isoformat()}"
    return mention.value


def _places(entities: list[Entity], text: str) -> list[Place]:
    """Resolve place entities, with the countries the article evokes as context; a mention the text
    qualifies itself ("Tripoli, Lebanon") by that qualifier alone, so that a story may name two Tripolis."""
    context = context_countries([e.name for e in entities if e.label in PLACE_LABELS | {"NORP"} for _ in e.mentions])
    places: dict[tuple[str, str | None], Place] = {}
    unresolved = []
    for entity in entities:
        if entity.label not in PLACE_LABELS:
            continue
        in_story = resolve(entity.name, context)
        for mention in entity.mentions:
            written = _QUALIFIER.match(text, mention[1])
            own = qualifier_context(written.group(1)) if written else None
            place = resolve(entity.name, own, qualified=True) if own else in_story
            places.setdefault((place.name, place.country), replace(place, mentions=[])).mentions.append(mention)
        if not in_story.country:
            unresolved.append(entity)
    _resolve_by_neighbours(places, unresolved, context)
    result = sorted(places.values(), key=lambda p: min(m[0] for m in p.mentions))
    for place in result:
        place.mentions.sort()
    _locate_unknown(result, context)
    return result


# ", Lebanon" after "Tripoli": the country, state or province a writer names to say which namesake
_QUALIFIER = re.compile(r",\s*([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})(?=\s*[,.;:)]|\s*$)")


def _resolve_by_neighbours(places: dict[tuple[str, str | None], Place], unresolved: list[Entity], context: Counter[str]) -> None:
    """Resolve again, with the countries of the places the story has resolved as context, the place names
    the gazetteer knows only as smaller towns in a country the story did not evoke: "Khan Younis" beside
    Rafah (which, having an Egyptian namesake, tells no country by itself)."""
    resolved = Counter(key for place in places.values() if place.lat is not None for key in evidence_of(place))
    if not resolved:
        return
    wider = context + resolved
    for entity in unresolved:
        place = resolve(entity.name, wider)
        if not place.country:
            continue
        bare = places.pop((entity.name, None), None)
        if bare is not None:
            found = places.setdefault((place.name, place.country), replace(place, mentions=[]))
            found.mentions.extend(bare.mentions)


NEIGHBOUR_CHARS = 300
INSIDE_CITY_POPULATION = 250_000


def _locate_unknown(places: list[Place], context: Counter[str]) -> None:
    """A place the gazetteer lacks (an airport, a village, a misspelling) gets a country, though no
    coordinates, as where in that country is not known: the country of a place its own name holds
    ("London Gatwick Airport", "Port of Los Angeles"), else of a place named near it, the one the text
    names most of those: "Bustan al-Basha" next to Aleppo is in Syria, though "the Britain-based Syrian
    Observatory" is nearer. Either way the country must be one the story talks about, or named nearby
    ("Niger Delta" in a story about Nigeria is not in Niger)."""
    located = [(m[0], p.country) for p in places if p.country and p.lat is not None for m in p.mentions]
    weight = Counter(country for _, country in located)
    for place in places:
        if place.country or place.lat is not None or supranational(place.name):
            continue
        near = {country for m in place.mentions for start, country in located if abs(start - m[0]) <= NEIGHBOUR_CHARS}
        inside = _country_inside(place.name, context)
        if inside and (inside in near or context.get(inside, 0)):
            place.country = inside
        elif near:
            place.country = max(sorted(near), key=lambda country: weight[country])


def _country_inside(name: str, context: Counter[str]) -> str | None:
    """The country of the longest part of ``name`` that is a nationality, a country or a big city
    ("Canadian Province of Ontario", "Tripoli International Airport"); "New England" holds no England."""
    words = name.split()
    for size in range(len(words) - 1, 0, -1):
        for first in range(len(words) - size + 1):
            part = " ".join(words[first:first + size])
            if not part[:1].isupper() or (first and words[first - 1] == "New"):
                continue
            found = country_of(part)
            if not found and is_known_place(part, min_population=INSIDE_CITY_POPULATION):
                found = resolve(part, context).country
            if found:
                return found
    return None


def add_short_references(text: str, entities: list[Entity]) -> list[Entity]:
    """Find later mentions the model missed: "the Observatory" after "Syrian Observatory for Human Rights"."""
    covered = [(s, e) for ent in entities for s, e, _ in ent.mentions]
    for entity in entities:
        if entity.label != "ORG" or len(entity.name.split()) < 2:
            continue
        heads = [w for w in entity.name.split() if w[:1].isupper() and w.lower() not in ("of", "for", "the") and len(w) > 3]
        head = next((w for w in heads if w.lower() not in _NATIONAL_WORDS), None)
        if not head:
            continue
        first = entity.mentions[0][0]
        for m in re.finditer(rf"\bthe {re.escape(head)}\b", text):
            span = (m.start() + 4, m.end())
            if m.start() > first and not any(s < span[1] and span[0] < e for s, e in covered):
                entity.mentions.append((span[0], span[1], head))
                covered.append(span)
        entity.mentions.sort()
    return entities


_NATIONAL_WORDS = {"syrian", "united", "national", "international", "american", "british", "russian", "islamic", "state"}


def story_entities(per_article: list[Facts]) -> list[Entity]:
    """A story's entities, one per real-world entity across its articles ("Assad" in one report,
    "President Bashar al-Assad" in another); mentions are ``(article_index, article_index, text)``."""
    return merge_story([facts.entities for facts in per_article])


def facts_to_json(facts: Facts) -> dict[str, Any]:
    """The stable JSON shape of ``newsdesk facts --json``."""
    return {
        "article_id": facts.article_id,
        "entities": [
            {"text": e.mentions[0][2] if e.mentions else e.name, "name": e.name, "label": e.label, "mentions": len(e.mentions)}
            for e in facts.entities
        ],
        "places": [
            {"text": p.mentions[0][2] if p.mentions else p.name, "name": p.name, "country": p.country, "lat": p.lat, "lon": p.lon,
             "geonameid": p.geonameid, "mentions": len(p.mentions)}
            for p in facts.places
        ],
        "dates": [{"text": d.text, "value": d.value, "start": d.start, "end": d.end, "relation": d.relation} for d in facts.dates],
        "figures": [
            {"category": f.category, "text": f.text, "low": f.low, "high": f.high,
             "qualifier": (parse_quantity(f.text) or (None, None, None))[2], "victims": f.victims, "subgroups": f.subgroups,
             "event": f.event, "place": f.place, "time": f.time, "attributed_to": f.attributed_to, "sentence": f.sentence,
             "start": f.start, "end": f.end}
            for f in facts.figures
        ],
    }
