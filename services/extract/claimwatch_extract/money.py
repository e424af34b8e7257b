"""Money: an amount with its currency as an ISO 4217 code, as an interval like any measure.

Why: "more than $5 billion" and "about €3m" are checkable facts (a fine, a deal, a budget)
that outlets get wrong, and "$7.2bn" vs "US$7.2 billion" vs "7.2 billion dollars" must meet.
The currency comes from a symbol or code in front of the number (numbers.py reads those,
glued or not), or from a name after it ("dollars", "Hong Kong dollars", "cents"); the amount
is always in the major unit ("19 cents" -> 0.19 USD). Strict and inclusive bounds follow
numbers.real_interval, the same table as every other real value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.money_facts import MoneyIdentity, read_identity
from claimwatch_extract.numbers import NumberMatch, real_interval, to_interval
from claimwatch_extract.rates import rate_period

CONNECTORS = frozenset({"or", "to", "and", "-", "–"})


@dataclass(frozen=True)
class Money:
    first: Token
    low: float | None
    high: float | None
    currency: str
    subject: str | None
    confidence: float
    identity: MoneyIdentity | None = None
    """What the parse says the amount is (money_facts.py); None: only the nearest word."""


def _qualified(name: str, sent: Span, at: int, lex: Lexicon) -> str | None:
    """A qualifier of one or two words before a currency name ("Hong Kong dollars")."""
    quals = lex.money.qualifiers.get(name)
    if not quals:
        return None
    doc = sent.doc
    for n in (2, 1):
        if at - n < sent.start:
            continue
        key = " ".join(t.lower_ for t in doc[at - n : at])
        if key in quals:
            return quals[key]
    return None


def _lemma_key(tok: Token) -> tuple[str, str]:
    return tok.lower_, tok.lemma_.lower()


def currency_after(m: NumberMatch, sent: Span, lex: Lexicon) -> tuple[str, float, int] | None:
    """(code, factor to the major unit, index after the name) of a currency written after the
    number: "5 dollars", "7,199 Chinese yuan", "19 cents", "tens of thousands of euros"."""
    money = lex.money
    doc = sent.doc
    j = m.num_end
    if j < sent.end and doc[j].text == "-":
        j += 1  # "a 10-dollar bill"
    if j + 1 < sent.end and doc[j].lower_ == "of" and m.kind == "vague":
        j += 1
    for skip in (0, 1, 2):  # adjectives / qualifiers between: "7,199 Chinese yuan"
        k = j + skip
        if k >= sent.end:
            return None
        tok = doc[k]
        lower, lemma = _lemma_key(tok)
        code = tok.text.rstrip("=")  # "108.79 JPY=": a quote ticker
        if code.isupper() and code in money.code_set:
            return code, 1.0, k + 1
        for key in (lower, lemma):
            if key in money.minor:
                minor = money.minor[key]
                return minor.currency or "", 1.0 / minor.per, k + 1
            if key in money.names:
                code = _qualified(lemma, sent, k, lex) or money.names[key]
                return code, 1.0, k + 1
            if key in money.pound_names and not _weight(sent, k, lex):
                return _qualified("pound", sent, k, lex) or money.pound_code, 1.0, k + 1
        if skip == 0 and tok.pos_ not in ("ADJ", "PROPN"):
            return None
        if skip > 0 and tok.pos_ not in ("ADJ", "PROPN", "NOUN"):
            return None
    return None


def _weight(sent: Span, k: int, lex: Lexicon) -> bool:
    """ "weighs 200 pounds", "5 pounds of rice": pounds of weight, not sterling."""
    words = lex.money.weight_words
    doc = sent.doc
    if k + 1 < sent.end and doc[k + 1].lower_ == "of":
        return True
    window = doc[max(sent.start, k - 6) : min(sent.end, k + 4)]  # "pounds (63,500kg)"
    return any(t.lemma_.lower() in words and t.lower_ != "of" for t in window)


def money_currency(
    m: NumberMatch, sent: Span, lex: Lexicon, matches: Sequence[NumberMatch]
) -> tuple[str, float] | None:
    """(currency, factor) of a number that is an amount of money, else None.

    A bare number joined by "or"/"to" to an amount takes that amount's currency ("eight or
    nine euros", "8 or $9"); a minor unit without its own currency takes the one of the
    nearest amount in the sentence ("up 19 cents at $58.24")."""
    if m.kind in ("score", "fraction", "ratio"):
        return None
    if m.currency is not None:
        return m.currency, 1.0
    found = currency_after(m, sent, lex)
    if found is not None:
        code, factor, _ = found
        if not code:
            code = _nearby_currency(m, sent, lex, matches) or _default_minor(sent, m, lex)
        return code, factor
    doc = sent.doc
    for other in matches:
        if other.start == m.end + 1 and doc[m.end].lower_ in CONNECTORS:
            theirs = other.currency
            if theirs is None:
                after = currency_after(other, sent, lex)
                theirs = after[0] if after is not None and after[1] == 1.0 else None
            if theirs:
                return theirs, 1.0
    return None


def _nearby_currency(
    m: NumberMatch, sent: Span, lex: Lexicon, matches: Sequence[NumberMatch]
) -> str | None:
    best: tuple[int, str] | None = None
    for other in matches:
        if other.num_start == m.num_start:
            continue
        code = other.currency
        if code is None:
            after = currency_after(other, sent, lex)
            code = after[0] if after is not None and after[1] == 1.0 else None
        if code:
            d = abs(other.num_start - m.num_start)
            if best is None or d < best[0]:
                best = (d, code)
    return best[1] if best else None


def _default_minor(sent: Span, m: NumberMatch, lex: Lexicon) -> str:
    found = currency_after(m, sent, lex)
    if found is None:
        return "USD"
    doc = sent.doc
    name = doc[found[2] - 1]
    minor = lex.money.minor.get(name.lower_) or lex.money.minor.get(name.lemma_.lower())
    return (minor.default if minor and minor.default else None) or "USD"


def extract_money(
    m: NumberMatch, sent: Span, lex: Lexicon, matches: Sequence[NumberMatch]
) -> Money | None:
    """A money amount for one number phrase, or None if it is not money."""
    cur = money_currency(m, sent, lex, matches)
    if cur is None:
        return None
    code, factor = cur
    if m.kind == "range" or m.kind == "vague":
        low, high = to_interval(m, lex, counted=False)
    elif m.op == "about":
        low, high = approximate(m, sent, lex)
    else:
        low, high = real_interval(m.low, m.op, lex)
    low = _scaled(low, factor)
    high = _scaled(high, factor)
    identity = read_identity(sent, m, lex)
    subject = identity.kind if identity is not None else _subject(sent, m, lex)
    per = rate_period(sent, m.num_end, lex) or _per_unit(sent, m.num_end, lex)
    unit = f"{code}/{per}" if per is not None else code  # "$15 an hour", "$82 a share"
    if identity is not None and per in lex.money.per_units:  # its own fact: the unit price
        identity = replace(identity, qualifiers=(*identity.qualifiers, f"per {per}"))
    confidence = 0.85 if subject else 0.5
    return Money(sent.doc[m.start], low, high, unit, subject, confidence, identity)


def approximate(m: NumberMatch, sent: Span, lex: Lexicon) -> tuple[float | None, float | None]:
    """ "about $146 billion": the value give or take half a unit of its last non-zero digit
    (145.5 to 146.5 billion; the alert stage adds the rounding of the digits shown), never
    more than the lexicon's ``about_rel`` either side. Who writes "about 146" has rounded to
    the unit, so 148.9 is another value; "about 200" is rounded to the hundred, and keeps
    the relative spread (180 to 220). A number in words keeps the relative spread."""
    low, high = real_interval(m.low, m.op, lex)
    digits = next((t.text for t in sent.doc[m.num_start : m.num_end] if t.like_num), "")
    text = digits.lstrip("$").replace(",", "")
    try:
        raw = float(text)
    except ValueError:
        return low, high
    if raw <= 0 or low is None or high is None:
        return low, high
    whole, _, decimals = text.partition(".")
    if decimals.rstrip("0"):
        unit = 10.0 ** -len(decimals.rstrip("0"))
    else:
        unit = 10.0 ** (len(whole) - len(whole.rstrip("0")))
    half = 0.5 * unit * (m.low / raw)
    if half >= (high - low) / 2:
        return low, high
    return round(m.low - half, 6), round(m.low + half, 6)


def _per_unit(sent: Span, after: int, lex: Lexicon) -> str | None:
    """ "$82 a share", "$110 per share", "a $70-a-share offer": a price per unit of what is
    sold (currencies.yaml ``per_units``), never the amount of a whole deal."""
    doc = sent.doc
    words = [t for t in doc[after : min(after + 5, sent.end)] if t.text != "-"]
    if len(words) >= 2 and words[0].lower_ in ("per", "a", "an", "each"):
        unit = words[1].lemma_.lower()
        if unit in lex.money.per_units:
            return unit
    return None


def _scaled(v: float | None, factor: float) -> float | None:
    return None if v is None else (v if factor == 1.0 else round(v * factor, 6))


def _subject(sent: Span, m: NumberMatch, lex: Lexicon) -> str | None:
    """What the amount is (price, revenue, fine ...): the nearest subject word in the
    sentence, preferring words before the number (its subject usually precedes it)."""
    subjects = lex.money.subject
    best: tuple[float, str] | None = None
    for t in sent:
        if m.start <= t.i < m.end:
            continue
        for key in (t.lemma_.lower(), t.lower_):
            if key in subjects:
                d = abs(t.i - m.num_start) * (1.0 if t.i < m.num_start else 1.5)
                if best is None or d < best[0]:
                    best = (d, subjects[key])
    return best[1] if best else None
