"""Clock times: when the story's event happened, and how far into a numbered period it came.

Why: "the jet landed at 9:40 a.m." and "at 9:40 p.m." state one time of one landing; "the
referee halted the bout 50 seconds into the fourth round" and "at the 1:35 mark" of it
state one moment of one stoppage. Outlets disagree on both. A clock time is read only for an
event the lexicon names (``clock``: landing, departure, stoppage), keyed by that event (and
by the period, "round 4"), so a timeline of many times, or two knockdowns, never meets:
* a time of day needs "a.m." / "p.m." or a 24-hour hour (13-23): "at 9:40" alone could be
  either; a planned time ("due to take off at", "will land at") is not when it happened;
* a time into a period needs the period's ordinal ("of the fourth round", or the only
  round the sentence names: "in the fourth"); "with two seconds left" is not read (a
  round's length varies by sport).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch.display import CLOCK_UNIT
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.ordinals import ordinal_value
from claimwatch_extract.slots import measurement_slot

ELAPSED_UNIT = "second"
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_PART = re.compile(r"^\d{1,2}$")
_VERB_STEPS = 4
_CLAUSE_STEPS = 10


@dataclass(frozen=True)
class ClockFigure:
    first: Token
    value: float
    unit: str
    slot: str
    precision: float


def may_have_clock(words: list[str]) -> bool:
    """A sentence (its lower-case words) with a "9:40" or "2 : 41": else no clock time."""
    return ":" in "".join(words)


def clock_figures(sent: Span, words: list[str], lex: Lexicon) -> list[ClockFigure]:
    """Every clock time of a named event in the sentence (see the module docstring);
    ``words``: its lower-case words (a token is built only where one may start)."""
    doc = sent.doc
    out: list[ClockFigure] = []
    for at, word in enumerate(words):
        if not word[:1].isdigit():
            continue
        tok = doc[sent.start + at]
        read = _clock_at(tok, sent)
        if read is None:
            continue
        hours, minutes, end = read
        elapsed = _elapsed(tok, end, sent, lex)
        if elapsed is not None:
            event, period = elapsed
            value = hours * 60 + minutes  # "1:35" into a round: minutes and seconds
            slot = measurement_slot(f"{event}_time", period)
            out.append(ClockFigure(tok, value, ELAPSED_UNIT, slot, 1.0))
            continue
        day = _time_of_day(hours, minutes, doc[end] if end < sent.end else None, lex)
        if day is None:
            continue
        what = _event(tok, lex)
        if what is None or _planned(tok, lex):
            continue
        slot = measurement_slot(f"{what}_time", _zone(end, sent, lex))
        out.append(ClockFigure(tok, day, CLOCK_UNIT, slot, 1 / 60))  # within a minute
    return out


def _clock_at(tok: Token, sent: Span) -> tuple[int, int, int] | None:
    """(hours, minutes, end token) of a "9:40" or "2 : 41" starting at ``tok``."""
    found = _CLOCK.match(tok.text)
    if found is not None:
        hours, minutes = int(found.group(1)), int(found.group(2))
        end = tok.i + 1
    elif _PART.match(tok.text) and tok.i + 2 < sent.end and tok.nbor(1).text == ":":
        last = tok.nbor(2).text
        if len(last) != 2 or not last.isdigit():
            return None
        if tok.i > sent.start and tok.nbor(-1).text == ":":
            return None  # the middle of "1 : 2 : 3"
        hours, minutes, end = int(tok.text), int(last), tok.i + 3
    else:
        return None
    return (hours, minutes, end) if minutes < 60 else None


def _time_of_day(hours: int, minutes: int, after: Token | None, lex: Lexicon) -> float | None:
    """Hours since midnight: "9:40 p.m." 21.67, "12:10 a.m." 0.167, "21:40" 21.67; None
    for an hour that could be either ("at 9:40")."""
    marker = lex.clock.day_halves.get(after.lower_) if after is not None else None
    if marker is not None and 1 <= hours <= 12:
        hours = hours % 12 + (12 if marker == "pm" else 0)
    elif not 13 <= hours <= 23:
        return None
    return round(hours + minutes / 60, 4)


def _zone(end: int, sent: Span, lex: Lexicon) -> str | None:
    """The time zone written after a time of day ("GMT", "ET"), None for local time."""
    doc = sent.doc
    for tok in doc[end : min(end + 3, sent.end)]:
        zone = lex.clock.zones.get(tok.text) or lex.clock.zones.get(tok.lower_)
        if zone is not None:
            return zone or None  # "local time": as when none is written
    return None


def _verb(tok: Token) -> Token | None:
    """The verb the clock time hangs from ("landed ... at 9:40", "stopping the fight at
    the 1:35 mark")."""
    cur = tok
    for _ in range(_VERB_STEPS):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def _event(tok: Token, lex: Lexicon) -> str | None:
    """The event a time of day is of, by its verb ("landed" → arrival); "arrived" and "left"
    only in a sentence about a vehicle or its passengers ("the flight left at ...", not "he
    left his flat at ...")."""
    verb = _verb(tok)
    if verb is None:
        return None
    clock = lex.clock
    lemma = verb.lemma_.lower()
    if any(c.dep_ == "prt" for c in verb.children):
        lemma += " " + next(c.lower_ for c in verb.children if c.dep_ == "prt")  # "take off"
    event = clock.events.get(lemma)
    if event is None or lemma not in clock.vehicle_verbs:
        return event
    words = {t.lemma_.lower() for t in tok.sent}
    return event if not words.isdisjoint(clock.vehicles) else None


def _planned(tok: Token, lex: Lexicon) -> bool:
    """ "was due to take off at 11:50 p.m.", "will land at 8:40": a time planned, not kept."""
    verb = _verb(tok)
    if verb is None:
        return False
    if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "would") for c in verb.children):
        return True
    head = verb.head if verb.dep_ == "xcomp" else None
    return head is not None and head.lemma_.lower() in lex.clock.plan_words


def _elapsed(tok: Token, end: int, sent: Span, lex: Lexicon) -> tuple[str, str] | None:
    """(event, period) when a clock time says how far into a numbered period a stoppage
    came: "at 1:35 of the fourth round", "at the 1:35 mark" in a sentence whose only round
    is the fourth."""
    event = elapsed_event(tok, lex)
    if event is None:
        return None
    period = period_after(end, sent, lex) or clause_period(tok, lex) or only_period(sent, lex)
    return (event, period) if period is not None else None


def elapsed_event(tok: Token, lex: Lexicon) -> str | None:
    """The stoppage a time into a period dates, by the verb it hangs from ("stopped",
    "ended", "finished")."""
    verb = _verb(tok)
    return lex.clock.elapsed_events.get(verb.lemma_.lower()) if verb is not None else None


def period_after(at: int, sent: Span, lex: Lexicon) -> str | None:
    """ "into the fourth round", "of the 2nd period" starting at token ``at``: "round 4"."""
    doc = sent.doc
    if at + 3 >= sent.end or doc[at].lower_ not in ("into", "of") or doc[at + 1].lower_ != "the":
        return None
    value = ordinal_value(doc[at + 2].lower_, lex)
    noun = doc[at + 3].lemma_.lower()
    if value is None or noun not in lex.clock.periods:
        return None
    return f"{noun} {value}"


def clause_period(tok: Token, lex: Lexicon) -> str | None:
    """The round of the clause a stoppage is told in: "in the third" on the nearest verb
    above it ("finished the job in the third with hooks that forced the official to halt
    the contest at the 1:50 mark"), not a round named in another clause."""
    cur = tok
    for _ in range(_CLAUSE_STEPS):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        for prep in cur.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("in", "during"):
                continue
            for obj in prep.children:
                found = _period_named(obj, lex) if obj.dep_ == "pobj" else None
                if found is not None:
                    return found
    return None


def _period_named(tok: Token, lex: Lexicon) -> str | None:
    """ "the fourth round" (the noun) or "the fourth" (the ordinal alone): "round 4"."""
    periods = lex.clock.periods
    if tok.lemma_.lower() in periods:
        for c in tok.children:
            value = ordinal_value(c.lower_, lex) if c.dep_ == "amod" else None
            if value is not None:
                return f"{tok.lemma_.lower()} {value}"
        return None
    value = ordinal_value(tok.lower_, lex)
    return f"{periods[0]} {value}" if value is not None and periods else None


def only_period(sent: Span, lex: Lexicon) -> str | None:
    """The one numbered period a sentence names ("in the fourth", "the sixth round"),
    None when it names none or two."""
    found: set[str] = set()
    periods = lex.clock.periods
    default = next(iter(periods), None)
    for tok in sent:
        value = ordinal_value(tok.lower_, lex)
        if value is None:
            continue
        head = tok.head
        if tok.dep_ == "amod" and head.lemma_.lower() in periods:
            found.add(f"{head.lemma_.lower()} {value}")
        elif tok.dep_ == "pobj" and default is not None:  # "in the fourth"
            found.add(f"{default} {value}")
    return found.pop() if len(found) == 1 else None
