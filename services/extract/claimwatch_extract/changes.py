"""Change or level: "rose by 12,000 to 310,000" states two facts, the change (12,000) and the
total it led to (310,000).

Why: comparing a change with a total is a false contradiction ("up 18 sen" vs "RM23.50"), and
a fact-checker needs to know which one a figure is. A number is a change when it is the
amount of a move: "by N" after a change word, "up/down N", "a N rise", "a rise of N", an
increment ("another $215 billion", "a further 300"), or "fell N" for a percentage or an amount
of money; for counts only when a total follows ("rose 12,000 to 310,000"), since "cut 500
jobs" is itself the fact. Everything else is a level.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from claimwatch.models import ValueKind
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.numbers import NumberMatch
from claimwatch_extract.token_table import token_table

_SKIP_POS = frozenset({"ADV", "PART"})


def _lemma(tok: Token, lex: Lexicon) -> str:
    lower = tok.lower_
    return lex.changes.irregular.get(lower) or tok.lemma_.lower()


def _change_word(tok: Token, lex: Lexicon) -> str | None:
    """Direction of a change verb or adverb ("rose", "plunged", "up"), else None."""
    ch = lex.changes
    if tok.lower_ in ("up", "down"):
        head = tok.head
        if tok.dep_ == "prt" and ch.direction(_lemma(head, lex)) is None:
            return None  # "shut down 3 plants"
        return "up" if tok.lower_ == "up" else "down"
    if tok.pos_ not in ("VERB", "AUX", "ADV", "ADJ") and tok.lower_ not in ch.forms:
        return None
    lemma = _lemma(tok, lex)
    if lemma in ch.up or lemma in ch.down:
        return "up" if lemma in ch.up else "down"
    return None


def _left(sent: Span, i: int) -> Token | None:
    """The nearest token left of ``i`` that is not an adverb ("rose sharply 5%")."""
    table = token_table(sent.doc)
    pos, lower = table.pos, table.lower
    j = i - 1
    while j >= sent.start and pos[j] in _SKIP_POS and lower[j] not in ("up", "down"):
        j -= 1
    return sent.doc[j] if j >= sent.start else None


def _total_follows(m: NumberMatch, sent: Span) -> bool:
    """ "12,000 to 310,000", "18 sen to RM23.50", "1% at 1,463 points": a total follows."""
    doc = sent.doc
    for j in range(m.end, min(m.end + 3, sent.end - 1)):
        if doc[j].lower_ in ("to", "at") and any(
            t.like_num or any(c.isdigit() for c in t.text) for t in doc[j + 1 : j + 3]
        ):
            return True
    return False


def _change_noun_after(m: NumberMatch, sent: Span, lex: Lexicon) -> str | None:
    """ "a 3 percent drop", "a $5 billion increase": the number modifies a change noun."""
    ch = lex.changes
    table = token_table(sent.doc)
    for j in range(m.end, min(m.end + 4, sent.end)):
        pos = table.pos[j]
        if pos == "NOUN":
            lemma = table.lemma[j]
            if lemma in ch.nouns_up:
                return "up"
            if lemma in ch.nouns_down:
                return "down"
            if lemma not in ("percent", "cent", "point") and j > m.end:
                return None
        elif pos not in ("ADJ", "NOUN", "SYM", "NUM", "PUNCT") and table.lower[j] != "-":
            return None  # a dash is its own lower case
    return None


def value_kind(
    m: NumberMatch, sent: Span, lex: Lexicon, counted: bool
) -> tuple[ValueKind, str | None]:
    """(level or change, direction of the change) of one number phrase."""
    ch = lex.changes
    prev = _left(sent, m.start)
    if prev is not None and prev.lower_ in ch.increments:
        return ValueKind.CHANGE, "up"
    if prev is not None and prev.lower_ == "by":
        verb = _left(sent, prev.i)
        direction = _change_word(verb, lex) if verb is not None else None
        if direction is None and prev.head.i != prev.i:
            direction = _change_word(prev.head, lex)
        if direction is not None:
            return ValueKind.CHANGE, direction
    if prev is not None and prev.lower_ == "of":
        noun = _left(sent, prev.i)
        if noun is not None and noun.pos_ == "NOUN":
            lemma = noun.lemma_.lower()
            if lemma in ch.nouns_up or lemma in ch.nouns_down:
                return ValueKind.CHANGE, "up" if lemma in ch.nouns_up else "down"
    if prev is not None:
        direction = _change_word(prev, lex)
        if direction is not None and (
            not counted or _total_follows(m, sent) or prev.lower_ in ("up", "down")
        ):
            return ValueKind.CHANGE, direction
    direction = _change_noun_after(m, sent, lex)
    if direction is not None:
        return ValueKind.CHANGE, direction
    return ValueKind.LEVEL, None
