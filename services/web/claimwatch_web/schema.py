"""The read model's tables: one per topic, keyed by the events' own ids.

Why one table per topic and no foreign keys: the topics are read concurrently, so a claim or a
story placement can arrive before its article (always so while rebuilding). Each table takes
its records as they come, keyed so that a replayed record changes nothing, and the pages join
them when they read. ``consumer_offsets`` is written in the same transaction as the rows, so the
database alone says how far it has read: an empty database reads every topic from the start.

Alembic migrations (``migrations/versions``) create these tables; a unit test fails when the
two drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)
SHORT = String(200)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    """``claimwatch.articles``: one row per article id (the id is a hash of the text)."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    source: Mapped[str] = mapped_column(SHORT, index=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    duplicate_of: Mapped[str | None] = mapped_column(ID)
    duplicate_kind: Mapped[str | None] = mapped_column(String(16))


class PlacementRow(Base):
    """``claimwatch.processed``: the story the alert stage put an article in (newest wins)."""

    __tablename__ = "placements"

    article_id: Mapped[str] = mapped_column(ID, primary_key=True)
    story: Mapped[str] = mapped_column(ID, index=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExtractionRow(Base):
    """``claimwatch.claims`` header: when an article's claims were extracted (newest wins)."""

    __tablename__ = "extractions"

    article_id: Mapped[str] = mapped_column(ID, primary_key=True)
    extracted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claims: Mapped[int] = mapped_column(Integer)


class ClaimRow(Base):
    """``claimwatch.claims``: every extracted claim, with its evidence span in the article."""

    __tablename__ = "claims"

    article_id: Mapped[str] = mapped_column(ID, primary_key=True)
    claim_id: Mapped[str] = mapped_column(SHORT, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    attribution: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(Text)
    actor_class: Mapped[str | None] = mapped_column(SHORT)
    target: Mapped[str | None] = mapped_column(Text)
    target_class: Mapped[str | None] = mapped_column(SHORT)
    condition: Mapped[str | None] = mapped_column(Text)
    value_low: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    value_unit: Mapped[str | None] = mapped_column(SHORT)
    slot: Mapped[str | None] = mapped_column(SHORT, index=True)
    quote: Mapped[str | None] = mapped_column(Text)
    fact_description: Mapped[str | None] = mapped_column(Text)
    """The fact in plain words ("people killed in the tram crash"), when extract gave one."""
    fact_time: Mapped[str | None] = mapped_column(String(16))
    """current, background or earlier: only current values are the story's own figure."""
    fact_scope: Mapped[str | None] = mapped_column(String(16))
    """whole or part ("three of them"): a part is not a value of the whole figure."""


class EntityRow(Base):
    """``claimwatch.entities``: canonical entities per article, for names and entity search."""

    __tablename__ = "entities"

    article_id: Mapped[str] = mapped_column(ID, primary_key=True)
    entity_id: Mapped[str] = mapped_column(SHORT, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    mentions: Mapped[int] = mapped_column(Integer)


class AlertRow(Base):
    """``claimwatch.alerts``: every version of every alert; ``body`` is the record as read."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_story_kind", "story", "kind"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(SHORT)
    severity: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    story: Mapped[str] = mapped_column(ID)
    slot: Mapped[str | None] = mapped_column(SHORT)
    fact: Mapped[str | None] = mapped_column(Text)
    independent_sources: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)
    fired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the read model wrote this version (null for rows older than migration 0002):
    ``read_at - fired_at`` is how far the pages lagged behind the alert stage."""


class OffsetRow(Base):
    """How far the read model has read each partition (committed with the rows it produced)."""

    __tablename__ = "consumer_offsets"

    topic: Mapped[str] = mapped_column(SHORT, primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_offset: Mapped[int] = mapped_column(BigInteger)


def _table(row_class: type[Any]) -> Table:
    table: Table = row_class.__table__
    return table


ARTICLES = _table(ArticleRow)
PLACEMENTS = _table(PlacementRow)
EXTRACTIONS = _table(ExtractionRow)
CLAIMS = _table(ClaimRow)
ENTITIES = _table(EntityRow)
ALERTS = _table(AlertRow)
OFFSETS = _table(OffsetRow)


def utc(value: datetime) -> datetime:
    """Every stored time is UTC; SQLite hands times back naive, so a naive one is UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
