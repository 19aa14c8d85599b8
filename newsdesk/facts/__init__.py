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
from datetime import date
from typing import Any

from spacy.tokens import Doc

from newsdesk.extract import in_english
from newsdesk.facts.dates import find_dates, parse_published
from newsdesk.facts.entities import KEPT_LABELS, PLACE_LABELS, merge_story, normalise, relabel, widened
from newsdesk.facts.figures import find_figures, may_hold_figure
from newsdesk.facts.places import context_countries, country_of, is_known_place, resolve, supranational
from newsdesk.facts.quantities import parse_quantity
from newsdesk.facts.reconcile import reconcile_figures
from newsdesk.facts.sentences import MODEL, Sentence, article_docs, load_model, parse, sentences_of
from newsdesk.records import Article, DateMention, Entity, Facts, Place

BATCH_SIZE = 32
BATCH_CHARS = 100_000
FACTS_CHARS = 100_000  # about 15,000 words

__all__ = ["MODEL", "extract_facts", "extract_facts_batch", "facts_to_json", "load_model", "reconcile_figures", "story_entities"]


def publication_date(article: Article) -> str | None:
    """Extracted date first, then a date written in the dateline ("ALEPPO, Oct 6, 2016 (AFP) -")."""
    if parse_published(article.published):
        return article.published
    if article.dateline:
        found = [d for d in find_dates(article.dateline, None) if d.value and re.fullmatch(r"\d{4}-\d\d-\d\d", d.value)]
        if found:
            return found[0].value
    return None


def extract_facts(article: Article) -> Facts:
    return next(extract_facts_batch([article]))


def extract_facts_batch(articles: Iterable[Article]) -> Iterator[Facts]:
    """Facts for each article, in order; texts go through spaCy in batches, and so do the
    sentences of a batch that need the parse. Articles not in English get empty facts: the English model
    tagged a French article's "Les" a person and "Cette" an organisation."""
    # Facts come from the first ``FACTS_CHARS`` of a text: a news article is far shorter, and a 1 MB "article"
    # (a book, an archive page of many stories) took 8 minutes and 3.5 GB of parsing and figure matching
    max_length = min(FACTS_CHARS, load_model().max_length)
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
        texts = [article.text[:max_length] for article in batch]
        docs = list(article_docs(texts, BATCH_SIZE))
        split = [sentences_of(doc, text) for doc, text in zip(docs, texts)]
        parse([sent for sentences in split for sent in sentences if may_hold_figure(sent.text)])
        for article, text, doc, sentences in zip(batch, texts, docs, split):
            yield facts_from_doc(article, text, doc, sentences)


def facts_from_doc(article: Article, text: str, doc: Doc, sentences: list[Sentence]) -> Facts:
    """Facts of one article: ``doc`` holds the entities of ``text``, split into ``sentences``."""
    published = publication_date(article)
    ents = doc.ents
    mentions = [
        (relabel(name, ent.label_, text[max(0, ent.start_char - 40):ent.start_char]), ent.start_char, end, name)
        for ent in ents
        if ent.label_ in KEPT_LABELS and not _lower_case_word(ent.text) and not _TIME_ZONE.match(ent.text)
        and not _PHOTO_CREDIT.search(ent.text)
        for name, end in [widened(ent)]
    ]
    entities = add_short_references(text, normalise(mentions))
    places = _places(entities)
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


def _places(entities: list[Entity]) -> list[Place]:
    """Resolve place entities, with the countries the article evokes as context."""
    context = context_countries([e.name for e in entities if e.label in PLACE_LABELS | {"NORP"} for _ in e.mentions])
    places: dict[tuple[str, str | None], Place] = {}
    for entity in entities:
        if entity.label not in PLACE_LABELS:
            continue
        place = resolve(entity.name, context)
        key = (place.name, place.country)
        if key in places:
            places[key].mentions.extend(entity.mentions)
        else:
            place.mentions = list(entity.mentions)
            places[key] = place
    result = sorted(places.values(), key=lambda p: min(m[0] for m in p.mentions))
    for place in result:
        place.mentions.sort()
    _locate_unknown(result, context)
    return result


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
