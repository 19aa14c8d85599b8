"""Two spaCy passes: entities over the whole text, the dependency parse only where a figure can be.

Of the small English pipeline's cost on a 600-word article, about half is NER (with its own
tok2vec) and the other half the shared tok2vec, tagger and parser. Entities, places and dates are
needed everywhere, but the parse only serves the figure rules, and only in sentences that state a
number next to a casualty word: about one in nine of a typical article's. So the whole text gets
the tokenizer, the statistical sentence segmenter (``senter``, with its own tiny tok2vec) and NER;
each sentence that needs a parse is copied into a Doc of its own (``Span.as_doc`` keeps the
entities) and goes through tok2vec, tagger and parser. A sentence parsed alone gets the parse it
gets in context: the parser never links across sentences, and tok2vec looks four tokens either side.
The pipeline is the one headlines use too (``newsdesk.nlp``), each pass running only its own steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from newsdesk.nlp import one_thread, pipeline, skipped

PARSE_STEPS = ("tok2vec", "tagger", "parser")
# the attribute ruler and lemmatizer never run: ``morph.py`` stands in for them at a fraction of the cost,
# and the parser and NER do not depend on them
ARTICLE_STEPS = ("senter", "block_breaks", "ner")
PARSE_BATCH_SIZE = 128


@dataclass
class Sentence:
    """One sentence of an article: its offsets into the article text, and the parse, made on demand."""

    start: int
    end: int
    text: str
    span: Span  # in the article's Doc: entities, no parse
    parsed: Doc | None = field(default=None, repr=False)

    @property
    def tree(self) -> Doc:
        """The sentence as its own parsed Doc; its offsets are relative to ``start``."""
        if self.parsed is None:
            parse([self])
        assert self.parsed is not None
        return self.parsed


def article_docs(texts: Iterable[str], batch_size: int) -> list[Doc]:
    """Tokens, sentences and entities of each text, without the parse."""
    with one_thread():
        return list(pipeline().pipe(texts, batch_size=batch_size, disable=skipped(ARTICLE_STEPS)))


def sentences_of(doc: Doc, text: str) -> list[Sentence]:
    """The sentences of ``doc`` (whose text is ``text``: ``Doc.text`` rebuilds the string on every access)."""
    return [Sentence(s.start_char, s.end_char, text[s.start_char:s.end_char], s) for s in doc.sents]


def parse(sentences: list[Sentence]) -> None:
    """Parse the sentences not parsed yet, in one batch."""
    todo = [s for s in sentences if s.parsed is None]
    if not todo:
        return
    with one_thread():
        trees = pipeline().pipe((s.span.as_doc() for s in todo), batch_size=PARSE_BATCH_SIZE,
                                disable=skipped(PARSE_STEPS))
        for sentence, tree in zip(todo, trees):
            sentence.parsed = tree
