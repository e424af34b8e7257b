"""The shared topic follower on a real broker: caught up at its own markers, never early."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from claimwatch.follow import Record, TopicFollower, is_marker
from claimwatch.kafka import EventProducer
from claimwatch.models import DeliveryOutcome, DeliveryRecord
from claimwatch.settings import Settings


def record(n: int) -> DeliveryRecord:
    return DeliveryRecord(
        alert_id=f"al{n}",
        alert_version=1,
        subscription_id="sub",
        webhook_id=f"msg_{n}",
        attempt=1,
        outcome=DeliveryOutcome.DELIVERED,
    )


def test_follower_reads_everything_written_before_it_then_follows(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    topic = settings.topics.deliveries

    async def scenario() -> None:
        async with EventProducer(settings.bootstrap, "test") as producer:
            # pipelined, unawaited sends: the case where end offsets under-report
            futures = [await producer.send(topic, f"k{n}", record(n)) for n in range(600)]
            await asyncio.gather(*futures)
            keys: list[bytes] = []
            markers_seen: list[bytes] = []

            async def handle(rec: Record) -> None:
                if is_marker(rec.key, rec.value):
                    markers_seen.append(rec.key or b"")
                if rec.key == b"k7":
                    raise ValueError("a handler bug on one record")
                keys.append(rec.key or b"")

            other = TopicFollower(producer, topic, handle, name="other")
            await other.start(30)  # writes its own markers: data for nobody
            keys.clear()
            follower = TopicFollower(producer, topic, handle, name="test")
            try:
                await follower.start(30)
                assert other.loaded.is_set() and follower.loaded.is_set()
                # everything before the start, but k7 whose handler failed (logged, skipped)
                assert sorted(keys) == sorted(f"k{n}".encode() for n in range(600) if n != 7)
                assert markers_seen == [], "markers are never handed to the handler"
                keys.clear()
                await producer.send_and_wait(topic, "after", record(600))
                for _ in range(100):
                    if keys.count(b"after") == 2:  # both followers keep following
                        break
                    await asyncio.sleep(0.1)
                assert keys.count(b"after") == 2
            finally:
                await follower.stop()
                await other.stop()

    asyncio.run(scenario())
