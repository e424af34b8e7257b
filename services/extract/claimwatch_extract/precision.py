"""How precisely a measurement was stated, and parenthetical conversions.

Why: "25 kilometres (15 miles)" is one statement, yet 15 miles is 24.14 km; "a 12mph (20km/h)
limit" is 19.31 km/h next to 20. A number stands for every value that rounds to it: "15
miles" is 14.5 to 15.5 miles, "7.4" is 7.35 to 7.45, and a round "2,000 feet" was rounded to
at least two significant digits (1,950 to 2,050). The alert stage widens a value by this
precision before comparing, so a conversion or a rounding never looks like a contradiction,
while "magnitude 7.4 vs 6.8" still does.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

_DIGITS = re.compile(r"^\d[\d,]*(?:\.(\d+))?$")
MIN_SIGNIFICANT = 2
"""A round integer is taken to be stated to at least this many significant digits."""


def stated_precision(literal: Span, factor: float = 1.0) -> float:
    """Half a unit of the last stated digit of a number phrase, times the unit ``factor``.

    "7.4" -> 0.05, "25" -> 0.5, "300" -> 5, "2,000" -> 50, "3.4 million" -> 50,000; a number
    in words ("seven", "two dozen") -> 0.5."""
    first = literal[0].text
    if first.startswith("."):
        first = "0" + first  # ".38": a bore written without its zero
    found = _DIGITS.match(first)
    if found is None:
        return round(0.5 * factor, 6)
    decimals = found.group(1)
    if decimals:
        half = 0.5 * float(10 ** (-len(decimals)))
    else:
        digits = first.replace(",", "")
        zeros = len(digits) - len(digits.rstrip("0"))
        kept = max(len(digits) - zeros, MIN_SIGNIFICANT)
        half = 0.5 * float(10 ** max(len(digits) - kept, 0))
    scale = float(first.replace(",", "")) or 1.0
    literal_value = _value_of(literal)
    multiplier = literal_value / scale if literal_value else 1.0
    return round(half * multiplier * factor, 6)


def _value_of(literal: Span) -> float:
    """The value of a digit literal with a trailing multiplier word ("3.4 million")."""
    text = literal[0].text.replace(",", "")
    value = float(text)
    words = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "bn": 1e9}
    for tok in literal[1:]:
        value *= words.get(tok.lower_, 1.0)
    return value


def is_conversion(doc: Doc, first_end: int, second_start: int) -> bool:
    """Does the number starting at token ``second_start`` restate, in brackets, the one whose
    literal ends at ``first_end``? "25 kilometres (15 miles)", "12mph (20km/h)"."""
    if second_start <= first_end or second_start - first_end > 5:
        return False
    between = [t.text for t in doc[first_end:second_start]]
    return between[-1] == "(" and ")" not in between
