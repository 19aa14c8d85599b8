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
# a letter or digit, then runs of them and of marks ("_" is no part of a word). Written as runs, not as
# (letter, its marks) pairs: the same words, matched 4-5x faster (possessive, so it never backtracks)
LETTERS = rf"[^\W_](?:[^\W_]++|[{re.escape(MARKS)}]++)*+"
WORD = re.compile(LETTERS)
