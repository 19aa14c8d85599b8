"""Quantities as news states them: "19", "nearly 20", "more than 300,000", "at least four", "dozens".

A casualty figure is only as good as its bounds: "more than 300,000" is a floor, "up to 50" a
ceiling, "nearly 20" a round estimate. We keep the words as stated and turn them into ``low`` /
``high`` so figures from different reports can be compared and the highest picked.
Conventions (documented in the gold README too): exact and approximate numbers give low = high;
"more than N" / "at least N" give low = N, high = None; "up to N" / "fewer than N" give high = N;
"dozens" is low 24, "scores" 40, "hundreds" 200, "several hundred" 300, "thousands" 2000 (the
smallest plural reading).
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000, "m": 1_000_000, "bn": 1_000_000_000}
_VAGUE = {
    "a dozen": (12, 12), "dozens": (24, None), "scores": (40, None), "hundreds": (200, None),
    "thousands": (2000, None), "tens of thousands": (20_000, None), "hundreds of thousands": (200_000, None),
    "millions": (2_000_000, None), "a handful": (2, 5), "a couple": (2, 2),
    "several hundred": (300, None), "several thousand": (3000, None), "a few hundred": (200, None),
}
_QUALIFIERS = {
    "at least": ">=", "no fewer than": ">=", "no less than": ">=", "a minimum of": ">=",
    "more than": ">", "over": ">", "upwards of": ">", "in excess of": ">", "just over": ">", "above": ">",
    "nearly": "~", "almost": "~", "about": "~", "around": "~", "approximately": "~", "roughly": "~",
    "some": "~", "an estimated": "~", "estimated": "~", "close to": "~", "just under": "~", "around about": "~",
    "up to": "<=", "as many as": "<=", "as high as": "<=", "at most": "<=", "fewer than": "<", "less than": "<", "under": "<",
}
_NUMBER_WORDS = [w for w in _UNITS if w not in ("zero", "no", "a", "an")]
_WORD = "|".join(sorted(_NUMBER_WORDS + list(_TENS), key=len, reverse=True))
_UNIT_WORD = "|".join(_NUMBER_WORDS[:9])
_SMALL_NUMBER = rf"(?:{_WORD})(?:[- ](?:{_UNIT_WORD}))?"
# "two hundred and fifty": the "and" belongs to the number, not a range ("between one hundred and two hundred" is one)
_AND_REST = rf"(?:\s+and\s+{_SMALL_NUMBER}(?!\s+(?:hundred|thousand|million)))?"
_WORD_NUMBER = (rf"(?:{_SMALL_NUMBER}(?:\s+(?:hundred|thousand|million){_AND_REST})?"
                rf"|(?:a|one)\s+(?:hundred|thousand|million){_AND_REST})")
# "at least 4, 600 people": a stray space after the thousands separator
_DIGITS = r"(?:\d{1,3}(?:, ?\d{3}(?!\d))+|\d+(?:\.\d+)?)(?:\s*(?:hundred|thousand|million|billion|m|bn)\b)?"
_NUMBER = rf"(?:{_DIGITS}|{_WORD_NUMBER})"
_VAGUE_RE = "|".join(sorted(map(re.escape, _VAGUE), key=len, reverse=True))
_QUAL_RE = "|".join(sorted(map(re.escape, _QUALIFIERS), key=len, reverse=True))
QUANTITY = re.compile(
    rf"\b(?:(?P<qual>{_QUAL_RE})\s+(?:another\s+)?)?(?:between\s+)?"
    rf"(?:(?P<num>{_NUMBER})(?:\s*(?:-|–|to|and|or)\s*(?P<num2>{_NUMBER}))?|(?P<vague>{_VAGUE_RE}))\b",
    re.IGNORECASE,
)


def number_value(text: str) -> float | None:
    """'300,000' -> 300000, 'twenty-five' -> 25, '1.2 million' -> 1200000; None if not a number."""
    words = re.sub(r"(?<=\d), ?(?=\d{3})", "", text.lower()).replace(",", "").replace("-", " ").split()
    if not words:
        return None
    total, current = 0.0, 0.0
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            current += float(word)
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "and":  # "two hundred and fifty"
            continue
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total, current = total + current, 0.0
        else:
            return None
    return total + current


def bounds(match: re.Match[str]) -> tuple[float | None, float | None, str]:
    """(low, high, qualifier) of a QUANTITY match; qualifier is one of = ~ > >= < <= range vague."""
    qual = _QUALIFIERS.get((match.group("qual") or "").lower(), "=")
    if match.group("vague"):
        low, high = _VAGUE[match.group("vague").lower()]
        if qual in ("<", "<="):
            return None, low, qual
        if qual in (">", ">="):
            return low, None, qual
        return low, high, "vague"
    value = number_value(match.group("num"))
    if match.group("num2"):
        second = number_value(match.group("num2"))
        if value is not None and second is not None and second > value:
            return value, second, "range"
    if qual in (">", ">="):
        return value, None, qual
    if qual in ("<", "<="):
        return None, value, qual
    return value, value, qual


def parse_quantity(text: str) -> tuple[float | None, float | None, str] | None:
    """Bounds of a stated quantity, or None when ``text`` holds no number."""
    match = QUANTITY.search(text)
    return bounds(match) if match else None
