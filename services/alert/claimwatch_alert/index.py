"""The story index step: place one article in a story, given the cards seen so far.

Pure (maps in, decision out); the agent keeps the maps in single-partition faust tables so
there is exactly one index however many alert workers run, and a restarted worker recovers
it from the changelog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from claimwatch.dates import DateWindow, aware, shift
from claimwatch.models import ClaimsExtracted
from claimwatch_alert.config import StoryParams
from claimwatch_alert.stories import StoryCard, add_article, choose_story, new_card


class ArticleRef(BaseModel):
    """What the index remembers per article: its story and outlet (to resolve copies)."""

    model_config = ConfigDict(extra="forbid")

    story: str
    source: str
    origin: str
    at: datetime


@dataclass(frozen=True)
class Placement:
    story: str
    origin: str | None
    card: StoryCard
    ref: ArticleRef
    created: bool
    known: bool
    """The article was placed before (a redelivery): nothing in the index changes."""


def article_time(event: ClaimsExtracted, dates: DateWindow, now: datetime) -> datetime:
    """When the article happened, for story windows and ageing; never an absurd date.

    Ingest refuses a ``published_at`` outside its window, but a topic can be written by any
    producer: a date outside the window around the article's ingest time falls back to that
    time, and an ingest time after now (plus the window's slack) is taken as now. One
    far-future record would otherwise age every story out of the index.
    """
    ingested = min(aware(event.ingested_at), shift(aware(now), dates.max_ahead))
    published = aware(event.published_at) if event.published_at else None
    if published is not None and dates.contains(published, ingested):
        return published
    return ingested


def place(
    event: ClaimsExtracted,
    at: datetime,
    cards: Mapping[str, StoryCard],
    refs: Mapping[str, ArticleRef],
    window: timedelta,
    params: StoryParams,
) -> Placement:
    """Where the article (dated ``at``, see ``article_time``) goes, and the index's change."""
    known = refs.get(event.article_id)
    if known is not None:
        return Placement(known.story, known.origin, cards[known.story], known, False, True)
    entities = set(event.entity_ids)
    original = refs.get(event.duplicate_of) if event.duplicate_of else None
    origin = original.origin if original else event.source
    card = cards.get(original.story) if original else None
    if card is None:
        card = choose_story(list(cards.values()), entities, event.title, at, window, params)
    created = card is None
    if card is None:
        card = new_card(event.article_id, entities, event.title, at)
    else:
        card = add_article(card, entities, event.title, at, params)
    ref = ArticleRef(story=card.id, source=event.source, origin=origin, at=at)
    copy_origin = origin if event.duplicate_of and original else None
    return Placement(card.id, copy_origin, card, ref, created, False)


def expired(last_at: datetime, newest: datetime, window: timedelta) -> bool:
    """Index entries older than two windows can no longer gain articles."""
    return shift(last_at, 2 * window) < newest
