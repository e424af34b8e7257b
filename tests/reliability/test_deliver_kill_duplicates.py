"""SIGKILL the delivery worker in the middle of a burst: nothing is lost, and how many
webhook-ids the subscriber sees twice is measured.

A webhook the receiver answered 2xx but that is not yet known to be delivered when the worker
dies is sent again by its replacement (same webhook-id: receivers de-duplicate on it, as
Standard Webhooks asks). How long that window is decides how common such duplicates are:
up to one broker round trip (the delivery record) before, microseconds now (a local journal
line written as soon as the 2xx is read, ``delivered.py``). Kills land at random points of a
burst of 300 alerts to a subscriber that answers at once, several per run.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reliability_support import (
    API_TOKEN,
    Receiver,
    Service,
    start_service,
    subscribe,
    wait_for,
    wait_http_ok,
)

from claimwatch.kafka import EventProducer
from claimwatch.models import Alert, AlertClaim, AlertKind, ClaimType, Severity
from claimwatch.settings import Settings
from claimwatch_deliver.signing import webhook_id

ALERTS = 300
KILL_AT = (60, 140, 220)  # webhooks answered when each SIGKILL lands


def alert(n: int) -> Alert:
    return Alert(
        id=f"al-burst-{n}",
        version=1,
        kind=AlertKind.KEY_CLAIM,
        rule="threat_of_force",
        severity=Severity.CRITICAL,
        title=f"Leader of district {n} threatens foreign troops",
        sources=["valley-times"],
        claim=AlertClaim(
            type=ClaimType.THREAT,
            actor=f"Leader {n}",
            text=f"Leader {n} said foreign troops would be legitimate targets.",
            sources=["valley-times"],
        ),
        story=f"st-burst-{n}",
        independent_sources=1,
        explanation="A head of government threatened foreign forces.",
        ingested_at=datetime.now(UTC),
    )


async def produce(settings: Settings, alerts: list[Alert]) -> None:
    async with EventProducer(settings.bootstrap, "test") as producer:
        futures = [await producer.send(settings.topics.alerts, a.id, a) for a in alerts]
        for future in futures:
            await future


@pytest.mark.slow
def test_sigkill_of_deliver_mid_burst_loses_nothing_and_duplicates_are_counted(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(
        api_token=API_TOKEN,
        webhook_allow_hosts=["127.0.0.1"],
        retry_schedule_s=[0, 0.5, 1, 2, 4, 8],
        webhook_timeout_s=5.0,
    )
    receiver = Receiver()
    rng = random.Random()
    deliver = start_service("deliver", settings, tmp_path, name="deliver-1")
    running: list[Service] = [deliver]
    try:
        wait_http_ok(f"http://127.0.0.1:{deliver.port}/readyz", deliver)
        sub = subscribe(deliver, receiver.url)
        asyncio.run(produce(settings, [alert(n) for n in range(ALERTS)]))
        expected = {webhook_id(f"al-burst-{n}", 1, sub["id"]) for n in range(ALERTS)}
        for k, at in enumerate(KILL_AT, start=2):
            threshold = at + rng.randint(0, 20)
            reached = lambda n=threshold: len(receiver.delivered) >= n  # noqa: E731
            wait_for(f"{threshold} webhooks", reached, 120)
            deliver.proc.kill()
            deliver = start_service("deliver", settings, tmp_path, name=f"deliver-{k}")
            running.append(deliver)
            wait_http_ok(f"http://127.0.0.1:{deliver.port}/readyz", deliver)
        wait_for(
            "every webhook delivered",
            lambda: expected <= set(receiver.webhook_ids()),
            180,
            deliver,
        )
        time.sleep(2)  # late redeliveries show up too
        duplicates = receiver.duplicates()
        figures = {
            "alerts": ALERTS,
            "kills": len(KILL_AT),
            "webhooks_received": len(receiver.webhook_ids()),
            "distinct": len(set(receiver.webhook_ids())),
            "duplicate_webhook_ids": len(duplicates),
        }
        print("deliver-kill-figures", json.dumps(figures))
        assert set(receiver.webhook_ids()) == expected  # nothing lost, nothing foreign
    finally:
        for service in running:
            service.proc.stop()
        receiver.stop()
