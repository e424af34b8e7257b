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
from claimwatch_alert.stories import (
    StoryCard,
    add_article,
    article_terms,
    choose_story,
    new_card,
)


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


def arrival_time(event: ClaimsExtracted, dates: DateWindow, now: datetime) -> datetime:
    """When the article reached claimwatch (ingest clock), never later than now plus slack.

    Stories close on this clock, not on publication dates: an archive replayed in any order
    (or a late article with an old date) must not close stories that are still receiving.
    """
    return min(aware(event.ingested_at), shift(aware(now), dates.max_ahead))


def publication_time(event: ClaimsExtracted, dates: DateWindow, now: datetime) -> datetime | None:
    """The article's ``published_at`` if it is a plausible date (see ``article_time``)."""
    published = aware(event.published_at) if event.published_at else None
    if published is not None and dates.contains(published, arrival_time(event, dates, now)):
        return published
    return None


def article_time(event: ClaimsExtracted, dates: DateWindow, now: datetime) -> datetime:
    """When the article happened, for comparing it with stories' dates; never an absurd date.

    Ingest refuses a ``published_at`` outside its window, but a topic can be written by any
    producer: a date outside the window around the article's ingest time falls back to that
    time, and an ingest time after now (plus the window's slack) is taken as now. An article
    without a date is taken as published when it arrived.
    """
    return publication_time(event, dates, now) or arrival_time(event, dates, now)


def place(
    event: ClaimsExtracted,
    at: datetime,
    arrived: datetime,
    cards: Mapping[str, StoryCard],
    refs: Mapping[str, ArticleRef],
    params: StoryParams,
    dated: bool = True,
) -> Placement:
    """Where the article goes, and the index's change.

    ``at`` is the article's date (``article_time``), ``arrived`` its arrival
    (``arrival_time``), which keeps the story open; ``dated``: ``at`` is a publication date
    (``publication_time``), not the arrival.
    """
    known = refs.get(event.article_id)
    if known is not None:
        return Placement(known.story, known.origin, cards[known.story], known, False, True)
    terms = article_terms(event.entity_ids, event.keywords, params)
    original = refs.get(event.duplicate_of) if event.duplicate_of else None
    origin = original.origin if original else event.source
    card = cards.get(original.story) if original else None
    if card is None:
        undated_arrival = None if dated else arrived
        card = choose_story(list(cards.values()), terms, at, params, undated_arrival)
    created = card is None
    if card is None:
        card = new_card(event.article_id, terms, at, arrived, dated)
    else:
        card = add_article(card, terms, at, arrived, params, dated)
    ref = ArticleRef(story=card.id, source=event.source, origin=origin, at=at)
    copy_origin = origin if event.duplicate_of and original else None
    return Placement(card.id, copy_origin, card, ref, created, False)


def expired(card: StoryCard, newest: datetime, window: timedelta) -> bool:
    """A story no article has arrived at for two windows (ingest clock) is closed.

    ``newest`` is the latest arrival time. Cards from before arrival times were kept fall
    back to their latest article date.
    """
    return shift(card.touched_at or card.last_at, 2 * window) < newest
