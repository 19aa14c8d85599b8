"""The English spaCy pipeline that facts and headlines share, loaded once a process.

Facts read entities over whole texts and parse the few sentences where a figure can be
(``facts/sentences.py``); headlines parse one lead sentence and read its entity types and lemmas
(``stories/headlines.py``). Both are served by one copy of the pipeline, loaded with every component:
each caller runs only the steps it needs (``skipped``), so one process holds one model, not two, and
runs it on one BLAS thread (``one_thread``). The package is the ``spacy_model`` setting; a command that
reads the settings names it with ``use_model``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import use_ops
from threadpoolctl import ThreadpoolController

from newsdesk.settings import Settings

DEFAULT_MODEL = Settings.spacy_model
_model = DEFAULT_MODEL


@Language.component("block_breaks")
def block_breaks(doc: Doc) -> Doc:
    """Article.text joins blocks with a blank line; a sentence never runs across two blocks."""
    for i in numpy.flatnonzero(doc.to_array("IS_SPACE")[:-1]):
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


def use_model(name: str) -> None:
    """Make the spaCy package ``name`` the pipeline this process loads (the ``spacy_model`` setting)."""
    global _model
    _model = name


def pipeline() -> Language:
    """The pipeline, loaded at its first use."""
    return _loaded(_model)


@lru_cache(maxsize=1)
def _loaded(name: str) -> Language:
    # thinc multiplies matrices with blis by default; numpy's OpenBLAS runs the tok2vec products
    # ((tokens x 288) by (288 x 288)) three times faster on AVX-512 cores, a fifth of an article's facts
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(name)
    # the statistical sentence segmenter, for the facts' texts that the parser no longer sees whole
    nlp.enable_pipe("senter")
    nlp.add_pipe("block_breaks", after="senter")
    return nlp


def skipped(steps: Iterable[str]) -> list[str]:
    """The pipeline's components other than ``steps``: what a caller running only ``steps`` disables."""
    wanted = set(steps)
    return [name for name in pipeline().pipe_names if name not in wanted]


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def one_thread() -> AbstractContextManager:
    """A context in which numpy's BLAS runs on one thread, for running the pipeline. Its matrix products are
    those of one batch or one sentence, too small to share: OpenBLAS's second thread spun for them, and on
    this shared two-core machine headlines took about 7 times the CPU they take on one thread, facts 1.6 times."""
    return _blas().limit(limits=1, user_api="blas")
