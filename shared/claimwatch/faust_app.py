"""Faust app factory with the settings the embedded broker and fast restarts need.

- ``recovery_consistency_check=False``: the embedded broker under-reports end offsets.
- ``stream_wait_empty=False``: after an agent crash faust can hang minutes in ``wait_empty``.
- short session timeouts: a group (re)join takes about half of it.
- values are raw bytes; agents decode with ``decode`` so bad records reach the dead-letter
  topic with a reason instead of crash-looping the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP

from claimwatch.kafka import FETCH_MAX_WAIT_MS
from claimwatch.settings import Settings


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


faust_aiokafka.Consumer._new_consumer_thread = _new_consumer_thread  # type: ignore[method-assign]


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
        "processing_guarantee": "at_least_once",
        "broker_commit_every": 50,
        "broker_commit_interval": 1.0,
        "table_standby_replicas": 0,
    }
    config.update(overrides)
    return faust.App(settings.group(name), **config)


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
