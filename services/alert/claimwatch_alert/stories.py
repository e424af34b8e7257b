"""Story assignment: which earlier articles an article is about the same event as.

Method (parameters in ``data/detection.yaml``, window in ``Settings.story_window_h``):

1. A syndicated copy (``duplicate_of``) joins its original's story when that is known.
2. Otherwise every story active within the time window is scored:
   ``entity_weight * overlap + title_weight * title_similarity`` where ``overlap`` is the
   number of shared entities (compared by name, ignoring the NER type) over the smaller
   entity set, counted as at least ``min_entity_base`` entities, and ``title_similarity``
   is rapidfuzz's
   ``token_set_ratio`` against the story's titles (0..1). The best story at or above
   ``min_score`` wins (ties: the older story); a near-identical title joins on its own.
3. Else the article opens a new story, whose id derives from that article's id — stable
   across replays and restarts.

All of this runs in one place (a single-partition index, see ``agent.py``), in arrival
order, so the result is deterministic however many alert workers run.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from claimwatch.dates import shift
from claimwatch_alert.config import StoryParams

MAX_TITLES = 8


class StoryCard(BaseModel):
    """What the index remembers about a story to place later articles."""

    model_config = ConfigDict(extra="forbid")

    id: str
    entity_counts: dict[str, int] = Field(default_factory=dict)
    titles: list[str] = Field(default_factory=list)
    first_at: datetime
    last_at: datetime
    articles: int = 0


def story_id_for(article_id: str) -> str:
    return "st-" + hashlib.sha256(article_id.encode()).hexdigest()[:16]


def entity_key(entity_id: str) -> str:
    """Compare entities by name, not type: NER may tag one place GPE here and FAC there."""
    return entity_id.split(":", 1)[-1]


def entity_overlap(article_entities: set[str], card: StoryCard, params: StoryParams) -> float:
    """Shared entities over the smaller set, whose size counts as at least
    ``min_entity_base`` so one shared country does not make a 1-entity article a match."""
    mine = {entity_key(e) for e in article_entities}
    theirs = {entity_key(e) for e in card.entity_counts}
    if not mine or not theirs:
        return 0.0
    shared = len(mine & theirs)
    if shared < params.min_shared_entities:
        return 0.0
    return shared / max(min(len(mine), len(theirs)), params.min_entity_base)


def title_similarity(title: str | None, card: StoryCard) -> float:
    if not title or not card.titles:
        return 0.0
    return max(fuzz.token_set_ratio(title.lower(), t.lower()) for t in card.titles) / 100.0


def score(entities: set[str], title: str | None, card: StoryCard, params: StoryParams) -> float:
    """Similarity of an article to a story, 0..1; ``title_only_min`` titles score 1."""
    titles = title_similarity(title, card)
    if titles >= params.title_only_min:
        return 1.0
    return params.entity_weight * entity_overlap(entities, card, params) + (
        params.title_weight * titles
    )


def in_window(card: StoryCard, at: datetime, window: timedelta) -> bool:
    return shift(card.first_at, -window) <= at <= shift(card.last_at, window)


def choose_story(
    cards: list[StoryCard],
    entities: set[str],
    title: str | None,
    at: datetime,
    window: timedelta,
    params: StoryParams,
) -> StoryCard | None:
    """The story this article joins, or ``None`` for a new one."""
    best: tuple[float, datetime, StoryCard] | None = None
    for card in cards:
        if not in_window(card, at, window):
            continue
        value = score(entities, title, card, params)
        if value < params.min_score:
            continue
        if best is None or value > best[0] or (value == best[0] and card.first_at < best[1]):
            best = (value, card.first_at, card)
    return best[2] if best else None


def add_article(
    card: StoryCard, entities: set[str], title: str | None, at: datetime, params: StoryParams
) -> StoryCard:
    """The card with one more article folded in (bounded: top entities, a few titles)."""
    counts = Counter(card.entity_counts)
    counts.update(entities)
    kept = dict(counts.most_common(params.max_entities))
    titles = list(card.titles)
    if title and title not in titles and len(titles) < MAX_TITLES:
        titles.append(title)
    return card.model_copy(
        update={
            "entity_counts": kept,
            "titles": titles,
            "first_at": min(card.first_at, at),
            "last_at": max(card.last_at, at),
            "articles": card.articles + 1,
        }
    )


def new_card(article_id: str, entities: set[str], title: str | None, at: datetime) -> StoryCard:
    return StoryCard(
        id=story_id_for(article_id),
        entity_counts={e: 1 for e in sorted(entities)},
        titles=[title] if title else [],
        first_at=at,
        last_at=at,
        articles=1,
    )
