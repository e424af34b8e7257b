"""Ordinal periods: "the war, now in its fourth year", "as the siege entered its third week".

Why: outlets disagree on "fourth year" vs "third year"; the slot pairs the subject class (war,
siege, strike, from the lexicon) with the unit, so only periods of the same kind of thing are
compared. Only "its/their Nth <unit>" and "the Nth <unit> of X" count: "third quarter",
"second round" and "fifth straight win" are not periods of a subject.

Ordinal events: "the 12th missile test this year" ranks the story's event in a series of its
kind over a period (``series`` in the lexicon); outlets that count differently (12th vs 14th)
disagree on it. Only "the Nth <series noun> ... this <unit>" counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch.display import ORDINAL_UNIT
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.slots import ordinal_event_slot, ordinal_slot

_NUMERIC_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_RELATIVE = frozenset({"which", "that", "who"})
_SERIES_WINDOW = 10
"""Words after the ranked noun within which "this <unit>" names the series' period."""


@dataclass(frozen=True)
class OrdinalPeriod:
    first: Token
    value: int
    unit: str
    subject: str
    slot: str
    confidence: float


def ordinal_value(word: str, lex: Lexicon) -> int | None:
    w = word.lower()
    if w in lex.ordinals.words:
        return lex.ordinals.words[w]
    m = _NUMERIC_ORDINAL.match(w)
    return int(m.group(1)) if m else None


def _subject(unit: Token) -> Token | None:
    for c in unit.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    tok = unit
    for _ in range(5):
        head = tok.head
        if head.i == tok.i:
            return None
        if tok.dep_ == "pobj":
            tok = head  # the preposition
            continue
        if head.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("prep", "appos", "acl", "amod"):
            return head
        if head.pos_ in ("VERB", "AUX"):
            subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lower_ in _RELATIVE and head.dep_ == "relcl":
                return head.head
            if subj is not None:
                return subj
            if head.dep_ in ("relcl", "acl") and head.head.pos_ in ("NOUN", "PROPN"):
                return head.head
        tok = head
    return None


def may_have_ordinal(words: list[str], lex: Lexicon) -> bool:
    """Whether a sentence (its lower-case words) has a word ``ordinal_value`` can read: an
    ordinal word or one starting with a digit ("3rd"). Without one it states no ordinal."""
    ordinal_words = lex.ordinals.words
    return any(w in ordinal_words or w[:1].isdigit() for w in words)


def extract_ordinals(
    sent: Span, lex: Lexicon, words: Sequence[str] | None = None
) -> list[OrdinalPeriod]:
    """``words``: the sentence's lower-case words, when the caller has them (only a word
    ``may_have_ordinal`` accepts is then read from the parse)."""
    out: list[OrdinalPeriod] = []
    ordinal_words = lex.ordinals.words
    if words is None:
        words = [t.lower_ for t in sent]
    for k, word in enumerate(words):
        if word not in ordinal_words and not word[:1].isdigit():
            continue
        value = ordinal_value(word, lex)
        if value is None:
            continue
        tok = sent[k]
        unit = tok.head
        ul = unit.lemma_.lower()
        if unit.i == tok.i or ul not in lex.ordinals.units:
            continue
        has_poss = any(c.dep_ == "poss" for c in unit.children)
        subj = _subject(unit)
        if subj is None or not (has_poss or any(c.lower_ == "of" for c in unit.children)):
            continue
        sl = subj.lemma_.lower()
        cls = lex.ordinal_subject.get(sl) or lex.ordinal_subject.get(subj.lower_)
        conf = 0.9 if cls else 0.45
        cls = cls or sl
        u = lex.ordinals.units[ul]
        out.append(OrdinalPeriod(tok, value, u, cls, ordinal_slot(cls, u), conf))
    return out


def extract_series(sent: Span, lex: Lexicon) -> list[OrdinalPeriod]:
    """ "the 12th missile test this year", "the 14th launch of a missile by X this year": an
    ordinal on a series noun, with "this <unit>" after it before any other ordinal."""
    out: list[OrdinalPeriod] = []
    series, units = lex.series_class, lex.ordinals.units
    for tok in sent:
        value = ordinal_value(tok.lower_, lex)
        noun = tok.head
        if value is None or tok.dep_ != "amod" or noun.i <= tok.i:
            continue
        event = series.get(noun.lemma_.lower())
        if event is None or not any(c.lower_ == "the" for c in noun.children if c.i < tok.i):
            continue
        doc = sent.doc
        for at in range(noun.i + 1, min(noun.i + _SERIES_WINDOW, sent.end - 1)):
            word = doc[at]
            if ordinal_value(word.lower_, lex) is not None:
                break
            period = units.get(doc[at + 1].lemma_.lower())
            if word.lower_ == "this" and period is not None:
                slot = ordinal_event_slot(event, period)
                out.append(OrdinalPeriod(tok, value, ORDINAL_UNIT, event, slot, 0.85))
                break
    return out
