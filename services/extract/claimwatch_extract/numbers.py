"""Number phrases → intervals: the normalisation table that keeps "more than two dozen" and
"26" from looking like a contradiction.

Works on a sequence of lower-cased token strings (spaCy token texts, or a plain string split the
same way), so the same code serves the extractor and the unit tests. Conventions (documented in
docs/extraction-quality.md):

* integer counts: exclusive bounds become inclusive ("more than 24" → [25, None]); "nearly N" →
  [floor(0.85·N), N−1]; "about N" → [ceil(0.9·N), floor(1.1·N)]; "up to N" → [0, N];
* measurements (non-integer quantities): "more than 7" → [7, None]; "nearly X" → [0.9·X, X];
  "about X" → [0.9·X, 1.1·X]; "up to X" → [None, X];
* vague plurals ("dozens", "tens of thousands") → the wide intervals in the lexicon;
* fractions ("two-thirds of") → percent, ± ``fraction_spread`` points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from claimwatch_extract.lexicon import Lexicon, Op, load_lexicon

_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[A-Za-z]+|[^\sA-Za-z\d]")


@dataclass(frozen=True)
class NumberMatch:
    """One number phrase: token range ``[start, end)`` incl. modifiers; ``[num_start, num_end)``
    is the literal itself. ``value`` is the literal (or range/vague bounds in low/high)."""

    start: int
    end: int
    num_start: int
    num_end: int
    low: float
    high: float
    op: Op | None
    kind: str  # "exact" | "range" | "vague" | "fraction"
    integer: bool

    def shifted(self, offset: int) -> NumberMatch:
        """The same match with token indexes moved by ``offset`` (sentence → doc)."""
        return replace(
            self,
            start=self.start + offset,
            end=self.end + offset,
            num_start=self.num_start + offset,
            num_end=self.num_end + offset,
        )

    def interval(self, lex: Lexicon, counted: bool) -> tuple[float | None, float | None]:
        """The value as an interval; ``counted`` = an integer count of things."""
        return to_interval(self, lex, counted)


def split_words(text: str) -> list[str]:
    """Tokenise like spaCy does for numbers (hyphens split off), lower-cased."""
    return [t.lower() for t in _TOKEN.findall(text)]


def _digit_value(word: str) -> float | None:
    if not _DIGITS.match(word):
        return None
    if len(word) > 1 and word[0] == "0" and not word.startswith("0."):
        return None  # leading zero: a phone number or code, not a count
    return float(word.replace(",", ""))


def _literal(words: Sequence[str], i: int, lex: Lexicon) -> tuple[int, float, bool] | None:
    """Parse a literal number at ``i``: returns (end, value, integer) or None."""
    n = lex.numbers
    w = words[i]
    v = _digit_value(w)
    if v is not None:
        j = i + 1
        if j < len(words) and words[j] in n.multipliers and words[j] != "score":
            v *= n.multipliers[words[j]]
            j += 1
        return j, v, v == int(v)
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(words):
        w = words[j]
        nxt = words[j + 1] if j + 1 < len(words) else ""
        if w in ("a", "an"):
            if seen or nxt not in n.multipliers or nxt == "m":
                break
            current, seen = 1.0, True
        elif w in n.multipliers and w not in ("m", "bn", "score") and seen:
            current = max(current, 1.0) * n.multipliers[w]
            if n.multipliers[w] >= 1000:
                total, current = total + current, 0.0
        elif w in n.words and w not in ("a", "an", "dozen"):
            if seen and current % 100 and n.words[w] >= current % 100:
                break  # "two three" is not one number
            current += n.words[w]
            seen = True
        elif w in ("-", "and") and seen and nxt in n.words and nxt not in ("a", "an"):
            pass
        else:
            break
        j += 1
    if not seen:
        return None
    value = total + current
    return j, value, True


def prefix_at(words: Sequence[str], i: int, lex: Lexicon) -> tuple[int, Op | None]:
    best: tuple[int, Op | None] = (i, None)
    for phrase, op in lex.numbers.prefix.items():
        parts = phrase.split()
        k = i - len(parts)
        if k >= 0 and list(words[k:i]) == parts and k < best[0]:
            best = (k, op)
    return best


def scan_numbers(words: Sequence[str], lex: Lexicon | None = None) -> list[NumberMatch]:
    """Every number phrase in ``words`` (lower-cased tokens), left to right, non-overlapping."""
    lex = lex or load_lexicon()
    n = lex.numbers
    out: list[NumberMatch] = []
    i = 0
    starters = lex.number_starters
    while i < len(words):
        if words[i] not in starters and not words[i][:1].isdigit():
            i += 1  # cheap pre-filter: no number phrase can start here
            continue
        match = _match_at(words, i, lex)
        if match is None:
            # skip runs of digit groups (phone numbers) as a whole
            if _DIGITS.match(words[i]) and words[i][0] == "0" and len(words[i]) > 1:
                while i < len(words) and _DIGITS.match(words[i]):
                    i += 1
                continue
            i += 1
            continue
        out.append(match)
        i = match.end
    del n
    return out


def _match_at(words: Sequence[str], i: int, lex: Lexicon) -> NumberMatch | None:
    n = lex.numbers
    # vague compounds first: "tens of thousands", "several hundred"
    for phrase, (lo, hi) in n.vague_compound.items():
        parts = phrase.split()
        if list(words[i : i + len(parts)]) == parts:
            start, op = prefix_at(words, i, lex)
            return NumberMatch(start, i + len(parts), i, i + len(parts), lo, hi, op, "vague", True)
    if words[i] in n.vague:
        lo, hi = n.vague[words[i]]
        # "dozens" alone is vague only when it counts something: "dozens of", "hundreds still"
        start, op = prefix_at(words, i, lex)
        return NumberMatch(start, i + 1, i, i + 1, lo, hi, op, "vague", True)
    lit = _literal(words, i, lex)
    if lit is None:
        return None
    end, value, integer = lit
    # fractions: "two-thirds of", "a third of", "half of"
    k = end + 1 if end < len(words) and words[end] == "-" else end
    if k < len(words) and words[k] in n.fractions and k + 1 < len(words) and words[k + 1] == "of":
        pct = round(value * n.fractions[words[k]] * 100, 1)
        start, op = prefix_at(words, i, lex)
        return NumberMatch(start, k + 1, i, k + 1, pct, pct, op, "fraction", False)
    if words[i] in ("a", "an") and end == i + 1:
        return None
    # ranges: "between 40 and 50", "40 to 50", "40-50"
    if end + 1 < len(words) and words[end] in ("and", "to", "-"):
        lit2 = _literal(words, end + 1, lex)
        between = i > 0 and words[i - 1] == "between"
        if lit2 is not None and (between or words[end] in ("to", "-")):
            end2, value2, integer2 = lit2
            if words[end] == "-" and value2 <= value:
                # "3-1", "2-2", "112-104": a score line, not a range
                return NumberMatch(i, end2, i, end2, value, value2, None, "score", True)
            if value2 > value:
                start = i - 1 if between else i
                return NumberMatch(
                    start, end2, i, end2, value, value2, None, "range", integer and integer2
                )
    start, op = prefix_at(words, i, lex)
    if end < len(words) - 1 and (words[end], words[end + 1]) in {("or", "more"), ("or", "so")}:
        op = n.suffix[f"{words[end]} {words[end + 1]}"]
        return NumberMatch(start, end + 2, i, end, value, value, op, "exact", integer)
    return NumberMatch(start, end, i, end, value, value, op, "exact", integer)


def to_interval(m: NumberMatch, lex: Lexicon, counted: bool) -> tuple[float | None, float | None]:
    """Apply the modifier to the literal; see the module docstring for the table."""
    n = lex.numbers
    v = m.low
    if m.kind == "range":
        return m.low, m.high
    if m.kind == "vague":
        if m.op in ("gt", "ge"):
            return m.low, None
        if m.op in ("lt", "le"):
            return 0, m.high
        return m.low, m.high
    if m.kind == "fraction":
        spread = n.fraction_spread
        if m.op == "nearly":
            return round(v * n.nearly_measure, 1), v
        if m.op in ("gt", "ge"):
            return v, None
        if m.op in ("lt", "le"):
            return None, v
        return round(v - spread, 1), round(v + spread, 1)
    if counted and m.integer:
        return _count_interval(int(v), m.op, lex)
    if m.op is None:
        return v, v
    if m.op in ("gt", "ge"):
        return v, None
    if m.op in ("lt", "le"):
        return None, v
    if m.op == "nearly":
        return round(v * n.nearly_measure, 2), v
    return round(v * (1 - n.about_rel), 2), round(v * (1 + n.about_rel), 2)


def _count_interval(v: int, op: Op | None, lex: Lexicon) -> tuple[float | None, float | None]:
    n = lex.numbers
    if op is None:
        return v, v
    if op == "gt":
        return v + 1, None
    if op == "ge":
        return v, None
    if op == "lt":
        return 0, max(v - 1, 0)
    if op == "le":
        return 0, v
    if op == "nearly":
        return math.floor(v * n.nearly_count), v - 1
    return math.ceil(v * (1 - n.about_rel) - 1e-9), math.floor(v * (1 + n.about_rel) + 1e-9)


def normalise(
    text: str, counted: bool = True, lex: Lexicon | None = None
) -> tuple[float | None, float | None] | None:
    """The interval of the first number phrase in ``text`` ("nearly a dozen" → (10, 11))."""
    lex = lex or load_lexicon()
    found = [m for m in scan_numbers(split_words(text), lex) if m.kind != "score"]
    return found[0].interval(lex, counted) if found else None
