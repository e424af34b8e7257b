"""Helpers for faust agents: typed decode with dead-lettering, a per-record guard, and
acknowledged sends.

Agents read raw bytes and decode here, so a record that is not valid JSON or not the expected
model goes to the dead-letter topic with its reason (and is counted) instead of crash-looping
the worker — a service never dies on one bad message. A record that decodes but still makes
its handling fail (a date that overflows, an output too large to produce, state that no longer
parses) is caught by ``Emitter.guard``: dead-lettered, and the agent moves on.
"""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import faust
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError, ProducerClosed

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

    @asynccontextmanager
    async def guard(
        self,
        message: Any,
        reason: str,
        on_dead_letter: Callable[[], Awaitable[None]] | None = None,
    ) -> AsyncIterator[None]:
        """Handle one record: any exception but a broker hiccup dead-letters ``message`` (with
        ``reason`` and where it was raised), then ``on_dead_letter`` runs (e.g. the marker
        that says the article was handled) and the agent carries on with the next record.

        Why every agent wraps its per-record work in this: an exception that escapes an agent
        restarts it on the same record, which fails again — one record stops the stage for
        good. A broker error is not the record's fault and is re-raised (the record is read
        again once the broker is back; dead-lettering it would lose a good record).
        """
        try:
            yield
        except Exception as exc:
            if is_transient(exc):
                raise
            await self.dead_letter(message, reason, _describe(exc))
            if on_dead_letter is not None:
                await on_dead_letter()

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


def is_transient(exc: BaseException) -> bool:
    """A broker or connection failure, which says nothing about the record being handled."""
    if isinstance(exc, KafkaConnectionError | KafkaTimeoutError | ProducerClosed):
        return True
    return isinstance(exc, KafkaError) and bool(getattr(exc, "retriable", False))


def _describe(exc: BaseException) -> str:
    """``Type: message (at file.py:line in function)``, naming the deepest claimwatch frame
    (not a library's): enough to find the step that failed."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "claimwatch" in f.filename]
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name})"
    return f"{type(exc).__name__}: {exc}"[:2000] + where
