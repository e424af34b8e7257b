"""Records that decode fine but used to stop a stage for good.

- A far-future (or year-1) date: the alert index's ``last_at + 2*window`` overflowed, the
  agent crash-looped on every later record, and a restart did not help.
- Any single record whose handling raises (here: a story's state or an article's index entry
  that no longer parses, as after a change of format): it is dead-lettered as `alert_error`
  with where it failed, the article gets its (empty) marker, and the records after it flow.
  Every agent wraps its per-record work in ``claimwatch.deadletter.guard`` for this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from reliability_support import Watcher, start_service, wait_for

from claimwatch.kafka import EventProducer
from claimwatch.models import ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch.topics import ALERT_ARTICLE_TABLE, ALERT_STATE_TABLE
from claimwatch_alert.messages import StoryAssigned

NOW = datetime.now(UTC)
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)


def claims(
    article_id: str, published_at: datetime | None, ingested_at: datetime = NOW
) -> ClaimsExtracted:
    return ClaimsExtracted(
        article_id=article_id,
        source=f"outlet-{article_id}",
        title="Harbour budget approved after a long night",
        published_at=published_at,
        ingested_at=ingested_at,
        entity_ids=["gpe:marrow", "org:harbour-board"],
        keywords=["budget", "approve", "night"],
    )


async def produce(settings: Settings, topic: str, records: list[tuple[str, object]]) -> None:
    async with EventProducer(settings.bootstrap, "test") as producer:
        for key, event in records:
            await producer.send_and_wait(topic, key, event)  # type: ignore[arg-type]


async def produce_raw(topic: str, bootstrap: str, key: bytes, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


def test_far_future_and_year_one_dates_do_not_stop_the_alert_stage(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    watcher = Watcher(settings)
    alert = start_service("alert", settings, tmp_path)
    poison = [
        claims("far-published", FAR_FUTURE),
        claims("far-ingested", None, ingested_at=FAR_FUTURE),
        claims("year-one", YEAR_ONE),
    ]
    good = [claims(f"good-{n}", NOW - timedelta(hours=n)) for n in range(3)]
    try:
        records = [(c.article_id, c) for c in [*poison, *good]]
        asyncio.run(produce(settings, settings.topics.claims, records))
        ids = [c.article_id for c in [*poison, *good]]
        wait_for(
            "a marker for every article", lambda: all(watcher.markers[i] for i in ids), 120, alert
        )
        assert alert.proc.alive()
        # the good articles are one story: the far-future ones did not age it out of the index
        assert len({watcher.stories[c.article_id] for c in good}) == 1
        assert "Traceback" not in alert.proc.log_tail(200), alert.proc.log_tail(60)
    finally:
        watcher.stop()
        alert.proc.stop()


def test_no_single_record_can_crash_loop_the_alert_agents(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    """One record each whose handling raises, at the index and at detection, then good ones."""
    settings = settings_factory()
    topics = settings.topics
    poisoned_story = "st-unreadable-state"
    unreadable_ref = "article-with-unreadable-ref"
    # state written by some other version of the stage: recovered into the tables at start-up
    asyncio.run(
        produce_raw(
            topics.changelog("alert", ALERT_STATE_TABLE),
            settings.bootstrap,
            poisoned_story.encode(),
            b'{"story": "st-unreadable-state", "articles": "not a map"}',
        )
    )
    asyncio.run(
        produce_raw(
            topics.changelog("alert", ALERT_ARTICLE_TABLE),
            settings.bootstrap,
            unreadable_ref.encode(),
            b"{truncated",
        )
    )
    watcher = Watcher(settings)
    alert = start_service("alert", settings, tmp_path)
    try:
        at_detect = StoryAssigned(story=poisoned_story, claims=claims("at-detect", NOW))
        asyncio.run(
            produce(
                settings,
                topics.alert_stories,
                [(poisoned_story, at_detect)],
            )
        )
        asyncio.run(
            produce(settings, topics.claims, [(unreadable_ref, claims(unreadable_ref, NOW))])
        )
        after = [claims(f"after-{n}", NOW - timedelta(minutes=n)) for n in range(4)]
        asyncio.run(produce(settings, topics.claims, [(c.article_id, c) for c in after]))
        ids = ["at-detect", unreadable_ref, *(c.article_id for c in after)]
        wait_for(
            "a marker for every article", lambda: all(watcher.markers[i] for i in ids), 120, alert
        )
        wait_for("two dead letters", lambda: len(watcher.dead) >= 2, 30, alert)
        dead = {d.origin_topic: d for d in watcher.dead}
        at_detect_letter, at_index_letter = dead[topics.alert_stories], dead[topics.alert_index]
        assert at_detect_letter.key == poisoned_story
        assert unreadable_ref in at_index_letter.value
        for letter in (at_detect_letter, at_index_letter):
            assert letter.reason == "alert_error"
            assert "ValidationError" in letter.detail
            assert "agent.py" in letter.detail  # where it failed
        assert len(watcher.dead) == 2
        assert alert.proc.alive()
    finally:
        watcher.stop()
        alert.proc.stop()
