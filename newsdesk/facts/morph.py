"""Part of speech and lemma for the few words the figure rules look at, without spaCy's components.

The pipeline's ``attribute_ruler`` and ``lemmatizer`` run after the parser and cost about a third
of its time on a 600-word article; the rules only need coarse tags (read off the tagger's
fine-grained ``tag_``) and lemmas of a closed vocabulary (kill, die, say, rise, ...), which a table
of irregular forms and suffix stripping give exactly.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Token

_IRREGULAR = {
    "died": "die", "dying": "die", "dies": "die", "slew": "slay", "slain": "slay", "fled": "flee", "lost": "lose",
    "left": "leave", "brought": "bring", "rose": "rise", "risen": "rise", "stood": "stand", "told": "tell",
    "said": "say", "says": "say", "found": "find", "put": "put", "hit": "hit", "hurt": "hurt", "bodies": "body",
    "lives": "life", "casualties": "casualty", "fatalities": "fatality", "injuries": "injury", "was": "be",
    "were": "be", "is": "be", "are": "be", "been": "be", "being": "be", "am": "be", "grew": "grow", "grown": "grow",
    "held": "hold", "taken": "take", "took": "take", "reported": "report", "claimed": "claim", "deaths": "death",
    "quoted": "quote", "noted": "note", "stated": "state", "estimated": "estimate", "refugees": "refugee",
}
_TAG_TO_POS = {"NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "CD": "NUM", "JJ": "ADJ", "JJR": "ADJ",
               "JJS": "ADJ", "PRP": "PRON", "PRP$": "PRON", "IN": "ADP", "DT": "DET", "MD": "AUX"}
_vocabulary: set[str] = set()


def register(words: set[str]) -> None:
    """Words whose inflections ``lemma`` must map back (the rule modules register theirs)."""
    _vocabulary.update(words)
    lemma_of.cache_clear()


def lemma(token: Token) -> str:
    return lemma_of(token.lower_)


@lru_cache(maxsize=50_000)  # news vocabulary is Zipfian: most calls are repeats
def lemma_of(word: str) -> str:
    """Lemma of a lower-cased word: exact for the registered vocabulary, the word itself otherwise."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _vocabulary:
        return word
    for suffix, replacements in (("ies", ("y",)), ("ied", ("y",)), ("ing", ("", "e")), ("ed", ("", "e")), ("d", ("",)),
                                 ("es", ("", "e")), ("s", ("",))):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            for replacement in replacements:
                if stem + replacement in _vocabulary:
                    return stem + replacement
            if suffix in ("ing", "ed") and len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in _vocabulary:
                return stem[:-1]  # "kidnapped" -> "kidnap"
    return word


def pos(token: Token) -> str:
    """Coarse part of speech from the tagger's Penn tag (what attribute_ruler would have set)."""
    tag = token.tag_
    if tag.startswith("VB"):
        return "AUX" if token.lower_ in _IRREGULAR and _IRREGULAR[token.lower_] == "be" else "VERB"
    return _TAG_TO_POS.get(tag, tag)
