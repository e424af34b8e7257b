"""What an amount of money is, read from the parse: its kind, and what tells two amounts of
one kind apart (the thing bought, a forecast, the first of several offers, debt included).

Why: a story holds many amounts, and the nearest subject word in the sentence names them only
coarsely ("deal" for a bid, for its cash part and for another company's acquisition), so two
of them were rarely one fact and money could not page. The words that govern the amount say
what it is: the noun it belongs to ("a $4 billion purchase of X", "net income of $2
billion", "$5 billion in funding"), else the verb it is the object of ("asked for $5
billion", "raised its bid for X to $9 billion"), with a verb of asking above that making it
a demand ("insisted that the council approve $5 billion"). Pure: spaCy tokens in, a
``MoneyIdentity`` out; the words live in ``data/currencies.yaml`` (``identity``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.lexicon import MoneyIdentity as Words
from claimwatch_extract.numbers import NumberMatch

_CLAUSE = ("VERB", "AUX")
_UPWARD = ("ccomp", "xcomp", "advcl", "conj")
_HOPS = 6


@dataclass(frozen=True)
class MoneyIdentity:
    """An amount's kind ("deal", "profit", "demand" ...) and its qualifiers ("for X",
    "expected", "initial", "including debt", "cash")."""

    kind: str
    qualifiers: tuple[str, ...] = ()
    pending: bool = False
    """A modal on it hedges a pending deal ("the deal would be worth $9 billion"), not an
    amount that may never exist."""
    denied: bool = False
    """The amount is denied ("not $2 billion, but $5 billion")."""


def amount_root(sent: Span, m: NumberMatch) -> Token:
    """The token of the amount's phrase that the rest of the sentence hangs it from."""
    doc = sent.doc
    inside = range(m.start, m.end)
    for tok in doc[m.num_start : m.num_end]:
        if tok.head.i not in inside or tok.head.i == tok.i:
            return tok
    return doc[m.num_end - 1]


def read_identity(sent: Span, m: NumberMatch, lex: Lexicon) -> MoneyIdentity | None:
    """The amount's identity, or None when the parse names no kind (the caller then falls
    back to the nearest subject word, without qualifiers)."""
    words = lex.money.identity
    kinds = lex.money.kind_of
    root = amount_root(sent, m)
    anchor = root
    while anchor.dep_ == "conj" and anchor.head.i != anchor.i:  # "$70 a share, or $9 billion"
        anchor = anchor.head
    named = _own_phrase(root, anchor, kinds)
    verb: Token | None = None
    if named is None:
        named, verb = _governing(anchor, kinds, words)
    if verb is not None and (named is None or named[1].i == verb.i or _is_verb(named[1])):
        asked = _asked(verb, words)
        if asked is not None:
            named = ("demand", asked)
    asked_here = _asked_in_relative(root, words)
    if asked_here is not None and named is None:
        named = ("demand", asked_here)
    if named is None:
        return None
    kind, word = named
    quals: list[str] = []
    if kind in words.forecast_kinds and _forecast(root, word, verb, words):
        quals.append("expected")
    if kind in words.forecast_kinds:
        period = _period(sent, root, word, words)
        if period:
            quals.append(period)
    if any(c.dep_ == "amod" and c.lemma_.lower() in words.initial for c in word.children):
        quals.append("initial")
    if kind in words.target_kinds:
        target = _target(word, verb, words) or _sentence_target(sent, words, kinds)
        if target:
            quals.append(f"for {target}")
            bidder = _bidder(word, verb)
            if bidder and bidder != target:
                quals.append(f"by {bidder}")
        if _with_debt(sent, root, words):
            quals.append("including debt")
    part = _component(root, words)
    if part:
        quals.append(part)
    denied = any(c.dep_ == "neg" for c in root.children) or _not_before(sent, m)
    return MoneyIdentity(kind, tuple(quals), kind in words.pending_kinds, denied)


def _is_verb(tok: Token) -> bool:
    return tok.pos_ in _CLAUSE


def _own_phrase(root: Token, anchor: Token, kinds: dict[str, str]) -> tuple[str, Token] | None:
    """ "$5 billion in funding", "$2 billion in earnings": the amount's own "in" phrase."""
    for tok in (root, anchor):
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ != "in":
                continue
            for obj in prep.children:
                kind = _kind(obj, kinds)
                if obj.dep_ == "pobj" and kind is not None:
                    return kind, obj
    return None


def _noun_kind(noun: Token, kinds: dict[str, str], words: Words) -> str | None:
    """The kind a noun names; a noun of measure takes its owner's ("the deal's value")."""
    if noun.pos_ not in ("NOUN", "PROPN"):
        return None
    lemma = noun.lemma_.lower()
    if lemma in words.value_nouns:
        for c in noun.children:
            owners = [c] if c.dep_ == "poss" else []
            if c.dep_ == "prep" and c.lower_ == "of":
                owners = [o for o in c.children if o.dep_ == "pobj"]
            for owner in owners:
                kind = _kind(owner, kinds)
                if kind is not None and owner.pos_ in ("NOUN", "PROPN"):
                    return kind
    return _kind(noun, kinds)


def _kind(tok: Token, kinds: dict[str, str]) -> str | None:
    """A word's kind by its lemma or its form ("earnings", whose lemma is "earning")."""
    return kinds.get(tok.lemma_.lower()) or kinds.get(tok.lower_)


def _governing(
    anchor: Token, kinds: dict[str, str], words: Words
) -> tuple[tuple[str, Token] | None, Token | None]:
    """(kind and the word that named it, the amount's clause verb): the nearest noun above
    the amount that names a kind, else what its clause verb says."""
    cur = anchor
    for _ in range(_HOPS):
        head = cur.head
        if head.i == cur.i:
            return None, None
        if _is_verb(head):
            return _verb_kind(head, words, kinds), head
        kind = _noun_kind(head, kinds, words)
        if kind is not None:
            return (kind, head), None
        cur = head
    return None, None


def _verb_kind(verb: Token, words: Words, kinds: dict[str, str]) -> tuple[str, Token] | None:
    """What a clause verb says the amount is: its subject's kind for a verb of being ("the
    offer was $9 billion", "the deal, which amounts to $9 billion"), a deal for a verb of
    buying a named company, else the verb's own kind or its object's ("raised its bid to")."""
    lemma = verb.lemma_.lower()
    if lemma in words.copulas:
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if verb.dep_ == "relcl":
            subjects.append(verb.head)
        for subj in subjects:
            kind = _noun_kind(subj, kinds, words)
            if kind is not None:
                return kind, subj
        return None
    if lemma in words.value_nouns and verb.dep_ in ("acl", "relcl"):
        kind = _noun_kind(verb.head, kinds, words)  # "a deal valued at $5 billion"
        if kind is not None:
            return kind, verb.head
    if lemma in words.acquire_verbs and _name(_object(verb)):
        return "deal", verb
    kind = _kind(verb, kinds)
    if kind is not None:
        return kind, verb
    obj = _object(verb)
    if obj is not None:
        kind = _noun_kind(obj, kinds, words)
        if kind is not None:
            return kind, obj
    return None


def _object(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ == "dobj"), None)


def _asked(verb: Token, words: Words) -> Token | None:
    """A verb of asking that governs the amount's clause ("insisted that Congress
    appropriate $5 billion", "we are asking for $5 billion")."""
    asking = words.kinds.get("demand", [])
    cur = verb
    for _ in range(3):
        if cur.lemma_.lower() in asking:
            return cur
        if cur.dep_ not in ("ccomp", "xcomp") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _asked_in_relative(root: Token, words: Words) -> Token | None:
    """ "the $5 billion that he demanded": a relative clause of asking on the amount."""
    asking = words.kinds.get("demand", [])
    for c in root.children:
        if c.dep_ == "relcl" and c.lemma_.lower() in asking:
            return c
    return None


def _forecast(root: Token, word: Token, verb: Token | None, words: Words) -> bool:
    """ "an estimated $2 billion", "expected profit", "expected to post income of"."""
    near = [*root.children, *word.children]
    if any(c.dep_ == "amod" and c.lemma_.lower() in words.forecast for c in near):
        return True
    cur = verb if verb is not None else _clause_of(word)
    for _ in range(3):
        if cur is None:
            return False
        if cur.lemma_.lower() in words.forecast:
            return True
        if cur.dep_ not in _UPWARD or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _clause_of(tok: Token) -> Token | None:
    cur = tok
    for _ in range(_HOPS):
        if _is_verb(cur):
            return cur
        if cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _target(word: Token, verb: Token | None, words: Words) -> str | None:
    """What a deal buys: "the bid for X", "the purchase of X", "an offer to acquire X",
    "acquire X for $9 billion", "raised its bid for X to $9 billion"."""
    for c in word.children:
        if c.dep_ == "prep" and c.lower_ in words.target_preps:
            for obj in c.children:
                name = _name(obj) if obj.dep_ == "pobj" else None
                if name:
                    return name
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in words.acquire_verbs:
            name = _name(_object(c))
            if name:
                return name
    if _is_verb(word) and word.lemma_.lower() in words.acquire_verbs:
        return _name(_object(word))
    return None


def _bidder(word: Token, verb: Token | None) -> str | None:
    """Who makes the offer: the deal word's owner ("Northwind's bid"), else the subject of
    its clause or of the clause that clause completes ("Northwind raised its bid",
    "Northwind agreed to buy X"); None when no company or person is named there."""
    for c in word.children:
        if c.dep_ == "poss" and c.pos_ == "PROPN":
            return _name(c)
    cur = verb if verb is not None else _clause_of(word)
    for _ in range(3):
        if cur is None:
            return None
        subject = next((c for c in cur.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return _name(subject)
        if cur.dep_ not in ("xcomp", "conj", "advcl") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _period(sent: Span, root: Token, word: Token, words: Words) -> str | None:
    """The period a result covers, from the words next to the amount or its kind word
    ("quarterly profit", "fourth-quarter net income", "earnings for the year")."""
    if not words.periods:
        return None
    doc = sent.doc
    lo = max(sent.start, min(root.i, word.i) - words.period_window)
    hi = min(sent.end, max(root.i, word.i) + words.period_window + 1)
    text = f" {' '.join(t.lower_ for t in doc[lo:hi])} ".replace(" - ", "-")
    for period, phrases in words.periods.items():
        if any(re.search(rf"[\s-]{re.escape(p)}\s", text) for p in phrases):
            return period
    return None


def _sentence_target(sent: Span, words: Words, kinds: dict[str, str]) -> str | None:
    """The one company the sentence says is bought, for a deal amount that does not name it
    ("X agreed to acquire Y in a $5 billion transaction"): the object of a verb of buying or
    of a deal noun's "for"/"of"; None when the sentence names none or several."""
    names: set[str] = set()
    for tok in sent:
        lemma = tok.lemma_.lower()
        if _is_verb(tok) and lemma in words.acquire_verbs:
            name = _name(_object(tok))
            if name:
                names.add(name)
        elif tok.pos_ == "NOUN" and kinds.get(lemma) in words.target_kinds:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in words.target_preps:
                    names.update(n for o in c.children if o.dep_ == "pobj" and (n := _name(o)))
    return next(iter(names)) if len(names) == 1 else None


def _name(tok: Token | None) -> str | None:
    """A company or person named by a noun phrase: its first proper noun ("X" for "X
    Semiconductors NV", "rival chipmaker X")."""
    if tok is None:
        return None
    chain = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i] + [tok]
    return next((t.text for t in chain if t.pos_ == "PROPN"), None)


def _with_debt(sent: Span, root: Token, words: Words) -> bool:
    """ "$9 billion including debt", "with X's debt included": near the amount, a word of
    debt next to a word that adds it."""
    doc = sent.doc
    lo, hi = max(sent.start, root.i - 16), min(sent.end, root.i + 8)
    for tok in doc[lo:hi]:
        if tok.lemma_.lower() not in words.debt:
            continue
        near = doc[max(sent.start, tok.i - 3) : min(sent.end, tok.i + 3)]
        if any(t.lemma_.lower() in words.debt_links or t.lower_ in words.debt_links for t in near):
            return True
    return False


def _component(root: Token, words: Words) -> str | None:
    """ "$60 in cash": one component of an offer ("in cash and stock" is all of it)."""
    for prep in root.children:
        if prep.dep_ != "prep" or prep.lower_ != "in":
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj" or obj.lemma_.lower() not in words.components:
                continue
            if not any(c.dep_ == "conj" for c in obj.children):
                return obj.lemma_.lower()
    return None


def _not_before(sent: Span, m: NumberMatch) -> bool:
    """ "not $2 billion": the word before the amount denies it."""
    doc = sent.doc
    return m.start > sent.start and doc[m.start - 1].lower_ == "not"
