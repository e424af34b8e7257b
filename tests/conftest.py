"""Shared fixtures: one real embedded broker (Tansu) per test session.

Every test isolates itself with a uuid topic prefix on that broker, so tests never see each
other's records and no Kafka client is ever mocked.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.settings import Settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_file=log) as running:
        yield running


@pytest.fixture
def settings_factory(broker: EmbeddedBroker, tmp_path: Path) -> Callable[..., Settings]:
    """Settings on the session broker with a fresh topic prefix (topics already created)."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "bootstrap": broker.bootstrap,
            "topic_prefix": f"t{uuid.uuid4().hex[:10]}",
            "session_timeout_s": 3.0,
            "data_dir": tmp_path / "data",
        }
        values.update(overrides)
        settings = Settings(**values)  # type: ignore[arg-type]
        asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
        return settings

    return make


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment that makes a `claimwatch ...` subprocess use these settings."""
    env = dict(os.environ)
    env.update(
        {
            "CLAIMWATCH_BOOTSTRAP": settings.bootstrap,
            "CLAIMWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "CLAIMWATCH_SESSION_TIMEOUT_S": str(settings.session_timeout_s),
            "CLAIMWATCH_DATA_DIR": str(settings.data_dir),
            "CLAIMWATCH_PARTITIONS": str(settings.partitions),
        }
    )
    return env
