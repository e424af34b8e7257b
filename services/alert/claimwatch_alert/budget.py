"""Keep a story's state inside one record: forget the oldest articles' claims first.

A story's state is one record of the ``story-state`` changelog, so it must fit the record
budget (``Settings.max_record_bytes``). A long-running story (a war, a trial) keeps gaining
articles; refusing the article that crosses the budget would dead-letter every later report
of that story. Instead the oldest articles give up their claims (their entry stays, so a
redelivered article is still recognised and its progress marker re-sent). Their values leave
later comparisons; alerts already sent stay as sent, and ``apply_article`` never re-pages an
alert only because its corroboration shrank.

Trimming goes down to a fraction of the budget (``TRIM_TO``), so a story near the limit is
trimmed once per many articles rather than on every one.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimwatch_alert.state import StoryState

TRIM_TO = 0.75


@dataclass(frozen=True)
class Trimmed:
    state: StoryState
    encoded: bytes
    articles: int
    """Articles whose claims were dropped by this call."""


def fit_to_budget(state: StoryState, encoded: bytes, max_bytes: int) -> Trimmed | None:
    """``state`` (serialised as ``encoded``) cut to at most ``TRIM_TO`` of ``max_bytes`` by
    dropping whole articles' claims, oldest first; ``None`` when it cannot fit even with
    every claim gone (the articles alone exceed the budget)."""
    if len(encoded) <= max_bytes:
        return Trimmed(state, encoded, 0)
    excess = len(encoded) - int(max_bytes * TRIM_TO)
    sizes: dict[str, int] = {}
    for stored in state.claims:  # each claim's share of the encoding, its comma included
        sizes[stored.article_id] = (
            sizes.get(stored.article_id, 0) + len(stored.model_dump_json()) + 1
        )
    oldest_first = sorted(sizes, key=lambda a: (state.articles[a].ingested_at, a))
    dropped: set[str] = set()
    for article_id in oldest_first:
        if excess <= 0:
            break
        dropped.add(article_id)
        excess -= sizes[article_id]
    trimmed = state.model_copy(
        update={
            "claims": [s for s in state.claims if s.article_id not in dropped],
            "trimmed_articles": state.trimmed_articles + len(dropped),
        }
    )
    again = trimmed.model_dump_json().encode()
    if len(again) > max_bytes:
        return None
    return Trimmed(trimmed, again, len(dropped))
