"""Which webhook-ids were already delivered, read back from the deliveries topic.

Delivery is at-least-once: a worker killed after a receiver answered 2xx but before the
alert's offset was committed re-reads that alert, and the alert stage itself may re-send an
alert version it produced just before it was killed. Both would page the subscriber twice
with the same webhook-id. Every successful attempt is already on the deliveries topic
(``DeliveryRecord`` with outcome ``delivered``), so a worker reads that topic at start (before
it reads any alert) and keeps following it, and skips a job whose webhook-id is in the set.

What remains is the gap between a receiver's 2xx and our record reaching the broker (one
round trip): a SIGKILL exactly there still redelivers, and receivers still de-duplicate on
webhook-id as Standard Webhooks asks. The set is bounded (oldest forgotten first): a
redelivery older than ``MAX_REMEMBERED`` deliveries is not caught here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict

from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import Counter

from claimwatch.kafka import DecodeError, decode
from claimwatch.logging import get_logger
from claimwatch.models import DeliveryOutcome, DeliveryRecord
from claimwatch.settings import Settings

log = get_logger(__name__)
MAX_REMEMBERED = 200_000

SKIPPED = Counter(
    "claimwatch_webhook_redelivery_skipped_total",
    "Webhook deliveries not attempted because the deliveries topic shows this webhook-id was "
    "already delivered (a re-read alert after a restart, or a re-sent alert version).",
)


class DeliveredLog:
    """A bounded set of delivered webhook-ids, filled from the deliveries topic and by us."""

    def __init__(self, settings: Settings, max_remembered: int = MAX_REMEMBERED) -> None:
        self.settings = settings
        self.max_remembered = max_remembered
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    def add(self, webhook_id: str) -> None:
        self._ids[webhook_id] = None
        self._ids.move_to_end(webhook_id)
        while len(self._ids) > self.max_remembered:
            self._ids.popitem(last=False)

    def __contains__(self, webhook_id: str) -> bool:
        return webhook_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    async def start(self, timeout_s: float = 60.0) -> None:
        """Read the topic up to its end (then one quiet poll more), then follow it."""
        topic = self.settings.topics.deliveries
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.bootstrap, group_id=None, enable_auto_commit=False
        )
        await consumer.start()
        self._consumer = consumer
        parts = consumer.partitions_for_topic(topic) or set(range(self.settings.partitions))
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            await self._poll(consumer, 200)
            if all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                break
        # the embedded broker can under-report end offsets by a few records: one more poll
        await self._poll(consumer, 300)
        log.info("delivered_log_loaded", delivered=len(self))
        self._task = asyncio.create_task(self._follow(consumer), name="delivered-follow")

    async def _poll(self, consumer: AIOKafkaConsumer, timeout_ms: int) -> None:
        for records in (await consumer.getmany(timeout_ms=timeout_ms)).values():
            for record in records:
                try:
                    event = decode(DeliveryRecord, record.value)
                except DecodeError:
                    continue  # not ours to judge here; the record is only a hint
                if event.outcome is DeliveryOutcome.DELIVERED:
                    self.add(event.webhook_id)

    async def _follow(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            try:
                await self._poll(consumer, 500)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep following; a skipped hint only risks a duplicate
                log.warning("delivered_log_error", error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
