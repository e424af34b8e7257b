"""Where to put the marks: claims in an article's text, the number in an evidence sentence.

Pure functions over plain strings that return spans and segments; the templates escape every
segment, so marking never turns article text into markup.

The extractor reports a claim's sentence, not where its number sits in it, so the number is
found again here: every number phrase in the sentence (digits, "4,000", "1.2 million",
"twenty-six", "two dozen", "fourth", "3rd") is read, and those equal to an end of the claimed
interval are marked, with a qualifier just before them ("at least", "more than") that made the
value an interval. When none matches, every number phrase is marked rather than none.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100,
}  # fmt: skip
_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000,
           "billion": 1_000_000_000}  # fmt: skip
# "dozens", "thousands of people": the smallest amount the plural can mean
_PLURAL_SCALES = {f"{word}s": value for word, value in _SCALES.items()}
_QUALIFIERS = (
    "at least", "at most", "more than", "less than", "fewer than", "up to", "over", "under",
    "nearly", "almost", "about", "around", "roughly", "some", "approximately", "just over",
    "just under", "as many as", "no fewer than", "no more than",
)  # fmt: skip

_WORD = "|".join(sorted([*_UNITS, *_ORDINALS, *_SCALES, *_PLURAL_SCALES], key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:st|nd|rd|th)?"
_TOKEN = rf"(?:{_DIGITS}|(?:{_WORD})\b)"
_PHRASE = re.compile(rf"(?<![\w.]){_TOKEN}(?:(?:[\s-]+(?:and[\s-]+)?|-){_TOKEN})*", re.IGNORECASE)
_QUALIFIER = re.compile(
    r"(?:" + "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS) + r")\s+$", re.IGNORECASE
)
_TOKENS = re.compile(_TOKEN, re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A piece of text and the marks over it (claim indexes, or a number mark)."""

    text: str
    marks: tuple[int, ...] = ()

    @property
    def marked(self) -> bool:
        return bool(self.marks)


def phrase_value(phrase: str) -> float | None:
    """The number a phrase says: ``4,000`` 4000, ``1.2 million`` 1.2e6, ``two dozen`` 24."""
    total = 0.0
    current: float | None = None
    for token in _TOKENS.findall(phrase):
        word = token.lower()
        if word in _SCALES or word in _PLURAL_SCALES:
            scale = _SCALES.get(word) or _PLURAL_SCALES[word]
            current = (current if current is not None else 1.0) * scale
            if scale >= 1_000:
                total += current
                current = None
        elif word in _UNITS or word in _ORDINALS:
            current = (current or 0.0) + _UNITS.get(word, _ORDINALS.get(word, 0))
        else:
            digits = re.sub(r"(st|nd|rd|th)$", "", word).replace(",", "")
            current = (current or 0.0) + float(digits)
    if current is None and total == 0.0:
        return None
    return total + (current or 0.0)


@lru_cache(maxsize=8192)  # copies and repeated wording: the same sentence, the same answer
def number_spans(
    sentence: str, low: float | None, high: float | None
) -> tuple[tuple[int, int], ...]:
    """Spans of the number phrases that say the interval [low, high].

    First choice: a phrase equal to an end ("312" for [312, 312], "two dozen" for (24, ∞)).
    Then one inside the interval, whose integer ends may be one off because "more than 1,200"
    is stored as 1201 ("about 60" for [54, 66], "thousands" for [1000, 9999]). Failing both,
    every number phrase, so the reader still sees which numbers the sentence has.
    """
    phrases = [(m.start(), m.end(), phrase_value(m.group(0))) for m in _PHRASE.finditer(sentence)]
    found = [(s, e, v) for s, e, v in phrases if v is not None]
    ends = [t for t in (low, high) if t is not None]
    exact = [(s, e) for s, e, v in found if any(_same(v, t) for t in ends)]
    inside = [(s, e) for s, e, v in found if _inside(v, low, high)]
    chosen = exact or inside or [(s, e) for s, e, _ in found]
    return tuple((_with_qualifier(sentence, s), e) for s, e in chosen)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _inside(value: float, low: float | None, high: float | None) -> bool:
    if low is None and high is None:
        return False
    slack_low = 1.0 if low is not None and float(low).is_integer() else 0.0
    slack_high = 1.0 if high is not None and float(high).is_integer() else 0.0
    above = low is None or value >= low - slack_low
    below = high is None or value <= high + slack_high
    return above and below


def _with_qualifier(sentence: str, start: int) -> int:
    before = sentence[max(0, start - 24) : start]
    match = _QUALIFIER.search(before)
    return start - len(match.group(0)) if match else start


def mark_numbers(sentence: str, low: float | None, high: float | None) -> list[Segment]:
    """The sentence in segments, the number phrases saying [low, high] marked with ``0``."""
    return segments(sentence, [(s, e, 0) for s, e in number_spans(sentence, low, high)])


def segments(text: str, spans: Sequence[tuple[int, int, int]]) -> list[Segment]:
    """``text`` cut at every span edge; each piece lists the ids of the spans covering it.

    Spans may overlap or nest (two claims in one sentence); out-of-range spans are clipped.
    """
    n = len(text)
    clipped = [(max(0, min(s, n)), max(0, min(e, n)), i) for s, e, i in spans]
    clipped = [(s, e, i) for s, e, i in clipped if e > s]
    cuts = sorted({0, n, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    out: list[Segment] = []
    for left, right in itertools.pairwise(cuts):
        marks = tuple(sorted({i for s, e, i in clipped if s <= left and right <= e}))
        if out and out[-1].marks == marks:
            out[-1] = Segment(out[-1].text + text[left:right], marks)
        else:
            out.append(Segment(text[left:right], marks))
    return out
