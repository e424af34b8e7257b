"""Event models: the contract between services.

Every record on every topic is one of these models serialised as JSON. Each carries a
``schema_version`` so consumers can reject (dead-letter) a record written by a newer producer
instead of misreading it. The committed JSON Schemas under ``schemas/`` are generated from these
classes (``claimwatch schemas``); a test fails when they drift.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Base of every topic value: strict about unknown fields so drift is caught at decode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def event_id(self) -> str:
        """The CloudEvents ``ce_id``: the same when this event is sent again (consumers
        de-duplicate on it), different for any other event of its type and source. Events
        with a natural id use it; the rest use a digest of their JSON."""
        return hashlib.sha256(self.model_dump_json().encode("utf-8")).hexdigest()[:32]


# --------------------------------------------------------------------------- articles


class SourceKind(StrEnum):
    FILE = "file"
    FEED = "feed"
    PUSH = "push"


class DuplicateKind(StrEnum):
    EXACT = "exact"
    NEAR = "near"


class Article(Event):
    """A normalised news article; key on ``claimwatch.articles`` is ``id``."""

    schema_version: Literal[1] = 1
    id: str = Field(description="Stable id: hash of source and normalised text.")
    source: str = Field(description="Outlet / source id (front matter `source`, else file stem).")
    source_kind: SourceKind = SourceKind.FILE
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    ingested_at: datetime = Field(default_factory=utcnow)
    text: str = Field(description="Normalised text; every evidence span points into it.")
    original_text: str = Field(
        description="The text as received, for showing evidence as published."
    )
    duplicate_of: str | None = Field(
        default=None, description="Id of the article this one copies (syndication)."
    )
    duplicate_kind: DuplicateKind | None = None

    def event_id(self) -> str:
        return self.id


# --------------------------------------------------------------------------- entities


class Mention(Event):
    text: str
    start: int = Field(ge=0, description="Character offset into Article.text.")
    end: int = Field(ge=0)


class Entity(Event):
    id: str = Field(description="Stable canonical id, e.g. `wd:Q30` or `gpe:united-states`.")
    name: str = Field(description="Canonical name.")
    type: str = Field(description="Entity type (spaCy label, e.g. PERSON, GPE, ORG, NORP).")
    wikidata: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class EntitiesExtracted(Event):
    """Key on ``claimwatch.entities`` is the article id."""

    schema_version: Literal[1] = 1
    article_id: str
    source: str
    entities: list[Entity] = Field(default_factory=list)
    extracted_at: datetime = Field(default_factory=utcnow)

    def event_id(self) -> str:
        return f"{self.article_id}/entities"


# --------------------------------------------------------------------------- claims


class ClaimType(StrEnum):
    THREAT = "threat"
    QUANTITY = "quantity"
    ORDINAL_PERIOD = "ordinal_period"
    MEASUREMENT = "measurement"
    QUOTE = "quote"


class Attribution(StrEnum):
    DIRECT_QUOTE = "direct_quote"
    REPORTED = "reported"
    UNATTRIBUTED = "unattributed"


class ValueKind(StrEnum):
    """Which fact a number states: "rose by 12,000 to 310,000" is a change and a level."""

    LEVEL = "level"
    CHANGE = "change"


class Interval(Event):
    """A value as an interval; ``None`` is an open end (e.g. "at least 300" -> [300, None]).

    A strict bound of a real value is the next representable float beyond the stated number
    ("more than 5 percent" -> low = 5.000000000000001), the real analogue of N+1 for counts,
    so a plain interval comparison keeps 5 % out."""

    low: float | None
    high: float | None
    unit: str


class FactTime(StrEnum):
    """When the stated fact holds, relative to the event the article reports."""

    CURRENT = "current"
    BACKGROUND = "background"
    """Another, earlier event or period ("the first since 1959, when two died")."""
    EARLIER = "earlier"
    """An earlier value of this very figure ("down to 21% from 35%", "initially five")."""
    UNREALISED = "unrealised"
    """A figure that has not happened: threatened, conditional, hypothetical ("threatened to
    fire four missiles", "could kill up to 50 if it makes landfall")."""


class FactScope(StrEnum):
    """Whether a count is the whole figure or a part of one."""

    WHOLE = "whole"
    PART = "part"
    """A subset or an increment: "three of them", "including", "among the dead", "another 40"."""


class FigureCue(StrEnum):
    """Wording that says a figure moves ("rose to", "so far", "initially", "revised")."""

    RISE = "rise"
    FALL = "fall"
    SO_FAR = "so_far"
    INITIAL = "initial"
    REVISED = "revised"


class Fact(Event):
    """What a numeric claim states, apart from its value: two claims are compared only when
    their ``key`` is equal, their ``time`` is current and their ``scope`` whole."""

    key: str = Field(description="Comparison key: counted/measured thing, qualifiers, frame.")
    description: str = Field(description='Plain words: "people killed in the tram crash".')
    question: str = Field(
        description='What outlets disagree on: "how many people were killed in the tram crash".'
    )
    counted: str = Field(description="Counted class or measured dimension.")
    qualifiers: list[str] = Field(
        default_factory=list, description='What narrows the count: "serious", "american".'
    )
    frame: str | None = Field(default=None, description="Normalised predicate, e.g. killed.")
    event: str | None = Field(default=None, description='The event it is about: "tram crash".')
    event_kind: str | None = Field(
        default=None,
        description='Kind of that event ("accident", "attack"); two kinds are never compared.',
    )
    time: FactTime = FactTime.CURRENT
    anchor: str | None = Field(default=None, description='What set the time: "since 1959".')
    scope: FactScope = FactScope.WHOLE
    cue: FigureCue | None = None
    headline: bool = Field(default=False, description="The number is in the headline.")


class Claim(Event):
    id: str = Field(description="Stable within the article: article id + span.")
    type: ClaimType
    text: str = Field(description="Evidence sentence, from Article.text.")
    start: int = Field(ge=0, description="Start of the evidence sentence in Article.text.")
    end: int = Field(ge=0)
    confidence: float = Field(ge=0.0, le=1.0)
    attribution: Attribution = Attribution.UNATTRIBUTED
    actor: str | None = Field(default=None, description="Canonical name of who makes the claim.")
    actor_id: str | None = None
    actor_class: str | None = Field(default=None, description="e.g. state_official, military.")
    target: str | None = None
    target_class: str | None = Field(default=None, description="e.g. foreign_forces, civilians.")
    condition: str | None = None
    value: Interval | None = None
    slot: str | None = Field(default=None, description="Story-independent key of the fact.")
    value_kind: ValueKind | None = Field(
        default=None,
        description="Numeric claims: `level` (the figure) or `change` (the amount it moved by).",
    )
    direction: Literal["up", "down"] | None = Field(
        default=None, description="For a change: which way the figure moved."
    )
    quote: str | None = Field(default=None, description="Quoted words, for quote claims.")
    fact: Fact | None = Field(default=None, description="The fact a numeric claim states.")
    precision: float | None = Field(
        default=None,
        description="Half a unit of the last stated digit (or the gap to a stated conversion), "
        "in the value's unit: values this close state the same thing.",
    )


class ClaimsExtracted(Event):
    """Key on ``claimwatch.claims`` is the article id; one per article, even with no claims.

    Carries what the alert service needs to place the article in a story (entities, title,
    times, syndication) so alert consumes a single topic.
    """

    schema_version: Literal[1] = 1
    article_id: str
    source: str
    title: str | None = None
    published_at: datetime | None = None
    ingested_at: datetime
    duplicate_of: str | None = None
    entity_ids: list[str] = Field(
        default_factory=list, description="Canonical entity ids, in order of first mention."
    )
    keywords: list[str] = Field(
        default_factory=list,
        description="Content-word lemmas that say what happened (a crash, a vote, a quake), "
        "most frequent first; with the entities they place the article in a story.",
    )
    claims: list[Claim] = Field(default_factory=list)
    extracted_at: datetime = Field(default_factory=utcnow)

    def event_id(self) -> str:
        return f"{self.article_id}/claims"


# --------------------------------------------------------------------------- alerts


class AlertKind(StrEnum):
    KEY_CLAIM = "key_claim"
    CONTRADICTION = "contradiction"
    FIGURE_UPDATE = "figure_update"
    """A figure that moved over time (a toll that rises); does not page unless subscribed."""


OPT_IN_KINDS: frozenset[AlertKind] = frozenset({AlertKind.FIGURE_UPDATE})
"""Kinds a subscription receives only when it names them in ``filters.kinds``."""


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


SEVERITY_RANK: dict[Severity, int] = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class AlertClaim(Event):
    type: ClaimType
    actor: str | None = None
    target: str | None = None
    text: str
    sources: list[str]


class AlertSide(Event):
    value: Interval
    text: str = Field(description="Evidence text of this side (first claim's sentence).")
    texts: list[str] = Field(default_factory=list, description="Every evidence sentence.")
    sources: list[str]


class TimelineEntry(Event):
    """One value of a figure as it was reported, first seen at ``published_at``."""

    value: Interval
    sources: list[str]
    published_at: datetime = Field(description="Earliest report (ingest time when unknown).")
    text: str = Field(description="Evidence sentence of the first report.")


class Alert(Event):
    """One notification; key on ``claimwatch.alerts`` is ``id``; every version is published."""

    schema_version: Literal[1] = 1
    id: str = Field(description="Stable id; later versions of the same alert repeat it.")
    version: int = Field(ge=1)
    kind: AlertKind
    rule: str
    severity: Severity
    title: str
    sources: list[str]
    claim: AlertClaim | None = None
    sides: list[AlertSide] | None = None
    timeline: list[TimelineEntry] | None = Field(
        default=None, description="figure_update: the values in the order they appeared."
    )
    fact: str | None = Field(
        default=None, description='Plain words for the fact both sides state ("people killed").'
    )
    story: str
    slot: str | None = None
    independent_sources: int = Field(ge=0)
    explanation: str
    entity_ids: list[str] = Field(default_factory=list)
    article_ids: list[str] = Field(default_factory=list)
    ingested_at: datetime = Field(description="Earliest ingest time of the articles behind it.")
    fired_at: datetime = Field(default_factory=utcnow)
    story_url: str | None = Field(
        default=None,
        description="Link to the story's page (claimwatch web); added to webhook bodies by the "
        "delivery stage when CLAIMWATCH_WEB_BASE_URL is set, never on the alerts topic.",
    )

    def event_id(self) -> str:
        return f"{self.id}/v{self.version}"


class ArticleProcessed(Event):
    """Marker the alert stage writes once an article's claims are fully handled.

    Replay and lag checks wait on these (by article id) instead of sleeping or trusting end
    offsets; it lists the alert versions produced so a waiter knows which to expect.
    """

    schema_version: Literal[1] = 1
    article_id: str
    story: str
    alerts: list[str] = Field(default_factory=list, description="`alert id:version` produced.")
    processed_at: datetime = Field(default_factory=utcnow)

    def event_id(self) -> str:
        return f"{self.article_id}/processed"


# --------------------------------------------------------------------------- delivery


class SubscriptionFilters(Event):
    kinds: list[AlertKind] = Field(
        default_factory=list,
        description="Empty = every kind that pages (all but figure_update, which is opt-in).",
    )
    rules: list[str] = Field(default_factory=list, description="Empty = all rules.")
    min_severity: Severity = Severity.INFO
    entity_ids: list[str] = Field(default_factory=list, description="Empty = any entity.")


class Subscription(Event):
    """Value on the compacted ``claimwatch.subscriptions`` topic (a tombstone deletes it)."""

    schema_version: Literal[1] = 1
    id: str
    url: str
    filters: SubscriptionFilters = Field(default_factory=SubscriptionFilters)
    format: Literal["standard", "slack"] = "standard"
    secret: str = Field(description="`whsec_...` signing secret; never logged.", repr=False)
    created_at: datetime = Field(default_factory=utcnow)
    disabled: bool = False
    disabled_reason: str | None = None


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD_LETTERED = "dead_lettered"
    DISABLED = "disabled"
    REFUSED = "refused"


class DeliveryRecord(Event):
    """One delivery attempt; key on ``claimwatch.deliveries`` is ``alert_id:subscription_id``."""

    schema_version: Literal[1] = 1
    alert_id: str
    alert_version: int
    subscription_id: str
    webhook_id: str
    attempt: int = Field(ge=1)
    outcome: DeliveryOutcome
    status_code: int | None = None
    error: str | None = None
    latency_seconds: float | None = None
    next_attempt_at: datetime | None = None
    at: datetime = Field(default_factory=utcnow)

    def event_id(self) -> str:
        return f"{self.webhook_id}/{self.attempt}"


# --------------------------------------------------------------------------- dead letters


class DeadLetter(Event):
    """A record a service could not handle, with why; key is the original key."""

    schema_version: Literal[1] = 1
    origin_topic: str
    origin_partition: int | None = None
    origin_offset: int | None = None
    service: str
    reason: str = Field(description="Short machine-readable reason, e.g. `decode_error`.")
    detail: str = Field(description="What a person needs to fix it.")
    key: str | None = None
    value: str = Field(description="The original value: UTF-8 text, or `base64:`-prefixed bytes.")
    at: datetime = Field(default_factory=utcnow)


TOPIC_MODELS: dict[str, type[Event]] = {
    "articles": Article,
    "entities": EntitiesExtracted,
    "claims": ClaimsExtracted,
    "alerts": Alert,
    "processed": ArticleProcessed,
    "subscriptions": Subscription,
    "deliveries": DeliveryRecord,
    "deadletter": DeadLetter,
}
