"""Kafka plumbing shared by every service: topic creation, CloudEvents headers, typed
encode/decode, and the one event producer (the dead-letter path is ``deadletter.py``).

Why binary-mode CloudEvents: consumers and tools can route and filter on headers without
parsing bodies, and the body stays the plain JSON of the pydantic model.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from pydantic import ValidationError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_fixed

from claimwatch.models import Event
from claimwatch.topics import REQUEST_OVERHEAD_BYTES, Topics, TopicSpec

E = TypeVar("E", bound=Event)

CE_SPECVERSION = "1.0"
CE_SOURCE_PREFIX = "/claimwatch/"

# Longest time a consumer's fetch waits for data. Kafka answers a fetch as soon as data arrives,
# but the embedded broker (Tansu) holds every fetch for the whole wait: with faust's hard-coded
# 1,500 ms each hop between stages cost 0.75 s on average (docs/benchmarks.md). 100 ms bounds
# that, at the price of ~10 empty fetches per second per idle consumer.
FETCH_MAX_WAIT_MS = 100


# One size budget from ingest to every producer (docs/reliability.md, "Sizes"): a record
# value is at most ``Settings.max_record_bytes``; every producer's ``max_request_size``
# (aiokafka and faust) and every topic's ``max.message.bytes`` is that plus the request
# overhead, so a record within the budget is never refused on the way.
DEFAULT_MAX_RECORD_BYTES = Topics.max_record_bytes


def request_limit(max_record_bytes: int) -> int:
    """Largest produce request / stored message for records of at most ``max_record_bytes``."""
    return max_record_bytes + REQUEST_OVERHEAD_BYTES


async def true_end_offsets(
    bootstrap: str | list[str], ends: Mapping[TopicPartition, int], timeout_s: float = 10.0
) -> dict[TopicPartition, int]:
    """``ends`` (ListOffsets answers) corrected by a fetch's high watermark.

    The embedded broker answers ListOffsets with the end of the *first* record of a
    partition's last batch: 30 records pipelined at offsets 60..89 are reported as ending at
    61, until the next write. A fetch from just before that end returns the last batch and
    the real high watermark. Whoever must read a topic to its end — faust recovering a table
    from its changelog — asks here. On Apache Kafka the answer is the same as ``ends``.
    """
    result = dict(ends)
    tps = [tp for tp, end in ends.items() if end > 0]
    if not tps:
        return result
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, ends[tp] - 1)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        waiting = set(tps)
        while waiting and loop.time() < deadline:
            await consumer.getmany(*waiting, timeout_ms=200, max_records=1)
            for tp in list(waiting):
                high = consumer.highwater(tp)
                if high is not None:
                    result[tp] = max(ends[tp], high)
                    waiting.discard(tp)
    finally:
        await consumer.stop()
    return result


class DecodeError(Exception):
    """A record that cannot become its model; ``reason`` is short and machine-readable."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def ce_type(event: Event) -> str:
    version = getattr(event, "schema_version", 1)
    return f"io.claimwatch.{type(event).__name__.lower()}.v{version}"


def ce_headers(event: Event, service: str) -> list[tuple[str, bytes]]:
    """Binary-mode CloudEvents attributes for a Kafka record; ``ce_id`` is the event's id."""
    now = datetime.now(UTC).isoformat()
    return [
        ("ce_specversion", CE_SPECVERSION.encode()),
        ("ce_id", event.event_id().encode()),
        ("ce_source", (CE_SOURCE_PREFIX + service).encode()),
        ("ce_type", ce_type(event).encode()),
        ("ce_time", now.encode()),
        ("content-type", b"application/json"),
    ]


def headers_dict(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode("utf-8", "replace") for k, v in (headers or [])}


def encode(event: Event) -> bytes:
    return event.model_dump_json().encode("utf-8")


def decode(model: type[E], value: bytes | None, max_bytes: int | None = None) -> E:
    """Parse a record value into ``model`` or raise ``DecodeError`` saying why.

    ``max_bytes`` refuses a larger value before parsing it (reason ``oversized``). A record
    whose ``schema_version`` is newer than the model's is ``unsupported_schema_version``, not a
    generic ``schema_mismatch``: it was written by a newer producer, and the fix is an upgrade.
    """
    if value is None:
        raise DecodeError("tombstone", "record has no value")
    if max_bytes is not None and len(value) > max_bytes:
        raise DecodeError("oversized", f"value is {len(value)} bytes; the limit is {max_bytes}")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "not_utf8", f"value is not UTF-8 text ({exc.reason} at {exc.start})"
        ) from exc
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":
            kind = "invalid_json"
        else:
            kind = _newer_schema(model, text) or "schema_mismatch"
        where = ".".join(str(p) for p in first.get("loc", ())) or "(root)"
        raise DecodeError(
            kind, f"{model.__name__}: {where}: {first.get('msg')} ({exc.error_count()} errors)"
        ) from exc


def _newer_schema(model: type[E], text: str) -> str | None:
    """``unsupported_schema_version`` when the record names a version above the model's."""
    field = model.model_fields.get("schema_version")
    if field is None or not isinstance(field.default, int):
        return None
    try:
        version = json.loads(text).get("schema_version")
    except (ValueError, AttributeError):
        return None
    if isinstance(version, int) and not isinstance(version, bool) and version > field.default:
        return "unsupported_schema_version"
    return None


RawSend = Callable[
    [str, bytes | None, bytes | None, int | None, list[tuple[str, bytes]]],
    Awaitable["asyncio.Future[Any]"],
]
"""(topic, value, key, partition, headers) -> the broker's acknowledgement to await."""


class EventProducer:
    """The one way claimwatch writes events: JSON body, CloudEvents headers whose ``ce_id``
    is the event's own id (``Event.event_id``), and the broker's acknowledgement to await.

    Over its own aiokafka producer (``EventProducer(bootstrap, service)``: ingest, deliver,
    tools) or over a faust worker's producer (``EventProducer.over(send, flush, service)``,
    ``streams.faust_producer``: extract, alert), so agents share faust's connection and flush.
    At-least-once (acks=all); consumers are idempotent on event ids. ``idempotent`` turns on
    Kafka's producer idempotence (``Settings.producer_idempotence``; the embedded broker
    refuses it), so a retried write is not stored twice.
    """

    def __init__(
        self,
        bootstrap: str,
        service: str,
        *,
        idempotent: bool = False,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
        **kwargs: object,
    ) -> None:
        self.service = service
        self.bootstrap = bootstrap
        self._producer: AIOKafkaProducer | None = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            enable_idempotence=idempotent,
            linger_ms=5,
            max_request_size=request_limit(max_record_bytes),
            **kwargs,
        )
        self._raw_send: RawSend = self._aiokafka_send
        self._flush: Callable[[], Awaitable[None]] = self._producer.flush

    @classmethod
    def over(
        cls, send: RawSend, flush: Callable[[], Awaitable[None]], service: str
    ) -> EventProducer:
        """Events over someone else's producer (started and stopped by its owner)."""
        producer = cls.__new__(cls)
        producer.service = service
        producer.bootstrap = ""
        producer._producer = None
        producer._raw_send = send
        producer._flush = flush
        return producer

    async def _aiokafka_send(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None,
        partition: int | None,
        headers: list[tuple[str, bytes]],
    ) -> asyncio.Future[Any]:
        assert self._producer is not None
        return await self._producer.send(  # type: ignore[no-any-return]
            topic, value=value, key=key, partition=partition, headers=headers
        )

    def _own(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("this EventProducer sends over another producer")
        return self._producer

    async def start(self) -> None:
        await self._own().start()

    async def stop(self) -> None:
        await self._own().stop()

    async def __aenter__(self) -> EventProducer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def send(
        self, topic: str, key: str | None, event: Event | None, *, partition: int | None = None
    ) -> asyncio.Future[Any]:
        """Queue a record; await the returned future for the broker's acknowledgement.

        ``event=None`` writes a tombstone (compacted topics; a closed story).
        """
        return await self._raw_send(
            topic,
            encode(event) if event is not None else None,
            key.encode("utf-8") if key is not None else None,
            partition,
            ce_headers(event, self.service) if event is not None else [],
        )

    async def send_and_wait(self, topic: str, key: str | None, event: Event | None) -> object:
        return await (await self.send(topic, key, event))

    async def flush(self) -> None:
        await self._flush()

    async def partitions_for(self, topic: str) -> set[int]:
        """The topic's partitions (from the broker's metadata; the topic must exist)."""
        return set(await self._own().partitions_for(topic))

    async def send_marker(self, topic: str, partition: int, key: bytes) -> None:
        """A record with no value to one partition: a follower's catch-up marker (follow.py)."""
        await (await self._raw_send(topic, None, key, partition, []))


async def ensure_topics(bootstrap: str, specs: Sequence[TopicSpec], timeout_s: float = 30) -> None:
    """Create every topic with its partitions and configs; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await _retry_connect(admin.start, timeout_s)
    try:
        new = [
            NewTopic(
                s.name, num_partitions=s.partitions, replication_factor=1, topic_configs=s.config
            )
            for s in specs
        ]
        try:
            result = await admin.create_topics(new)
        except TopicAlreadyExistsError:
            return
        for name, code, *_ in getattr(result, "topic_errors", []) or []:
            if code not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"could not create topic {name}: error code {code}")
    finally:
        await admin.close()


async def _retry_connect(start: Callable[[], Awaitable[object]], timeout_s: float) -> None:
    """Start a client, retrying while the broker refuses connections (it may still be booting)."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(KafkaConnectionError),
        stop=stop_after_delay(timeout_s),
        wait=wait_fixed(0.3),
        reraise=True,  # the last KafkaConnectionError, not tenacity's RetryError
    ):
        with attempt:
            await start()
