"""Measurement claims: magnitudes, depths, distances, rainfall, levels, speeds, percentages.

Why: "magnitude 7.4" vs "magnitude 6.8" is a checkable contradiction, but only between values of
the same dimension; units are converted to one canonical unit per dimension (miles → km) so
"12 miles" and "19 km" compare, and the dimension (depth vs distance, turnout vs vote share) is
read from context words in the sentence, nearest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.numbers import NumberMatch, prefix_at
from claimwatch_extract.slots import measurement_slot


@dataclass(frozen=True)
class Measurement:
    first: Token
    low: float | None
    high: float | None
    unit: str
    slot: str
    confidence: float


def _unit_after(sent: Span, i: int, lex: Lexicon) -> tuple[str, int] | None:
    """Unit key starting at token ``i`` (longest of 1-3 tokens) and tokens consumed."""
    units = lex.measurements.units
    for n in (3, 2, 1):
        if i + n > sent.end:
            continue
        toks = sent.doc[i : i + n]
        spaced = " ".join(t.lower_ for t in toks)
        joined = "".join(t.lower_ for t in toks)
        for key in (spaced, joined):
            if key in units:
                return key, n
    return None


def _nearest(sent: Span, pos: int, words: dict[str, str], after: int | None = None) -> str | None:
    """Nearest context word; "<n> percent of the vote" first, then words to the left (the
    subject usually precedes its value: "turnout was 58 percent"), then to the right."""
    doc = sent.doc
    if after is not None and after + 1 < sent.end and doc[after].lower_ == "of":
        for t in doc[after + 1 : min(after + 4, sent.end)]:
            for key in (t.lemma_.lower(), t.lower_):
                if key in words:
                    return words[key]
    best: tuple[float, str] | None = None
    for t in sent:
        for key in (t.lemma_.lower(), t.lower_):
            if key in words:
                d = abs(t.i - pos) * (1.0 if t.i < pos else 2.5)
                if best is None or d < best[0]:
                    best = (d, words[key])
    return best[1] if best else None


def _is_magnitude(sent: Span, m: NumberMatch, lex: Lexicon) -> bool:
    words = set(lex.measurements.magnitude_words)
    doc = sent.doc
    lo = max(m.start - 4, sent.start)
    hi = min(m.num_end + 5, sent.end)
    before = {t.lower_ for t in doc[lo : m.num_start]}
    after = [t.lower_ for t in doc[m.num_end : hi]]
    if before & words or after[:2] in (["-", "magnitude"], ["magnitude"]) or "richter" in after:
        return m.low < 10
    return False


def extract_measurement(m: NumberMatch, sent: Span, lex: Lexicon) -> Measurement | None:
    """A measurement for one number phrase, or None if no unit/dimension applies."""
    if m.kind == "score":
        return None
    doc = sent.doc
    first = doc[m.start]
    if m.kind == "fraction":
        low, high = m.interval(lex, counted=False)
        subj = _nearest(sent, m.num_start, lex.percent_subject, m.end)
        slot = measurement_slot("percent", subj or "unknown")
        return Measurement(first, low, high, "percent", slot, 0.85 if subj else 0.4)
    if _is_magnitude(sent, m, lex):
        op_start = m.start
        # "up to magnitude 5.2": the modifier sits before the word "magnitude"
        if m.op is None and m.num_start > sent.start and doc[m.num_start - 1].lower_ == "magnitude":
            k, op = prefix_at([t.lower_ for t in sent], m.num_start - 1 - sent.start, lex)
            if op is not None:
                k += sent.start
                m = NumberMatch(k, m.end, m.num_start, m.num_end, m.low, m.high, op, m.kind, False)
                op_start = k
        low, high = m.interval(lex, counted=False)
        slot = measurement_slot("magnitude")
        return Measurement(doc[op_start], low, high, "magnitude", slot, 0.95)
    unit_at = m.num_end
    found = _unit_after(sent, unit_at, lex)
    if found is None:
        return None
    key, used = found
    unit = lex.measurements.units[key]
    low, high = m.interval(lex, counted=False)
    f = unit.factor
    low = round(low * f, 2) if low is not None else None
    high = round(high * f, 2) if high is not None else None
    if unit.kind == "percent":
        subj = _nearest(sent, m.num_start, lex.percent_subject, unit_at + used)
        slot = measurement_slot("percent", subj or "unknown")
        return Measurement(first, low, high, "percent", slot, 0.85 if subj else 0.4)
    ctx = lex.measurements.contexts.get(unit.kind)
    if ctx is None:
        return None
    dim = _nearest(sent, m.num_start, ctx.words) or ctx.default
    return Measurement(first, low, high, unit.unit, measurement_slot(dim), 0.85)
