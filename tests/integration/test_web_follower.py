"""The web read model follows real topics: a new database is rebuilt from them, a replayed
record changes nothing, a restart resumes from the offsets stored with the rows, and a bad
record is dead-lettered while the rest go on."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from claimwatch.kafka import EventProducer, decode
from claimwatch.models import DeadLetter
from claimwatch.settings import Settings
from claimwatch_web.schema import ALERTS, ARTICLES, CLAIMS, PLACEMENTS
from claimwatch_web.service import WebService

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from web_records import STORY, article, full_story, placed

TOPIC_OF = {
    "Article": "articles",
    "ClaimsExtracted": "claims",
    "EntitiesExtracted": "entities",
    "ArticleProcessed": "processed",
    "AlertRecord": "alerts",
}


async def _produce(settings: Settings, records: list[Any]) -> None:
    async with EventProducer(settings.bootstrap, "test") as producer:
        for record in records:
            topic = getattr(settings.topics, TOPIC_OF[type(record).__name__])
            key = getattr(record, "article_id", None) or record.id
            await producer.send_and_wait(topic, key, record)


def _counts(service: WebService) -> list[int]:
    with service.engine.connect() as conn:
        return [
            int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in (ARTICLES, CLAIMS, PLACEMENTS, ALERTS)
        ]


async def _until(check: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


def test_rebuild_replay_restart_and_a_bad_record(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(web_database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}")
    asyncio.run(_scenario(settings, tmp_path))


async def _scenario(settings: Settings, tmp_path: Path) -> None:
    await _produce(settings, full_story())
    await _produce(settings, full_story())  # a replay writes every record again
    bad = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
    await bad.start()
    await bad.send_and_wait(settings.topics.claims, key=b"x1", value=b"{not json")
    await bad.stop()

    first = WebService(settings)
    await first.start()
    try:
        await _until(lambda: _counts(first) == [3, 5, 3, 1])
        await _until(lambda: first.follower.caught_up())
        assert _counts(first) == [3, 5, 3, 1]
    finally:
        await first.stop()

    # restart on the same database: resumes where it stopped, reads only what is new
    await _produce(settings, [article("a9", 9, source="late-outlet"), placed("a9")])
    second = WebService(settings)
    await second.start()
    try:
        stored = second.writer.offsets()
        assert stored and all(offset >= 0 for offset in stored.values())
        await _until(lambda: _counts(second) == [4, 5, 4, 1])
        await _until(lambda: second.follower.caught_up())
    finally:
        await second.stop()

    # a new, empty database is rebuilt from the topics
    rebuilt = WebService(
        settings.model_copy(update={"web_database_url": f"sqlite:///{tmp_path / 'b.sqlite3'}"})
    )
    await rebuilt.start()
    try:
        await _until(lambda: _counts(rebuilt) == [4, 5, 4, 1])
        with rebuilt.engine.connect() as conn:
            stories = set(conn.scalars(select(PLACEMENTS.c.story)))
        assert stories == {STORY}
    finally:
        await rebuilt.stop()

    consumer = AIOKafkaConsumer(
        settings.topics.deadletter,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    letters: list[DeadLetter] = []
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while not any(d.service == "web" for d in letters):
            assert asyncio.get_running_loop().time() < deadline, letters
            batches = await consumer.getmany(timeout_ms=500)
            letters += [decode(DeadLetter, r.value) for rs in batches.values() for r in rs]
    finally:
        await consumer.stop()
    web_letters = [d for d in letters if d.service == "web"]
    assert {(d.key, d.reason) for d in web_letters} == {("x1", "invalid_json")}
