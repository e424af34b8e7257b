"""Who says a claim, and how: direct quote, reported speech, or unattributed.

Why: a threat in a head of state's own quoted words is a different alert from an analyst's
paraphrase, and an unattributed assertion deserves less weight. Everything here is per sentence
and linear in its tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch.models import Attribution
from claimwatch_extract.entities import EntityIndex
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.token_table import TokenTable

_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“"}
PRONOUNS = frozenset({"he", "she", "him", "her", "they", "we", "i"})


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the *outer* double-quoted passages (inside the marks).

    Single quotes inside a double-quoted passage are part of it ("quotes inside quotes"), so
    only double marks are paired: straight quotes alternate, curly ones pair open/close. A
    quote never runs past its paragraph: one left open (a quote continued in the next
    paragraph, or a stray mark in a scraped caption) ends with it, so a single stray mark
    cannot turn the rest of an article's narration into quotation.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    closer = ""
    for m in re.finditer(r"[\"“”«»„\n]", text):
        ch = m.group()
        if ch == "\n":
            if open_at is not None:
                spans.append((open_at, m.start()))
            open_at = None
            continue
        if open_at is None:
            if ch in ('"', "“", "«", "„"):
                open_at, closer = m.end(), ('"' if ch == '"' else _OPEN_CLOSE[ch])
        elif ch == closer or (ch == '"' and closer == '"') or ch in ("”", "»"):
            spans.append((open_at, m.start()))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def inside(char: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= char < b for a, b in spans)


@dataclass(frozen=True)
class Speaker:
    """The source of a sentence's claims: the subject of its speech verb."""

    token: Token  # head of the speaker phrase
    verb: Token


def dateline_spans(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Character spans of paragraph-opening datelines ("CITY, Nov 20 (Outlet) - ").

    Why: the parser often makes the dateline's place the subject of the first "said"; a place
    that only says where a story was filed must never become the actor of a claim.
    """
    return [(m.start(), m.end()) for m in lex.datelines.regex.finditer(text)]


def _past_dateline(subj: Token, datelines: list[tuple[int, int]]) -> Token | None:
    """``subj`` itself if it lies outside every dateline, else the head of the phrase that
    follows the dateline inside ``subj``'s subtree ("DRAVENSK, Nov 20 - Kestria's president")."""
    span = next(((a, b) for a, b in datelines if a <= subj.idx < b), None)
    if span is None:
        return subj
    for t in subj.subtree:
        if t.idx >= span[1] and t.head.idx < span[1] and t.pos_ in ("NOUN", "PROPN", "PRON"):
            return t
    return None


def find_speaker(
    sent: Span,
    spans: list[tuple[int, int]],
    lex: Lexicon,
    datelines: list[tuple[int, int]] | None = None,
    table: TokenTable | None = None,
) -> Speaker | None:
    """Subject of a speech verb outside quotes ("..., X said"), or of "according to X".

    Subjects inside a dateline are passed over for the verb's next subject (the parser often
    attaches both "DRAVENSK" and "Kestria's president" to "said"). ``table``: the doc's
    token table, when the caller has it: only the tokens that can start a speaker are read."""
    speech = lex.speech
    datelines = datelines or []
    speech_verbs: list[Token] = []  # one pass over the sentence: "according to" wins
    tokens: Iterable[Token] = sent
    if table is not None:
        doc, lower, lemmas = sent.doc, table.lower, table.lemma
        tokens = [
            doc[i]
            for i in range(sent.start, sent.end)
            if lemmas[i] == "accord" or lower[i] == "according" or lemmas[i] in speech
        ]
    for tok in tokens:
        lemma = tok.lemma_.lower()
        if lemma == "accord" or tok.lower_ == "according":
            for child in tok.children:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return Speaker(obj, tok)
        elif lemma in speech and tok.pos_ in ("VERB", "AUX") and not inside(tok.idx, spans):
            speech_verbs.append(tok)
    for tok in speech_verbs:
        verb: Token | None = tok
        for _ in range(3):
            if verb is None:
                break
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            subjects = [c for c in subjects if not inside(c.idx, spans)]
            found = [s for s in (_past_dateline(c, datelines) for c in subjects) if s is not None]
            if found:
                return Speaker(found[0], tok)
            verb = verb.head if verb.dep_ in ("advcl", "xcomp", "conj", "ccomp") else None
    return None


def _phrase_tokens(tok: Token) -> list[Token]:
    words = [
        t
        for t in tok.subtree
        if not any(a.dep_ in ("relcl", "acl", "appos") and a.i != tok.i for a in _path(t, tok))
        and t.dep_ not in ("punct", "case")
        and not t.is_space  # a paragraph break the parser hung on the phrase
    ]
    if words and words[0].lower_ in ("the", "a", "an"):
        words = words[1:]
    return words or [tok]


def phrase(tok: Token) -> str:
    """The noun phrase headed by ``tok`` (no relative clauses), for non-entity actors."""
    return " ".join(t.text for t in _phrase_tokens(tok))


NAMED_LABELS = frozenset({"PERSON", "GPE", "ORG", "LOC", "FAC"})


def canonical_phrase(tok: Token, ents: EntityIndex) -> str:
    """``phrase`` with every name in it written as its canonical entity ("the U.S. mainland"
    → "United States mainland", "Pyongyang" → "North Korea"), as actors are; a country's
    demonym modifying the head as the country's possessive ("Kestrian troops" → "Kestria's
    troops").

    Why: a threat's target is matched, grouped and read by name; the phrase keeps its own
    qualifiers ("bases in X"). A demonym that is the head stays ("Kestrians": people)."""
    words = _phrase_tokens(tok)
    inside_phrase = {t.i for t in words}
    out: list[str] = []
    skip_to = -1
    for t in words:
        if t.i < skip_to:
            continue
        ent = ents.span_starting_at(t.i) if t.ent_iob_ == "B" else None
        cluster = ents.at(ent) if ent is not None else None
        if (
            ent is None
            or cluster is None
            or not all(i in inside_phrase for i in range(ent.start, ent.end))
        ):
            out.append(t.text)
            continue
        after = tok.doc[ent.end] if ent.end < len(tok.doc) else None
        owner = after is not None and after.dep_ == "case" and after.head.i in inside_phrase
        if ent.label_ in NAMED_LABELS:
            out.append(possessive(cluster.name) if owner else cluster.name)  # "Norway's ships"
        elif cluster.type == "GPE" and not ent.start <= tok.i < ent.end:
            out.append(possessive(cluster.name))  # a country's demonym modifying the head
        else:
            out.append(ent.text)
        skip_to = ent.end
    return " ".join(out)


def possessive(name: str) -> str:
    """ "Norway's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _path(t: Token, top: Token) -> list[Token]:
    out = []
    while t.i != top.i and t.head.i != t.i:
        out.append(t)
        t = t.head
    return out


@dataclass(frozen=True)
class Actor:
    name: str
    id: str | None
    words: str  # lower-cased lemmas describing the actor, for actor_class
    kind: str | None = None  # entity type of a named actor (GPE: a state speaking)


def _named_in_apposition(root: Token, tok: Token) -> bool:
    """A name given to ``tok`` in an apposition ("another figure, a spokesman called X"):
    the actor's own name even when the tagger calls it an organisation."""
    if root.dep_ == "appos":  # "another figure, X, said"
        return root.head.i == tok.i
    called = root.head  # "a spokesman called X": the name of the appositive
    return (
        root.dep_ == "oprd"
        and called.dep_ == "acl"
        and called.head.dep_ == "appos"
        and called.head.head.i == tok.i
    )


def resolve_actor(tok: Token, ents: EntityIndex) -> Actor:
    """Canonical actor for a subject token: a named entity in its phrase (people first), a
    pronoun resolved to the last person named before, else the noun phrase itself."""
    sub = list(tok.subtree) if tok.dep_ != "ROOT" else [tok]
    found = None
    for t in sub:
        if t.ent_iob_ == "B":
            ent = ents.span_starting_at(t.i)
            c = ents.at(ent) if ent is not None else None
            if (
                ent is not None
                and ent.label_ != "PERSON"
                and not ent.start <= tok.i < ent.end
                and not _named_in_apposition(ent.root, tok)
            ):
                continue  # "Hezbari fighters", "Russia's ministry": a modifier, not the actor
            if c is not None and (found is None or (c.type == "PERSON" and found.type != "PERSON")):
                found = c
    lemmas = " ".join(t.lemma_.lower() for t in sub)
    if found is not None:
        return Actor(found.name, found.id, " | ".join([lemmas, *sorted(found.titles)]), found.type)
    if tok.lower_ in PRONOUNS - {"they", "we", "i"}:
        person = ents.last_person_before(tok.idx)
        if person is not None:
            return Actor(person.name, person.id, " | ".join(sorted(person.titles)))
    return Actor(phrase(tok), None, lemmas)


_NOT_WORD = re.compile(r"[^a-z0-9| ]+")


def classify(words: str, classes: dict[str, list[str]], priority: list[str]) -> str | None:
    """Class whose lexicon phrase occurs in ``words`` (whole words; priority order)."""
    padded = f" {_NOT_WORD.sub(' ', words.lower())} "
    for cls in priority:
        for phrase_ in classes.get(cls, []):
            if f" {phrase_} " in padded:
                return cls
    return None


def attribution_of(char: int, speaker: Speaker | None, spans: list[tuple[int, int]]) -> Attribution:
    if inside(char, spans) and speaker is not None:
        return Attribution.DIRECT_QUOTE
    if speaker is not None:
        return Attribution.REPORTED
    return Attribution.UNATTRIBUTED
