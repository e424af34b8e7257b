"""Faust app factory with the settings the embedded broker and fast restarts need.

- ``recovery_consistency_check=False``: the embedded broker under-reports end offsets.
- ``stream_wait_empty=False``: after an agent crash faust can hang minutes in ``wait_empty``.
- short session timeouts: a group (re)join takes about half of it.
- values are raw bytes; agents decode with ``decode`` so bad records reach the dead-letter
  topic with a reason instead of crash-looping the worker.
- patched faust internals (below; tied to faust-streaming 0.15.3): the fetch wait, no loss
  around the seeks after recovery and when a worker becomes ready, and producer idempotence
  from ``Settings.producer_idempotence``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from claimwatch.kafka import FETCH_MAX_WAIT_MS, EventProducer, request_limit, true_end_offsets
from claimwatch.logging import get_logger
from claimwatch.settings import Settings

log = get_logger(__name__)


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """faust's consumer thread with two fixes.

    - Our fetch wait (faust hard-codes 1,500 ms; the embedded broker holds every fetch for it).
    - No loss on assignment: faust fetches while it recovers tables, drops what it fetched,
      then "seeks to committed" — but aiokafka's ``seek_to_committed`` only seeks when the
      committed offset is > 0, so a partition with no commit yet kept the advanced position
      and the records fetched meanwhile were lost (reproduced: a worker SIGKILLed before its
      first commit; its replacement never saw the next record). Such partitions are sent back
      to their beginning, which is what ``auto_offset_reset=earliest`` promises.
    """

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # read by AIOKafkaConsumer.start()
        return consumer

    async def _highwaters(self, partitions: list[TP]) -> Mapping[TP, int]:
        """Ends that include the last batch's tail (``kafka.true_end_offsets``): table
        recovery reads each changelog up to these, and the embedded broker's own answer
        stopped it before the newest entries (a restarted alert worker lost its latest
        story index entries and states)."""
        ends = await super()._highwaters(partitions)
        transport: Any = self.consumer.transport
        servers = faust_aiokafka.server_list(transport.url, transport.default_port)
        corrected: Mapping[TP, int] = await true_end_offsets(servers, ends)
        return corrected

    async def seek_to_committed(self) -> Mapping[TP, int]:
        offsets: Mapping[TP, int] = await self.call_thread(self._seek_to_committed_or_beginning)
        return offsets

    async def _seek_to_committed_or_beginning(self) -> Mapping[TP, int]:
        consumer = self._ensure_consumer()
        committed: Mapping[TP, int] = await consumer.seek_to_committed()
        uncommitted = [tp for tp, offset in committed.items() if not offset]
        if uncommitted:
            await consumer.seek_to_beginning(*uncommitted)
        return committed


def _new_consumer_thread(self: Any) -> _ConsumerThread:
    return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


# No loss when a worker becomes ready. After an assignment faust resumes the stream
# partitions, *then* seeks them to their committed offsets (one round trip per partition),
# and only then resumes the flow, which empties every agent's queue. Three ways to lose
# records followed: records fetched in between were queued, then thrown away while the
# fetch position moved past them; records re-fetched after a partition's seek were dropped
# as "already read", the read offsets being reset only after all seeks; and a fetch still in
# flight during the seek returned re-read records of partitions faust had paused, which it
# filtered out while the position moved on. Reproduced: SIGKILL an alert worker while claims
# flow; its replacement skipped 2-7 articles, or stalled, in about one run in six under CPU
# load (tests/reliability/test_kill_workers.py). Fix: a seek made while the flow runs pauses
# its stream partitions, waits out the fetches in flight, seeks, and keeps them paused until
# the flow resumes (queues emptied by then); then it re-applies the seek's read offsets.
_HELD = "_claimwatch_held_for_seek"
_FETCHES = "_claimwatch_fetches_in_flight"
_FETCH_DRAIN_S = 10.0
_base_getmany = faust_aiokafka.Consumer._getmany
_base_perform_seek = faust_aiokafka.Consumer.perform_seek
_base_resume_flow = faust_aiokafka.Consumer.resume_flow
_base_on_partitions_revoked = faust_aiokafka.Consumer.on_partitions_revoked


def _state(consumer: Any, name: str) -> dict[Any, Any]:
    value: dict[Any, Any] | None = getattr(consumer, name, None)
    if value is None:
        value = {}
        setattr(consumer, name, value)
    return value


async def _getmany(self: Any, active_partitions: Any, timeout: float) -> Any:
    fetches = _state(self, _FETCHES)
    token = object()
    fetches[token] = True
    try:
        return await _base_getmany(self, active_partitions, timeout)
    finally:
        del fetches[token]


async def _fetches_done(consumer: Any) -> None:
    """Wait out the fetches in flight now: any of them may return records of any partition.

    The consumer thread reads faust's live set of active partitions when it collects
    records, and aiokafka treats an empty set as "all partitions".
    """
    fetches = _state(consumer, _FETCHES)
    pending = set(fetches)
    deadline = time.monotonic() + _FETCH_DRAIN_S
    while pending & fetches.keys():
        if time.monotonic() > deadline:
            log.warning("seek_with_fetch_in_flight", fetches=len(pending & fetches.keys()))
            return
        await asyncio.sleep(0.01)


async def _perform_seek(self: Any) -> None:
    if not self.flow_active:  # mid-rebalance: nothing is delivered; recovery seeks again
        await _base_perform_seek(self)
        return
    streams = {
        tp
        for tp in self.assignment()
        if not self._is_changelog_tp(tp) and tp not in self._paused_partitions
    }
    self.pause_partitions(streams)
    await _fetches_done(self)
    await _base_perform_seek(self)
    # no await since the base seek set the read offsets: these are exactly its choices
    _state(self, _HELD).update({tp: self._read_offset[tp] for tp in streams})


def _resume_flow(self: Any) -> None:
    held = _state(self, _HELD)
    if held:
        assigned = self.assignment()
        mine = [tp for tp in held if tp in assigned]
        for tp in mine:
            self._read_offset[tp] = held[tp]
        held.clear()
        self.resume_partitions(mine)
    _base_resume_flow(self)


async def _on_partitions_revoked(self: Any, revoked: Any) -> None:
    _state(self, _HELD).clear()  # the next assignment's recovery resumes and seeks again
    await _base_on_partitions_revoked(self, revoked)


# Producer idempotence from our settings (faust only turns it on for exactly-once, which the
# embedded broker cannot do); make_app marks the app.
_IDEMPOTENT = "_claimwatch_idempotent_producer"
_base_settings_extra = faust_aiokafka.Producer._settings_extra


def _settings_extra(self: Any) -> Mapping[str, Any]:
    extra = dict(_base_settings_extra(self))
    if getattr(self.app, _IDEMPOTENT, False):
        extra.update(acks="all", enable_idempotence=True)
    return extra


faust_aiokafka.Producer._settings_extra = _settings_extra  # type: ignore[method-assign]
faust_aiokafka.Consumer._new_consumer_thread = _new_consumer_thread  # type: ignore[method-assign]
faust_aiokafka.Consumer._getmany = _getmany  # type: ignore[method-assign]
faust_aiokafka.Consumer.perform_seek = _perform_seek  # type: ignore[method-assign]
faust_aiokafka.Consumer.resume_flow = _resume_flow  # type: ignore[method-assign]
faust_aiokafka.Consumer.on_partitions_revoked = _on_partitions_revoked  # type: ignore[method-assign]


def make_app(name: str, settings: Settings, **overrides: Any) -> faust.App:
    datadir = settings.data_dir / "faust" / name
    datadir.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "broker": [f"kafka://{b.strip()}" for b in settings.bootstrap.split(",")],
        "topic_partitions": settings.partitions,
        "topic_allow_declare": False,
        "topic_disable_leader": True,
        "recovery_consistency_check": False,
        "stream_wait_empty": False,
        "broker_session_timeout": settings.session_timeout_s,
        "broker_heartbeat_interval": max(settings.session_timeout_s / 6, 0.3),
        "broker_rebalance_timeout": settings.session_timeout_s * 2,
        "broker_request_timeout": max(settings.session_timeout_s * 4, 30),
        "consumer_auto_offset_reset": "earliest",
        "datadir": str(datadir),
        "store": "memory://",
        "web_enabled": False,
        "web_host": settings.metrics_host,
        "producer_acks": -1,
        # the record budget, as for every producer (faust's default is 1 MB: an article near
        # ingest's limit once made extract's output too large and lost it)
        "producer_max_request_size": request_limit(settings.max_record_bytes),
        "consumer_max_fetch_size": request_limit(settings.max_record_bytes),
        "processing_guarantee": "at_least_once",
        "broker_commit_every": 50,
        "broker_commit_interval": 1.0,
        "table_standby_replicas": 0,
    }
    config.update(overrides)
    app = faust.App(settings.group(name), **config)
    setattr(app, _IDEMPOTENT, settings.producer_idempotence)
    return app


def raw_topic(app: faust.App, name: str, **kwargs: Any) -> faust.TopicT:
    """A topic whose keys and values reach the agent as bytes (decoded by the agent)."""
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        **kwargs,
    )


def faust_producer(app: faust.App, service: str) -> EventProducer:
    """The event producer of a faust worker, over faust's own producer (its connection, its
    ``flush``, which table changelog writes also go through)."""

    async def send(
        topic: str,
        value: bytes | None,
        key: bytes | None,
        partition: int | None,
        headers: list[tuple[str, bytes]],
    ) -> Any:
        producer = await app.maybe_start_producer()  # what faust's own Topic.send does
        return await producer.send(topic, key, value, partition, None, headers)

    async def flush() -> None:
        await (await app.maybe_start_producer()).flush()

    return EventProducer.over(send, flush, service)
