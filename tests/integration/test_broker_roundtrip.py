"""Every event model survives a trip through the real broker with its CloudEvents headers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer

from claimwatch.kafka import DecodeError, EventProducer, decode, headers_dict
from claimwatch.models import (
    Alert,
    AlertClaim,
    AlertKind,
    AlertSide,
    Article,
    ArticleProcessed,
    Claim,
    ClaimsExtracted,
    ClaimType,
    DeadLetter,
    DeliveryOutcome,
    DeliveryRecord,
    EntitiesExtracted,
    Entity,
    Event,
    Interval,
    Mention,
    Severity,
    Subscription,
)
from claimwatch.settings import Settings

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def examples() -> list[Event]:
    claim = Claim(
        id="a1:0-40",
        type=ClaimType.QUANTITY,
        text="26 countries had formally committed troops.",
        start=0,
        end=44,
        confidence=0.9,
        value=Interval(low=26, high=26, unit="country"),
        slot="quantity:country:commit",
    )
    return [
        Article(id="a1", source="herald", text="Body.", original_text="Body.", published_at=NOW),
        EntitiesExtracted(
            article_id="a1",
            source="herald",
            entities=[
                Entity(
                    id="gpe:lusca",
                    name="Lusca",
                    type="GPE",
                    mentions=[Mention(text="Lusca", start=0, end=5)],
                )
            ],
        ),
        ClaimsExtracted(article_id="a1", source="herald", ingested_at=NOW, claims=[claim]),
        Alert(
            id="al1",
            version=2,
            kind=AlertKind.CONTRADICTION,
            rule="contradiction",
            severity=Severity.HIGH,
            title="Outlets disagree",
            sources=["herald", "wire"],
            sides=[
                AlertSide(
                    value=Interval(low=24, high=24, unit="country"),
                    text="24 nations",
                    sources=["wire"],
                ),
                AlertSide(
                    value=Interval(low=26, high=None, unit="country"), text="26", sources=["herald"]
                ),
            ],
            claim=AlertClaim(type=ClaimType.THREAT, text="x", sources=["herald"]),
            story="s1",
            independent_sources=2,
            explanation="24 vs 26",
            ingested_at=NOW,
        ),
        ArticleProcessed(article_id="a1", story="s1", alerts=["al1:2"]),
        Subscription(id="sub1", url="https://example.org/hook", secret="whsec_abc"),
        DeliveryRecord(
            alert_id="al1",
            alert_version=2,
            subscription_id="sub1",
            webhook_id="msg_1",
            attempt=1,
            outcome=DeliveryOutcome.DELIVERED,
            status_code=200,
        ),
        DeadLetter(
            origin_topic="x", service="extract", reason="invalid_json", detail="d", value="{"
        ),
    ]


async def _roundtrip(settings: Settings, events: list[Event]) -> list[tuple[dict[str, str], Event]]:
    topic = settings.topics.deadletter  # any existing topic of this test's prefix
    async with EventProducer(settings.bootstrap, "roundtrip") as producer:
        for i, event in enumerate(events):
            await producer.send_and_wait(topic, f"k{i}", event)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    got: dict[str, tuple[dict[str, str], bytes]] = {}
    try:
        async with asyncio.timeout(20):
            while len(got) < len(events):
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    for r in records:
                        got[r.key.decode()] = (headers_dict(r.headers), r.value)
    finally:
        await consumer.stop()
    out = []
    for i, event in enumerate(events):
        headers, value = got[f"k{i}"]
        out.append((headers, decode(type(event), value)))
    return out


def test_every_model_roundtrips_with_cloudevents_headers(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    events = examples()
    assert {type(e) for e in events} >= {
        Article,
        EntitiesExtracted,
        ClaimsExtracted,
        Alert,
        Subscription,
        DeliveryRecord,
        DeadLetter,
    }
    results = asyncio.run(_roundtrip(settings, events))
    for sent, (headers, received) in zip(events, results, strict=True):
        assert received == sent
        assert headers["ce_specversion"] == "1.0"
        assert headers["ce_type"] == f"io.claimwatch.{type(sent).__name__.lower()}.v1"
        assert headers["ce_source"] == "/claimwatch/roundtrip"
        assert headers["ce_id"] == sent.event_id(), "ce_id is the event's own id, not random"
        assert datetime.fromisoformat(headers["ce_time"]).tzinfo is not None


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b"\xff\xfe\x00binary", "not_utf8"),
        (b"{not json", "invalid_json"),
        (b'{"id": "a1"}', "schema_mismatch"),
        (
            b'{"schema_version": 99, "id": "a", "source": "s", "text": "t", "original_text": "t"}',
            "unsupported_schema_version",
        ),
        (None, "tombstone"),
    ],
)
def test_decode_says_why_a_record_is_bad(raw: bytes | None, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(Article, raw)
    assert info.value.reason == reason
    assert info.value.detail
