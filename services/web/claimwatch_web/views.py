"""What the pages show, as plain typed values: the templates only lay these out.

Built by ``queries`` from the database; no SQL here and no HTML, so a page's content can be
checked in a unit test without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from claimwatch_web.chart import Chart
from claimwatch_web.highlight import Segment


@dataclass(frozen=True)
class StoryListItem:
    id: str
    title: str
    articles: int
    outlets: int
    first_at: datetime
    last_update: datetime
    badges: dict[str, int]
    """Alert kind -> number of alerts (not versions) of that kind."""
    entities: list[str]


@dataclass(frozen=True)
class StoryList:
    items: list[StoryListItem]
    page: int
    has_more: bool
    kind: str | None
    q: str | None
    kinds: list[str]
    """Every alert kind the read model has seen (the filter's choices)."""


@dataclass(frozen=True)
class Report:
    """One article in a story's timeline."""

    article_id: str
    source: str
    url: str | None
    title: str | None
    at: datetime
    """Published time, or ingest time when the outlet gave none."""
    published: bool
    ingested_at: datetime
    copy_of: str | None
    copy_of_source: str | None
    copy_kind: str | None
    claims: int


@dataclass(frozen=True)
class Evidence:
    source: str
    article_id: str
    at: datetime
    segments: list[Segment]
    is_copy: bool


@dataclass(frozen=True)
class KeyClaim:
    type: str
    actor: str | None
    actor_class: str | None
    target_class: str | None
    """The kind of target (``foreign_forces``); ``None`` when the extractor could not tell."""
    targets: list[str]
    """The words each report used for the target, first seen first."""
    conditions: list[str]
    evidence: list[Evidence]

    @property
    def outlets(self) -> list[str]:
        return sorted({e.source for e in self.evidence})


@dataclass(frozen=True)
class FactValue:
    source: str
    article_id: str
    at: datetime
    shown: str
    low: float | None
    high: float | None
    segments: list[Segment]
    is_copy: bool
    aside: str | None = None
    """Why this value is not the story's own current figure: ``earlier`` (a previous value),
    ``background`` (another event), ``part`` (a part of the count); ``None`` when it is."""


@dataclass(frozen=True)
class Fact:
    slot: str
    label: str
    unit: str
    values: list[FactValue]
    distinct: list[str]
    """Distinct values as shown, in the order they were first reported."""
    moving: bool
    """The story's own figure was reported with more than one value."""
    disputed: bool
    """A contradiction alert names this fact."""
    chart: Chart | None


@dataclass(frozen=True)
class SideView:
    shown: str
    sources: list[str]
    segments: list[Segment]
    more_texts: list[list[Segment]]


@dataclass(frozen=True)
class TimelineStep:
    shown: str
    sources: list[str]
    published_at: datetime | None
    segments: list[Segment]


@dataclass(frozen=True)
class AlertVersionView:
    version: int
    fired_at: datetime
    severity: str
    title: str
    explanation: str
    independent_sources: int
    sources: list[str]
    claim_actor: str | None
    claim_target: str | None
    claim_type: str | None
    claim_segments: list[Segment]
    sides: list[SideView]
    timeline: list[TimelineStep]
    fact: str | None


@dataclass(frozen=True)
class AlertHistory:
    id: str
    kind: str
    rule: str
    slot: str | None
    label: str
    """What the alert is about in plain words: its ``fact``, else its slot, else its title."""
    latest: AlertVersionView
    versions: list[AlertVersionView]
    """Newest first."""


@dataclass(frozen=True)
class StoryPage:
    id: str
    title: str
    reports: list[Report]
    outlets: list[str]
    first_at: datetime | None
    last_update: datetime | None
    entities: list[str]
    key_claims: list[KeyClaim]
    facts: list[Fact]
    contradictions: list[AlertHistory]
    figure_updates: list[AlertHistory]
    alerts: list[AlertHistory]
    claims: int


@dataclass(frozen=True)
class ClaimView:
    index: int
    type: str
    text: str
    shown_value: str | None
    actor: str | None
    target: str | None
    slot: str | None
    confidence: float
    attribution: str
    quote: str | None
    start: int
    end: int
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ArticleSegment:
    """A piece of the article text: ``claims`` indexes the claims covering it, ``starts`` the
    claims that begin here (their type tag is shown just before the text)."""

    text: str
    claims: tuple[int, ...]
    starts: tuple[int, ...] = ()
    types: tuple[str, ...] = field(default_factory=tuple)
    number: bool = False
    """The number a claim's value was read from."""


@dataclass(frozen=True)
class ArticlePage:
    id: str
    source: str
    url: str | None
    title: str | None
    published_at: datetime | None
    ingested_at: datetime
    story: str | None
    copy_of: str | None
    copy_kind: str | None
    segments: list[ArticleSegment]
    claims: list[ClaimView]
    type_counts: dict[str, int]
