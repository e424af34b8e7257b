"""Attributed direct quotes: speaker + quoted words + the sentence(s) that carry them.

Why: rule writers match on who said what in their own words. Only outer double-quoted passages
of three or more words count; single quotes inside them stay part of the outer quote (the outer
speaker is the one on record). A quote with no speech verb of its own continues the previous
quote's speaker when it directly follows it ('"We will win," she said. "Nobody doubts it."').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from claimwatch_extract.attribution import Speaker, find_speaker
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.token_table import TokenTable

MIN_WORDS = 3


@dataclass(frozen=True)
class QuoteHit:
    start: int  # evidence start (sentence)
    end: int
    quote: str
    speaker: Speaker


def find_quotes(
    doc: Doc,
    spans: list[tuple[int, int]],
    lex: Lexicon,
    datelines: list[tuple[int, int]] | None = None,
    text: str | None = None,
    table: TokenTable | None = None,
    sents: Sequence[Span] | None = None,
) -> list[QuoteHit]:
    """Attributed quotes of ``doc``; ``text`` is ``doc.text``, ``table`` its token table and
    ``sents`` its sentences, when the caller already has them."""
    full = doc.text if text is None else text
    out: list[QuoteHit] = []
    sents = list(doc.sents) if sents is None else sents
    bounds: list[tuple[int, int]] = []  # each sentence's characters, read at the first quote
    prev: tuple[int, Speaker] | None = None  # (sentence index, speaker) of the last quote
    for a, b in spans:
        quote = full[a:b].strip()
        if len(quote.split()) < MIN_WORDS:
            continue
        bounds = bounds or [(s.start_char, s.end_char) for s in sents]
        idx = [i for i, (start, end) in enumerate(bounds) if start < b + 1 and end > a - 1]
        if not idx:
            continue
        speaker = None
        for i in idx:
            speaker = find_speaker(sents[i], spans, lex, datelines, table)
            if speaker is not None:
                break
        if speaker is None and prev is not None and idx[0] - prev[0] <= 1:
            speaker = prev[1]
        if speaker is None:
            continue
        prev = (idx[-1], speaker)
        out.append(QuoteHit(sents[idx[0]].start_char, sents[idx[-1]].end_char, quote, speaker))
    return out
