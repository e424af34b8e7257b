"""The alert worker: claims in; story index; per-story detection; alerts and markers out.

Three thin faust agents around pure cores (``index.place``, ``engine.apply_article``):

1. ``alert-forward``: claims (key article id) -> ``alert-index`` under one key.
2. ``alert-index``: single partition; assigns the story (tables ``story-index``,
   ``article-story``) and re-keys the article by story id onto ``alert-stories``.
3. ``alert-detect``: partitioned by story; folds the article into the story's state (table
   ``story-state``), produces every new alert version, awaits the broker's acks, saves the
   state, then produces the ``ArticleProcessed`` marker replay waits for. A tombstone from
   the index (a closed story, ``retention.py``) deletes the story's state.

Every send is awaited before the next record, so an offset is only committed after what it
caused is on the broker (at-least-once); redeliveries are absorbed by the idempotent index
and engine, which re-send only the marker. Each record is handled inside ``deadletter.guard``:
whatever it raises (bar a broker error) dead-letters it as ``alert_error`` with an empty
marker, so no single record can stop the stage.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import faust

from claimwatch.deadletter import decode_or_dead_letter, guard
from claimwatch.faust_app import faust_producer, make_app, raw_topic
from claimwatch.logging import get_logger
from claimwatch.metrics import (
    END_TO_END_SECONDS,
    PROCESSING_SECONDS,
    RECORDS_IN,
    RECORDS_OUT,
)
from claimwatch.models import ArticleProcessed, ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch_alert.budget import fit_to_budget
from claimwatch_alert.config import DetectionConfig, load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.figure_alerts import CONTRADICTION_RULE, FIGURE_UPDATE_RULE
from claimwatch_alert.index import (
    ArticleRef,
    arrival_time,
    article_time,
    place,
    publication_time,
)
from claimwatch_alert.messages import StoryAssigned
from claimwatch_alert.metrics import (
    ALERT_SOURCES,
    ALERTS_FIRED,
    STORIES_ACTIVE,
    STORIES_CREATED,
    STORY_CLAIMS_TRIMMED,
    init_alert_metrics,
)
from claimwatch_alert.retention import close_expired
from claimwatch_alert.rules import Rule, load_rules
from claimwatch_alert.state import StoryState
from claimwatch_alert.stories import CardCache
from claimwatch_alert.topology import (
    ARTICLE_TABLE,
    INDEX_KEY,
    INDEX_TABLE,
    STAGE,
    STATE_TABLE,
    alert_topics,
)

log = get_logger(__name__)
FAILED = "alert_error"


class StateOverBudget(Exception):
    """A story's state would not fit one record (``Settings.max_record_bytes``)."""


def _table(app: faust.App, name: str, partitions: int) -> Any:
    return app.Table(
        name,
        default=None,
        partitions=partitions,
        key_type=bytes,  # bytes -> faust's "raw" codec for writes *and* recovery
        value_type=bytes,
    )


def build_app(
    settings: Settings,
    rules: list[Rule] | None = None,
    config: DetectionConfig | None = None,
) -> faust.App:
    rules = rules if rules is not None else load_rules(Path(p) for p in settings.rules_dirs)
    config = config or load_config()
    init_alert_metrics((r.id for r in rules), CONTRADICTION_RULE, FIGURE_UPDATE_RULE)
    app = make_app(STAGE, settings)
    producer = faust_producer(app, STAGE)
    topics = settings.topics
    internal = alert_topics(settings)
    window = timedelta(hours=settings.story_window_h)
    claims_topic = raw_topic(app, topics.claims)
    index_topic = raw_topic(app, internal.index, partitions=1)
    stories_topic = raw_topic(app, internal.stories, partitions=settings.partitions)
    cards = _table(app, INDEX_TABLE, 1)
    refs = _table(app, ARTICLE_TABLE, 1)
    states = _table(app, STATE_TABLE, settings.partitions)

    dates = settings.date_window
    parsed_cards = CardCache()

    def parked(claims: ClaimsExtracted) -> Callable[[], Awaitable[None]]:
        """After a dead letter: the article's marker, empty (it is parked there, not lost)."""

        async def mark() -> None:
            marker = ArticleProcessed(article_id=claims.article_id, story="", alerts=[])
            await producer.send_and_wait(topics.processed, claims.article_id, marker)

        return mark

    def guarded(message: Any, claims: ClaimsExtracted) -> AbstractAsyncContextManager[None]:
        """Handle one record; on failure dead-letter it and mark its article parked."""
        return guard(producer, topics.deadletter, message, FAILED, parked(claims))

    @app.agent(claims_topic, name="alert-forward")
    async def forward(stream: Any) -> None:
        async for event in stream.events():
            RECORDS_IN.labels(STAGE).inc()
            claims = await decode_or_dead_letter(producer, settings, ClaimsExtracted, event.message)
            if claims is None:
                continue
            async with guarded(event.message, claims):
                await producer.send_and_wait(internal.index, INDEX_KEY, claims)

    async def index_one(claims: ClaimsExtracted) -> None:
        known_cards = parsed_cards.read(cards.items())
        raw_ref = refs.get(claims.article_id.encode())
        known_refs = {claims.article_id: ArticleRef.model_validate_json(raw_ref)} if raw_ref else {}
        if claims.duplicate_of:
            raw_orig = refs.get(claims.duplicate_of.encode())
            if raw_orig:
                known_refs[claims.duplicate_of] = ArticleRef.model_validate_json(raw_orig)
        now = datetime.now(UTC)
        at, arrived = article_time(claims, dates, now), arrival_time(claims, dates, now)
        dated = publication_time(claims, dates, now) is not None
        placed = place(claims, at, arrived, known_cards, known_refs, config.stories, dated)
        closed: list[str] = []
        if not placed.known:
            cards[placed.story.encode()] = placed.card.model_dump_json().encode()
            refs[claims.article_id.encode()] = placed.ref.model_dump_json().encode()
            if placed.created:
                STORIES_CREATED.inc()
            known_cards[placed.story] = placed.card  # the story it joined stays open
            closed = close_expired(cards, refs, known_cards, arrived, window)
        STORIES_ACTIVE.set(len(cards))
        assigned = StoryAssigned(story=placed.story, origin=placed.origin, claims=claims)
        await producer.send_and_wait(internal.stories, placed.story, assigned)
        for story in closed:
            await producer.send_and_wait(internal.stories, story, None)

    @app.agent(index_topic, name="alert-index")
    async def index(stream: Any) -> None:
        async for event in stream.events():
            claims = await decode_or_dead_letter(producer, settings, ClaimsExtracted, event.message)
            if claims is None:
                continue
            async with guarded(event.message, claims):
                await index_one(claims)

    async def detect_one(assigned: StoryAssigned) -> None:
        started = time.perf_counter()
        claims = assigned.claims
        key = assigned.story.encode()
        raw = states.get(key)
        state = StoryState.model_validate_json(raw) if raw else StoryState(story=assigned.story)
        new_state, alerts = apply_article(
            state, claims, rules, config, datetime.now(UTC), origin=assigned.origin
        )
        saved = new_state.model_dump_json().encode() if new_state is not state else None
        if saved is not None and len(saved) > settings.max_record_bytes:
            # checked before any alert is sent: the changelog write would be refused later
            fitted = fit_to_budget(new_state, saved, settings.max_record_bytes)
            if fitted is None:
                raise StateOverBudget(
                    f"story {assigned.story}: its articles alone take more than the record "
                    f"budget of {settings.max_record_bytes} bytes"
                )
            new_state, saved = fitted.state, fitted.encoded
            STORY_CLAIMS_TRIMMED.inc(fitted.articles)
            log.warning("story_state_trimmed", story=assigned.story, articles=fitted.articles,
                        bytes=len(saved), budget=settings.max_record_bytes)  # fmt: skip
        futures = [await producer.send(topics.alerts, a.id, a) for a in alerts]
        for future in futures:
            await future
        produced = datetime.now(UTC)
        for alert in alerts:
            ALERTS_FIRED.labels(alert.kind.value, alert.rule).inc()
            ALERT_SOURCES.labels(alert.kind.value).observe(alert.independent_sources)
            END_TO_END_SECONDS.labels(alert.kind.value).observe(
                max((produced - claims.ingested_at).total_seconds(), 0.0)
            )
            log.info(
                "alert",
                id=alert.id,
                version=alert.version,
                kind=alert.kind.value,
                rule=alert.rule,
                story=alert.story,
                title=alert.title,
            )
        if saved is not None:
            states[key] = saved
            await producer.flush()  # state durable before the marker says "done"
        marker = ArticleProcessed(
            article_id=claims.article_id,
            story=assigned.story,
            alerts=new_state.articles[claims.article_id].alerts,
        )
        await producer.send_and_wait(topics.processed, claims.article_id, marker)
        RECORDS_OUT.labels(STAGE).inc(len(alerts))
        PROCESSING_SECONDS.labels(STAGE).observe(time.perf_counter() - started)

    @app.agent(stories_topic, name="alert-detect")
    async def detect(stream: Any) -> None:
        async for event in stream.events():
            if event.message.value is None:  # the index closed this story (retention.py)
                if event.message.key in states:
                    del states[event.message.key]
                continue
            assigned = await decode_or_dead_letter(producer, settings, StoryAssigned, event.message)
            if assigned is None:
                continue
            async with guarded(event.message, assigned.claims):
                await detect_one(assigned)

    return app
