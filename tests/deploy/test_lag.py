"""claimwatch_consumer_lag: the arithmetic, and the exporter against the real broker."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import REGISTRY

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.lag import CONSUMER_LAG, lag_by_topic, start_lag_exporter
from claimwatch.topics import TopicSpec


def test_lag_sums_partitions_and_uses_beginning_when_nothing_committed() -> None:
    a0, a1, b0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)
    lag = lag_by_topic(
        [a0, a1, b0],
        end_offsets={a0: 10, a1: 5, b0: 7},
        committed={a0: 4},
        beginning={a1: 2, b0: 0},
    )
    assert lag == {"a": 6 + 3, "b": 7}


def test_lag_never_negative() -> None:
    """The embedded broker can under-report end offsets; lag is clamped, not negative."""
    tp = TopicPartition("a", 0)
    assert lag_by_topic([tp], {tp: 3}, {tp: 5}, {tp: 0}) == {"a": 0}


def _lag(group: str, topic: str) -> float | None:
    return REGISTRY.get_sample_value("claimwatch_consumer_lag", {"group": group, "topic": topic})


def _wait_for(predicate, timeout_s: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_exporter_tracks_a_real_group(broker: EmbeddedBroker) -> None:
    topic = f"t{uuid.uuid4().hex[:10]}.articles"
    group = f"g{uuid.uuid4().hex[:10]}"
    asyncio.run(ensure_topics(broker.bootstrap, [TopicSpec(topic, 2)]))

    async def produce(n: int) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
        await producer.start()
        try:
            for i in range(n):  # one at a time: exact end offsets on the embedded broker
                await producer.send_and_wait(topic, key=str(i).encode(), value=b"{}")
        finally:
            await producer.stop()

    async def consume_and_commit(n: int) -> int:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=broker.bootstrap,
            group_id=group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            session_timeout_ms=6000,
        )
        await consumer.start()
        got = 0
        try:
            deadline = time.monotonic() + 30
            while got < n and time.monotonic() < deadline:
                batches = await consumer.getmany(timeout_ms=500)
                got += sum(len(records) for records in batches.values())
            await consumer.commit()
        finally:
            await consumer.stop()
        return got

    asyncio.run(produce(12))
    exporter = start_lag_exporter(broker.bootstrap, group, [topic], interval_s=0.2)
    try:
        assert CONSUMER_LAG.labels(group, topic) is not None
        assert _wait_for(lambda: _lag(group, topic) == 12), _lag(group, topic)
        assert asyncio.run(consume_and_commit(12)) == 12
        assert _wait_for(lambda: _lag(group, topic) == 0), _lag(group, topic)
        asyncio.run(produce(5))
        assert _wait_for(lambda: _lag(group, topic) == 5), _lag(group, topic)
    finally:
        exporter.stop()
