"""Clients started before the broker is up retry the connection (tenacity) until it answers,
and give up with the broker's own error at the deadline: the compose `topics` job and every
service start next to a booting Kafka."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from claimwatch.broker import EmbeddedBroker, free_port
from claimwatch.kafka import ensure_topics
from claimwatch.topics import TopicSpec


def test_topics_are_created_on_a_broker_that_starts_late(tmp_path: Path) -> None:
    port = free_port()
    late = EmbeddedBroker(port=port, log_file=tmp_path / "tansu.log")
    starter = threading.Timer(1.5, late.start)
    name = f"late-{uuid.uuid4().hex[:8]}"
    began = time.monotonic()
    starter.start()
    try:
        asyncio.run(ensure_topics(f"127.0.0.1:{port}", [TopicSpec(name, 2, {})], timeout_s=30))
        waited = time.monotonic() - began

        async def listed() -> set[str]:
            admin = AIOKafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}")
            await admin.start()
            try:
                return set(await admin.list_topics())
            finally:
                await admin.close()

        assert name in asyncio.run(listed())
        assert waited >= 1.0  # it really waited for the broker, it did not find one at once
    finally:
        starter.join()
        late.stop()


def test_no_broker_fails_with_the_connection_error_at_the_deadline() -> None:
    began = time.monotonic()
    with pytest.raises(KafkaConnectionError):
        asyncio.run(ensure_topics(f"127.0.0.1:{free_port()}", [], timeout_s=1.0))
    assert time.monotonic() - began < 15
