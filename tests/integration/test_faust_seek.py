"""faust's seek after an assignment, as patched in ``claimwatch.faust_app``, on the real broker.

The loss it prevents: faust resumes the stream partitions, seeks them to their committed
offsets one round trip at a time, then resumes the flow (emptying every agent's queue).
Records fetched in that window were thrown away, and records re-fetched after a seek were
dropped as "already read" by a read offset a late record had pushed forward. Here a live
in-process faust app is driven through that step: the stream partitions must stay paused
until the flow resumes, the read offsets must be the seek's own choices at that moment (even
after a late record moved them), and every record from the committed offset on must reach
the agent again: here nothing is committed, so all of them, from the beginning.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from claimwatch.faust_app import make_app, raw_topic
from claimwatch.settings import Settings


async def _wait_until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _produce(bootstrap: str, topic: str, keys: range) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for i in keys:
            await producer.send_and_wait(topic, f"v{i}".encode(), key=f"k{i}".encode())
    finally:
        await producer.stop()


def test_seek_holds_stream_partitions_until_the_flow_resumes(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    topic_name = settings.topics.articles
    seen: list[bytes] = []

    async def scenario() -> None:
        # no commits: the seek goes back to the beginning and everything must come again
        app = make_app(
            "seek-test", settings, broker_commit_every=10**6, broker_commit_interval=3600
        )
        topic = raw_topic(app, topic_name)

        @app.agent(topic, name="seek-test-agent")
        async def consume(stream: Any) -> None:
            async for event in stream.events():
                seen.append(event.message.value)

        app.finalize()
        await app.start()
        try:
            await asyncio.wait_for(app.tables.recovery.completed.wait(), 60)
            consumer = app.consumer
            await _produce(settings.bootstrap, topic_name, range(8))
            await _wait_until(lambda: len(seen) >= 8, 30, "the first records")
            streams = {tp for tp in consumer.assignment() if tp.topic == topic_name}
            assert streams

            await consumer.perform_seek()
            active = consumer._get_active_partitions()
            assert not streams & active, "stream partitions fetched before the flow resumed"
            for tp in streams:  # what a record still in flight during the seek does
                consumer._read_offset[tp] = 10_000

            app.flow_control.resume()  # faust's own order: empty the queues, then ...
            consumer.resume_flow()  # ... let the flow run
            assert streams <= consumer._get_active_partitions()
            for tp in streams:
                assert consumer._read_offset[tp] is None, tp  # no commit: from the start

            before = len(seen)
            await _produce(settings.bootstrap, topic_name, range(8, 20))
            await _wait_until(
                lambda: {f"v{i}".encode() for i in range(20)} <= set(seen[before:]),
                30,
                "every record again, and the new ones",
            )
        finally:
            await app.stop()

    asyncio.run(scenario())
