"""The one dead-letter path on a real broker: the dead letter says why and where from, and a
record is counted once as failed and once as dead-lettered (never twice)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client import REGISTRY

from claimwatch.deadletter import dead_letter_abandoned, dead_letter_record, decode_or_dead_letter
from claimwatch.kafka import EventProducer, decode
from claimwatch.models import Article, DeadLetter
from claimwatch.settings import Settings


def counted(service: str, reason: str) -> tuple[float, float]:
    failed = REGISTRY.get_sample_value(
        "claimwatch_records_failed_total", {"stage": service, "reason": reason}
    )
    dead = REGISTRY.get_sample_value(
        "claimwatch_deadlettered_total", {"service": service, "reason": reason}
    )
    return failed or 0.0, dead or 0.0


async def read(settings: Settings, topic: str, n: int) -> list:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    out: list = []
    try:
        async with asyncio.timeout(20):
            while len(out) < n:
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    out.extend(records)
    finally:
        await consumer.stop()
    return out


def test_a_bad_record_is_dead_lettered_and_counted_once(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    service = "dltest"

    async def scenario() -> list[DeadLetter]:
        raw = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
        await raw.start()
        try:
            await raw.send_and_wait(settings.topics.articles, b"{oops", key=b"bad", partition=0)
        finally:
            await raw.stop()
        async with EventProducer(settings.bootstrap, service) as producer:
            await producer.send_marker(settings.topics.articles, 0, b"__sync__:x")
            bad, marker = await read(settings, settings.topics.articles, 2)
            assert await decode_or_dead_letter(producer, settings, Article, bad) is None
            assert await decode_or_dead_letter(producer, settings, Article, marker) is None
            given_up = dead_letter_record(
                service=service,
                origin_topic="alerts",
                key="al-1",
                value=b"{}",
                reason="delivery_failed",
                detail="out of attempts",
            )
            await dead_letter_abandoned(producer, settings.topics.deadletter, given_up)
        records = await read(settings, settings.topics.deadletter, 2)
        return [decode(DeadLetter, r.value) for r in records]

    before = counted(service, "invalid_json"), counted(service, "delivery_failed")
    dead = asyncio.run(scenario())
    after = counted(service, "invalid_json"), counted(service, "delivery_failed")
    assert after[0][0] - before[0][0] == 1, "records_failed: once for the bad record"
    assert after[0][1] - before[0][1] == 1, "deadlettered: once for the bad record"
    assert after[1] == (before[1][0], before[1][1] + 1), "a given-up delivery is no bad record"
    by_reason = {d.reason: d for d in dead}
    assert set(by_reason) == {"invalid_json", "delivery_failed"}, "the marker is not dead-lettered"
    bad = by_reason["invalid_json"]
    assert (bad.origin_topic, bad.origin_partition, bad.key, bad.value) == (
        settings.topics.articles,
        0,
        "bad",
        "{oops",
    )
