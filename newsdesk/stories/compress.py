"""Which words of a parsed lead sentence make the headline: a learned per-token keep model.

Rule-based compression (``headlines._core``) removes what a headline never keeps; what is left is
still 15-30 words, and BBC titles average 5. Trimming whole modifiers by word frequency kept the
wrong 10 words (ROUGE-1 25.5 against the titles). Here a logistic regression, fitted by
``train_headlines`` on title words aligned to the lead sentence (business/politics/sport half of
BBC), scores each remaining token from its part of speech, dependency role, depth, position, shape
and salience in the article; the headline is then grown from the highest-scoring tokens. Each kept
token brings its chain of heads (so "Mercedes" arrives with "slump at", not alone) and the small
words its meaning depends on (negation, modals, particles, infinitival "to", possessive "'s", the
rest of a name or noun compound: "box office chart"); growth stops when the expected ROUGE-1 F1
against a ``TITLE_WORDS``-word title would fall. The result is a sub-sequence of the sentence, so
faithfulness tracing is unchanged.

Measured against BBC titles (tune half / held half, all 2,225 articles): keeping the top-scoring
tokens without their heads scored 32.5 / 30.4 (on an earlier, weaker rule pass) but reads as word
salad ("Gibson to Passion Christ to"); with heads and support words 28.7 / 29.1 ("Producer Mel
Gibson not using to promote Passion of Christ"). The ceiling for any sub-sequence of the lead is ~64
(its words that are title words, in order); the rest is paraphrase no extractive headline can reach
("Ad sales boost Time Warner profit" from "Quarterly profits at US media giant TimeWarner jumped 76%
...").

Tried and not kept (ROUGE-1 on all 2,225 articles; "tune" cross-fitted: each of business/politics/sport
scored by a model fitted on the other two, since an in-sample model flatters it by ~0.5-1.0):
gradient-boosted trees (HistGradientBoosting, 400 x 15 leaves) on these features plus counts in the
next four sentences, head salience, subject subtree, offset from the root and position among the kept
tokens: AUC 0.792 vs 0.784 within the tune half but 0.775 vs 0.778 held out, ROUGE-1 28.8 vs 29.0
(tune) and 29.7 vs 29.9 (held); the same extra features in the logistic model 28.9 / 29.8.
``TITLE_WORDS`` 4-6.5, ``HEADLINE_MIN_WORDS`` 3-5, ``HEADLINE_WORDS`` 12, and leaving out
``_completed`` all moved ROUGE-1 by under 0.2 either way; picking the sentence (of the first two)
with the higher expected F1 lost 0.2-3.5. With perfect keep scores (the title's own words) ``select``
reaches only 35.7: the lead's compressed tokens hold ~2.4 title words on average (the whole lead
~2.9), and the heads and support words fluency needs cost the rest.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

MODEL = Path(__file__).resolve().parent / "models" / "headline_keep.json"
_ANCESTOR_ROLES = ("nsubj", "nsubjpass", "dobj", "pobj", "prep", "conj", "attr", "advmod", "ccomp", "xcomp",
                   "acl", "compound", "poss", "amod")
# Dependents that change or complete the meaning of the word they hang on, kept with it: negation,
# particles ("miss out"), possessive 's, the subject and object of a verb ("[Two men] found guilty
# of murdering [Gurmail Singh]") and a number ("2500 tonnes"); together they cost ~0.3 ROUGE-1.
_BOUND = {"neg", "prt", "case", "dobj", "nummod", "nsubj", "nsubjpass"}
_NEGATIONS = {"no", "not", "never", "n't", "without"}  # "no plans" is tagged a determiner
# A headline does not end on a word that announces more to come.
TITLE_WORDS = 5.2  # the BBC titles' mean length
_DANGLING = {"ADP", "CCONJ", "SCONJ", "DET", "AUX", "PART", "PUNCT"}


@lru_cache(maxsize=1)
def keep_model() -> tuple[float, dict[str, float]]:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    return float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}


@lru_cache(maxsize=1)
def document_frequency() -> tuple[int, dict[str, int]]:
    """Stem document frequencies over the Wikinews sample (``train_headlines``): how ordinary a word is.
    Titles name the unusual words of a lead (Yukos, recession, fraud), not "people" or "year"."""
    data = json.loads(MODEL.read_text(encoding="utf-8"))["idf"]
    return int(data["documents"]), {k: int(v) for k, v in data["df"].items()}


@lru_cache(maxsize=1)
def headline_rates() -> dict[str, float]:
    """Log ratio of a stem's rate in real headlines to its rate in article text (``train_headlines``)."""
    data = json.loads(MODEL.read_text(encoding="utf-8"))["headline_rate"]
    return {k: float(v) for k, v in data["rates"].items()}


_SUFFIXES = (("'s", ""), ("’s", ""), ("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def stem(word: str) -> str:
    """A crude suffix stripper, so "profit" and "profits" count as one word in salience and rarity."""
    word = word.lower()
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + replacement
    return word


def _depth(token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def keep_features(doc, kept: list, salience: dict[str, float], frequencies: tuple[int, dict[str, int]] | None = None,
                  rates: dict[str, float] | None = None) -> list[dict[str, float]]:
    """One feature dict per kept token (names as ``DictVectorizer`` would make them).

    ``salience`` maps a word's ``stem`` to its count in the article. Held-out AUC of the keep model
    (tech/entertainment): 0.759 on form, role and salience alone; 0.776 with stemmed salience, rarity
    and named-entity type, which lifted held-out ROUGE-1 by ~0.7. The headline rate (how much likelier
    a stem is in 168,000 real headlines than in article text) leaves the AUC as it was but ranks the
    top words better: ROUGE-1 +0.2 on both halves of 800 articles, +0.2 / +0.1 on all 2,225."""
    root = next(doc.sents).root
    top = max(salience.values(), default=1.0) or 1.0
    documents, frequency = frequencies or document_frequency()
    rates = headline_rates() if rates is None else rates
    rows = []
    for token in kept:
        word = stem(token.text)
        weight = salience.get(word, 0.0)
        rarity = math.log((documents + 1) / (frequency.get(word, 0) + 1))
        row = {
            f"pos={token.pos_}": 1.0, f"dep={token.dep_}": 1.0, f"tag={token.tag_}": 1.0,
            f"hdep={token.head.dep_}": 1.0, f"hpos={token.head.pos_}": 1.0, f"pos_dep={token.pos_}_{token.dep_}": 1.0,
            "depth": min(_depth(token), 6) / 6, "relpos": token.i / max(len(doc), 1),
            "first": float(token.i == kept[0].i), "title": float(token.is_title and token.i > 0),
            "upper": float(token.is_upper and len(token) > 1), "num": float(token.like_num),
            "stop": float(token.is_stop), "punct": float(token.is_punct),
            "sal": math.log1p(weight), "salr": weight / top,
            "nchild": min(len(list(token.children)), 5) / 5, "len": min(len(token), 12) / 12,
            "isroot": float(token.i == root.i),
            "idf": rarity / 7, "idf_sal": rarity * math.log1p(weight) / 20,
            "hrate": rates.get(word, 0.0) / 4,
        }
        if token.ent_type_:
            row[f"ent={token.ent_type_}"] = row[f"entiob={token.ent_iob_}"] = 1.0
        if token.is_stop or token.is_punct:
            row[f"w={token.lower_}"] = 1.0
        ancestors = {a.dep_ for a in token.ancestors}
        for role in _ANCESTOR_ROLES:
            if role in ancestors:
                row[f"anc={role}"] = 1.0
        rows.append(row)
    return rows


def keep_scores(doc, kept: list, salience: dict[str, float]) -> list[float]:
    bias, weights = keep_model()
    return [1 / (1 + math.exp(-(bias + sum(weights.get(k, 0.0) * v for k, v in row.items()))))
            for row in keep_features(doc, kept, salience)]


def _words(doc, ids: set[int]) -> int:
    """Reader's words: "Syria's" is one, punctuation none."""
    starts = set()
    for i in ids:
        if doc[i].is_punct:
            continue
        while i > 0 and not doc[i - 1].whitespace_:
            i -= 1
        starts.add(i)
    return len(starts)


def _with_support(token, allowed: set[int], chosen: set[int]) -> set[int]:
    """The token, its heads up to what is already chosen, and the small words each one needs."""
    add = {token.i}
    head = token
    while head.head.i != head.i and head.head.i in allowed and head.head.i not in chosen:
        head = head.head
        add.add(head.i)
    pending = list(add)
    while pending:  # a compound part may have parts of its own ("Consumer Electronics Show")
        node = token.doc[pending.pop()]
        needed = [child for child in node.children if _needed(child)] + _label_number(node)
        for child in needed:
            if child.i in allowed and child.i not in add:
                add.add(child.i)
                pending.append(child.i)
    return add


def _label_number(noun) -> list:
    """A number right after a noun names it ("round 16", "Flight 370", "Article 50"), however the parser hung it
    (it took "round 16" for "games ... 16", and the headline read "Two games of round split round"); a number
    that counts the noun after it ("on Sunday 12 people died") is not the label."""
    if noun.pos_ not in ("NOUN", "PROPN") or noun.i + 1 >= len(noun.doc) or not noun.whitespace_:
        return []
    number = noun.doc[noun.i + 1]
    counts_next = number.dep_ == "nummod" and number.head.i > number.i
    return [number] if number.tag_ == "CD" and number.like_num and not counts_next else []


def _needed(child) -> bool:
    # a modal carries meaning the verb alone does not: "could close" is not "close"; nor is "37 people"
    # "at least 37 people" (a number's hedge, and the "at" of "at least", go wherever the number goes)
    return (child.dep_ in _BOUND or child.lower_ in _NEGATIONS or negates(child)
            or (child.dep_ in ("aux", "auxpass") and _has_modal(child.head))
            # an adjective the parser hung on the verb is its complement: "tested [positive] for", "came [close]"
            or (child.dep_ == "advmod" and child.tag_ == "JJ" and child.head.pos_ == "VERB")
            # "have [thus far] been unsuccessful", never "efforts been unsuccessful"
            or (child.dep_ == "aux" and child.lemma_ == "have" and child.head.lemma_ == "be" and child.head.tag_ == "VBN")
            or (child.dep_ in ("cc", "conj") and _in_subject(child.head))  # "Daily and Sunday Telegraph"
            or (child.dep_ == "compound" and child.pos_ == child.head.pos_)
            or (child.dep_ == "agent" and child.head.dep_ == "acl")  # "spill [caused by the sinking]"
            or _hedges_number(child) or _ranks(child) or _partitive(child) or _compares(child) or _in_name(child)
            # a preposition the parser hung from the noun after it: "[on] course to strike"
            or (child.dep_ == "advmod" and child.pos_ == "ADP" and child.i == child.head.i - 1))


def _in_name(child) -> bool:
    """A word of the same name as its head: "Bank [of England]" and "University [of Texas]" stay whole
    (names of up to five words: "the NASCAR Sprint Cup Series 2011 Daytona 500" would fill the headline)."""
    if child.ent_iob_ == "O" or child.head.ent_iob_ == "O" or child.ent_type_ not in ("ORG", "GPE", "FAC", "LOC"):
        return False
    low, high = sorted((child.i, child.head.i))
    if not all(t.ent_iob_ == "I" for t in child.doc[low + 1: high + 1]):
        return False
    name = next(e for e in child.doc.ents if e.start <= child.i < e.end)
    return sum(t.pos_ not in ("DET", "PUNCT") for t in name) <= 5


def _compares(child) -> bool:
    """"More people ... than ...": the comparative is the claim."""
    return child.dep_ == "amod" and child.tag_ == "JJR" and any(t.lower_ == "than" for t in child.doc[child.i + 2:])


def _partitive(child) -> bool:
    """The "of" phrase a noun means nothing without: "state of emergency", "series of attacks"."""
    if child.dep_ == "prep":
        return child.lower_ == "of" and child.head.lemma_.lower() in _PARTITIVE
    return child.dep_ == "pobj" and child.head.lower_ == "of" and child.head.head.lemma_.lower() in _PARTITIVE


def _in_subject(token) -> bool:
    """The subject or one of its conjuncts: "Iran, Turkey, and Brazil" is all of it."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass")


_ORDINALS = {"first", "second", "third", "last", "latest", "next", "final"}
# Nouns that say nothing without their modifier: "reached [shocking] levels", "for the [first] time".
_EMPTY_NOUNS = {"level", "levels", "time", "high", "low", "record", "point", "stage"}
_VAGUE_COUNTS = {"several", "many", "few", "dozens", "hundreds", "thousands", "millions", "numerous", "scores"}
# Nouns whose "of" phrase is their meaning: "state [of emergency]", "series [of attacks]".
_PARTITIVE = {"state", "series", "number", "total", "part", "act", "wave", "spate", "string", "pair", "group", "age",
              "worth", "result", "suspicion", "charge",
              # quantities ("release all [of the activists]") and prepositions of several words ("in light [of]")
              "all", "some", "most", "none", "each", "half", "majority", "rest", "light", "wake", "behalf", "spite"}


def _ranks(child) -> bool:
    """A modifier that ranks its noun goes wherever the noun goes: "highest level", "first time",
    "11th consecutive month" never shrink to "level", "time", "month"."""
    if child.dep_ == "advmod" and child.tag_ == "RBS":
        return True  # "most failed state", not "failed state"
    if child.dep_ == "amod" and any(c.dep_ == "advmod" and c.tag_ == "RBS" for c in child.children):
        return True  # "the most senior officer", not "officer"
    if child.lower_ in _VAGUE_COUNTS and child.dep_ in ("amod", "nummod", "det"):
        return True  # "kills several people", not "kills people"
    if child.dep_ not in ("amod", "compound", "nummod"):
        return False
    ordinal = child.lower_ in _ORDINALS or (child.lower_[:-2].isdigit() and child.lower_[-2:] in ("st", "nd", "rd", "th"))
    return child.tag_ == "JJS" or ordinal or child.head.lower_ in _EMPTY_NOUNS


def negates(child) -> bool:
    """An adverb phrase that negates its verb: "will no longer serve" is not "will serve"."""
    return child.dep_ == "advmod" and any(t.lower_ in _NEGATIONS for t in child.subtree)


_HEDGES = {"nearly", "almost", "about", "around", "some", "over", "under", "roughly", "approximately", "only", "just"}
_COMPARATIVES = {"more", "fewer", "less"}


def _hedges_number(child) -> bool:
    """A word of the phrase that hedges a number: "nearly 200,000", "more than $8m", "up to 2,500", "at
    least three", "as many as 140" (the parser hangs "more than" and "up to" from either word); not "$55.5bn, up 15%"."""
    word, head = child.lower_, child.head
    if head.pos_ == "NUM" and child.dep_ == "quantmod" and child.like_num:
        # the other end of a range or a vote: "10 to 3", not "to 3" (but "eight in 10" is no range)
        between = child.doc[min(child.i, head.i) + 1: max(child.i, head.i)]
        return all(t.lower_ in ("to", "-", "–", "and", "or") for t in between)
    if head.pos_ == "NUM":
        near = {c.lower_ for c in (*head.children, *child.children)}
        return (word in _HEDGES or word in ("than", "to", "least", "most", "as", "many", "much")
                or (word in _COMPARATIVES and "than" in near) or (word == "up" and "to" in near))
    return ((word in ("at", "up") or word in _COMPARATIVES) and head.lower_ in ("least", "most", "than", "to")
            or (word == "than" and head.lower_ in _COMPARATIVES))


def _has_modal(verb) -> bool:
    """A verb with a modal or infinitival "to" keeps all its auxiliaries: "will not be using" and
    "to be presented", never "will not using" or "to presented"."""
    return any(a.dep_ == "aux" and (a.lower_ == "to" or a.tag_ == "MD") for a in verb.children)


# A word left without these reads as cut off: "ruled [out]", "hails deal bringing [Turkey closer]",
# "to be able [to use wireless net]".
_COMPLEMENTS = {"dobj", "xcomp", "prt", "acomp", "attr", "oprd", "pobj", "pcomp", "dative"}


def _completed(doc, chosen: set[int], allowed: set[int], max_words: int) -> set[int]:
    """``chosen`` with the complements its words need, while they fit in ``max_words``."""
    pending = sorted(chosen)
    while pending:
        for child in doc[pending.pop()].children:
            if child.dep_ in _COMPLEMENTS and child.i in allowed and child.i not in chosen:
                grown = chosen | _with_support(child, allowed, chosen)
                if _words(doc, grown) > max_words and child.dep_ in _OBJECTS and child.head.pos_ in ("VERB", "AUX") \
                        and sum(c.dep_ in _OBJECTS for c in child.head.children) == 1:  # else a misparse
                    grown = _room_for(doc, grown, chosen, max_words)
                if _words(doc, grown) <= max_words:
                    pending.extend(grown - chosen)
                    chosen = grown
    return chosen


_OBJECTS = {"dobj", "attr", "acomp", "oprd"}


def _room_for(doc, grown: set[int], chosen: set[int], max_words: int) -> set[int]:
    """``grown`` without the chosen prepositional phrases of nouns, largest first, until it fits: a verb's
    object says more than where its subject comes from ("Ali Dizaei [of London's Metropolitan Police
    Service] becomes most senior officer", never "... Police Service becomes")."""
    phrases = sorted((t for t in doc if t.i in chosen and t.dep_ == "prep" and t.head.pos_ in ("NOUN", "PROPN")
                      and t.head.lower_ not in _VAGUE_COUNTS and not _needed(t)), key=lambda t: -len(list(t.subtree)))
    for phrase in phrases:
        if _words(doc, grown) <= max_words:
            break
        grown = grown - {t.i for t in phrase.subtree}
    return grown


def _with_subjects(doc, chosen: set[int], allowed: set[int], max_words: int) -> set[int]:
    """A headline that opens on its verb reads as an order or a fragment ("Will have to undergo tests",
    "Is no chance of history"): a chosen finite verb gets back its subject, or the "there" standing
    for one, when that fits."""
    for i in sorted(chosen):
        verb = doc[i]
        if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ROOT", "conj", "ccomp"):
            continue
        children = list(verb.children)
        if any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i in chosen for c in children):
            continue
        subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if subject is not None and subject.i not in allowed and subject.pos_ == "PRON" and verb.dep_ == "ccomp":
            # "Indonesian authorities said that they have uncovered a plot": the speaker stands for "they"
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj" and c.i in allowed), None)
        elif subject is not None and subject.i not in allowed:  # described, then named: "The brewer, S&N, is to"
            subject = next((c for c in subject.children if c.dep_ == "appos" and c.i in allowed), None)
        if subject is not None and subject.i < verb.i:
            if subject.ent_type_:
                # the name alone: "[The United States air-carrier] Spirit Airlines will begin charging"
                name = next(e for e in doc.ents if e.start <= subject.i < e.end)
                grown = chosen | ({t.i for t in name if t.i in allowed and t.pos_ != "DET"} | {subject.i})
            else:
                grown = chosen | _with_support(subject, allowed, chosen)
            if _words(doc, grown) > max_words:
                grown = _room_for(doc, grown, chosen, max_words)  # a noun's phrase goes before the subject
            if _words(doc, grown) <= max_words:
                chosen = grown
    return chosen


def _joined(doc, chosen: set[int], allowed: set[int], max_words: int) -> set[int]:
    """Conjuncts keep the comma or "and" between them: "Four people killed and four wounded", "Iran,
    Turkey, and Brazil", never "killed four wounded". The joint may take the headline one word past
    ``max_words`` (a conjunct cut instead leaves "Gap between US exports widens"); a conjunct whose
    joint does not fit even so goes."""
    for i in sorted(chosen, reverse=True):
        token = doc[i]
        if i not in chosen or token.dep_ != "conj" or token.head.i not in chosen:
            continue
        joints = {j for j in range(token.head.i + 1, token.i) if j in allowed
                  and (doc[j].dep_ == "cc" or doc[j].text == ",") and doc[j].head.i in (token.head.i, token.i)}
        if _words(doc, chosen | joints) <= max_words + 1:
            chosen = chosen | joints
        else:
            chosen = chosen - {t.i for t in token.subtree}
    return chosen


def select(doc, kept: list, salience: dict[str, float], min_words: int, max_words: int) -> list:
    """The kept tokens a headline keeps, grown greedily (each with its support) while the expected
    ROUGE-1 F1 against a title of ``TITLE_WORDS`` words rises, and at least to ``min_words``."""
    allowed = {t.i for t in kept}
    score = dict(zip((t.i for t in kept), keep_scores(doc, kept, salience)))
    chosen: set[int] = set()

    def expected_f1(ids: set[int]) -> float:
        hits = sum(score[i] for i in ids if not doc[i].is_punct)
        return 2 * hits / (_words(doc, ids) + TITLE_WORDS)

    current = 0.0
    while True:
        best, best_value = None, -1.0
        for token in kept:
            if token.pos_ in _DANGLING or token.i in chosen:
                continue  # a preposition or auxiliary comes in only with the word it serves
            grown = chosen | _with_support(token, allowed, chosen)
            if _words(doc, grown) <= max_words and (value := expected_f1(grown)) > best_value:
                best, best_value = grown, value
        if best is None or (best_value <= current and _words(doc, chosen) >= min_words):
            break
        chosen, current = best, best_value
    chosen = _with_subjects(doc, _completed(doc, chosen, allowed, max_words), allowed, max_words)
    chosen = _compared(doc, _joined(doc, chosen, allowed, max_words), allowed, max_words)
    tokens = [t for t in kept if t.i in chosen]
    # a modifier left without its word reads as cut off ("makes return to competitive [running]")
    # (a verb's particle is no dangling preposition: "sworn in", "called off")
    while tokens and ((tokens[-1].pos_ in _DANGLING and tokens[-1].dep_ != "prt")
                      or tokens[-1].lower_ in _COMPOUND_PREPOSITIONS or _cut_modifier(tokens[-1], chosen)):
        tokens.pop()
    return tokens


def _compared(doc, chosen: set[int], allowed: set[int], max_words: int) -> set[int]:
    """A comparative and its "than" phrase come together, or not at all: "More people in India have access
    to phones than to toilets" never loses its "More", nor its "than to toilets"."""
    for comparative in [doc[i] for i in sorted(chosen) if doc[i].tag_ in ("JJR", "RBR") and doc[i].dep_ == "amod"]:
        than = next((t for t in doc[comparative.i + 1:] if t.lower_ == "than" and t.i in allowed), None)
        if than is not None and than.i not in chosen and than.i > comparative.i + 1 \
                and not any(t.pos_ == "PRON" for t in than.children):  # not "more than $60bn", nor "than those"
            grown = chosen | {t.i for t in than.subtree if t.i in allowed}
            if _words(doc, grown) <= max_words + 1:
                chosen = grown
    for than in [doc[i] for i in sorted(chosen) if doc[i].lower_ == "than"]:
        if any(doc[i].tag_ in ("JJR", "RBR") or doc[i].lower_ in _COMPARATIVES for i in chosen if i < than.i):
            continue
        comparative = next((t for t in reversed(doc[: than.i]) if t.tag_ in ("JJR", "RBR") and t.i in allowed), None)
        grown = chosen | _with_support(comparative, allowed, chosen) if comparative is not None else chosen
        if comparative is not None and _words(doc, grown) <= max_words:
            chosen = grown
        else:
            chosen = chosen - {t.i for t in than.subtree}
    return chosen


# the first word of a two-word preposition, left at the end when its "to" went: "profit thanks [to cuts]"
_COMPOUND_PREPOSITIONS = {"thanks", "due", "according", "owing"}


def _cut_modifier(token, chosen: set[int]) -> bool:
    """An adjective whose word was cut: a modifier before its noun, or an object the parser took for one
    before the word it modifies ("to competitive [running]"; "into musical." and "charity single" stay)."""
    if token.pos_ != "ADJ":
        return False
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return ((token.dep_ == "amod" and token.head.i > token.i and token.head.i not in chosen)
            or (token.dep_ == "pobj" and after is not None and after.i not in chosen and after.pos_ in ("NOUN", "VERB")))
