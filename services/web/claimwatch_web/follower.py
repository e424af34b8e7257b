"""Follows the pipeline's topics into the read model.

A plain aiokafka consumer without a consumer group: it assigns itself every partition of the
articles, entities, claims, processed and alerts topics and starts each where the database says
it stopped (``consumer_offsets``), or at the beginning when the database has no offset — so a
new database is rebuilt from the topics, and a restart neither skips nor double-counts. Each
fetched batch is decoded, written with its offsets in one transaction (in a worker thread, so
the pages keep answering), then announced to the live pages.

A record that cannot be decoded goes to the dead-letter topic with its reason and is counted
(the shared dead-letter path); the follower moves on. "Caught up" is decided by markers
(``claimwatch.follow.CatchUp``: this process's marker read back from every partition and the
batch before it written), never by end offsets, which the embedded broker under-reports;
other followers' markers are skipped: they are not data.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import cast

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from claimwatch.deadletter import decode_or_dead_letter
from claimwatch.follow import CatchUp
from claimwatch.kafka import FETCH_MAX_WAIT_MS, EventProducer
from claimwatch.lag import CONSUMER_LAG
from claimwatch.logging import get_logger
from claimwatch.metrics import (
    BATCH_SIZE,
    PROCESSING_SECONDS,
    RECORDS_IN,
    RECORDS_OUT,
)
from claimwatch.settings import Settings
from claimwatch_web.metrics import APPLY_DELAY_SECONDS, STAGE
from claimwatch_web.records import TOPIC_RECORDS, Record
from claimwatch_web.store import Partition, ReadModelWriter

log = get_logger(__name__)

MAX_BATCH = 1000


class TopicFollower:
    def __init__(
        self,
        settings: Settings,
        writer: ReadModelWriter,
        producer: EventProducer,
        on_change: Callable[[set[str]], None],
    ) -> None:
        self.settings = settings
        self.writer = writer
        self.producer = producer
        self.on_change = on_change
        topics = settings.topics
        self.short_names = {getattr(topics, name): name for name in TOPIC_RECORDS}
        self.group = settings.group(STAGE)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            max_partition_fetch_bytes=settings.max_record_bytes,
        )
        self.partitions: list[TopicPartition] = []
        self.positions: dict[TopicPartition, int] = {}
        self.catch_up = CatchUp(producer)
        self.caught_up_once = self.catch_up.done
        for topic in self.short_names:
            CONSUMER_LAG.labels(self.group, topic)

    async def start(self) -> None:
        await self.consumer.start()
        stored = await asyncio.to_thread(self.writer.offsets)
        for topic in self.short_names:
            parts = self.consumer.partitions_for_topic(topic)
            if not parts:
                await self.consumer.topics()  # metadata refresh
                parts = self.consumer.partitions_for_topic(topic) or set()
            self.partitions += [TopicPartition(topic, p) for p in sorted(parts)]
        self.consumer.assign(self.partitions)
        fresh = []
        for tp in self.partitions:
            offset = stored.get((tp.topic, tp.partition))
            if offset is None:
                fresh.append(tp)
            else:
                self.consumer.seek(tp, offset)
                self.positions[tp] = offset
        if fresh:
            await self.consumer.seek_to_beginning(*fresh)
            for tp in fresh:
                self.positions[tp] = await self.consumer.position(tp)
        log.info(
            "web_follower_started",
            partitions=len(self.partitions),
            rebuilding=len(fresh) == len(self.partitions),
        )
        await self.catch_up.send(self.partitions)

    async def stop(self) -> None:
        await self.consumer.stop()

    def lag_records(self) -> int:
        """Records on the followed partitions not yet in the database (as the broker reports)."""
        total = 0
        for tp in self.partitions:
            high = self.consumer.highwater(tp)
            if high is not None:
                total += max(0, high - self.positions.get(tp, 0))
        return total

    def caught_up(self) -> bool:
        """Everything written before this process started is in the database."""
        return self.catch_up.done.is_set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batches = await self.consumer.getmany(timeout_ms=500, max_records=MAX_BATCH)
            records = [r for rs in batches.values() for r in rs]
            if records:
                await self.apply(records)
            self._export_lag()

    async def apply(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        started = time.perf_counter()
        decoded: list[Record] = []
        offsets: dict[Partition, int] = {}
        for record in records:
            short = self.short_names[record.topic]
            RECORDS_IN.labels(STAGE).inc()
            offsets[(record.topic, record.partition)] = record.offset + 1
            model = TOPIC_RECORDS[short]
            event = await decode_or_dead_letter(self.producer, self.settings, model, record)
            if event is not None:  # None: another follower's marker, or dead-lettered
                decoded.append(cast(Record, event))
        stories = await asyncio.to_thread(self.writer.apply, decoded, offsets)
        for record in records:  # after the write: caught up means "in the database"
            self.catch_up.observe(record)
        now_ms = time.time() * 1000
        for record in records:
            if record.timestamp and record.timestamp > 0:
                delay = max(0.0, (now_ms - record.timestamp) / 1000)
                APPLY_DELAY_SECONDS.labels(self.short_names[record.topic]).observe(delay)
        for (topic, part), offset in offsets.items():
            self.positions[TopicPartition(topic, part)] = offset
        RECORDS_OUT.labels(STAGE).inc(len(decoded))
        BATCH_SIZE.labels(STAGE).observe(len(records))
        PROCESSING_SECONDS.labels(STAGE).observe(time.perf_counter() - started)
        self.on_change(stories)

    def _export_lag(self) -> None:
        per_topic: dict[str, int] = dict.fromkeys(self.short_names, 0)
        for tp in self.partitions:
            high = self.consumer.highwater(tp)
            if high is not None:
                per_topic[tp.topic] += max(0, high - self.positions.get(tp, 0))
        for topic, value in per_topic.items():
            CONSUMER_LAG.labels(self.group, topic).set(value)
