"""Join hard-wrapped plain text back into its paragraphs, before the line segmenter reads it.

The segmenter (``segmenter.py``) labels each line on its own, and it learnt from pages written one block per
line. Prose wrapped at a fixed width (an email, a terminal copy, a JSONL record from such a scraper) or broken
once inside a sentence handed it fragments: a line that starts mid-sentence reads as page furniture and a short
unpunctuated one as a subhead, and a QA tester's wrapped report lost three words in four. Joined back, the same
text is the paragraphs the model knows.

A page written one block per line must come through untouched, so a break is undone only on evidence:

* the text is hard-wrapped: there is a width that its lines keep to and that the next line's first word would
  have overflowed (or come within a tenth of, for wrappers that balance their lines), break after break, with
  lines that go on in lower case where a list of headlines would start each item with a capital; such a width
  is looked for only between 45 and 120 characters, so lists of short furniture lines and pages of long
  paragraphs never qualify. Where blank lines set the paragraphs apart, a block of such lines is one paragraph;
* or, in any text, a line of some words that leaves its sentence open is followed by lines that go on in lower
  case (or after "the", "of", "and" ...) until a full stop closes the sentence, unless the lines look like
  something else a page holds: a heading, a caption's credit, a byline or date line, a table row, a list, a
  repeated slogan;
* and characters that break lines but never paragraphs in a news text (vertical tab, form feed, the C0
  separators, NEL, U+2028) are read as spaces.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from newsdesk.extract import line_forms

# \r\r\n, from a file converted to CRLF twice, is one line end, not a line end and a blank line.
_LINE_END = re.compile(r"\r+\n")
_SOFT_BREAK = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028]")
_BULLET = re.compile(r"^\s*[•·▪►▸*+>|]")
# A dash or a number that a wrapper may have carried to the start of a line ("... on Interstate" / "10. Public
# Safety ..."): a list item's mark only after a line that closed.
_ITEM = re.compile(r"^\s*(?:[-–—]\s|\d{1,3}[.)]\s)")
# A sentence broken off mid-way ends its line on a word, a comma or a compound's hyphen, and goes on with a
# plain word in lower case (not a name like "n8n" or "indexOf()", nor a label like "left:").
_OPEN = re.compile(r"[^\W\d_][,-]?$")
# Columns lined up with tabs or runs of spaces: a table row or code, not prose.
_COLUMNS = re.compile(r"\t| {3}")
_PLAIN_WORD = re.compile(r"([^\W\d_]+(?:['’-][^\W\d_]+)*)[,;.!?]?(?:\s|$)")
# A sentence's close, but not the ellipsis of a blurb cut short.
_CLOSING = re.compile(r"(?<![.…])[.!?][\"'”’)\]]*$")
_LETTERS = re.compile(r"[^\W\d_]+")
# English words that leave a sentence open whatever follows: the next line goes on with it even when it starts
# with a name or a number. Not the prepositions a sentence may end on ("what mom always told you to"), and in
# lower case only, as a sentence has them mid-way ("... swimwear by Vitamin A" ends on a name).
_DANGLING = frozenset("a an the and or nor of into onto across between than its their whose during among".split())
_HYPHENATED = re.compile(r"\w-$")
WRAP_WIDTHS = range(45, 121)
# Wrappers that balance their lines (fmt aims at 93% of its width) break a little before the next word would
# overflow: a break counts as forced when that word would have come within a tenth of the width of the edge.
WRAP_SLACK = 0.1
# Forced breaks a text needs to count as wrapped, and a block between blank lines to count as one paragraph.
MIN_WRAPS = 2
# Of the breaks that fit a wrap width, the share that must be forced by it, and the share of capital starts
# beyond which the lines are items of a list (headlines), not the lines of a paragraph.
MIN_FORCED_SHARE = 0.5
MAX_CAPITAL_SHARE = 0.6
# Words the line before a stray break needs: menus, tags and relative times ("Home", "6 months ago") stay apart.
MIN_SENTENCE_WORDS = 4
# Words a sentence joined over a stray break must have: a slogan broken in two ("Ready for more" / "bookings &
# time?") is page furniture, better left as the page set it.
MIN_JOINED_WORDS = 10
# The share of capitalised words that makes a line a heading rather than the start of a sentence.
HEADING_CAPITALS = 0.5


def reflow(text: str) -> list[str]:
    """The lines of ``text`` with wrapped paragraphs joined into one line each; other lines as they were (bar
    the characters read as spaces)."""
    lines = _SOFT_BREAK.sub(" ", _LINE_END.sub("\n", text)).splitlines()
    width = wrap_width(lines)
    wrapped = _wrapped_breaks(lines, width) if width is not None else [False] * len(lines)
    goes_on = [a or b for a, b in zip(wrapped, _sentences_going_on(lines, wrapped))]
    paragraphs: list[list[str]] = []
    for line, joins in zip(lines, goes_on):
        if paragraphs and joins:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [pieces[0] if len(pieces) == 1 else _join(pieces) for pieces in paragraphs]


def wrap_width(lines: list[str]) -> int | None:
    """The width the text is hard-wrapped at, or None for text that is not wrapped."""
    sizes = np.array([len(line.rstrip()) for line in lines])
    pairs = [(a, b) for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()]
    if len(pairs) < MIN_WRAPS or sizes.max() < WRAP_WIDTHS.start:
        return None
    above, below = (np.array([len(line.rstrip()) for line in side]) for side in zip(*pairs))
    word = np.array([len(_first_word(b)) for _, b in pairs])
    capital = np.array([b.lstrip()[0].isupper() for _, b in pairs])
    sizes.sort()
    best, best_forced = None, 0
    for width in WRAP_WIDTHS:
        fitting = (above <= width) & (below <= width)
        forced = fitting & (word > 0) & (above + 1 + word > width * (1 - WRAP_SLACK))
        wraps = int(forced.sum())
        longer = len(sizes) - np.searchsorted(sizes, width, side="right")
        if (wraps > best_forced and wraps >= max(MIN_WRAPS, MIN_FORCED_SHARE * fitting.sum())
                and longer <= wraps // 3 and capital[forced].sum() <= MAX_CAPITAL_SHARE * wraps):
            best, best_forced = width, wraps
    return best


def _first_word(line: str) -> str:
    """The word a wrapper would have had to fit on the line above; none for an unspaced script (Chinese),
    whose line breaks no width can be read from."""
    words = line.split(maxsplit=1)
    return words[0] if words and len(words[0]) <= 30 else ""


def _wrapped_breaks(lines: list[str], width: int) -> list[bool]:
    """For each line, whether the break before it is one the wrap width forced. Where blank lines set the
    paragraphs apart, a block of lines within the width whose breaks were mostly forced is one paragraph
    throughout (a balancing wrapper such as fmt leaves a shorter line now and then), bar a short line and the
    text's first line when it is open before a capital: the headline of a text file with no blank line under
    it."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    spaced = any(b - a > 1 for a, b in zip(filled, filled[1:]))
    top = filled[0] if filled else -1
    wrapped = [i > 0 and _wrapped(lines[i - 1], line, width, spaced, headline=i - 1 == top)
               for i, line in enumerate(lines)]
    if not spaced:
        return wrapped
    starts = [i for n, i in enumerate(filled) if n == 0 or filled[n - 1] != i - 1]
    ends = [i + 1 for n, i in enumerate(filled) if n + 1 == len(filled) or filled[n + 1] != i + 1]
    for start, end in zip(starts, ends):
        inner = range(start + 1, end)
        if (len(inner) >= MIN_WRAPS and 2 * sum(wrapped[i] for i in inner) > len(inner)
                and all(len(lines[i].rstrip()) <= width for i in range(start, end))):
            for i in inner:
                before, line = lines[i - 1].rstrip(), lines[i].lstrip()
                headline = i - 1 == top and line[0].isupper() and not _CLOSING.search(before)
                wrapped[i] = wrapped[i] or (len(before) >= width // 2 and not headline
                                            and not _starts_block(lines[i - 1], lines[i]))
    return wrapped


def _wrapped(before: str, line: str, width: int, spaced: bool, headline: bool) -> bool:
    """Whether the break between two lines is one the text's wrap width forced. Before a capital the text's
    first line may be its ``headline``, and, in text whose paragraphs are not ``spaced`` by blank lines, a line
    that closes a sentence may end a paragraph: there the next word must truly not have fitted, with no slack."""
    if not before.strip() or not line.strip() or _starts_block(before, line):
        return False
    size, word = len(before.rstrip()), _first_word(line)
    closed = _CLOSING.search(before.rstrip())
    strict = line.lstrip()[0].isupper() and (headline and not closed or not spaced and closed)
    return (bool(word) and size <= width and len(line.rstrip()) <= width
            and size + 1 + len(word) > (width if strict else width * (1 - WRAP_SLACK)))


def _sentences_going_on(lines: list[str], wrapped: list[bool]) -> list[bool]:
    """For each line, whether it goes on with a sentence the line before left open: it starts on a word in
    lower case after a line of some words that ends on a word or a comma, and the run of such lines closes a
    sentence of some length. Image descriptions under a heading ("rock begonia"), truncated blurbs ("... in
    front of...") and lines of code close none, and lines the page repeats are its template's (a call to
    action set in two lines, twice). A sentence set in two lines at a comma ("Your bag is empty," / "but you
    still look good.") was broken there by its designer, not by accident; a run of more than one break is
    wrapped prose only in lines of a wrapped width (short ones are a list or a poem: "Zig has the syntax of
    Rust" / "the runtime safety of Rust" / ...)."""
    goes_on = [False] * len(lines)
    seen = Counter(line.strip() for line in lines)
    start = 0
    for i in range(1, len(lines) + 1):
        if i < len(lines) and (wrapped[i] or _continues(lines[i - 1], lines[i], opening=i - 1 == start)):
            continue
        run = lines[start:i]
        if (len(run) > 1 and _CLOSING.search(run[-1].rstrip()) and all(seen[line.strip()] == 1 for line in run)
                and sum(len(line.split()) for line in run) >= MIN_JOINED_WORDS
                and (len(run) > 2 or not run[0].rstrip().endswith(","))
                and (len(run) == 2 or min(len(line.strip()) for line in run[:-1]) >= WRAP_WIDTHS.start)):
            goes_on[start + 1: i] = [True] * (i - start - 1)
        start = i
    return goes_on


def _continues(before: str, line: str, opening: bool) -> bool:
    """Whether ``line`` can be the rest of a sentence ``before`` left open (``opening``: begun on that line):
    it goes on in lower case, or after a word no sentence ends on ("across" / "Dhaka on Thursday ...").
    A heading over a paragraph that opens on a name in lower case ("How n8n Works" / "n8n workflows are ..."),
    a caption's credit ("Credit: Max Neale") and a comment's date ("June 4, 2018 at 9:28 am") close no sentence,
    a table row or a line of code opens none, and a numbered item never goes on with the one before ("3. there
    is a disk at each vertex of the" / "4. the edges ..."). The costly tests come last: most lines fail the
    first."""
    open_text, text = before.strip(), line.strip()
    if not open_text or not text or not _OPEN.search(open_text):
        return False
    word = _PLAIN_WORD.match(text)
    dangling = open_text.rsplit(maxsplit=1)[-1] in _DANGLING and text[0].isalnum()
    if not (word and word.group(1).islower()) and not dangling:
        return False
    if _starts_block(before, line) or _ITEM.match(line) or _COLUMNS.search(open_text):
        return False
    if opening and (len(open_text.split()) < MIN_SENTENCE_WORDS or _heading(open_text)
                    or line_forms.caption_credit(open_text) or line_forms.parse_date(open_text)):
        return False
    return not line_forms.meta_line(text)


def _heading(line: str) -> bool:
    """Title case: most words after the first capitalised."""
    words = _LETTERS.findall(line)[1:]
    return sum(word[0].isupper() for word in words) >= HEADING_CAPITALS * len(words)


def _starts_block(before: str, line: str) -> bool:
    """A list item, or a line indented deeper than the one before (a paragraph's first line), begins anew."""
    indent = len(line) - len(line.lstrip())
    item = _BULLET.match(line) or (_ITEM.match(line) and not _OPEN.search(before.rstrip()))
    return bool(item) or indent > len(before) - len(before.lstrip())


def _join(pieces: list[str]) -> str:
    """The pieces of one paragraph as one line; a compound split at its hyphen ("knee-" / "deep") is one word
    again."""
    text = pieces[0].rstrip()
    for before, piece in zip(pieces, pieces[1:]):
        text += ("" if _HYPHENATED.search(before.rstrip()) else " ") + piece.strip()
    return text
