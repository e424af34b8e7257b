"""Bounds read from the parse around a number, after the word-level reader (numbers.py).

Why: two bounds need the sentence, not just the words before a number. A conversion in
brackets states the same bound as its source ("more than 100 km (60 miles)": both strict). And
"over" is a preposition, not "more than", when the amount only qualifies the noun after it
("rebuffs regulators over $14 billion settlement").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Span

from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.numbers import NumberMatch

PREPOSITIONAL = frozenset({"over", "under", "above", "below"})


def inherit_conversion_bounds(matches: Sequence[NumberMatch], sent: Span) -> list[NumberMatch]:
    """A conversion in brackets states the same bound as its source: in "more than 100 km
    (60 miles)" the 60 is "more than 60" too."""
    doc = sent.doc
    out: list[NumberMatch] = []
    for m in matches:
        prev = out[-1] if out else None
        if (
            prev is not None
            and m.op is None
            and prev.op is not None
            and m.start > sent.start
            and doc[m.start - 1].text == "("
            and 0 <= m.start - 1 - prev.end <= 3
        ):
            m = replace(m, op=prev.op)
        out.append(m)
    return out


def prepositional_bounds(
    matches: Sequence[NumberMatch], sent: Span, lex: Lexicon
) -> list[NumberMatch]:
    """Drop a bound read from "over"/"under" when the amount qualifies a singular noun right
    after it ("a dispute over $14 billion settlement", "talks over 300 km pipeline") or is a
    duration ("cut 4,500 jobs over three years": during them)."""
    doc = sent.doc
    out: list[NumberMatch] = []
    for m in matches:
        word = doc[m.start].lower_
        if m.op is not None and word in PREPOSITIONAL and m.start + 1 <= m.num_start:
            j = m.end
            while j < sent.end and (
                doc[j].lower_ in lex.money.names or doc[j].lower_ in lex.measurements.units
            ):
                j += 1  # "over 14 billion dollars settlement": past the unit
            unit = lex.measurements.units.get(doc[m.end].lower_) if m.end < sent.end else None
            noun = j < sent.end and (
                doc[j].tag_ == "NN" or (doc[j].tag_ == "NNP" and not doc[j].ent_type_)
            )  # "over $14 billion settlement" ("Settlement" in a title-case headline)
            if noun or (unit and unit.kind == "duration"):
                m = replace(m, start=m.start + 1, op=None)  # "over three years": during
        out.append(m)
    return out
