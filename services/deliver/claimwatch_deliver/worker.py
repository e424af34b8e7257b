"""The delivery worker: alerts in, one ordered delivery lane per (alert, subscriber) out.

Plain aiokafka rather than faust: this stage is stateless apart from the subscriptions table,
and the measured faust behaviour on the embedded broker lost messages across rebalances
(docs/delivery.md). Offsets are committed manually, only past alerts whose every delivery is
final (``offsets.OffsetTracker``), so a crash redelivers rather than drops.

Ordering: alerts are keyed by alert id, so every version of one alert is read from one
partition in order; each (alert id, subscription id) pair has one lane that delivers its
versions one after another, so a subscriber never sees version 2 before version 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord
from prometheus_client import Counter, Gauge

from claimwatch.kafka import (
    FETCH_MAX_WAIT_MS,
    DecodeError,
    EventProducer,
    dead_letter_for,
    dead_letter_record,
    decode,
)
from claimwatch.logging import get_logger
from claimwatch.metrics import RECORDS_FAILED, RECORDS_IN, RECORDS_OUT
from claimwatch.models import Alert, DeliveryOutcome, DeliveryRecord, Subscription
from claimwatch.settings import Settings
from claimwatch_deliver.delivered import SKIPPED, DeliveredLog
from claimwatch_deliver.filters import matches
from claimwatch_deliver.offsets import OffsetTracker
from claimwatch_deliver.payloads import body_for
from claimwatch_deliver.policy import AttemptResult, Verdict, classify, next_delay, reason_of
from claimwatch_deliver.sender import Sender
from claimwatch_deliver.signing import webhook_id
from claimwatch_deliver.store import SubscriptionStore

log = get_logger(__name__)

STAGE = "deliver"

DELIVERIES = Counter(
    "claimwatch_webhook_deliveries_total",
    "Webhook attempts by outcome (delivered, retry, dead_lettered, disabled, refused). "
    "Rising retry/dead_lettered: receivers are failing; see the deliveries topic.",
    ["outcome"],
)
for _outcome in DeliveryOutcome:
    DELIVERIES.labels(_outcome.value)
RETRIES_PENDING = Gauge(
    "claimwatch_webhook_retries_pending",
    "Deliveries waiting for their next attempt. Growing: a receiver is down or slow.",
)
DEAD_LETTERED = Counter(
    "claimwatch_webhook_dead_lettered_total",
    "Deliveries given up and written to the dead-letter topic, by short reason.",
    ["reason"],
)
DISABLED = Counter(
    "claimwatch_webhook_subscriptions_disabled_total",
    "Subscriptions disabled because their receiver answered 410 Gone.",
)


@dataclass(frozen=True)
class Job:
    alert: Alert
    subscription_id: str
    partition: TopicPartition
    offset: int


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, worker: DeliveryWorker) -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.worker._on_revoked(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.worker.assigned = True


class DeliveryWorker:
    def __init__(
        self,
        settings: Settings,
        store: SubscriptionStore,
        producer: EventProducer,
        sender: Sender,
        *,
        max_open_offsets: int = 1000,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.store = store
        self.producer = producer
        self.sender = sender
        self.max_open_offsets = max_open_offsets
        self.rng = rng or random.Random()
        self._sleep = sleep
        self.assigned = False
        self._tracker: OffsetTracker[TopicPartition] = OffsetTracker()
        self._lanes: dict[tuple[str, str], asyncio.Queue[Job]] = {}
        self._lane_tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._lane_partition: dict[tuple[str, str], TopicPartition] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.delivered = DeliveredLog(settings)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        topics = self.settings.topics
        await self.delivered.start()  # before any alert is read: what was delivered already
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
        await self.delivered.stop()

    # ------------------------------------------------------------------ consume loop

    async def _run(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        while True:
            try:
                batches = await consumer.getmany(timeout_ms=200, max_records=200)
                for tp, records in batches.items():
                    for record in records:
                        await self._handle(tp, record)
                await self._commit()
                self._apply_backpressure(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never die on one bad turn; the loop retries
                log.error("delivery_loop_error", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(1.0)

    def _apply_backpressure(self, consumer: AIOKafkaConsumer) -> None:
        assigned = consumer.assignment()
        if self._tracker.open_count() >= self.max_open_offsets:
            consumer.pause(*assigned)
        elif consumer.paused():
            consumer.resume(*consumer.paused())

    async def _handle(self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        RECORDS_IN.labels(STAGE).inc()
        try:
            alert = decode(Alert, record.value, self.settings.max_record_bytes)
        except DecodeError as exc:
            RECORDS_FAILED.labels(STAGE, exc.reason).inc()
            dead = dead_letter_for(STAGE, record, exc.reason, exc.detail)
            await self.producer.dead_letter(self.settings.topics.deadletter, dead)
            self._tracker.add(tp, record.offset, 0)
            return
        targets = [s for s in self.store.active() if matches(alert, s.filters)]
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

    # ------------------------------------------------------------------ one delivery

    async def deliver(self, job: Job) -> DeliveryOutcome | None:
        """Attempt per the retry schedule until final; record every attempt. Returns the end."""
        alert, schedule = job.alert, self.settings.retry_schedule_s or [0.0]
        msg_id = webhook_id(alert.id, alert.version, job.subscription_id)
        if msg_id in self.delivered:
            SKIPPED.inc()
            log.info("delivery_skipped", alert_id=alert.id, version=alert.version,
                     subscription_id=job.subscription_id, why="already delivered")  # fmt: skip
            return DeliveryOutcome.DELIVERED
        attempt = 0
        delay: float | None = float(schedule[0])
        while delay is not None:
            if delay > 0:
                RETRIES_PENDING.inc()
                try:
                    await self._sleep(delay)  # type: ignore[misc]
                finally:
                    RETRIES_PENDING.dec()
            sub = self.store.get(job.subscription_id)
            if sub is None or sub.disabled:
                log.info(
                    "delivery_dropped",
                    alert_id=alert.id,
                    subscription_id=job.subscription_id,
                    why="subscription deleted" if sub is None else "subscription disabled",
                )
                return None
            attempt += 1
            result = await self.sender.attempt(
                sub.url, body_for(alert, sub.format), sub.secret, msg_id
            )
            verdict = classify(result)
            delay = (
                next_delay(schedule, attempt, result.retry_after_s, self.rng)
                if verdict is Verdict.RETRY
                else None
            )
            outcome = self._outcome(verdict, delay)
            await self._record(job, sub, msg_id, attempt, outcome, result, delay)
            if outcome is DeliveryOutcome.DELIVERED:
                self.delivered.add(msg_id)
            if outcome is DeliveryOutcome.DISABLED:
                await self._disable(sub, result)
            elif outcome in (DeliveryOutcome.DEAD_LETTERED, DeliveryOutcome.REFUSED):
                await self._dead_letter(job, sub, attempt, result)
            if outcome is not DeliveryOutcome.RETRY:
                return outcome
        return None  # pragma: no cover - loop always returns

    @staticmethod
    def _outcome(verdict: Verdict, delay: float | None) -> DeliveryOutcome:
        if verdict is Verdict.DELIVERED:
            return DeliveryOutcome.DELIVERED
        if verdict is Verdict.GONE:
            return DeliveryOutcome.DISABLED
        if verdict is Verdict.REFUSED:
            return DeliveryOutcome.REFUSED
        if verdict is Verdict.RETRY and delay is not None:
            return DeliveryOutcome.RETRY
        return DeliveryOutcome.DEAD_LETTERED

    async def _record(
        self,
        job: Job,
        sub: Subscription,
        msg_id: str,
        attempt: int,
        outcome: DeliveryOutcome,
        result: AttemptResult,
        delay: float | None,
    ) -> None:
        DELIVERIES.labels(outcome.value).inc()
        now = datetime.now(UTC)
        next_at = (
            now + timedelta(seconds=delay)
            if outcome is DeliveryOutcome.RETRY and delay is not None
            else None
        )
        record = DeliveryRecord(
            alert_id=job.alert.id,
            alert_version=job.alert.version,
            subscription_id=sub.id,
            webhook_id=msg_id,
            attempt=attempt,
            outcome=outcome,
            status_code=result.status_code,
            error=None if result.error is None else f"{result.error}: {result.detail}",
            latency_seconds=result.latency_seconds,
            next_attempt_at=next_at,
            at=now,
        )
        await self.producer.send_and_wait(
            self.settings.topics.deliveries, f"{job.alert.id}:{sub.id}", record
        )
        RECORDS_OUT.labels(STAGE).inc()
        log.info(
            "delivery_attempt",
            alert_id=job.alert.id,
            version=job.alert.version,
            subscription_id=sub.id,
            attempt=attempt,
            outcome=outcome.value,
            status=result.status_code,
            error=result.error,
        )

    async def _disable(self, sub: Subscription, result: AttemptResult) -> None:
        DISABLED.inc()
        reason = f"receiver answered HTTP {result.status_code} Gone"
        await self.store.put(sub.model_copy(update={"disabled": True, "disabled_reason": reason}))
        log.warning("subscription_disabled", subscription_id=sub.id, reason=reason)

    async def _dead_letter(
        self, job: Job, sub: Subscription, attempts: int, result: AttemptResult
    ) -> None:
        reason = "delivery_refused" if result.error == "refused" else "delivery_failed"
        DEAD_LETTERED.labels(reason_of(result)).inc()
        dead = dead_letter_record(
            service=STAGE,
            origin_topic=self.settings.topics.alerts,
            key=job.alert.id,
            value=job.alert.model_dump_json().encode("utf-8"),
            reason=reason,
            detail=(
                f"subscription={sub.id} attempts={attempts} last={reason_of(result)}"
                f" ({result.detail or 'no detail'})"
            ),
            partition=job.partition.partition,
            offset=job.offset,
        )
        await self.producer.dead_letter(self.settings.topics.deadletter, dead)
