"""What a word is, in any script.

Python's ``\\w`` leaves out the vowel signs and other combining marks that Indic scripts (Devanagari,
Bengali, Tamil...) and Thai write inside words, so ``\\w+`` cut the Hindi "केंद्र" into "क", "द", "र": a
search for any word beginning with "क" found every Hindi article, and unrelated Hindi stories shared those
fragments. Here a word's letters may carry their marks.
"""

from __future__ import annotations

import re
import unicodedata

# the combining marks of the living scripts (the planes beyond hold none a news page writes)
MARKS = "".join(chr(c) for c in range(0x300, 0x20000) if unicodedata.category(chr(c)) in ("Mn", "Mc"))
# a run of letters or digits, each with the marks written on it ("_" is no part of a word)
WORD = re.compile(rf"(?:[^\W_][{re.escape(MARKS)}]*)+")


def words(text: str) -> list[str]:
    return WORD.findall(text)
