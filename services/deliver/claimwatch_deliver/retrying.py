"""One delivery's retry state machine: attempt, classify, wait, record, until the end is final.

No consumer, lanes or offsets here (that is ``worker.py``): a ``Job`` comes in, attempts go
out on the schedule, every attempt is recorded on the deliveries topic, and the call returns
once the delivery is final (delivered, disabled, refused, dead-lettered, or dropped because
the subscription went away). The worker then marks the job's offset done.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiokafka import TopicPartition
from prometheus_client import Counter, Gauge

from claimwatch.deadletter import dead_letter_abandoned, dead_letter_record
from claimwatch.kafka import EventProducer
from claimwatch.logging import get_logger
from claimwatch.metrics import RECORDS_OUT
from claimwatch.models import Alert, DeliveryOutcome, DeliveryRecord, Subscription
from claimwatch.settings import Settings
from claimwatch_deliver.delivered import SKIPPED, DeliveredLog
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
    """One alert version for one subscriber, and where the alert was read (for its commit)."""

    alert: Alert
    subscription_id: str
    partition: TopicPartition
    offset: int


def outcome_of(verdict: Verdict, delay: float | None) -> DeliveryOutcome:
    """A retry with no attempt left is a dead letter."""
    if verdict is Verdict.DELIVERED:
        return DeliveryOutcome.DELIVERED
    if verdict is Verdict.GONE:
        return DeliveryOutcome.DISABLED
    if verdict is Verdict.REFUSED:
        return DeliveryOutcome.REFUSED
    if verdict is Verdict.RETRY and delay is not None:
        return DeliveryOutcome.RETRY
    return DeliveryOutcome.DEAD_LETTERED


class Deliverer:
    """Delivers one job at a time per call; the already-delivered log skips repeats."""

    def __init__(
        self,
        settings: Settings,
        store: SubscriptionStore,
        producer: EventProducer,
        sender: Sender,
        *,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.store = store
        self.producer = producer
        self.sender = sender
        self.rng = rng or random.Random()
        self._sleep = sleep
        self.delivered = DeliveredLog(settings, producer)

    async def start(self) -> None:
        """Load what was delivered already; call before the first job."""
        await self.delivered.start()

    async def stop(self) -> None:
        await self.delivered.stop()

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
                sub.url,
                body_for(alert, sub.format, self.settings.web_base_url),
                sub.secret,
                msg_id,
            )
            verdict = classify(result)
            if verdict is Verdict.DELIVERED:  # first, before the (slow) delivery record
                self.delivered.delivered_now(msg_id)
            delay = (
                next_delay(schedule, attempt, result.retry_after_s, self.rng)
                if verdict is Verdict.RETRY
                else None
            )
            outcome = outcome_of(verdict, delay)
            await self._record(job, sub, msg_id, attempt, outcome, result, delay)
            if outcome is DeliveryOutcome.DISABLED:
                await self._disable(sub, result)
            elif outcome in (DeliveryOutcome.DEAD_LETTERED, DeliveryOutcome.REFUSED):
                await self._dead_letter(job, sub, attempt, result)
            if outcome is not DeliveryOutcome.RETRY:
                return outcome
        return None  # pragma: no cover - loop always returns

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
        await dead_letter_abandoned(self.producer, self.settings.topics.deadletter, dead)
