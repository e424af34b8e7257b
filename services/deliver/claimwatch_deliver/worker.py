"""The delivery worker: alerts in, one ordered delivery lane per (alert, subscriber) out.

Plain aiokafka rather than faust: this stage is stateless apart from the subscriptions table,
and the measured faust behaviour on the embedded broker lost messages across rebalances
(docs/delivery.md). Offsets are committed manually, only past alerts whose every delivery is
final (``offsets.OffsetTracker``), so a crash redelivers rather than drops.

Ordering: alerts are keyed by alert id, so every version of one alert is read from one
partition in order; each (alert id, subscription id) pair has one lane that delivers its
versions one after another, so a subscriber never sees version 2 before version 1.

This module is the Kafka side only (consumer, lanes, commits, back-pressure, rebalances); what
one delivery does, attempt after attempt, is ``retrying.Deliverer``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord

from claimwatch.deadletter import decode_or_dead_letter, guard
from claimwatch.kafka import FETCH_MAX_WAIT_MS, EventProducer
from claimwatch.logging import get_logger
from claimwatch.metrics import RECORDS_IN
from claimwatch.models import Alert
from claimwatch.settings import Settings
from claimwatch_deliver.filters import matches
from claimwatch_deliver.offsets import OffsetTracker
from claimwatch_deliver.retrying import STAGE, Job
from claimwatch_deliver.store import SubscriptionStore

log = get_logger(__name__)

__all__ = ["STAGE", "DeliveryWorker"]
FAILED = "deliver_error"

Deliver = Callable[[Job], Awaitable[object]]
"""Runs one job until its delivery is final (``retrying.Deliverer.deliver``)."""


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, worker: DeliveryWorker) -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.worker._on_revoked(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.worker.assigned = True


class DeliveryWorker:
    """Reads alerts, fans each out to the matching subscribers' lanes, commits what is final."""

    def __init__(
        self,
        settings: Settings,
        store: SubscriptionStore,
        producer: EventProducer,
        deliver: Deliver,
        *,
        max_open_offsets: int = 1000,
    ) -> None:
        self.settings = settings
        self.store = store
        self.producer = producer
        self.deliver = deliver
        self.max_open_offsets = max_open_offsets
        self.assigned = False
        self._tracker: OffsetTracker[TopicPartition] = OffsetTracker()
        self._lanes: dict[tuple[str, str], asyncio.Queue[Job]] = {}
        self._lane_tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._lane_partition: dict[tuple[str, str], TopicPartition] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        topics = self.settings.topics
        session_ms = int(self.settings.session_timeout_s * 1000)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap,
            group_id=self.settings.group(STAGE),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=session_ms,
            heartbeat_interval_ms=max(session_ms // 6, 300),
            rebalance_timeout_ms=session_ms,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        )
        self._consumer.subscribe([topics.alerts], listener=_Rebalance(self))
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="delivery-consume")

    async def stop(self) -> None:
        """Stop reading, cancel open lanes, commit what is final, leave the group."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._cancel_lanes(None)
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                await self._commit()
            await self._consumer.stop()

    # ------------------------------------------------------------------ consume loop

    async def _run(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        while True:
            try:
                batches = await consumer.getmany(timeout_ms=200, max_records=200)
                await self._handle_batches(consumer, batches)
                await self._commit()
                self._apply_backpressure(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never die on one bad turn; the loop retries
                log.error("delivery_loop_error", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(1.0)

    async def _handle_batches(
        self,
        consumer: AIOKafkaConsumer,
        batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
    ) -> None:
        """Each record inside ``guard``: one that fails is dead-lettered (``deliver_error``)
        and its offset counts as done. On a broker error every partition is sent back to its
        first record not yet handled, so nothing fetched is skipped."""
        handled = dict.fromkeys(batches, 0)
        try:
            for tp, records in batches.items():
                for record in records:
                    async with guard(
                        self.producer,
                        self.settings.topics.deadletter,
                        record,
                        FAILED,
                        self._skip(tp, record.offset),
                    ):
                        await self._handle(tp, record)
                    handled[tp] += 1
        except Exception:
            for tp, records in batches.items():
                if handled[tp] < len(records):
                    consumer.seek(tp, records[handled[tp]].offset)
            raise

    def _skip(self, tp: TopicPartition, offset: int) -> Callable[[], Awaitable[None]]:
        async def done() -> None:
            self._tracker.add(tp, offset, 0)

        return done

    def _apply_backpressure(self, consumer: AIOKafkaConsumer) -> None:
        assigned = consumer.assignment()
        if self._tracker.open_count() >= self.max_open_offsets:
            consumer.pause(*assigned)
        elif consumer.paused():
            consumer.resume(*consumer.paused())

    async def _handle(self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        RECORDS_IN.labels(STAGE).inc()
        alert = await decode_or_dead_letter(self.producer, self.settings, Alert, record)
        if alert is None:
            self._tracker.add(tp, record.offset, 0)
            return
        targets = [s for s in self.store.active() if matches(alert, s.filters)]  # may raise
        self._tracker.add(tp, record.offset, len(targets))
        for sub in targets:
            self._enqueue(Job(alert, sub.id, tp, record.offset))

    def _enqueue(self, job: Job) -> None:
        key = (job.alert.id, job.subscription_id)
        queue = self._lanes.get(key)
        if queue is None:
            queue = self._lanes[key] = asyncio.Queue()
            self._lane_partition[key] = job.partition
            self._lane_tasks[key] = asyncio.create_task(self._lane(key, queue))
        queue.put_nowait(job)

    async def _lane(self, key: tuple[str, str], queue: asyncio.Queue[Job]) -> None:
        """Deliver one (alert, subscriber) pair's versions strictly one after another."""
        try:
            while not queue.empty():
                job = queue.get_nowait()
                try:
                    await self.deliver(job)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a bug must not wedge the lane or the offset
                    log.error(
                        "delivery_job_error",
                        alert_id=job.alert.id,
                        subscription_id=job.subscription_id,
                        error=f"{type(exc).__name__}: {exc}",
                    )
                self._tracker.done(job.partition, job.offset)
        finally:
            if self._lanes.get(key) is queue:
                del self._lanes[key]
                self._lane_tasks.pop(key, None)
                self._lane_partition.pop(key, None)

    async def _commit(self) -> None:
        assert self._consumer is not None
        offsets = self._tracker.committable()
        if offsets:
            await self._consumer.commit(offsets)
            self._tracker.committed(offsets)

    async def _on_revoked(self, revoked: list[TopicPartition]) -> None:
        """Commit what is final, drop the rest: the partition's new owner redelivers it."""
        if self._consumer is not None and not self._stopping:
            with contextlib.suppress(Exception):
                await self._commit()
        await self._cancel_lanes(set(revoked))
        for tp in revoked:
            self._tracker.forget(tp)

    async def _cancel_lanes(self, partitions: set[TopicPartition] | None) -> None:
        """Cancel the lanes of ``partitions`` (all when ``None``); their alerts stay uncommitted."""
        doomed = [
            task
            for key, task in list(self._lane_tasks.items())
            if partitions is None or self._lane_partition.get(key) in partitions
        ]
        for task in doomed:
            task.cancel()
        for task in doomed:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
