"""``TokenTable``: each token's lower-case form, lemma, tags and entity type, read once.

Why: every ``Token`` attribute read in spaCy builds a new ``Token`` object and decodes a new
string from the string store. The per-sentence scans (numbers, speakers, ordinals, a
sentence's words) and the windows read around each number (facts.py) read the same
attributes of the same tokens; one pass over the article gives them as plain lists, indexed
like the doc. The table is kept with the doc (``Doc.user_data``), so a rule deep in a module
gets it with ``token_table(doc)`` and no second pass; extraction never changes a parsed doc.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import HEAD
from spacy.tokens import Doc

_KEY = "claimwatch_extract.token_table"


@dataclass(frozen=True)
class TokenTable:
    lower: list[str]
    lemma: list[str]
    """``lemma_.lower()``: the lexicons hold lower-case lemmas."""
    tag: list[str]
    pos: list[str]
    ent_type: list[str]
    head: list[int]
    """The index of each token's syntactic head (a root's is its own)."""


def token_table(doc: Doc) -> TokenTable:
    """The doc's table, read on the first call and kept with the doc."""
    found = doc.user_data.get(_KEY)
    if isinstance(found, TokenTable):
        return found
    table = _read(doc)
    doc.user_data[_KEY] = table
    return table


def _read(doc: Doc) -> TokenTable:
    lower: list[str] = []
    lemma: list[str] = []
    tag: list[str] = []
    pos: list[str] = []
    ent_type: list[str] = []
    for tok in doc:
        lower.append(tok.lower_)
        lemma.append(tok.lemma_.lower())
        tag.append(tok.tag_)
        pos.append(tok.pos_)
        ent_type.append(tok.ent_type_)
    # heads as numbers in one call: reading ``tok.head`` would build a second token each
    offsets = doc.to_array(HEAD).astype(np.int64)  # stored unsigned; signed offsets
    head = (np.arange(len(doc), dtype=np.int64) + offsets).tolist()
    return TokenTable(lower, lemma, tag, pos, ent_type, head)
