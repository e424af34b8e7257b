"""Clients started before the broker is up retry the connection (tenacity) until it answers,
and give up with the broker's own error at the deadline: the compose `topics` job and every
service start next to a booting Kafka."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.ports import free_port
from claimwatch.topics import TopicSpec


def port_outside_the_ephemeral_range() -> int:
    """A free port no connection can take as its source port while the broker is not up yet
    (a client retrying a closed port in the ephemeral range can end up connected to itself)."""
    low, _ = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for port in random.sample(range(10_000, low), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below the ephemeral range")


def test_topics_are_created_on_a_broker_that_starts_late(tmp_path: Path) -> None:
    """The client starts first (in a thread); the broker 1.5 s later, from the main thread
    (the broker dies with the thread that started it: claimwatch.lifecycle's PDEATHSIG)."""
    port = port_outside_the_ephemeral_range()
    name = f"late-{uuid.uuid4().hex[:8]}"
    outcome: list[BaseException | None] = []

    def create() -> None:
        try:
            asyncio.run(ensure_topics(f"127.0.0.1:{port}", [TopicSpec(name, 2, {})], timeout_s=30))
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    client = threading.Thread(target=create, daemon=True)
    began = time.monotonic()
    client.start()
    time.sleep(1.5)
    assert client.is_alive(), f"ensure_topics did not wait for the broker: {outcome!r}"
    with EmbeddedBroker(port=port, log_file=tmp_path / "tansu.log") as late:
        client.join(40)
        waited = time.monotonic() - began
        assert outcome == [None], outcome

        async def listed() -> set[str]:
            admin = AIOKafkaAdminClient(bootstrap_servers=late.bootstrap)
            await admin.start()
            try:
                return set(await admin.list_topics())
            finally:
                await admin.close()

        assert name in asyncio.run(listed())
    assert waited >= 1.5  # it really waited for the broker, it did not find one at once


def test_no_broker_fails_with_the_connection_error_at_the_deadline() -> None:
    began = time.monotonic()
    with pytest.raises(KafkaConnectionError):
        asyncio.run(ensure_topics(f"127.0.0.1:{free_port()}", [], timeout_s=1.0))
    assert time.monotonic() - began < 15
