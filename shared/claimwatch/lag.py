"""Consumer lag, exported by the consumers themselves: ``claimwatch_consumer_lag{group,topic}``.

Why in-process and not a separate exporter: every consumer already knows its group and source
topics and is scraped anyway, so the lag series appear and disappear with the service, with no
extra deployment. A background thread with its own event loop compares the group's committed
offsets with the topics' end offsets every few seconds; the worker's own loop never waits on it.

The embedded broker can under-report end offsets by a few records after pipelined produces, so
lag is clamped at zero and is a monitoring signal, never a "caught up" test.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Counter, Gauge

from claimwatch.logging import get_logger

log = get_logger(__name__)

CONSUMER_LAG = Gauge(
    "claimwatch_consumer_lag",
    "Records on the group's source topics not yet committed by the group (end offset minus "
    "committed offset, summed over partitions). Growing: the stage cannot keep up; add "
    "replicas (up to the partition count) or find what slows it.",
    ["group", "topic"],
)
LAG_ERRORS = Counter(
    "claimwatch_consumer_lag_errors_total",
    "Lag measurements that failed (broker unreachable, group coordinator moving).",
    ["group"],
)


def lag_by_topic(
    partitions: Sequence[TopicPartition],
    end_offsets: dict[TopicPartition, int],
    committed: dict[TopicPartition, int],
    beginning: dict[TopicPartition, int],
) -> dict[str, int]:
    """Sum per topic of ``end - committed`` (``beginning`` where nothing is committed yet)."""
    lag: dict[str, int] = {tp.topic: 0 for tp in partitions}
    for tp in partitions:
        end = end_offsets.get(tp, 0)
        position = committed.get(tp, beginning.get(tp, 0))
        lag[tp.topic] += max(0, end - position)
    return lag


class LagExporter:
    """Periodically measures one consumer group's lag on its source topics."""

    def __init__(
        self, bootstrap: str, group: str, topics: Sequence[str], interval_s: float = 5.0
    ) -> None:
        self.bootstrap = bootstrap
        self.group = group
        self.topics = list(topics)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        for topic in self.topics:
            CONSUMER_LAG.labels(group, topic)
        LAG_ERRORS.labels(group)

    def start(self) -> LagExporter:
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._run()), name=f"lag-{self.group}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    async def _run(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=10_000)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False
        )
        started = False
        try:
            while not self._stop.is_set():
                try:
                    if not started:
                        await admin.start()
                        await consumer.start()
                        started = True
                    await self.measure(admin, consumer)
                except Exception as exc:  # a monitoring thread must never take the worker down
                    LAG_ERRORS.labels(self.group).inc()
                    log.warning("consumer_lag_failed", group=self.group, error=repr(exc))
                await asyncio.to_thread(self._stop.wait, self.interval_s)
        finally:
            if started:
                await consumer.stop()
                await admin.close()

    async def measure(self, admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer) -> None:
        await consumer.topics()  # refresh metadata so partitions_for_topic is current
        partitions = [
            TopicPartition(topic, p)
            for topic in self.topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return
        offsets = await admin.list_consumer_group_offsets(self.group, partitions=partitions)
        committed = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
        ends = await consumer.end_offsets(partitions)
        beginning = await consumer.beginning_offsets(partitions)
        for topic, value in lag_by_topic(partitions, ends, committed, beginning).items():
            CONSUMER_LAG.labels(self.group, topic).set(value)


def start_lag_exporter(
    bootstrap: str, group: str, topics: Sequence[str], interval_s: float = 5.0
) -> LagExporter:
    """Start exporting ``group``'s lag on ``topics``; the thread dies with the process."""
    return LagExporter(bootstrap, group, topics, interval_s).start()
