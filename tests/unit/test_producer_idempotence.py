"""``producer_idempotence`` reaches every producer claimwatch builds.

The embedded broker refuses idempotent producers, so the default is off and the deployment
files turn it on (tests/deploy); here the setting is followed into aiokafka's producer for
our own ``EventProducer`` and into the producer faust builds for the agents.
"""

from __future__ import annotations

import asyncio

import pytest

from claimwatch.faust_app import make_app
from claimwatch.kafka import EventProducer
from claimwatch.settings import Settings


@pytest.mark.parametrize("on", [True, False])
def test_event_producer_follows_the_setting(on: bool) -> None:
    async def build() -> bool:  # aiokafka wants a running loop to construct a producer
        producer = EventProducer("127.0.0.1:9", "test", idempotent=on)
        return producer._producer._txn_manager is not None  # set only when idempotent

    assert asyncio.run(build()) is on


@pytest.mark.parametrize("on", [True, False])
def test_faust_producer_follows_the_setting(on: bool, tmp_path: object) -> None:
    settings = Settings(producer_idempotence=on, data_dir=tmp_path)  # type: ignore[arg-type]
    app = make_app("idempotence-test", settings)
    extra = app.producer._settings_extra()
    assert extra.get("enable_idempotence", False) is on
    if on:
        assert extra["acks"] == "all"


def test_off_by_default_for_the_embedded_broker() -> None:
    assert Settings.model_fields["producer_idempotence"].default is False
