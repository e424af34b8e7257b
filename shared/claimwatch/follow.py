"""Read a topic up to now, then keep following it: one way, decided by markers.

Several processes keep an in-memory view of a topic (subscriptions, webhook-ids already
delivered, the duplicate index of articles). Each must know when it has read everything
written before it started. End offsets cannot tell (the embedded broker under-reports them
after pipelined produces, docs/design facts), so the follower writes a *marker* to every
partition — a record with no value under a fresh ``__sync__:<uuid>`` key — and is caught up
once it has read its own marker back from each partition: everything written to a partition
before the marker precedes it there.

Markers are part of every followed topic's contract: a record whose key starts with
``__sync__:`` and that has no value is not data. Readers skip it (``is_marker``); on a
compacted topic compaction removes it (a tombstone of a key never used).

    follower = TopicFollower(producer, topics.subscriptions, handle, name="subscriptions")
    await follower.start()   # returns once caught up; keeps following in the background

``CatchUp`` is the marker logic alone, for a reader with a loop of its own (the web read
model resumes from offsets kept in its database and reads five topics).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from claimwatch.kafka import EventProducer
from claimwatch.logging import get_logger

log = get_logger(__name__)

MARKER_PREFIX = b"__sync__:"

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Handle = Callable[[Record], Awaitable[None]]
"""Applies one data record to the view; a record it cannot read is its own business
(skip it or dead-letter it): an exception escaping it is logged and the record skipped."""


def is_marker(key: bytes | None, value: bytes | None) -> bool:
    """A follower's catch-up marker, not data: skip it."""
    return value is None and key is not None and key.startswith(MARKER_PREFIX)


class CatchUp:
    """Knows when a reader has read everything written to its partitions before ``send``."""

    def __init__(self, producer: EventProducer) -> None:
        self.producer = producer
        self.done = asyncio.Event()
        self._marker = MARKER_PREFIX + uuid.uuid4().hex.encode()
        self._waiting: set[tuple[str, int]] = set()

    async def send(self, partitions: Iterable[TopicPartition]) -> None:
        """Write this reader's marker to each partition (the reader must already be reading
        them, from wherever it starts)."""
        targets = [(tp.topic, tp.partition) for tp in partitions]
        self._waiting = set(targets)
        if not targets:
            self.done.set()
        for topic, partition in targets:
            await self.producer.send_marker(topic, partition, self._marker)

    def observe(self, record: Record) -> bool:
        """Whether ``record`` is a marker (anyone's: skip it); notes this reader's own."""
        if not is_marker(record.key, record.value):
            return False
        if record.key == self._marker:
            self._waiting.discard((record.topic, record.partition))
            if not self._waiting:
                self.done.set()
        return True


class TopicFollower:
    """Reads every partition of ``topic`` from the beginning; caught up at its own markers."""

    def __init__(
        self,
        producer: EventProducer,
        topic: str,
        handle: Handle,
        *,
        name: str,
        poll_ms: int = 500,
        max_records: int | None = None,
        **consumer_options: Any,
    ) -> None:
        self.producer = producer
        self.topic = topic
        self.handle = handle
        self.name = name
        self.poll_ms = poll_ms
        self.max_records = max_records
        self._catch_up = CatchUp(producer)
        self.loaded = self._catch_up.done
        self._options = consumer_options
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout_s: float = 60.0) -> None:
        """Read up to the markers (``TimeoutError`` after ``timeout_s``), then follow."""
        partitions = sorted(await self.producer.partitions_for(self.topic))
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.producer.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            **self._options,
        )
        await consumer.start()
        self._consumer = consumer
        tps = [TopicPartition(self.topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        self._task = asyncio.create_task(self._follow(), name=f"{self.name}-follow")
        await self._catch_up.send(tps)
        await asyncio.wait_for(self.loaded.wait(), timeout_s)

    async def _follow(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        while True:
            try:
                batches = await consumer.getmany(
                    timeout_ms=self.poll_ms, max_records=self.max_records
                )
                for records in batches.values():
                    for record in records:
                        await self._apply(record)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep following; the broker may come back
                log.warning("follow_error", topic=self.topic, follower=self.name,
                            error=f"{type(exc).__name__}: {exc}")  # fmt: skip
                await asyncio.sleep(1.0)

    async def _apply(self, record: Record) -> None:
        if self._catch_up.observe(record):
            return
        try:
            await self.handle(record)
        except Exception as exc:  # one record must not stop the view
            log.warning("follow_record_error", topic=self.topic, follower=self.name,
                        offset=record.offset, error=f"{type(exc).__name__}: {exc}")  # fmt: skip

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()
