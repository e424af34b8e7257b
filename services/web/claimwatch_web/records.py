"""What the read model takes from each topic, decoded.

Articles, entities, claims and progress markers are read with the shared event models (the
contract). Alerts are read with ``AlertRecord``, a tolerant view of the same record: the alert
contract grows (``figure_update`` alerts with a ``timeline``, a ``fact`` on contradictions), so
this accepts any kind and ignores fields it does not know, while the page shows the known new
ones when they are there. The whole record is kept as read, so nothing a newer producer wrote
is lost to the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from claimwatch.models import (
    Article,
    ArticleProcessed,
    ClaimsExtracted,
    EntitiesExtracted,
    Event,
    Interval,
)


class Lenient(Event):
    """An event view that ignores fields it does not know (the shared models forbid them)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class AlertClaimView(Lenient):
    type: str
    actor: str | None = None
    target: str | None = None
    text: str
    sources: list[str] = Field(default_factory=list)


class AlertSideView(Lenient):
    value: Interval
    text: str
    texts: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class TimelinePoint(Lenient):
    """One step of a ``figure_update`` alert: the value, who said it, when, in which words."""

    value: Interval
    sources: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    text: str = ""


class AlertRecord(Lenient):
    """An alert version as the pages need it; unknown kinds and fields are accepted."""

    schema_version: Literal[1] = 1
    id: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1)
    kind: str = Field(min_length=1, max_length=32)
    rule: str
    severity: str
    title: str
    story: str = Field(min_length=1, max_length=64)
    slot: str | None = None
    fact: str | None = None
    sources: list[str] = Field(default_factory=list)
    claim: AlertClaimView | None = None
    sides: list[AlertSideView] | None = None
    timeline: list[TimelinePoint] | None = None
    independent_sources: int = 0
    explanation: str = ""
    article_ids: list[str] = Field(default_factory=list)
    fired_at: datetime


Record = Article | EntitiesExtracted | ClaimsExtracted | ArticleProcessed | AlertRecord
"""Any decoded record the read model applies."""

TOPIC_RECORDS: dict[str, type[Event]] = {
    "articles": Article,
    "entities": EntitiesExtracted,
    "claims": ClaimsExtracted,
    "processed": ArticleProcessed,
    "alerts": AlertRecord,
}
"""Topic (by its short name in ``claimwatch.topics.Topics``) -> the model its records decode to."""
