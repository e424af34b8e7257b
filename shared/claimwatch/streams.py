"""Helpers for faust agents: typed decode with dead-lettering, and acknowledged sends.

Agents read raw bytes and decode here, so a record that is not valid JSON or not the expected
model goes to the dead-letter topic with its reason (and is counted) instead of crash-looping
the worker — a service never dies on one bad message.
"""

from __future__ import annotations

from typing import Any, TypeVar

import faust

from claimwatch.faust_app import raw_topic
from claimwatch.follow import is_marker
from claimwatch.kafka import (
    DEADLETTERED,
    DecodeError,
    ce_headers,
    dead_letter_for,
    decode,
    encode,
)
from claimwatch.logging import get_logger
from claimwatch.metrics import RECORDS_FAILED
from claimwatch.models import Event
from claimwatch.settings import Settings

E = TypeVar("E", bound=Event)
log = get_logger(__name__)


class Emitter:
    """Sends claimwatch events from inside a faust worker, each with CloudEvents headers."""

    def __init__(self, app: faust.App, settings: Settings, service: str) -> None:
        self.app = app
        self.settings = settings
        self.service = service
        self._topics: dict[str, faust.TopicT] = {}

    def topic(self, name: str) -> faust.TopicT:
        if name not in self._topics:
            self._topics[name] = raw_topic(self.app, name)
        return self._topics[name]

    async def send(self, topic: str, key: str | None, event: Event | None) -> Any:
        """Send now (not attached to the current event) and return the ack future."""
        return await self.topic(topic).send(
            key=key.encode("utf-8") if key is not None else None,
            value=encode(event) if event is not None else None,
            headers=ce_headers(event, self.service) if event is not None else None,
            force=True,
        )

    async def send_and_wait(self, topic: str, key: str | None, event: Event | None) -> Any:
        return await (await self.send(topic, key, event))

    async def decode_or_deadletter(self, model: type[E], event: faust.EventT[Any]) -> E | None:
        """The decoded model, or ``None`` after the record went to the dead-letter topic (or
        for a follower's catch-up marker, which is not data)."""
        message = event.message
        if is_marker(message.key, message.value):
            return None
        try:
            return decode(model, message.value, self.settings.max_record_bytes)
        except DecodeError as exc:
            await self.dead_letter(message, exc.reason, exc.detail)
            return None

    async def dead_letter(self, message: Any, reason: str, detail: str) -> None:
        record = dead_letter_for(self.service, message, reason, detail)
        DEADLETTERED.labels(self.service, reason).inc()
        RECORDS_FAILED.labels(self.service, reason).inc()
        log.warning(
            "dead_lettered",
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            reason=reason,
            detail=detail,
        )
        await self.send_and_wait(self.settings.topics.deadletter, record.key, record)
