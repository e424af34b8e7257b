"""Number phrases → intervals: the normalisation table that keeps "more than two dozen" and
"26" from looking like a contradiction.

Works on a sequence of lower-cased token strings (spaCy token texts, or a plain string split the
same way), so the same code serves the extractor and the unit tests. Conventions (documented in
docs/extraction-quality.md):

* integer counts: exclusive bounds become inclusive ("more than 24" → [25, None]); "nearly N" →
  [floor(0.85·N), N−1]; "about N" → [ceil(0.9·N), floor(1.1·N)]; "up to N" → [0, N];
* measurements and money (real values): a strict bound excludes the value itself, so its end is
  the next representable float beyond it ("more than 7" → [7.000000000000001, None], the real
  analogue of N+1); "at least X" → [X, None]; "nearly X" → [0.9·X, X); "about X" →
  [0.9·X, 1.1·X]; "up to X" → [None, X];
* vague plurals ("dozens", "tens of thousands") → the wide intervals in the lexicon;
* fractions ("two-thirds of") → percent, ± ``fraction_spread`` points; written in digits
  ("3/8 of") → exact percent (± ``digit_fraction_spread`` when not a whole tenth);
* ratios ("a ratio of 4:3", in a sentence naming one) → the quotient, a real value.

A literal may carry its currency and scale in one token ("$7.2m", "HK$5", "USD10m", "1.8bn",
"410K"); the currency is kept on the match for the money reader (money.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Span

from claimwatch_extract.lexicon import Lexicon, Numbers, Op, load_lexicon

_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[A-Za-z]+|[^\sA-Za-z\d]")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_FRACTION = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_GLUED_FRACTION = re.compile(r"^(\d{1,3})/(\d{1,3})$")
_GLUED_RATIO = re.compile(r"^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_GROUP3 = re.compile(r"^\d{3}$")
_ZERO_GROUP3 = re.compile(r"^0\d\d$")
MINUS = ("-", "−", "–")
_CLOSING_QUOTES = frozenset({'"', "”", "’", "'"})
# a sentence that opens on a whole ("Of the 150, 100 were children") names its part next
_PARTITIVE_OPENERS = frozenset({"of", "among"})
# "by 9, 300 people were queuing": an hour of the clock, then a count
_CLOCK_PREPOSITIONS = frozenset({"at", "by", "until", "till", "after", "before", "around"})


@dataclass(frozen=True)
class NumberMatch:
    """One number phrase: token range ``[start, end)`` incl. modifiers; ``[num_start, num_end)``
    is the literal itself. ``value`` is the literal (or range/vague bounds in low/high).
    ``currency`` is an ISO 4217 code written in front of the number ("$", "HK$", "EUR");
    ``scale`` the abbreviation that multiplied it ("m" in "$5m"), so a reader can undo an
    ambiguous one."""

    start: int
    end: int
    num_start: int
    num_end: int
    low: float
    high: float
    op: Op | None
    kind: str  # "exact" | "range" | "vague" | "fraction" | "score" | "ratio"
    integer: bool
    currency: str | None = None
    scale: str | None = None
    spread: float | None = None  # a fraction's ± points (None: the lexicon's, for words)

    def shifted(self, offset: int) -> NumberMatch:
        """The same match with token indexes moved by ``offset`` (sentence → doc)."""
        return NumberMatch(  # not dataclasses.replace: one per number, and it is slow
            self.start + offset,
            self.end + offset,
            self.num_start + offset,
            self.num_end + offset,
            self.low,
            self.high,
            self.op,
            self.kind,
            self.integer,
            self.currency,
            self.scale,
            self.spread,
        )

    def interval(self, lex: Lexicon, counted: bool) -> tuple[float | None, float | None]:
        """The value as an interval; ``counted`` = an integer count of things."""
        return to_interval(self, lex, counted)


@dataclass(frozen=True)
class _Literal:
    end: int
    value: float
    integer: bool
    raw: float  # before any scale word
    scale: str | None  # the scale word or abbreviation applied
    currency: str | None


def _scaled(v: float, mult: float) -> float:
    """``v`` times a power of ten without float noise (4.1 billion is 4100000000, not
    4099999999.9999995)."""
    return round(v * mult, 6)


def spaced_symbols(words: Sequence[str], sent: Span) -> Sequence[str]:
    """The scanner's words for a sentence's tokens: a letter set apart by a space from the
    "$" after it keeps the space, so it never joins the symbol: "a $5 fee" is an article
    before US dollars, "A$5" (one word to a reader) Australian dollars."""
    if "$" not in words:
        return words
    out = list(words)
    for i in range(len(out) - 1):
        tok = sent[i]
        if out[i + 1] == "$" and tok.whitespace_ and len(tok.text) == 1 and tok.is_alpha:
            out[i] = f"{out[i]} "
    return out


def split_words(text: str) -> list[str]:
    """Tokenise like spaCy does for numbers (hyphens split off), lower-cased."""
    return [t.lower() for t in _TOKEN.findall(text)]


@lru_cache(maxsize=4)
def _glued_pattern(symbols: tuple[str, ...], scales: tuple[str, ...]) -> re.Pattern[str]:
    """One token that holds a number: optional "~", currency, sign, digits, scale, final "."."""
    cur = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    scale = "|".join(re.escape(s) for s in sorted(scales, key=len, reverse=True))
    return re.compile(
        rf"^(?P<approx>[~≈]|sub-)?(?P<sign1>[-−–])?(?P<cur>{cur})?(?P<sign>minus-|[-−–+])?"
        rf"(?P<num>{_NUM})(?P<scale>{scale})?\.?$"
    )


_GLUED_BY_LEXICON: dict[int, tuple[Lexicon, re.Pattern[str]]] = {}
"""Each lexicon's glued pattern, by ``id`` (the lexicon is held, so its id stays its own):
building the cache key of ``_glued_pattern`` cost more than the match it looks up."""


def _glued(word: str, lex: Lexicon) -> re.Match[str] | None:
    held = _GLUED_BY_LEXICON.get(id(lex))
    if held is None or held[0] is not lex:
        held = (lex, _glued_pattern(lex.glued_symbols, tuple(lex.numbers.abbreviations)))
        _GLUED_BY_LEXICON[id(lex)] = held
    return held[1].match(word)


def _digit_value(
    word: str, lex: Lexicon, outer: str | None = None
) -> tuple[float, str | None, str | None, str] | None:
    """(value, currency, scale abbreviation, "~"/"sub-" marker) of a token holding digits,
    else None; ``outer`` = a currency written before the token ("€" "10B")."""
    g = _glued(word, lex)
    if g is None:
        return None
    num = g["num"]
    if len(num) > 1 and num[0] == "0" and num[1] != "." and "," not in num:
        return None  # leading zero: a phone number or code, not a count
    value = float(num.replace(",", ""))
    cur = g["cur"]
    currency = lex.money.code_of(cur) if cur else None
    if cur and currency is None:
        return None
    scale = g["scale"]
    if scale:
        ambiguous = scale in lex.numbers.ambiguous_abbreviations
        if ambiguous and currency is None and outer is None:
            return None  # "5m" alone: metres or million? left to the unit reader
        value = _scaled(value, lex.numbers.abbreviations[scale])
    if g["sign1"] or g["sign"]:
        value = -value
    return value, currency, scale, g["approx"] or ""


def _currency_before(words: Sequence[str], i: int, lex: Lexicon) -> tuple[int, str] | None:
    """A currency written as its own token(s) right before ``i`` ("$", "us $", "eur")."""
    m = lex.money
    for n in (2, 1):
        k = i - n
        if k < 0:
            continue
        name = " ".join(words[k:i])
        if name in m.names_before:  # "US Dollar 5", "Rupees 250"
            return k, m.names_before[name]
        key = "".join(words[k:i])
        if key in m.glued_only:
            continue
        code = m.code_of(key)
        if code is not None:
            return k, code
    return None


def _currency_before_prefix(words: Sequence[str], i: int, lex: Lexicon) -> tuple[int, str] | None:
    """A currency written before the modifier of the number at ``i`` ("US Dollar more than
    5"); not a bare code, which ends a phrase as often as it opens one ("in USD over 5 years")."""
    k, op = prefix_at(words, i, lex)
    found = _currency_before(words, k, lex) if op is not None else None
    if found is not None and words[found[0]].upper() in lex.money.code_set:
        return None
    return found


def _written_pair(
    words: Sequence[str], i: int, sep: str, glued: re.Pattern[str]
) -> tuple[float, float, int] | None:
    """(a, b, index after) of two numbers written "a/b" or "a / b" (``sep`` between) at ``i``."""
    g = glued.match(words[i])
    if g is not None:
        return float(g[1]), float(g[2]), i + 1
    plain = i + 2 < len(words) and _PLAIN.match(words[i]) and _PLAIN.match(words[i + 2])
    if plain and words[i + 1] == sep:
        return float(words[i]), float(words[i + 2]), i + 3
    return None


def _digit_fraction(words: Sequence[str], i: int, lex: Lexicon) -> NumberMatch | None:
    """ "3/8 of the seats", "3 / 8 of": a share in percent, exact as written."""
    pair = _written_pair(words, i, "/", _GLUED_FRACTION)
    if pair is None:
        return None
    a, b, end = pair
    if not (0 < a < b) or end >= len(words) or words[end] != "of":
        return None
    pct = a / b * 100
    value = round(pct, 1)
    spread = 0.0 if abs(pct - value) < 1e-9 else lex.numbers.digit_fraction_spread
    start, op = prefix_at(words, i, lex)
    return NumberMatch(start, end, i, end, value, value, op, "fraction", False, spread=spread)


def _ratio(words: Sequence[str], i: int, lex: Lexicon) -> NumberMatch | None:
    """ "the ratio ... is 4:3": the quotient, in a sentence that names a ratio before it."""
    if i > 0 and words[i - 1] == ":":
        return None  # the middle of "2:3:5"
    pair = _written_pair(words, i, ":", _GLUED_RATIO)
    if pair is None:
        return None
    a, b, end = pair
    if b == 0 or (end < len(words) and words[end] == ":"):
        return None
    ratio_words = lex.numbers.ratio_words
    if not any(w in ratio_words for w in words[:i]):
        return None
    value = round(a / b, 6)
    start, op = prefix_at(words, i, lex)
    return NumberMatch(start, end, i, end, value, value, op, "ratio", False)


def _group_after_comma(
    words: Sequence[str], i: int, j: int, n: Numbers, tags: Sequence[str] | None
) -> bool:
    """The comma at ``j`` separates thousands of the number at ``i``: always before a group
    with a leading zero ("20, 000": no count is written "051"), else only as the number's
    first group, where nothing says the two are two numbers (``_spaced_thousands``), and
    not after a name the number labels ("Route 66, 140 miles": ``tags``, when given)."""
    if j + 1 < len(words) and _ZERO_GROUP3.match(words[j + 1]):
        return True
    if tags is not None and i > 0 and tags[i - 1] in ("NNP", "NNPS"):
        return False
    return j == i + 1 and _spaced_thousands(words, i, n)


def _spaced_thousands(words: Sequence[str], i: int, n: Numbers) -> bool:
    """ "2, 116" at ``i``: a thousands figure whose comma a feed set apart (one corpus's text
    conversion does it to every comma). Not a list ("1, 2, 300", "300, 400 metres": two
    round hundreds; "12, 140 and 9"), a height and weight ("6-11, 240"), a clock time
    ("with 4 : 43, 200 fans left"), a date and a count
    ("May 1, 200 fans"), an hour and a count ("by 9, 300 people were queuing"), nor a whole
    and its part ("Of the 150, 100 were children")."""
    if i + 2 >= len(words) or not _GROUP3.match(words[i + 2]) or not words[i].isdigit():
        return False
    before = words[i - 1] if i > 0 else ""
    if before == "." and i > 1:
        before = words[i - 2]  # "Sept. 5": the abbreviation's point set apart
    if before in (",", ":") or before in MINUS or before.rstrip(".") in n.month_words:
        return False  # a list, a clock ("4 : 43, 200 fans"), a score or height, a date
    if i + 4 < len(words) and words[i + 3] == "," and words[i + 4][:1].isdigit():
        return False
    if i + 4 < len(words) and words[i + 3] in ("and", "or") and words[i + 4].isdigit():
        spaced_next = i + 6 < len(words) and words[i + 5] == "," and _GROUP3.match(words[i + 6])
        if not spaced_next:
            return False  # "12, 140 and 9": a list's last two; not "1, 874 and 2, 116"
    if i <= 2 and words[0] in _PARTITIVE_OPENERS:
        return False  # "Of the 150, 100 were children": a whole, then its part
    if before in _CLOCK_PREPOSITIONS and int(words[i]) <= 12:
        return False  # "By 9, 300 people were queuing": an hour, then a count
    high, low = int(words[i]), int(words[i + 2])
    return not (high >= 100 and high % 100 == 0 and low % 100 == 0)


def _plural_noun_after(tags: Sequence[str] | None, j: int) -> bool:
    """A plural noun after ``j`` past modifiers ("2.7m combined digital sales", "35m of its
    devices"): then an ambiguous abbreviation is a scale, not a unit."""
    if tags is None:
        return False
    for t in tags[j : j + 7]:
        if t in ("NNS", "NNPS"):
            return True
        if t not in ("JJ", "CC", "HYPH", ",", "NN", "NNP", "VBN", "VBD", "IN", "PRP$", "DT"):
            return False
    return False


def _literal(
    words: Sequence[str],
    i: int,
    lex: Lexicon,
    tags: Sequence[str] | None = None,
    currency: str | None = None,
) -> _Literal | None:
    """Parse a literal number at ``i``; ``currency`` = one written before it as a token."""
    n = lex.numbers
    parsed = _digit_value(words[i], lex, currency)
    if parsed is not None:
        v, glued_cur, glued_scale, _ = parsed
        currency = currency or glued_cur
        j = i + 1
        raw = v
        scale = glued_scale
        if scale is None and abs(v) < 1000 and "." not in words[i]:
            # "10 000": thousands written with a space; "20, 000", "2, 116": a separator set
            # apart by tokenised text (_group_after_comma: not "May 5, 200 marched")
            while j < len(words) and j - i <= 3:
                if _GROUP3.match(words[j]):
                    v = v * 1000 + float(words[j])
                    j += 1
                elif words[j] == "," and _group_after_comma(words, i, j, n, tags):
                    v = v * 1000 + float(words[j + 1])
                    j += 2
                else:
                    break
            raw = v
        frac = _FRACTION.match(words[j]) if j < len(words) else None
        if frac and int(frac[1]) < int(frac[2]) and scale is None:
            v = raw = v + int(frac[1]) / int(frac[2])  # "2 1/2"
            j += 1
        closed = j + 1 < len(words) and words[j] in _CLOSING_QUOTES
        if scale is None and currency is not None and closed and words[j + 1] in n.multipliers:
            j += 1  # '"... asking for $5.6" billion': a quote closed inside the amount
        if scale is None and j < len(words):
            w = words[j].rstrip(".") if len(words[j]) > 1 else words[j]  # "$5.4 m." at the end
            if w in n.multipliers and w != "score":
                v = _scaled(v, n.multipliers[w])
                scale = w
                j += 1
            elif w in n.abbreviations and (
                w not in n.ambiguous_abbreviations
                or currency is not None
                or _plural_noun_after(tags, j + 1)
            ):
                v = _scaled(v, n.abbreviations[w])
                scale = w
                j += 1
        if j + 2 < len(words) and words[j : j + 3] == ["and", "a", "half"] and scale is None:
            v = raw = v + 0.5
            j += 3
        return _Literal(j, v, v == int(v), raw, scale, currency)
    total, current, j, seen = 0.0, 0.0, i, False
    scale = None
    while j < len(words):
        w = words[j]
        nxt = words[j + 1] if j + 1 < len(words) else ""
        if w in ("a", "an"):
            if seen or nxt not in n.multipliers:
                break
            current, seen = 1.0, True
        elif w in n.multipliers and w != "score" and seen:
            current = max(current, 1.0) * n.multipliers[w]
            scale = w
            if n.multipliers[w] >= 1000:
                total, current = total + current, 0.0
        elif w in n.words and w not in ("a", "an", "dozen"):
            if seen and current % 100 and n.words[w] >= current % 100:
                break  # "two three" is not one number
            current += n.words[w]
            seen = True
        elif w in ("-", "and") and seen and nxt in n.words and nxt not in ("a", "an"):
            pass
        elif w == "and" and seen and words[j + 1 : j + 3] == ["a", "half"]:
            current += 0.5
            j += 2
        else:
            break
        j += 1
    if not seen:
        return None
    value = total + current
    raw = value if scale is None else value / (n.multipliers[scale] or 1)
    return _Literal(j, value, value == int(value), raw, scale, currency)


def prefix_at(words: Sequence[str], i: int, lex: Lexicon) -> tuple[int, Op | None]:
    """The longest modifier ("more than", "up to", "~") ending right before ``i``."""
    best: tuple[int, Op | None] = (i, None)
    if i == 0:
        return best
    for parts, op in lex.prefixes_by_last.get(words[i - 1], ()):
        k = i - len(parts)
        if k >= 0 and tuple(words[k:i]) == parts and k < best[0]:
            best = (k, op)
    return best


_DIGIT = re.compile(r"\d")


def _has_digit(word: str) -> bool:
    return _DIGIT.search(word) is not None


def scan_numbers(
    words: Sequence[str], lex: Lexicon | None = None, tags: Sequence[str] | None = None
) -> list[NumberMatch]:
    """Every number phrase in ``words`` (lower-cased tokens), left to right, non-overlapping.

    ``tags`` (fine-grained POS tags, one per word) let an ambiguous abbreviation count as a
    scale before a plural noun ("2.7m sales", "8 B people"); without them only money does."""
    lex = lex or load_lexicon()
    out: list[NumberMatch] = []
    i = 0
    starters = lex.number_starters
    while i < len(words):
        w = words[i]
        if w not in starters and not _has_digit(w) and w != HALF:
            i += 1  # cheap pre-filter: no number phrase can start here
            continue
        match = _match_at(words, i, lex, tags)
        if match is None:
            # skip runs of digit groups (phone numbers) as a whole
            if w[:1] == "0" and len(w) > 1 and w[1:2].isdigit():
                while i < len(words) and words[i][:1].isdigit():
                    i += 1
                continue
            i += 1
            continue
        out.append(match)
        i = match.end
    return out


def is_year(lit: _Literal, word: str, lex: Lexicon) -> bool:
    """A four-digit number in the year range written without a separator ("in 2019")."""
    lo, hi = lex.numbers.year_range
    return (
        lit.scale is None
        and lit.currency is None
        and word.isdigit()
        and len(word) == 4
        and lo <= lit.value <= hi
    )


def _unit_span(words: Sequence[str], k: int, lex: Lexicon) -> int:
    """Tokens of a unit or currency name at ``k`` (0 if none): "%", "per cent", "miles"."""
    for n in (2, 1):
        key = " ".join(words[k : k + n])
        if len(words[k : k + n]) == n and (
            key in lex.measurements.units or key in lex.money.names or key in lex.money.minor
        ):
            return n
    return 0


def _currency_at(words: Sequence[str], j: int, lex: Lexicon) -> tuple[int, str] | None:
    """A currency written as its own token(s) starting at ``j``: (tokens used, code)."""
    for n in (2, 1):
        key = "".join(words[j : j + n])
        if j + n < len(words) and key not in lex.money.glued_only:
            code = lex.money.code_of(key)
            if code is not None:
                return n, code
    return None


def _range_after(
    words: Sequence[str],
    i: int,
    first: _Literal,
    lex: Lexicon,
    tags: Sequence[str] | None,
    between: bool,
) -> tuple[int, _Literal, float, str | None] | None:
    """The second end of a range after the literal at ``i``: "40 to 50", "5% and 6%" (after
    "between"), "$750,000 to $1 million", "three to four thousand". Returns the index of the
    second literal, the literal, the first end (scaled like the second when only the second
    has a scale word: "three to four thousand") and the currency of the range."""
    end = first.end
    unit1 = _unit_span(words, end, lex)
    k = end + unit1
    if k + 1 >= len(words):
        return None
    conn = words[k]
    if not (conn in ("to", "-", "–") or (conn == "and" and between)):
        return None
    j = k + 1
    currency = first.currency
    cur2 = _currency_at(words, j, lex)
    if cur2 is not None:
        j += cur2[0]
        currency = currency or cur2[1]
    negative = words[j] in MINUS and j + 1 < len(words)
    second = _literal(words, j + 1 if negative else j, lex, tags, currency)
    if second is None:
        return None
    if negative:
        second = replace(second, value=-second.value, raw=-second.raw)
    if is_year(first, words[i], lex) != is_year(second, words[j], lex):
        return None  # "in 2021 to 4.6 million": a year, then a value
    if unit1 and list(words[second.end : second.end + unit1]) != list(words[end:k]):
        return None  # "18 sen to RM23.50": not one unit on both sides
    low = first.value
    if first.scale is None and second.scale is not None and first.raw < second.raw:
        n = lex.numbers
        low = _scaled(first.raw, n.multipliers.get(second.scale) or n.abbreviations[second.scale])
    return j, second, low, currency or second.currency


_SIGN_CONTEXT = frozenset({"to", "from", "at", "was", "is", "of", "and", "or", "by", "(", ","})


def _minus_before(words: Sequence[str], i: int) -> bool:
    """A minus sign as its own token: "minus 5", "from -18 to -34" (not "40-50", "mid-90s")."""
    if i == 0:
        return False
    w = words[i - 1]
    if w == "minus":
        return True
    if w not in MINUS:
        return False
    prev = words[i - 2] if i >= 2 else ""
    return prev == "" or prev in _SIGN_CONTEXT or not prev[-1:].isalnum()


def _is_change_before(words: Sequence[str], start: int, lex: Lexicon) -> bool:
    """A change word just before a number ("rose from 5 to 7", "slow slightly from")."""
    window = words[max(0, start - 4) : start]
    return any(w in lex.changes.forms for w in window)


def _match_at(
    words: Sequence[str], i: int, lex: Lexicon, tags: Sequence[str] | None = None
) -> NumberMatch | None:
    n = lex.numbers
    # vague compounds first: "tens of thousands", "several hundred"
    for parts, (lo, hi) in lex.vague_compounds:
        if words[i] == parts[0] and tuple(words[i : i + len(parts)]) == parts:
            start, op = prefix_at(words, i, lex)
            return NumberMatch(start, i + len(parts), i, i + len(parts), lo, hi, op, "vague", True)
    if words[i] in n.vague:
        lo, hi = n.vague[words[i]]
        # "dozens" alone is vague only when it counts something: "dozens of", "hundreds still"
        start, op = prefix_at(words, i, lex)
        return NumberMatch(start, i + 1, i, i + 1, lo, hi, op, "vague", True)
    w = words[i]
    if w == HALF or (w in ("a", "an") and words[i + 2 : i + 5] == ["and", "a", HALF]):
        half = _half_phrase(words, i, lex)
        if half is not None:
            return half
    if w[:1].isdigit() and ("/" in w or ":" in w or words[i + 1 : i + 2] in (["/"], [":"])):
        written = _digit_fraction(words, i, lex) or _ratio(words, i, lex)
        if written is not None:
            return written
    before = _currency_before(words, i, lex)
    outer = None if before is not None else _currency_before_prefix(words, i, lex)
    lead = before[0] if before else i
    lit = _literal(words, i, lex, tags, before[1] if before else (outer[1] if outer else None))
    if lit is None:
        return None
    if _minus_before(words, lead):
        lead -= 1
        lit = replace(lit, value=-lit.value, raw=-lit.raw)
    end, value, integer = lit.end, lit.value, lit.integer
    parsed = _digit_value(words[i], lex, before[1] if before else None)
    marker = parsed[3] if parsed is not None else ""
    # fractions: "two-thirds of", "a third of", "half of"
    k = end + 1 if end < len(words) and words[end] == "-" else end
    if k < len(words) and words[k] in n.fractions and k + 1 < len(words) and words[k + 1] == "of":
        pct = round(value * n.fractions[words[k]] * 100, 1)
        start, op = prefix_at(words, i, lex)
        return NumberMatch(start, k + 1, i, k + 1, pct, pct, op, "fraction", False)
    if words[i] in ("a", "an") and end == i + 1:
        return None
    # score lines: "3-1", "2-2", "112-104"
    if end + 1 < len(words) and words[end] == "-" and lit.currency is None:
        lit2 = _literal(words, end + 1, lex, tags)
        if lit2 is not None and lit2.value <= value and lit.scale is None:
            return NumberMatch(i, lit2.end, i, lit2.end, value, lit2.value, None, "score", True)
    start, op = prefix_at(words, lead, lex)
    if outer is not None:
        start = outer[0]  # "US Dollar more than 1": the currency opens the phrase
    if marker and op is None:
        op = "lt" if marker == "sub-" else "about"  # "~1.2mm", "sub-500 sq m"
    # ranges: "between 40 and 50", "40 to 50", "40-50", "$10 to $15 billion"
    between = lead > 0 and words[lead - 1] == "between"
    rng = _range_after(words, i, lit, lex, tags, between)
    if rng is not None:
        second_at, second, low, currency = rng
        # "rose by 12,000 to 310,000", "fell from 4.8 to 4.7": a move, not a range
        changed = (
            not between and words[second_at - 1] != "-" and _is_change_before(words, start, lex)
        )
        if second.value < low < 0 and second.value < 0:
            low, high = second.value, low  # "from -18 to -34 degrees": both below zero
        else:
            high = second.value
        if high > low and not changed:
            return NumberMatch(
                lead - 1 if between else start,
                second.end,
                i,
                second.end,
                low,
                high,
                None,
                "range",
                integer and second.integer,
                currency,
                second.scale,
            )
    if end < len(words) - 1 and (words[end], words[end + 1]) in {("or", "more"), ("or", "so")}:
        op = n.suffix[f"{words[end]} {words[end + 1]}"]
        return NumberMatch(start, end + 2, i, end, value, value, op, "exact", integer, lit.currency)
    return NumberMatch(
        start, end, i, end, value, value, op, "exact", integer, lit.currency, lit.scale
    )


HALF = "half"


def _half_phrase(words: Sequence[str], i: int, lex: Lexicon) -> NumberMatch | None:
    """ "half a million" (500,000), "half a dozen" (6), "half an hour" (0.5 before the unit),
    "an hour and a half" (1.5: the literal is "an", its unit the word after it)."""
    n = lex.numbers
    start, op = prefix_at(words, i, lex)
    if words[i] != HALF:  # "an hour and a half"
        if words[i + 1] not in lex.measurements.units:
            return None
        return NumberMatch(start, i + 5, i, i + 1, 1.5, 1.5, op, "exact", False)
    if words[i + 1 : i + 2] not in (["a"], ["an"]) or i + 2 >= len(words):
        return None
    unit = words[i + 2]
    if unit in n.multipliers and unit != "score":
        value = 0.5 * n.multipliers[unit]
        integer = value.is_integer()
        return NumberMatch(start, i + 3, i, i + 3, value, value, op, "exact", integer, None, unit)
    if unit in lex.measurements.units:
        return NumberMatch(start, i + 2, i, i + 2, 0.5, 0.5, op, "exact", False)
    return None


def after(v: float) -> float:
    """The next representable value above ``v``: a strict lower bound ("more than v")."""
    return math.nextafter(v, math.inf)


def before(v: float) -> float:
    """The next representable value below ``v``: a strict upper bound ("less than v")."""
    return math.nextafter(v, -math.inf)


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
        spread = n.fraction_spread if m.spread is None else m.spread
        if m.op == "nearly":
            return round(v * n.nearly_measure, 1), before(v)
        if m.op == "gt":
            return after(v), None
        if m.op == "ge":
            return v, None
        if m.op == "lt":
            return None, before(v)
        if m.op == "le":
            return None, v
        return round(v - spread, 1), round(v + spread, 1)
    if counted and m.integer:
        return _count_interval(int(v), m.op, lex)
    return real_interval(v, m.op, lex)


def real_interval(v: float, op: Op | None, lex: Lexicon) -> tuple[float | None, float | None]:
    """A real value (measure, money) under a modifier: strict bounds exclude ``v``."""
    n = lex.numbers
    if op is None:
        return v, v
    if op == "gt":
        return after(v), None
    if op == "ge":
        return v, None
    if op == "lt":
        return None, before(v)
    if op == "le":
        return None, v
    if op == "nearly":
        return round(v * n.nearly_measure, 2), before(v)
    lo, hi = sorted((v * (1 - n.about_rel), v * (1 + n.about_rel)))
    return round(lo, 2), round(hi, 2)


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
