"""``salient_terms(doc)``: the content words that say what an article is about.

Entities tell *who* and *where*; these tell *what happened* — crash, derail, quake, ballot,
indict — which is what separates two events of one kind at one place from one event reported
twice. The alert stage weighs them against the terms of the stories it knows (rarer across
stories counts more), so no list of event words is needed here: any content word can carry
the event type. Lemmas, so "crashed", "crashes" and "crash" are one term.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from claimwatch_extract.token_table import TokenTable, token_table

CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ"})
"""Words for things, events and their qualities. Not proper nouns: names are the entities'
job, and counting them twice would make two events with the same people or place (a crash
and a council vote in one city, one day) look like one."""
MAX_TERMS = 30
MIN_CHARS = 3


def salient_terms(doc: Doc, limit: int = MAX_TERMS, table: TokenTable | None = None) -> list[str]:
    """Up to ``limit`` lower-cased content lemmas, most frequent first (ties: first seen).
    ``table``: the doc's token table, when the caller has it (only content words are read)."""
    table = table or token_table(doc)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    pos, lemmas = table.pos, table.lemma
    for i in range(len(doc)):
        if pos[i] not in CONTENT_POS:
            continue
        token = doc[i]
        if token.is_alpha and not token.is_stop and len(token) >= MIN_CHARS:
            lemma = lemmas[i]
            counts[lemma] += 1
            first.setdefault(lemma, i)
    ranked = sorted(counts, key=lambda term: (-counts[term], first[term]))
    return ranked[:limit]
