"""Subscriptions as a table: an in-memory map kept in step with the compacted topic.

The compacted topic is the source of truth; every process (API, worker) reads it from the
beginning at start-up and then tails it, so a restarted worker knows every subscription and
a subscription created through one API replica reaches every worker.

"Caught up" is decided by a marker read back, not by end offsets (``claimwatch.follow``):
markers are tombstones of never-used keys, so compaction removes them.
"""

from __future__ import annotations

from prometheus_client import Gauge

from claimwatch.deadletter import dead_letter_failed
from claimwatch.follow import Record, TopicFollower
from claimwatch.kafka import DecodeError, EventProducer, decode
from claimwatch.logging import get_logger
from claimwatch.models import Subscription
from claimwatch.settings import Settings

log = get_logger(__name__)

SUBSCRIPTIONS = Gauge(
    "claimwatch_webhook_subscriptions",
    "Known webhook subscriptions by state. Disabled rising: receivers answered 410 Gone.",
    ["state"],
)
for _state in ("active", "disabled"):
    SUBSCRIPTIONS.labels(_state)


class SubscriptionStore:
    def __init__(self, settings: Settings, producer: EventProducer) -> None:
        self.settings = settings
        self.topic = settings.topics.subscriptions
        self._producer = producer
        self._subs: dict[str, Subscription] = {}
        self._follower = TopicFollower(producer, self.topic, self._apply, name="subscriptions")

    # ------------------------------------------------------------------ lifecycle

    async def start(self, timeout_s: float = 30.0) -> None:
        """Read the whole topic, then keep tailing it in the background."""
        await self._follower.start(timeout_s)
        log.info("subscriptions_loaded", count=len(self._subs))

    async def stop(self) -> None:
        await self._follower.stop()

    @property
    def loaded(self) -> bool:
        return self._follower.loaded.is_set()

    async def _apply(self, record: Record) -> None:
        """Apply one record; one no subscription can be read from is dead-lettered."""
        key = record.key.decode("utf-8", "replace") if record.key else ""
        if record.value is None:
            self._subs.pop(key, None)
        else:
            try:
                sub = decode(Subscription, record.value, self.settings.max_record_bytes)
            except DecodeError as exc:
                await self._dead_letter(record, exc)
                return
            self._subs[sub.id] = sub
        self._update_gauge()

    async def _dead_letter(self, record: Record, exc: DecodeError) -> None:
        """Report an unreadable subscription record and keep reading.

        Every reader of the compacted topic reads it from the beginning at start-up, so each
        start reports a bad record again; the origin offset identifies repeats.
        """
        log.warning("subscription_unreadable", offset=record.offset, reason=exc.reason)
        deadletter = self.settings.topics.deadletter
        await dead_letter_failed(self._producer, deadletter, record, exc.reason, exc.detail)

    def _update_gauge(self) -> None:
        disabled = sum(1 for s in self._subs.values() if s.disabled)
        SUBSCRIPTIONS.labels("disabled").set(disabled)
        SUBSCRIPTIONS.labels("active").set(len(self._subs) - disabled)

    # ------------------------------------------------------------------ reads

    def get(self, sub_id: str) -> Subscription | None:
        return self._subs.get(sub_id)

    def all(self) -> list[Subscription]:
        return sorted(self._subs.values(), key=lambda s: (s.created_at, s.id))

    def active(self) -> list[Subscription]:
        return [s for s in self.all() if not s.disabled]

    # ------------------------------------------------------------------ writes

    async def put(self, sub: Subscription) -> None:
        """Write to the topic (acknowledged), then apply locally for read-your-writes."""
        await self._producer.send_and_wait(self.topic, sub.id, sub)
        self._subs[sub.id] = sub
        self._update_gauge()

    async def delete(self, sub_id: str) -> bool:
        if sub_id not in self._subs:
            return False
        await self._producer.send_and_wait(self.topic, sub_id, None)
        self._subs.pop(sub_id, None)
        self._update_gauge()
        return True
