"""Story assignment: which earlier articles an article reports the same event as.

Method (parameters in ``data/detection.yaml``, see docs/alerting.md "Stories"):

1. A syndicated copy (``duplicate_of``) joins its original's story when that is known.
2. Otherwise the article is compared with every open story on two weighted term vectors:
   its **entities** (who, where; weighted by first mention, so headline and lead count most)
   and its **keywords** (what happened: crash, vote, quake; most frequent first). Each term is
   also weighted by how rare it is among the open stories (inverse story frequency), so a
   country or a president named in half the stories counts for little and a street, a
   victim's name or "derail" for a lot. ``score = entity_weight * cosine(entities) +
   keyword_weight * cosine(keywords)``.
3. Time: the gap between the article's date and the story's dates (0 inside its span) raises
   the score needed to join: ``min_score`` up to ``grace_days``, then ``penalty_per_day`` more
   per day; beyond ``max_gap_days`` it never joins. Two crashes of one kind a week apart need
   far more in common than two reports of one crash on the same day.
   An undated article is timed against a story of dated reports on the arrival clock
   (``story_gap_days``) and leaves its dates alone.
4. The story with the largest margin over its bar wins (ties: the older story); none clears
   its bar -> a new story, whose id derives from the article's id (stable across replays).

All of this runs in one place (a single-partition index, see ``agent.py``), in arrival
order, so the result is deterministic however many alert workers run.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from claimwatch_alert.config import StoryParams

SECONDS_PER_DAY = 86_400.0
Weights = Mapping[str, float]


class StoryCard(BaseModel):
    """What the index remembers about an open story to place later articles."""

    model_config = ConfigDict(extra="forbid")

    id: str
    entities: dict[str, float] = Field(
        default_factory=dict, description="Entity key -> summed salience over its articles."
    )
    keywords: dict[str, float] = Field(
        default_factory=dict, description="Keyword -> summed salience over its articles."
    )
    first_at: datetime = Field(description="Earliest article date (published, else arrival).")
    last_at: datetime = Field(description="Latest article date (published, else arrival).")
    touched_at: datetime | None = Field(
        default=None, description="Latest arrival (ingest clock): when the story closes."
    )
    dated: bool = Field(
        default=True,
        description="first_at/last_at are publication dates (False: every article so far "
        "was undated, and they are its arrival times).",
    )
    articles: int = 0

    @model_validator(mode="before")
    @classmethod
    def _from_older_cards(cls, data: Any) -> Any:
        """Cards written before keywords (changelog recovery): entity counts become weights."""
        if isinstance(data, dict) and "entity_counts" in data:
            data = dict(data)
            counts = data.pop("entity_counts") or {}
            data.pop("titles", None)
            data.setdefault("entities", {entity_key(e): float(n) for e, n in counts.items()})
        return data


class CardCache:
    """Parsed cards by id, re-parsed only when the stored bytes change.

    The index reads every open card for every article; parsing hundreds of cards each time
    would cost more than the comparison itself.
    """

    def __init__(self) -> None:
        self._parsed: dict[bytes, tuple[bytes, StoryCard]] = {}

    def read(self, items: Iterable[tuple[bytes, bytes | None]]) -> dict[str, StoryCard]:
        fresh: dict[bytes, tuple[bytes, StoryCard]] = {}
        for key, raw in items:
            if not raw:
                continue
            cached = self._parsed.get(key)
            fresh[key] = cached if cached and cached[0] == raw else (raw, _parse(raw))
        self._parsed = fresh
        return {key.decode(): card for key, (_, card) in fresh.items()}


def _parse(raw: bytes) -> StoryCard:
    return StoryCard.model_validate_json(raw)


@dataclass(frozen=True)
class ArticleTerms:
    """An article's weighted terms, as the index compares them."""

    entities: dict[str, float]
    keywords: dict[str, float]


def story_id_for(article_id: str) -> str:
    return "st-" + hashlib.sha256(article_id.encode()).hexdigest()[:16]


NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def entity_key(entity_id: str) -> str:
    """Compare entities by name, not type: NER may tag one place GPE here and FAC there.

    A person is compared by surname: outlets name one person in several forms (with or
    without a first name, a middle name or initial, a suffix), and one that names them by
    surname only is common; rarity keeps a surname shared by many stories light.
    """
    kind, colon, name = entity_id.partition(":")
    if not colon:
        return entity_id
    if kind == "person":
        words = [w for w in name.split("-") if w and w not in NAME_SUFFIXES]
        if words:
            return words[-1]
    return name


def ranked_weights(terms: Iterable[str], scale: float, limit: int) -> dict[str, float]:
    """``1 / (1 + rank / scale)`` for the first ``limit`` distinct terms."""
    weights: dict[str, float] = {}
    for term in terms:
        if term not in weights:
            weights[term] = 1.0 / (1.0 + len(weights) / scale)
            if len(weights) == limit:
                break
    return weights


def article_terms(
    entity_ids: Sequence[str], keywords: Sequence[str], params: StoryParams
) -> ArticleTerms:
    return ArticleTerms(
        entities=ranked_weights(
            (entity_key(e) for e in entity_ids), params.entity_rank_scale, params.max_entities
        ),
        keywords=ranked_weights(keywords, params.keyword_rank_scale, params.max_keywords),
    )


@dataclass(frozen=True)
class Rarity:
    """Inverse story frequency: ``log((N + 1) / (df + 1)) + 1`` over the open stories."""

    stories: int
    frequency: Mapping[str, int]

    @classmethod
    def of(cls, vectors: Sequence[Weights]) -> Rarity:
        frequency: Counter[str] = Counter()
        for vector in vectors:
            frequency.update(vector.keys())
        return cls(len(vectors), frequency)

    def __call__(self, term: str) -> float:
        return math.log((self.stories + 1) / (self.frequency.get(term, 0) + 1)) + 1.0


def cosine(a: Weights, b: Weights, rarity: Rarity) -> float:
    """Cosine of two term vectors, each term scaled by its rarity."""
    if not a or not b:
        return 0.0
    shared = sum(w * b[t] * rarity(t) ** 2 for t, w in a.items() if t in b)
    if not shared:
        return 0.0
    norm_a = math.sqrt(sum((w * rarity(t)) ** 2 for t, w in a.items()))
    norm_b = math.sqrt(sum((w * rarity(t)) ** 2 for t, w in b.items()))
    return shared / (norm_a * norm_b)


def gap_days(at: datetime, card: StoryCard) -> float:
    """Days between ``at`` and the story's dates, 0 inside them (subtraction cannot overflow)."""
    if at < card.first_at:
        return (card.first_at - at).total_seconds() / SECONDS_PER_DAY
    if at > card.last_at:
        return (at - card.last_at).total_seconds() / SECONDS_PER_DAY
    return 0.0


def arrival_gap_days(arrived: datetime, card: StoryCard) -> float:
    """Days between an undated article's arrival and the story's latest arrival (0 before it)."""
    if card.touched_at is None or arrived <= card.touched_at:
        return 0.0
    return (arrived - card.touched_at).total_seconds() / SECONDS_PER_DAY


def story_gap_days(at: datetime, card: StoryCard, undated_arrival: datetime | None) -> float:
    """How far the article is from the story in time, on a clock both sides have.

    Publication dates are compared with publication dates. An article without one
    (``undated_arrival``: when it arrived) is compared with a story of dated reports on the
    arrival clock: an archive replayed today arrives years after its stories' dates, so its
    arrival says nothing about how far it is from them, only that the story is still open.
    """
    if undated_arrival is not None and card.dated and card.touched_at is not None:
        return arrival_gap_days(undated_arrival, card)
    return gap_days(at, card)


def bar(gap: float, params: StoryParams) -> float | None:
    """The score needed to join a story ``gap`` days away; ``None``: too far to join at all."""
    if gap > params.max_gap_days:
        return None
    return params.min_score + params.penalty_per_day * max(0.0, gap - params.grace_days)


@dataclass(frozen=True)
class Candidate:
    card: StoryCard
    score: float
    needed: float


def candidates(
    cards: Sequence[StoryCard],
    terms: ArticleTerms,
    at: datetime,
    params: StoryParams,
    undated_arrival: datetime | None = None,
) -> list[Candidate]:
    """Every open story within reach in time, with its score and its bar.

    ``undated_arrival``: the article has no publication date and arrived then (``at`` is
    that arrival); see ``story_gap_days``.
    """
    entity_rarity = Rarity.of([c.entities for c in cards])
    keyword_rarity = Rarity.of([c.keywords for c in cards])
    found = []
    for card in cards:
        needed = bar(story_gap_days(at, card, undated_arrival), params)
        if needed is None:
            continue
        entities = cosine(terms.entities, card.entities, entity_rarity)
        keywords = cosine(terms.keywords, card.keywords, keyword_rarity)
        if entities < params.min_entity_cosine or keywords < params.min_keyword_cosine:
            continue
        score = params.entity_weight * entities + params.keyword_weight * keywords
        found.append(Candidate(card, score, needed))
    return found


def choose_story(
    cards: Sequence[StoryCard],
    terms: ArticleTerms,
    at: datetime,
    params: StoryParams,
    undated_arrival: datetime | None = None,
) -> StoryCard | None:
    """The story this article joins, or ``None`` for a new one."""
    best: Candidate | None = None
    for c in candidates(cards, terms, at, params, undated_arrival):
        if c.score < c.needed:
            continue
        margin = c.score - c.needed
        if (
            best is None
            or margin > best.score - best.needed
            or (margin == best.score - best.needed and c.card.first_at < best.card.first_at)
        ):
            best = c
    return best.card if best else None


def _merged(total: Weights, added: Weights, limit: int) -> dict[str, float]:
    summed = Counter(dict(total))
    summed.update(added)
    return dict(summed.most_common(limit))


def add_article(
    card: StoryCard,
    terms: ArticleTerms,
    at: datetime,
    arrived: datetime,
    params: StoryParams,
    dated: bool = True,
) -> StoryCard:
    """The card with one more article folded in (bounded: the heaviest terms are kept).

    An undated article (``dated`` False, ``at`` its arrival) leaves a dated story's dates
    alone: its arrival is not a publication date, and years of replay delay would stretch
    the story over every date in between. The first dated article of a story of undated
    ones gives it its publication dates.
    """
    touched = max(card.touched_at, arrived) if card.touched_at else arrived
    if card.dated and not dated:
        span = {}
    elif dated and not card.dated:  # the first publication date replaces arrival times
        span = {"first_at": at, "last_at": at}
    else:
        span = {"first_at": min(card.first_at, at), "last_at": max(card.last_at, at)}
    return card.model_copy(
        update={
            "entities": _merged(card.entities, terms.entities, params.max_story_entities),
            "keywords": _merged(card.keywords, terms.keywords, params.max_story_keywords),
            **span,
            "touched_at": touched,
            "dated": card.dated or dated,
            "articles": card.articles + 1,
        }
    )


def new_card(
    article_id: str, terms: ArticleTerms, at: datetime, arrived: datetime, dated: bool = True
) -> StoryCard:
    return StoryCard(
        id=story_id_for(article_id),
        entities=dict(terms.entities),
        keywords=dict(terms.keywords),
        first_at=at,
        last_at=at,
        touched_at=arrived,
        dated=dated,
        articles=1,
    )
