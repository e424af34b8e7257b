"""Rates: "8,000 victims a day", "$15 an hour" state a rate, not a count or an amount.

Why: a rate and a total of the same thing are different facts ("8,000 a day for 100 days" vs
"800,000 in all"); the period goes into the unit ("person/day", "USD/hour") so the two are
never compared. Periods are data (`rate_periods` in data/lexicon.yaml).
"""

from __future__ import annotations

from spacy.tokens import Span

from claimwatch_extract.lexicon import Lexicon


def rate_period(sent: Span, after: int, lex: Lexicon) -> str | None:
    """ "per day", "a year", "each week" within a few words after a number: the period of a
    rate ("8,000 victims per day", "$15 an hour")."""
    doc = sent.doc
    for j in range(after, min(after + 4, sent.end - 1)):
        w, nxt = doc[j].lower_, doc[j + 1].lemma_.lower()
        if w in ("per", "a", "an", "each", "every") and nxt in lex.rate_periods:
            if w in ("a", "an") and j + 2 < sent.end and doc[j + 2].lower_ in ("ago", "later"):
                return None  # "a year ago"
            return lex.rate_periods[nxt]
        if doc[j].pos_ in ("VERB", "AUX", "ADP") and w not in ("per",):
            return None
    return None
