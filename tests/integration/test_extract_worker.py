"""The extract worker (a faust agent) on the real broker: good records flow, bad ones are
dead-lettered with a reason and counted, and the worker keeps going."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from claimwatch.kafka import EventProducer, decode
from claimwatch.models import Article, ClaimsExtracted, DeadLetter, EntitiesExtracted
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess

TEXT = (
    "Officials in the capital said 26 countries had formally committed troops to the force. "
    "The defence minister, Ilse Marten, said planning would continue."
)


async def _produce(settings: Settings) -> None:
    raw = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
    await raw.start()
    try:
        for partition in range(settings.partitions):  # an ingest follower's catch-up markers
            await raw.send_and_wait(
                settings.topics.articles, None, key=b"__sync__:test", partition=partition
            )
        await raw.send_and_wait(settings.topics.articles, b"{not json", key=b"bad-1")
        await raw.send_and_wait(settings.topics.articles, b'{"id": "x"}', key=b"bad-2")
    finally:
        await raw.stop()
    async with EventProducer(settings.bootstrap, "test") as producer:
        article = Article(id="good-1", source="herald", text=TEXT, original_text=TEXT)
        await producer.send_and_wait(settings.topics.articles, article.id, article)


async def _collect(settings: Settings, deadline_s: float) -> dict[str, list[object]]:
    topics = settings.topics
    consumer = AIOKafkaConsumer(
        topics.claims,
        topics.entities,
        topics.deadletter,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    got: dict[str, list[object]] = {"claims": [], "entities": [], "dead": []}
    try:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end and not (
            got["claims"] and got["entities"] and len(got["dead"]) >= 2
        ):
            for records in (await consumer.getmany(timeout_ms=300)).values():
                for r in records:
                    if r.topic == topics.claims:
                        got["claims"].append(decode(ClaimsExtracted, r.value))
                    elif r.topic == topics.entities:
                        got["entities"].append(decode(EntitiesExtracted, r.value))
                    else:
                        got["dead"].append(decode(DeadLetter, r.value))
    finally:
        await consumer.stop()
    return got


def test_extract_worker_dead_letters_bad_records_and_keeps_going(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    port = free_port()
    worker = ServiceProcess(
        "extract", ["extract"], settings.as_env(metrics_port=port), tmp_path
    ).start()
    try:
        asyncio.run(_produce(settings))
        got = asyncio.run(_collect(settings, deadline_s=120))
        assert worker.alive(), worker.log_tail()
        dead = {d.key: d for d in got["dead"]}  # type: ignore[attr-defined]
        assert dead["bad-1"].reason == "invalid_json"
        assert dead["bad-2"].reason == "schema_mismatch"
        assert dead["bad-2"].origin_topic == settings.topics.articles
        assert dead["bad-2"].origin_offset is not None
        assert dead["bad-2"].value == '{"id": "x"}'
        assert "Article" in dead["bad-2"].detail
        claims = got["claims"][0]
        assert isinstance(claims, ClaimsExtracted) and claims.article_id == "good-1"
        quantities = [c for c in claims.claims if c.type == "quantity"]
        assert quantities and quantities[0].value is not None and quantities[0].value.low == 26
        assert TEXT[quantities[0].start : quantities[0].end] == quantities[0].text
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert (
            'claimwatch_deadlettered_total{reason="invalid_json",service="extract"} 1.0' in metrics
        )
        assert 'claimwatch_records_out_total{stage="extract"} 1.0' in metrics
        assert 'reason="tombstone"' not in metrics, "a follower's marker is not a bad record"
    finally:
        worker.stop()
