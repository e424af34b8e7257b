"""Bad input on every topic a service consumes: not JSON, JSON of the wrong shape, a future
``schema_version`` and an oversized value each go to the dead-letter topic with reason and
origin (topic, partition, offset), are counted in ``claimwatch_deadlettered_total``, and the
service keeps going (a good record written after them is processed).

One test per service process: extract (articles), alert (claims), deliver (alerts, and the
subscriptions topic its store reads). ``max_record_bytes`` is set to 1 MB so a 3 MB record
is oversized.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from reliability_support import (
    Receiver,
    Service,
    Watcher,
    start_service,
    wait_for,
    wait_http_ok,
)

from claimwatch.deadletter import DEAD_LETTER_VALUE_MAX
from claimwatch.kafka import EventProducer
from claimwatch.models import (
    Alert,
    AlertKind,
    AlertSide,
    Article,
    ClaimsExtracted,
    Event,
    Interval,
    Severity,
    Subscription,
)
from claimwatch.settings import Settings
from claimwatch_deliver.signing import new_secret

MAX_RECORD_BYTES = 1_000_000
REASONS = ["invalid_json", "schema_mismatch", "unsupported_schema_version", "oversized"]


def bad_values(good: Event) -> dict[str, bytes]:
    """The four bad records for a topic whose good record is ``good``, by expected reason."""
    future = json.loads(good.model_dump_json())
    future["schema_version"] = 2
    return {
        "invalid_json": b"{not json",
        "schema_mismatch": b'{"unexpected": [1, 2, 3]}',
        "unsupported_schema_version": json.dumps(future).encode(),
        "oversized": b'{"pad": "' + b"x" * 3_000_000 + b'"}',
    }


async def produce_bad_then_good(settings: Settings, topic: str, good: Event, key: str) -> None:
    raw = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, max_request_size=8 * 1024**2)
    await raw.start()
    try:
        for reason, value in bad_values(good).items():
            await raw.send_and_wait(topic, value, key=f"bad-{reason}".encode())
    finally:
        await raw.stop()
    async with EventProducer(settings.bootstrap, "test") as producer:
        await producer.send_and_wait(topic, key, good)


def deadletter_count(service: Service, name: str, reason: str) -> float:
    prefix = f'claimwatch_deadlettered_total{{reason="{reason}",service="{name}"}}'
    for line in service.metrics().splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return 0.0


def check_dead_letters(watcher: Watcher, topic: str, service: Service, name: str) -> None:
    dead = {d.key: d for d in list(watcher.dead) if d.origin_topic == topic}
    for reason in REASONS:
        letter = dead[f"bad-{reason}"]
        assert letter.reason == reason, letter
        assert letter.service == name
        assert letter.origin_partition is not None and letter.origin_offset is not None
        assert letter.detail
    oversized = dead["bad-oversized"]
    assert len(oversized.value) <= DEAD_LETTER_VALUE_MAX and "cut" in oversized.detail
    for reason in REASONS:
        assert deadletter_count(service, name, reason) >= 1, reason


def article() -> Article:
    text = "The Marrow council approved a budget of 4 million euros on Monday, officials said."
    return Article(id="good-article", source="valley-times", text=text, original_text=text)


def claims() -> ClaimsExtracted:
    return ClaimsExtracted(
        article_id="good-claims", source="valley-times", ingested_at=datetime.now(UTC)
    )


def an_alert() -> Alert:
    return Alert(
        id="al-good",
        version=1,
        kind=AlertKind.CONTRADICTION,
        rule="measurement_disjoint",
        severity=Severity.HIGH,
        title="Agencies disagree on the magnitude of the coastal earthquake",
        sources=["seismo-north", "pacific-wire"],
        sides=[
            AlertSide(
                value=Interval(low=7.4, high=7.4, unit="magnitude"),
                text="The quake measured 7.4, the national survey said.",
                sources=["seismo-north"],
            ),
            AlertSide(
                value=Interval(low=6.8, high=6.8, unit="magnitude"),
                text="A magnitude 6.8 tremor struck before dawn.",
                sources=["pacific-wire"],
            ),
        ],
        story="st-quake",
        independent_sources=2,
        explanation="7.4 and 6.8 cannot both be the magnitude of one quake.",
        ingested_at=datetime.now(UTC),
    )


@pytest.mark.parametrize("stage", ["extract", "alert"])
def test_faust_stage_dead_letters_bad_records_and_keeps_going(
    settings_factory: Callable[..., Settings], tmp_path: Path, stage: str
) -> None:
    settings = settings_factory(max_record_bytes=MAX_RECORD_BYTES)
    topic, good, done = {
        "extract": (settings.topics.articles, article(), lambda w: "good-article" in w.claims),
        "alert": (settings.topics.claims, claims(), lambda w: "good-claims" in w.markers),
    }[stage]
    watcher = Watcher(settings)
    service = start_service(stage, settings, tmp_path)
    try:
        key = good.id if isinstance(good, Article) else good.article_id  # type: ignore[attr-defined]
        asyncio.run(produce_bad_then_good(settings, topic, good, key))
        wait_for(f"{stage} to process the good record", lambda: done(watcher), 120, service)
        wait_for(
            "four dead letters",
            lambda: len([d for d in list(watcher.dead) if d.origin_topic == topic]) >= 4,
            60,
            service,
        )
        check_dead_letters(watcher, topic, service, stage)
        assert service.proc.alive()
    finally:
        watcher.stop()
        service.proc.stop()


def test_deliver_dead_letters_bad_alerts_and_subscriptions_and_keeps_going(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(
        max_record_bytes=MAX_RECORD_BYTES, webhook_allow_hosts=["127.0.0.1"]
    )
    receiver = Receiver()
    watcher = Watcher(settings)
    deliver = start_service("deliver", settings, tmp_path)
    try:
        wait_http_ok(f"http://127.0.0.1:{deliver.port}/readyz", deliver)
        sub = Subscription(id="sub-good", url=receiver.url, secret=new_secret())
        asyncio.run(produce_bad_then_good(settings, settings.topics.subscriptions, sub, sub.id))
        subs_topic = settings.topics.subscriptions
        wait_for(
            "four subscription dead letters",
            lambda: len([d for d in list(watcher.dead) if d.origin_topic == subs_topic]) >= 4,
            60,
            deliver,
        )
        # Written straight to the topic, not through the API (which answers only once its
        # own store holds the subscription): wait until deliver has read it too, or the
        # alert can be routed before the subscription is known.
        token = {"Authorization": f"Bearer {settings.api_token.get_secret_value()}"}
        sub_url = f"http://127.0.0.1:{deliver.port}/subscriptions/{sub.id}"
        wait_for(
            "deliver knows the good subscription",
            lambda: httpx.get(sub_url, headers=token, timeout=2).status_code == 200,
            60,
            deliver,
        )
        good = an_alert()
        asyncio.run(produce_bad_then_good(settings, settings.topics.alerts, good, good.id))
        # The alert after the bad ones reaches the subscription written after the bad ones.
        wait_for("the good alert delivered", lambda: len(receiver.delivered) >= 1, 60, deliver)
        assert good.id in json.dumps(receiver.bodies[0])
        wait_for(
            "four alert dead letters",
            lambda: (
                len([d for d in list(watcher.dead) if d.origin_topic == settings.topics.alerts])
                >= 4
            ),
            60,
            deliver,
        )
        check_dead_letters(watcher, subs_topic, deliver, "deliver")
        check_dead_letters(watcher, settings.topics.alerts, deliver, "deliver")
        for reason in REASONS:  # one per topic
            assert deadletter_count(deliver, "deliver", reason) >= 2, reason
    finally:
        watcher.stop()
        receiver.stop()
        deliver.proc.stop()
