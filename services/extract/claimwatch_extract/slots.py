"""Slot keys: story-independent names of facts, so claims about one fact meet in one place.

Why: a contradiction is only a contradiction between two values *of the same fact*. The key is
built from normalised parts only (counted class from the noun lexicon, predicate frame from the
verb-frame lexicon, subject class for ordinals, measured dimension for measurements), so
"26 countries had formally committed troops" and "more than two dozen nations are prepared to
send troops" meet on ``quantity:country:commit`` while "a 35-nation coalition" goes to
``quantity:country:size:coalition``. When the frame is not known the key ends in ``unknown``
and the claim's confidence is below 0.5, which the alert service treats as "do not page".
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from claimwatch_extract.lexicon import Lexicon

UNKNOWN = "unknown"


_FRAME_SETS: dict[int, tuple[tuple[frozenset[str], str], ...]] = {}


def _frame_sets(lex: Lexicon) -> tuple[tuple[frozenset[str], str], ...]:
    key = id(lex)
    if key not in _FRAME_SETS:
        pairs = [(frozenset(s), frame) for frame, sets in lex.frames.items() for s in sets]
        pairs.sort(key=lambda p: -len(p[0]))  # most specific first: "walk out" before "walk"
        _FRAME_SETS[key] = tuple(pairs)
    return _FRAME_SETS[key]


def match_frame(lemmas: Iterable[str], lex: Lexicon) -> str | None:
    """The frame whose lemma set is contained in ``lemmas`` (most specific wins)."""
    have = frozenset(lemmas)
    if not have & lex.frame_lemmas:
        return None
    for needed, frame in _frame_sets(lex):
        if needed <= have:
            return frame
    return None


def is_people_name(tok: Token) -> bool:
    """A nationality or group counted as people: "2,400 Canadians", "5,000 Sudanese"."""
    return tok.pos_ in ("PROPN", "NOUN", "ADJ") and tok.ent_type_ == "NORP"


def noun_class(noun: Token, lex: Lexicon) -> tuple[str, bool]:
    """(class, known) of a counted noun: compound+lemma or lemma from the lexicon, else the
    lemma itself."""
    if is_people_name(noun):
        return "person", True
    lemma = noun.lemma_.lower()
    compounds = [c.lemma_.lower() for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
    if compounds:
        key = f"{compounds[-1]} {lemma}"
        if key in lex.noun_class:
            return lex.noun_class[key], True
    if lemma in lex.noun_class:
        return lex.noun_class[lemma], True
    if noun.lower_ in lex.noun_class:
        return lex.noun_class[noun.lower_], True
    return lemma.replace(" ", "_"), False


def quantity_slot(cls: str, frame: str | None) -> str:
    return f"quantity:{cls}:{frame or UNKNOWN}"


def ordinal_slot(subject: str, unit: str) -> str:
    return f"ordinal_period:{subject}:{unit}"


def ordinal_event_slot(event: str, period: str) -> str:
    """Where an event ranks in its period's series ("the 12th test this year")."""
    return f"ordinal_event:{event}:{period}"


def measurement_slot(dimension: str, subject: str | None = None) -> str:
    return f"measurement:{dimension}" + (f":{subject}" if subject else "")


def money_slot(subject: str | None) -> str:
    """ "measurement:money:fine"; ``unknown`` when the sentence does not say what it is."""
    return f"measurement:money:{subject or UNKNOWN}"


def change_slot(slot: str) -> str:
    """The slot of the change of a figure: a change and its total are different facts."""
    return f"{slot}:change"
