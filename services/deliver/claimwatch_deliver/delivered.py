"""Which webhook-ids were already delivered, read back from the deliveries topic.

Delivery is at-least-once: a worker killed after a receiver answered 2xx but before the
alert's offset was committed re-reads that alert, and the alert stage itself may re-send an
alert version it produced just before it was killed. Both would page the subscriber twice
with the same webhook-id. Every successful attempt is already on the deliveries topic
(``DeliveryRecord`` with outcome ``delivered``), so a worker reads that topic at start (before
it reads any alert; caught up at its markers, ``claimwatch.follow``) and keeps following it,
and skips a job whose webhook-id is in the set.

The record reaches the broker one round trip after the receiver's 2xx (50-140 ms under a
burst), so a worker killed in between made its replacement page again. So a delivery is first
noted in a local journal (``journal.py``: a line in a file, microseconds after the 2xx is
read), which a restarted worker reads before anything else. What remains is the instant
between the receiver sending its 2xx and this process reading it, and a journal lost with its
machine or volume; receivers still de-duplicate on webhook-id, as Standard Webhooks asks.
The set is bounded (oldest forgotten first): a redelivery older than ``MAX_REMEMBERED``
deliveries is not caught here.
"""

from __future__ import annotations

from collections import OrderedDict

from prometheus_client import Counter

from claimwatch.follow import Record, TopicFollower
from claimwatch.kafka import DecodeError, EventProducer, decode
from claimwatch.logging import get_logger
from claimwatch.models import DeliveryOutcome, DeliveryRecord
from claimwatch.settings import Settings
from claimwatch_deliver.journal import DeliveredJournal

log = get_logger(__name__)
MAX_REMEMBERED = 200_000

SKIPPED = Counter(
    "claimwatch_webhook_redelivery_skipped_total",
    "Webhook deliveries not attempted because the deliveries topic shows this webhook-id was "
    "already delivered (a re-read alert after a restart, or a re-sent alert version).",
)


class DeliveredLog:
    """A bounded set of delivered webhook-ids, filled from the deliveries topic and by us."""

    def __init__(
        self, settings: Settings, producer: EventProducer, max_remembered: int = MAX_REMEMBERED
    ) -> None:
        self.settings = settings
        self.max_remembered = max_remembered
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._journal = DeliveredJournal(settings.data_dir / "deliver" / "delivered.journal")
        self._follower = TopicFollower(
            producer, settings.topics.deliveries, self._apply, name="delivered"
        )

    def delivered_now(self, webhook_id: str) -> None:
        """A receiver just answered 2xx: remember it here and in the journal at once, before
        the delivery record is written (the slow part)."""
        self._journal.append(webhook_id)
        self.add(webhook_id)

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
        """Read the local journal, then the topic up to now, then follow it. Past
        ``timeout_s`` the worker starts anyway (the log is a hint: what it misses may be
        delivered twice) and keeps reading."""
        journaled = self._journal.open()
        for webhook_id in journaled:
            self.add(webhook_id)
        log.info("delivered_journal_loaded", delivered=len(journaled))
        try:
            await self._follower.start(timeout_s)
        except TimeoutError:
            log.warning("delivered_log_incomplete", delivered=len(self), waited_s=timeout_s)
            return
        log.info("delivered_log_loaded", delivered=len(self))

    async def _apply(self, record: Record) -> None:
        try:
            event = decode(DeliveryRecord, record.value)
        except DecodeError:
            return  # not ours to judge here; the record is only a hint
        if event.outcome is DeliveryOutcome.DELIVERED:
            self.add(event.webhook_id)

    async def stop(self) -> None:
        await self._follower.stop()
        self._journal.close()
