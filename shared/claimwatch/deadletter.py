"""The dead-letter path: the one way a record leaves processing for the dead-letter topic.

A record a stage cannot process (undecodable, or its processing raised) is written to the
dead-letter topic with a short reason, its origin (topic, partition, offset) and at most the
first 64 KiB of its value, and is *counted once*: ``dead_letter_failed`` adds one to
``claimwatch_records_failed_total{stage, reason}`` and one to
``claimwatch_deadlettered_total{service, reason}``; callers never count it themselves. Work
given up that is not a bad record (a delivery out of attempts) goes through
``dead_letter_abandoned``: a dead letter, counted in ``claimwatch_deadlettered_total`` only.
A record that decodes but still makes its handling fail (a date that overflows, an output too
large to produce, state that no longer parses) is caught by ``guard``: dead-lettered, and the
agent moves on.
"""

from __future__ import annotations

import base64
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError, ProducerClosed
from prometheus_client import Counter

from claimwatch.follow import is_marker
from claimwatch.kafka import DecodeError, EventProducer, decode
from claimwatch.logging import get_logger
from claimwatch.metrics import RECORDS_FAILED
from claimwatch.models import DeadLetter, Event
from claimwatch.settings import Settings

E = TypeVar("E", bound=Event)

log = get_logger(__name__)

DEADLETTERED = Counter(
    "claimwatch_deadlettered_total",
    "Records sent to the dead-letter topic. Rising: a producer writes records this service "
    "cannot read; inspect the dead-letter topic's `reason`/`detail`.",
    ["service", "reason"],
)


# A dead letter keeps at most this much of the bad value: enough to diagnose it, small enough
# that the dead letter itself always fits a producer request (an oversized record must not
# become an oversized dead letter that cannot be written).
DEAD_LETTER_VALUE_MAX = 64 * 1024


def raw_value_text(value: bytes | None, limit: int | None = None) -> str:
    """The value as text (base64 when not UTF-8), cut to ``limit`` bytes when given."""
    if value is None:
        return ""
    cut = limit is not None and len(value) > limit
    if cut:
        value = value[:limit]
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        if cut and exc.start >= len(value) - 3:  # only the character cut in half is invalid
            return value[: exc.start].decode("utf-8")
        return "base64:" + base64.b64encode(value).decode("ascii")


def dead_letter_record(
    *,
    service: str,
    origin_topic: str,
    key: bytes | str | None,
    value: bytes | None,
    reason: str,
    detail: str,
    partition: int | None = None,
    offset: int | None = None,
) -> DeadLetter:
    key_text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    return DeadLetter(
        origin_topic=origin_topic,
        origin_partition=partition,
        origin_offset=offset,
        service=service,
        reason=reason,
        detail=detail
        + (
            f" (value cut to its first {DEAD_LETTER_VALUE_MAX} of {len(value)} bytes)"
            if value is not None and len(value) > DEAD_LETTER_VALUE_MAX
            else ""
        ),
        key=key_text,
        value=raw_value_text(value, DEAD_LETTER_VALUE_MAX),
    )


def dead_letter_for(service: str, record: Any, reason: str, detail: str) -> DeadLetter:
    """The DeadLetter for a consumed record (an aiokafka ``ConsumerRecord`` or a faust
    ``Message``: both carry topic, partition, offset, key and value)."""
    return dead_letter_record(
        service=service,
        origin_topic=record.topic,
        key=record.key,
        value=record.value,
        reason=reason,
        detail=detail,
        partition=record.partition,
        offset=record.offset,
    )


async def dead_letter_failed(
    producer: EventProducer, topic: str, record: Any, reason: str, detail: str
) -> None:
    """A consumed record this service cannot process: dead-lettered and counted once."""
    RECORDS_FAILED.labels(producer.service, reason).inc()
    await _send(producer, topic, dead_letter_for(producer.service, record, reason, detail))


async def dead_letter_abandoned(producer: EventProducer, topic: str, dead: DeadLetter) -> None:
    """Work given up that is not a bad record (a delivery out of attempts)."""
    await _send(producer, topic, dead)


async def _send(producer: EventProducer, topic: str, dead: DeadLetter) -> None:
    DEADLETTERED.labels(dead.service, dead.reason).inc()
    log.warning(
        "dead_lettered",
        topic=dead.origin_topic,
        partition=dead.origin_partition,
        offset=dead.origin_offset,
        reason=dead.reason,
        detail=dead.detail,
    )
    await producer.send_and_wait(topic, dead.key, dead)


async def decode_or_dead_letter(
    producer: EventProducer, settings: Settings, model: type[E], record: Any
) -> E | None:
    """The decoded model, or ``None``: a follower's marker (not data, skipped) or a record
    that went to the dead-letter topic with its decode reason.

    ``record`` is an aiokafka ``ConsumerRecord`` or a faust ``Message``.
    """
    if is_marker(record.key, record.value):
        return None
    try:
        return decode(model, record.value, settings.max_record_bytes)
    except DecodeError as exc:
        await dead_letter_failed(
            producer, settings.topics.deadletter, record, exc.reason, exc.detail
        )
        return None


@asynccontextmanager
async def guard(
    producer: EventProducer,
    topic: str,
    message: Any,
    reason: str,
    on_dead_letter: Callable[[], Awaitable[None]] | None = None,
) -> AsyncIterator[None]:
    """Handle one record: any exception but a broker hiccup dead-letters ``message`` (with
    ``reason`` and where it was raised, counted once), then ``on_dead_letter`` runs (e.g. the
    marker that says the article was handled) and the agent carries on with the next record.

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
        await dead_letter_failed(producer, topic, message, reason, _describe(exc))
        if on_dead_letter is not None:
            await on_dead_letter()


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
