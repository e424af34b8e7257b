"""The write side of the read model: apply a batch of decoded records in one transaction.

Idempotent by construction: every row is keyed by the event's own id (article id, claim id
within its article, alert id and version), so a replayed record inserts nothing new; where a
key can legitimately be written again with newer content (an article re-extracted, a story
placement recomputed) the newer event wins by its own timestamp, never by arrival order. The
offsets read are written in the same transaction, so a crash between the two cannot happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from claimwatch.models import (
    Article,
    ArticleProcessed,
    Claim,
    ClaimsExtracted,
    EntitiesExtracted,
)
from claimwatch_web.records import AlertRecord, Record
from claimwatch_web.schema import (
    ALERTS,
    ARTICLES,
    CLAIMS,
    ENTITIES,
    EXTRACTIONS,
    OFFSETS,
    PLACEMENTS,
    utc,
)

Partition = tuple[str, int]


class ReadModelWriter:
    """Applies decoded records and the offsets they came from, atomically."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = engine.dialect.name
        if dialect == "postgresql":
            self._insert: Any = postgresql.insert
        elif dialect == "sqlite":
            self._insert = sqlite.insert
        else:
            raise ValueError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")

    def offsets(self) -> dict[Partition, int]:
        """Next offset to read per (topic, partition): empty for a new database."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(OFFSETS.c.topic, OFFSETS.c.partition, OFFSETS.c.next_offset))
            return {(topic, part): int(offset) for topic, part, offset in rows}

    def apply(self, records: Iterable[Record], offsets: Mapping[Partition, int]) -> set[str]:
        """Write ``records`` and ``offsets`` in one transaction; returns the stories touched."""
        stories: set[str] = set()
        article_ids: set[str] = set()
        with self.engine.begin() as conn:
            for record in records:
                if isinstance(record, Article):
                    self._article(conn, record)
                    article_ids.add(record.id)
                elif isinstance(record, ClaimsExtracted):
                    self._claims(conn, record)
                    article_ids.add(record.article_id)
                elif isinstance(record, EntitiesExtracted):
                    self._entities(conn, record)
                    article_ids.add(record.article_id)
                elif isinstance(record, ArticleProcessed):
                    if record.story:  # empty: the alert stage dead-lettered the article
                        self._placement(conn, record)
                        stories.add(record.story)
                else:
                    self._alert(conn, record)
                    stories.add(record.story)
            if article_ids:
                placed = select(PLACEMENTS.c.story).where(
                    PLACEMENTS.c.article_id.in_(sorted(article_ids))
                )
                stories.update(conn.scalars(placed))
            self._offsets(conn, offsets)
        return stories

    def _article(self, conn: Connection, a: Article) -> None:
        row = {
            "id": a.id,
            "source": a.source,
            "source_kind": a.source_kind.value,
            "url": a.url,
            "title": a.title,
            "published_at": utc(a.published_at) if a.published_at else None,
            "ingested_at": utc(a.ingested_at),
            "text": a.text,
            "duplicate_of": a.duplicate_of,
            "duplicate_kind": a.duplicate_kind.value if a.duplicate_kind else None,
        }
        conn.execute(self._insert(ARTICLES).values(row).on_conflict_do_nothing())

    def _placement(self, conn: Connection, p: ArticleProcessed) -> None:
        stmt = self._insert(PLACEMENTS).values(
            article_id=p.article_id, story=p.story, processed_at=utc(p.processed_at)
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[PLACEMENTS.c.article_id],
                set_={"story": stmt.excluded.story, "processed_at": stmt.excluded.processed_at},
                where=PLACEMENTS.c.processed_at < stmt.excluded.processed_at,
            )
        )

    def _claims(self, conn: Connection, event: ClaimsExtracted) -> None:
        at = utc(event.extracted_at)
        known = conn.scalar(
            select(EXTRACTIONS.c.extracted_at).where(EXTRACTIONS.c.article_id == event.article_id)
        )
        if known is not None and utc(known) >= at:
            return  # this extraction, or a newer one, is stored already
        conn.execute(delete(CLAIMS).where(CLAIMS.c.article_id == event.article_id))
        rows = [claim_row(event.article_id, seq, claim) for seq, claim in enumerate(event.claims)]
        if rows:
            conn.execute(self._insert(CLAIMS).on_conflict_do_nothing(), rows)
        stmt = self._insert(EXTRACTIONS).values(
            article_id=event.article_id, extracted_at=at, claims=len(rows)
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[EXTRACTIONS.c.article_id],
                set_={"extracted_at": stmt.excluded.extracted_at, "claims": stmt.excluded.claims},
            )
        )

    def _entities(self, conn: Connection, event: EntitiesExtracted) -> None:
        rows = {
            e.id: {
                "article_id": event.article_id,
                "entity_id": e.id,
                "name": e.name,
                "type": e.type,
                "mentions": len(e.mentions),
            }
            for e in event.entities
        }
        if not rows:
            return
        stmt = self._insert(ENTITIES)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[ENTITIES.c.article_id, ENTITIES.c.entity_id],
                set_={
                    "name": stmt.excluded.name,
                    "type": stmt.excluded.type,
                    "mentions": stmt.excluded.mentions,
                },
            ),
            list(rows.values()),
        )

    def _alert(self, conn: Connection, alert: AlertRecord) -> None:
        row = {
            "id": alert.id,
            "version": alert.version,
            "kind": alert.kind,
            "rule": alert.rule,
            "severity": alert.severity,
            "title": alert.title,
            "story": alert.story,
            "slot": alert.slot,
            "fact": alert.fact,
            "independent_sources": alert.independent_sources,
            "explanation": alert.explanation,
            "fired_at": utc(alert.fired_at),
            "body": alert.model_dump_json(),
            "read_at": datetime.now(UTC),
        }
        conn.execute(self._insert(ALERTS).values(row).on_conflict_do_nothing())

    def _offsets(self, conn: Connection, offsets: Mapping[Partition, int]) -> None:
        if not offsets:
            return
        rows = [{"topic": t, "partition": p, "next_offset": o} for (t, p), o in offsets.items()]
        stmt = self._insert(OFFSETS)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[OFFSETS.c.topic, OFFSETS.c.partition],
                set_={"next_offset": stmt.excluded.next_offset},
            ),
            rows,
        )


def claim_row(article_id: str, seq: int, claim: Claim) -> dict[str, object]:
    value = claim.value
    return {
        "article_id": article_id,
        "claim_id": claim.id,
        "seq": seq,
        "type": claim.type.value,
        "text": claim.text,
        "start": claim.start,
        "end": claim.end,
        "confidence": claim.confidence,
        "attribution": claim.attribution.value,
        "actor": claim.actor,
        "actor_class": claim.actor_class,
        "target": claim.target,
        "target_class": claim.target_class,
        "condition": claim.condition,
        "value_low": value.low if value else None,
        "value_high": value.high if value else None,
        "value_unit": value.unit if value else None,
        "slot": claim.slot,
        "quote": claim.quote,
        "fact_description": claim.fact.description if claim.fact else None,
        "fact_time": claim.fact.time.value if claim.fact else None,
        "fact_scope": claim.fact.scope.value if claim.fact else None,
    }
