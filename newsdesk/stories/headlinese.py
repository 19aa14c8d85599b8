"""Headline grammar for a compressed sentence: the present tense, "to" for the future, no copula.

A news sentence reports in the past ("Harry Potter topped Amazon's book chart", "Indonesia's
government is considering raising fuel prices"); a headline speaks in the present ("tops",
"considers"), drops "is" before an infinitive ("Jarre is to perform" -> "Jarre to perform") and
as a copula ("livelihoods are at risk" -> "livelihoods at risk"), and puts the future as "to"
("Brown will meet" -> "Brown to meet"). Each rewritten word stands for its own source token (a verb
re-inflected from spaCy's lemma by the rules below, "will" as "to"), so a headline word still
traces to one word of the cited sentence.

Only a verb whose subject is in the headline changes: "found dead" (a participle standing for "was
found") stays as it is. Against BBC titles this is worth ~0.3 ROUGE-1 (irregular verbs: "fell" ->
"falls" matches a title's "falls"; regular ones stem alike anyway); it is mostly for reading.
"""

from __future__ import annotations

from newsdesk.stories.compress import negates

_PERFECT = {"has", "have", "had"}
_PROGRESSIVE = {"is", "are", "was", "were", "been", "be"}
_SIBILANT_ENDINGS = ("s", "sh", "ch", "x", "z", "o")
_PLURAL_PRONOUNS = {"we", "they", "you", "i"}
_KEEP_TENSE = {"say", "be", "have", "do"}  # reporting verbs and auxiliaries read oddly in the present
# "-ing" forms that say a state, not an action under way: "hundreds [are] missing" is not "hundreds miss"
_STATE_PARTICIPLES = {"missing", "living", "remaining", "lacking", "existing", "belonging"}


def third_person(lemma: str) -> str:
    """"fall" -> "falls", "push" -> "pushes", "rally" -> "rallies", "go" -> "goes"."""
    if lemma.endswith(_SIBILANT_ENDINGS):
        return lemma + "es"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _plural(subject) -> bool:
    return (subject.tag_ in ("NNS", "NNPS") or subject.lower_ in _PLURAL_PRONOUNS or subject.lower_ in _PLURAL_WORDS
            or (subject.tag_ == "CD" and subject.lower_ not in ("one", "1")  # "Four of England's clubs reach"
                and not any(c.dep_ == "poss" for c in subject.children))  # but "Ocean's Twelve goes"
            or any(c.dep_ == "conj" for c in subject.children)
            or (subject.lower_ in _PARTITIVE_WORDS and any(  # "Some of Europe's airlines call", "Most of them are"
                c.lower_ == "of" and any(o.dep_ == "pobj" and _plural(o) for o in c.children) for c in subject.children)))


_PLURAL_WORDS = {"both", "many", "several", "few"}
_PARTITIVE_WORDS = {"some", "most", "all", "half", "none", "part", "rest", "majority"}


def _present(verb, kept: set[int]) -> str | None:
    """The present-tense form of a kept verb, or None to leave it as written."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)  # "hold a concert and donated"
    if subject is not None and subject.i not in kept:  # "The world's largest retailer, Wal-Mart, agreed"
        subject = next((c for c in subject.children if c.dep_ in ("appos", "conj") and c.i in kept), subject)
    if subject is not None and subject.i not in kept and not (subject.pos_ == "PRON" and min(kept) < verb.i):
        subject = None  # no subject left, unless a pronoun's speaker stands in ("government [it] considers")
    lemma = verb.lemma_.lower()
    if subject is None or not lemma.isalpha() or lemma in _KEEP_TENSE or _reduced_passive(verb) \
            or verb.lower_ in _STATE_PARTICIPLES:
        return None
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.i in kept or a.dep_ == "auxpass" or a.tag_ == "MD" or a.lower_ == "to" for a in auxiliaries):
        return None  # the auxiliary is still there ("will close"), or it is a passive ("was found")
    if verb.tag_ == "VBD" and not auxiliaries:
        pass  # "topped"
    elif verb.tag_ == "VBN" and not auxiliaries and verb.dep_ == "conj" and verb.head.tag_ == "VBD":
        pass  # "held a concert and donated", a past tense the parser took for a participle
    elif verb.tag_ == "VBN" and auxiliaries and all(a.lower_ in _PERFECT for a in auxiliaries):
        pass  # "has agreed" with "has" dropped
    elif verb.tag_ == "VBG" and auxiliaries and all(a.lower_ in _PROGRESSIVE for a in auxiliaries):
        pass  # "is considering" with "is" dropped
    else:
        return None
    joined = [c for c in verb.children if c.dep_ == "nsubj" and c.i in kept and c.i != subject.i
              and any(t.lower_ == "and" for t in verb.doc[min(c.i, subject.i): max(c.i, subject.i)])]
    word = lemma if _plural(subject) or joined else third_person(lemma)  # "Ian Baldwin ... and colleagues discover"
    return word.capitalize() if verb.text[:1].isupper() else word


def _reduced_passive(verb) -> bool:
    """ "the model found dead", which the parser reads as a past tense with a subject: a verb that
    needs an object, with none but an adjective after it, is the participle of a passive."""
    children = list(verb.children)
    return (verb.lemma_ in ("find", "leave", "declare", "pronounce") and not any(c.dep_ == "dobj" for c in children)
            and any(c.pos_ == "ADJ" and c.i > verb.i and c.dep_ in ("acomp", "ccomp", "xcomp", "oprd") for c in children))


def _copula(token, kept: set[int]) -> bool:
    """A finite "be" joining a kept subject to an adjective or a place: headlines leave it out
    (also "[have] been popular", whose "have" is already gone)."""
    children = list(token.children)
    auxiliaries = [c for c in children if c.dep_ in ("aux", "neg", "expl")]
    finite = token.tag_ in ("VBZ", "VBP", "VBD") and not auxiliaries
    perfect = token.lower_ == "been" and auxiliaries and all(a.lower_ in _PERFECT and a.i not in kept for a in auxiliaries)
    return (token.lemma_ == "be" and token.dep_ == "ROOT" and (finite or perfect)
            and any(c.dep_ == "nsubj" and c.i in kept for c in children)
            and any((c.dep_ in ("acomp", "prep") or (c.dep_ == "attr" and _amount(c))) and c.i in kept for c in children))


def _amount(token) -> bool:
    """A figure as the complement: "the shortfall was $55.5bn" reads "shortfall $55.5bn" in a headline."""
    return token.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL") or token.like_num


def _plain_future(token, kept: set[int]) -> bool:
    """ "will" before a plain verb (or "be" + participle), with its subject kept: headlines say "to"."""
    verb = token.head
    if token.lower_ != "will" or token.dep_ != "aux" or verb.i not in kept or verb.lemma_ == "have":
        return False  # "will have to spend" is not "to have to spend"
    others = [c for c in verb.children if (c.dep_ in ("aux", "auxpass", "neg") or negates(c)) and c.i != token.i]
    return (any(c.dep_ in ("nsubj", "nsubjpass") and c.i in kept for c in verb.children)
            and all(c.lower_ == "be" for c in others))


def headline_forms(tokens: list) -> dict[int, str]:
    """Token index -> the word the headline prints instead ("" to leave the token out)."""
    kept = {t.i for t in tokens}
    forms: dict[int, str] = {}
    for token in tokens:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        infinitive = next((c for c in token.children if c.dep_ == "xcomp" and c.i in kept
                           and any(a.lower_ == "to" and a.i in kept for a in c.children)), None)
        if token.lower_ in ("is", "are") and infinitive is not None:
            forms[token.i] = ""  # "Jarre is to perform" -> "Jarre to perform"
        elif _copula(token, kept):
            forms[token.i] = ""  # "livelihoods are at risk" -> "livelihoods at risk"
        elif _plain_future(token, kept):
            forms[token.i] = "To" if token.text[:1].isupper() else "to"  # "Brown will meet" -> "Brown to meet"
        elif (present := _present(token, kept)) is not None:
            forms[token.i] = present
    return forms
