"""Measurement claims: magnitudes, depths, distances, rainfall, levels, speeds, percentages.

Why: "magnitude 7.4" vs "magnitude 6.8" is a checkable contradiction, but only between values of
the same dimension; units are converted to one canonical unit per dimension (miles → km) so
"12 miles" and "19 km" compare, and the dimension (depth vs distance, turnout vs vote share) is
read from context words in the sentence, nearest first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from claimwatch_extract.clock import ELAPSED_UNIT, elapsed_event, period_after
from claimwatch_extract.lexicon import Lexicon, Unit
from claimwatch_extract.numbers import NumberMatch, prefix_at
from claimwatch_extract.slots import measurement_slot
from claimwatch_extract.token_table import token_table


@dataclass(frozen=True)
class Measurement:
    first: Token
    low: float | None
    high: float | None
    unit: str
    slot: str
    confidence: float
    factor: float = 1.0  # stated unit -> canonical unit (miles -> km: 1.609344)


def _unit_after(sent: Span, i: int, lex: Lexicon) -> tuple[str, int] | None:
    """Unit key starting at token ``i`` (longest of 1-4 tokens) and tokens consumed; a hyphen
    before it is part of it ("a 27-kilometre ring", "a 6.1-inch screen")."""
    units = lex.measurements.units
    if i >= sent.end:
        return None
    lower = token_table(sent.doc).lower
    if lower[i] in ("-", "–"):  # a dash is its own lower case
        found = _unit_after(sent, i + 1, lex)
        return (found[0], found[1] + 1) if found is not None else None
    if lower[i] not in lex.unit_prefixes:
        return None
    for n in (4, 3, 2, 1):
        if i + n > sent.end:
            continue
        words = lower[i : i + n]
        spaced = " ".join(words)
        joined = "".join(words)
        # a sentence's full stop can be glued to the unit's last token ("40 km/h.")
        for key in (spaced, joined, spaced.removesuffix("."), joined.removesuffix(".")):
            if key in units:
                return key, n
    return None


def convert(v: float | None, unit: Unit) -> float | None:
    """A value in ``unit`` in its canonical unit (2 decimals; miles -> km, °F -> °C). A strict
    bound stays strict: the converted end is nudged one step if rounding made it equal."""
    if v is None:
        return None
    if unit.factor == 1 and unit.offset == 0:
        return v
    exact = v * unit.factor + unit.offset
    out = round(exact, 2)
    written = float(f"{v:.12g}")
    if written != v:  # a strict bound ("more than 60 miles"): keep it strict after rounding
        return math.nextafter(out, math.inf if v > written else -math.inf)
    return out


def _distance(word_at: int, pos: int) -> float:
    """How far a context word is from a number: words to the left count less (the subject
    usually precedes its value: "turnout was 58 percent", "a depth of 10 km")."""
    return abs(word_at - pos) * (1.0 if word_at < pos else 2.5)


def _nearest(
    sent: Span,
    pos: int,
    words: dict[str, str],
    after: int | None = None,
    rivals: Sequence[int] = (),
) -> str | None:
    """Nearest context word; "<n> percent of the vote" first, then by ``_distance``.

    A context word binds to one number only: the one nearest to it. ``rivals`` are the
    positions of the sentence's other numbers of the same kind, so in "at a depth of 10 km
    about 60 km south-west of the port" the word "depth" belongs to 10 km, and 60 km (no
    context word of its own) falls back to the default dimension instead of becoming a second,
    contradicting depth."""
    table = token_table(sent.doc)
    lower, lemma = table.lower, table.lemma
    if after is not None and after + 1 < sent.end and lower[after] == "of":
        for j in range(after + 1, min(after + 4, sent.end)):
            for key in (lemma[j], lower[j]):
                if key in words:
                    return words[key]
    best: tuple[float, str] | None = None
    for j in range(sent.start, sent.end):
        for key in (lemma[j], lower[j]):
            if key in words:
                d = _distance(j, pos)
                if any(_distance(j, r) < d for r in rivals):
                    continue  # the word is nearer to another number: it describes that one
                if best is None or d < best[0]:
                    best = (d, words[key])
    return best[1] if best else None


def _is_magnitude(sent: Span, m: NumberMatch, lex: Lexicon) -> bool:
    if _magnitude_at(sent, m.start, m.num_start, m.num_end, m.low, m.integer, lex):
        return True
    # "6.9 and 6.2 magnitude quakes", "two tremors, measuring 6.9 and 6.4": a decimal joined
    # to a magnitude by "and" / "or" is the other quake's magnitude
    tok = sent.doc[m.num_end - 1]
    if m.integer or m.low >= 10:
        return False
    return any(
        "." in p.text and _magnitude_at(sent, p.i, p.i, p.i + 1, value, False, lex)
        for p, value in joined_numbers(tok)
    )


def joined_numbers(tok: Token) -> list[tuple[Token, float]]:
    """The numbers written next to ``tok`` with "and" / "or" between ("6.9 and 6.2", "6.9
    or 7.0"), with their values: read on the words, as the parser often hangs the second
    number on the noun after it."""
    doc = tok.doc
    out: list[tuple[Token, float]] = []
    for link, other in ((tok.i + 1, tok.i + 2), (tok.i - 1, tok.i - 2)):
        if not (0 <= other < len(doc)) or doc[link].lower_ not in ("and", "or"):
            continue
        value = literal_value(doc[other].text)
        if value is not None:
            out.append((doc[other], value))
    return out


def literal_value(text: str) -> float | None:
    """A digit literal's value ("7.5", "1,300"), else None."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _magnitude_at(
    sent: Span, start: int, num_start: int, num_end: int, low: float, integer: bool, lex: Lexicon
) -> bool:
    """The number at ``[num_start, num_end)`` (its phrase from ``start``) is a magnitude by
    the words around it."""
    table = token_table(sent.doc)
    lower, lemma = table.lower, table.lemma
    lo = max(start - 4, sent.start)
    hi = min(num_end + 5, sent.end)
    before = set(lower[lo:num_start])
    after = lower[num_end:hi]
    if (
        not before.isdisjoint(lex.measurements.magnitude_words)
        or after[:1] == ["magnitude"]
        or after[:2] == ["-", "magnitude"]
    ):
        return low < 10
    if "richter" in after:
        return low < 10
    # "a 6.4 quake": a number with a decimal part does not count quakes
    nouns = lex.measurements.magnitude_nouns
    decimal = low < 10 and not integer
    if decimal and after and lemma[num_end] in nouns:
        return True
    # "two tremors, measuring 6.9": what a quake named just before measures
    prev = lower[num_start - 1] if num_start > sent.start else None
    if not decimal or prev is None or prev not in lex.measurements.measuring_words:
        return False
    return any(w in nouns for w in lemma[max(sent.start, num_start - 6) : num_start])


def _is_multiple(sent: Span, m: NumberMatch, lex: Lexicon) -> bool:
    """ "3 times as old as", "four times larger", "2 times her age", "5 times the size": a
    multiple of another value. "three times a day", "visited 3 times": counts of occasions."""
    meas = lex.measurements
    doc = sent.doc
    k = m.num_end
    if m.kind not in ("exact", "range") or k + 1 >= sent.end:
        return False
    if doc[k].lower_ not in meas.multiple_words:
        return False
    nxt = doc[k + 1]
    if nxt.lower_ in meas.multiple_followers or nxt.tag_ in ("JJR", "RBR", "PRP$"):
        return nxt.lower_ != "the" or (k + 2 < sent.end and doc[k + 2].pos_ in ("NOUN", "ADJ"))
    # "2 times Mary's age": a possessive name
    return nxt.tag_ in ("NNP", "NNPS") and k + 2 < sent.end and doc[k + 2].tag_ == "POS"


def _rivals(m: NumberMatch, others: Sequence[NumberMatch], sent: Span, lex: Lexicon) -> list[int]:
    """Positions of the other numbers in the sentence whose unit has the same kind as ``m``'s."""
    units = lex.measurements.units
    mine = _unit_after(sent, m.num_end, lex)
    kind = units[mine[0]].kind if mine is not None else ("percent" if m.kind == "fraction" else "")
    before = " ".join(token_table(sent.doc).lower[max(sent.start, m.start - 2) : m.start])
    compared = any(
        before == c or before.endswith(f" {c}") for c in lex.measurements.comparison_markers
    )
    out: list[int] = []
    for o in others:
        if o.num_start == m.num_start or (compared and o.num_start < m.num_start):
            continue  # "58 percent, down from 64 percent": an earlier value of the same thing
        theirs = _unit_after(sent, o.num_end, lex)
        their_kind = units[theirs[0]].kind if theirs is not None else None
        if o.kind == "fraction":
            their_kind = "percent"
        if their_kind == kind:
            out.append(o.num_start)
    return out


def extract_measurement(
    m: NumberMatch, sent: Span, lex: Lexicon, others: Sequence[NumberMatch] = ()
) -> Measurement | None:
    """A measurement for one number phrase, or None if no unit/dimension applies.

    ``others`` are all number phrases of the sentence (doc token indexes), so that a context
    word ("depth", "turnout") is bound to the number it describes and to no other."""
    if m.kind == "score":
        return None
    doc = sent.doc
    first = doc[m.start]
    if m.kind == "ratio":  # "a ratio of 4:3": the quotient; what it compares is not read
        if doc[m.num_start].ent_type_ == "TIME":
            return None  # "the debt ratio was discussed at 10:30": a time of day
        low, high = m.interval(lex, counted=False)
        return Measurement(first, low, high, "ratio", measurement_slot("ratio", "unknown"), 0.4)
    if _is_multiple(sent, m, lex):  # "3 times as old as", "twice" is not read
        low, high = m.interval(lex, counted=False)
        slot = measurement_slot("multiple", "unknown")
        return Measurement(first, low, high, "multiple", slot, 0.4)
    if m.kind == "fraction":
        low, high = m.interval(lex, counted=False)
        rivals = _rivals(m, others, sent, lex)
        subj = _nearest(sent, m.num_start, lex.percent_subject, m.end, rivals)
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
    if m.kind == "vague" and unit_at < sent.end and doc[unit_at].lower_ == "of":
        unit_at += 1  # "hundreds of miles"
    found = _unit_after(sent, unit_at, lex)
    if found is None and unit_at < sent.end and doc[unit_at].tag_ in ("JJ", "VBG"):
        found = _unit_after(sent, unit_at + 1, lex)  # "517 rushing yards"
        if found is not None and doc[unit_at + 1].tag_ != "NNS":
            found = None
    if found is None:
        return None
    key, used = found
    unit = lex.measurements.units[key]
    low, high = m.interval(lex, counted=False)
    low, high = convert(low, unit), convert(high, unit)
    if unit.kind == CALIBRE:
        return _calibre(m, doc, low, unit.unit)
    if unit.kind == "percent":
        rivals = _rivals(m, others, sent, lex)
        subj = _nearest(sent, m.num_start, lex.percent_subject, unit_at + used, rivals)
        slot = measurement_slot("percent", subj or "unknown")
        return Measurement(first, low, high, "percent", slot, 0.85 if subj else 0.4)
    if unit.kind == "duration" and _time_anchor(sent, m, unit_at + used, lex):
        return None
    ctx = lex.measurements.contexts.get(unit.kind)
    if ctx is None:
        return None
    factor = unit.factor
    lasted = None
    if unit.kind == "duration":  # the unit's word, past a hyphen ("a 25-minute delay")
        word = doc[unit_at + 1 if doc[unit_at].text in ("-", "–") else unit_at]
        into = _into_period(m, word, sent, lex, low, high)
        if into is not None:
            return into
        lasted = _lasted(word, lex)
    if lasted is not None and unit.unit == "hour" and m.high < 1:
        low, high, unit = *_in_minutes(low, high), MINUTES  # "half an hour": 30 minutes
        factor = 60.0 if doc[m.num_start].text[:1].isdigit() else 1.0
    rivals = _rivals(m, others, sent, lex) if lasted is None else []
    dim = lasted or _nearest(sent, m.num_start, ctx.words, rivals=rivals) or ctx.default
    if unit.kind in ("length", "height") and _fallen(doc[m.num_end - 1], lex):
        dim = FALL
    # A duration is measured, never paged, unless it is of a kind a story states as its own
    # fact ("30 hours of deliberation"): "for 10 hours" is seldom the fact a story is about,
    # and outlets round durations freely.
    vague = unit.kind == "duration" and dim not in lex.measurements.checked_durations
    conf = DURATION_CONFIDENCE if vague else 0.85
    return Measurement(first, low, high, unit.unit, measurement_slot(dim), conf, factor)


DURATION_CONFIDENCE = 0.5
MINUTES = Unit(unit="minute", factor=1, kind="duration")
_LASTING_DEPS = frozenset({"npadvmod", "dobj", "attr"})


def _in_minutes(low: float | None, high: float | None) -> tuple[float | None, float | None]:
    """Less than an hour in minutes: "half an hour", "0.75 hours" are ways to write a number
    of minutes, so they meet "a 25-minute delay" in one unit ("an hour and a half" stays
    in hours, where "two hours" is)."""
    return (None if low is None else round(low * 60, 2)), (
        None if high is None else round(high * 60, 2)
    )


def _into_period(
    m: NumberMatch, unit: Token, sent: Span, lex: Lexicon, low: float | None, high: float | None
) -> Measurement | None:
    """ "halted the bout 50 seconds into the fourth round": how far into a numbered period
    a stoppage came, in seconds, keyed by the event and the period (clock.py)."""
    per = _SECONDS_IN.get(unit.lemma_.lower())
    if per is None or unit.i + 1 >= sent.end:
        return None
    period = period_after(unit.i + 1, sent, lex)
    event = elapsed_event(unit, lex) if period is not None else None
    if event is None or low is None or high is None:
        return None
    slot = measurement_slot(f"{event}_time", period)
    first = sent.doc[m.start]
    return Measurement(first, low * per, high * per, ELAPSED_UNIT, slot, 0.85, per)


_SECONDS_IN = {"second": 1.0, "minute": 60.0}


def _lasted(unit: Token, lex: Lexicon) -> str | None:
    """The dimension of what a duration measures, read from the parse (``lasting_nouns`` /
    ``lasting_verbs``): the noun it is written into ("a 25-minute rain delay"), the noun or
    subject of a verb of lasting ("a call lasting 45 minutes", "the call lasted an hour"), or
    the verb it measures ("delayed for half an hour"). None when it measures nothing known."""
    meas = lex.measurements
    head = unit.head
    if unit.dep_ in ("compound", "amod", "nmod") and head.i > unit.i:
        while head.dep_ == "compound" and head.head.i > head.i:
            head = head.head  # "a 35 minute phone conversation": the last noun
        return meas.lasting_nouns.get(head.lemma_.lower()) if head.pos_ == "NOUN" else None
    if unit.dep_ == "pobj" and head.lower_ == "for":
        head = head.head  # "delayed for half an hour"
    elif unit.dep_ not in _LASTING_DEPS:
        return None
    if head.pos_ != "VERB":
        return None
    lemma = head.lemma_.lower()
    if lemma in meas.lasting_verbs:
        return meas.lasting_verbs[lemma]
    if lemma != "last":
        return None
    thing = head.head if head.dep_ in ("acl", "relcl") else None
    thing = thing or next((c for c in head.children if c.dep_ == "nsubj"), None)
    return meas.lasting_nouns.get(thing.lemma_.lower()) if thing is not None else None


FALL = "fall"
CALIBRE = "calibre"


def _calibre(m: NumberMatch, doc: Doc, value: float | None, unit: str) -> Measurement | None:
    """ ".38-caliber", ".357 caliber": a bore in fractions of an inch. The point is often
    lost or set apart ("a. 357 caliber"), so a whole number is read as its digits after the
    point (357 -> 0.357, 38 -> 0.38); its precision is half its last digit."""
    if value is None or m.kind != "exact" or m.low != m.high:
        return None
    literal = doc[m.num_start].text.lstrip(".")
    if not literal.isdigit() and value >= 1:
        return None
    factor = 10.0 ** -len(literal) if value >= 1 else 1.0
    bore = round(value * factor, 6)
    slot = measurement_slot(CALIBRE)
    return Measurement(doc[m.start], bore, bore, unit, slot, 0.85, factor)


def _fallen(num: Token, lex: Lexicon) -> bool:
    """ "The hiker fell 300 metres": the length (number -> unit -> verb) hangs from a verb of
    falling whose subject is not a level ("the river fell 2 metres" is a level that went
    down)."""
    meas = lex.measurements
    unit = num.head if num.dep_ == "nummod" else num
    verb = unit.head
    if unit.dep_ not in ("npadvmod", "dobj") or verb.pos_ != "VERB":
        return False
    lemma = lex.changes.irregular.get(verb.lower_) or verb.lemma_.lower()
    if lemma not in meas.fall_verbs:
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(s.lemma_.lower() in meas.level_subjects for s in subjects):
        return False
    return _word_after(unit) not in meas.place_words


def _word_after(tok: Token) -> str:
    """The first word after ``tok`` past a bracketed conversion ("900 km (560 miles) north")."""
    doc, depth = tok.doc, 0
    for t in doc[tok.i + 1 : min(tok.i + 12, len(doc))]:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth <= 0 and not t.is_punct:
            return t.lower_
    return ""


def _time_anchor(sent: Span, m: NumberMatch, after: int, lex: Lexicon) -> bool:
    """ "three days ago", "in the past 24 hours", "a 34-year-old", "for the first time in 25
    years", "the biggest drop in 9 months": a duration that places an event in time or gives
    an age, not a fact."""
    meas = lex.measurements
    doc = sent.doc
    before = doc[m.start - 1].lower_ if m.start > sent.start else ""
    nxt = [t.lower_ for t in doc[after : min(after + 2, sent.end)]]
    if before == "for":
        return False  # "deliberated for two days before ...": how long, a fact
    if before in meas.duration_anchors_before:
        return True
    if (nxt[:1] and nxt[0] in meas.duration_anchors_after) or nxt[:2] == ["-", "old"]:
        return True
    # "the first time in 25 years", "the biggest drop in 9 months": a record's time span
    window = doc[max(sent.start, m.start - 5) : m.start]
    return any(t.lower_ == "time" or t.tag_ in ("JJS", "RBS") for t in window)
