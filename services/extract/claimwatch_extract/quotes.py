"""Attributed direct quotes: speaker + quoted words + the sentence(s) that carry them.

Why: rule writers match on who said what in their own words. Only outer double-quoted passages
of three or more words count; single quotes inside them stay part of the outer quote (the outer
speaker is the one on record). A quote with no speech verb of its own continues the previous
quote's speaker when it directly follows it ('"We will win," she said. "Nobody doubts it."').
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from claimwatch_extract.attribution import Speaker, find_speaker
from claimwatch_extract.lexicon import Lexicon

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
) -> list[QuoteHit]:
    """Attributed quotes of ``doc``; ``text`` is ``doc.text`` if the caller already has it."""
    full = doc.text if text is None else text
    out: list[QuoteHit] = []
    sents = list(doc.sents)
    prev: tuple[int, Speaker] | None = None  # (sentence index, speaker) of the last quote
    for a, b in spans:
        quote = full[a:b].strip()
        if len(quote.split()) < MIN_WORDS:
            continue
        idx = [i for i, s in enumerate(sents) if s.start_char < b + 1 and s.end_char > a - 1]
        if not idx:
            continue
        speaker = None
        for i in idx:
            speaker = find_speaker(sents[i], spans, lex, datelines)
            if speaker is not None:
                break
        if speaker is None and prev is not None and idx[0] - prev[0] <= 1:
            speaker = prev[1]
        if speaker is None:
            continue
        prev = (idx[-1], speaker)
        out.append(QuoteHit(sents[idx[0]].start_char, sents[idx[-1]].end_char, quote, speaker))
    return out
