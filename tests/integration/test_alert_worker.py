"""The `claimwatch alert` worker on a real broker: alerts, versions, markers, dead letters,
and recovery of story state after the worker is killed."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer

from claimwatch.kafka import EventProducer, decode
from claimwatch.models import (
    Alert,
    ArticleProcessed,
    Attribution,
    Claim,
    ClaimsExtracted,
    ClaimType,
    Interval,
)
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_alert.topology import alert_topics
from claimwatch_app.processes import ServiceProcess

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def alert_worker(settings: Settings, log_dir: Path, name: str = "alert") -> ServiceProcess:
    port = free_port()
    worker = ServiceProcess(name, ["alert"], settings.as_env(metrics_port=port), log_dir)
    worker.metrics_port = port  # type: ignore[attr-defined]
    return worker


def scrape(worker: ServiceProcess) -> dict[str, float]:
    """The worker's /metrics samples as {"name{labels}": value}."""
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"http://127.0.0.1:{worker.metrics_port}/metrics", timeout=5).text  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            out[f"{sample.name}{{{labels}}}"] = sample.value
    return out


def quantity(value: float, slot: str = "quantity:country:commit") -> Claim:
    return Claim(
        id=f"q-{value}",
        type=ClaimType.QUANTITY,
        text=f"{value:g} countries committed troops.",
        start=0,
        end=30,
        confidence=0.9,
        value=Interval(low=value, high=value, unit="country"),
        slot=slot,
    )


def threat() -> Claim:
    return Claim(
        id="t-1",
        type=ClaimType.THREAT,
        text="Foreign troops will be legitimate targets.",
        start=0,
        end=40,
        confidence=0.9,
        attribution=Attribution.DIRECT_QUOTE,
        actor="Voronin",
        actor_class="state_official",
        target="foreign troops",
        target_class="foreign_forces",
    )


def article(
    aid: str, source: str, claims: list[Claim], minutes: int = 0, duplicate_of: str | None = None
) -> ClaimsExtracted:
    return ClaimsExtracted(
        article_id=aid,
        source=source,
        title="Voronin warns coalition over troop plans",
        published_at=T0 + timedelta(minutes=minutes),
        ingested_at=datetime.now(UTC),
        duplicate_of=duplicate_of,
        entity_ids=["person:voronin", "gpe:kestria", "org:coalition"],
        keywords=["warn", "troop", "coalition", "commit", "plan"],
        claims=claims,
    )


async def produce(settings: Settings, events: list[ClaimsExtracted]) -> None:
    async with EventProducer(settings.bootstrap, "test") as producer:
        for event in events:
            await producer.send_and_wait(settings.topics.claims, event.article_id, event)


async def produce_raw(settings: Settings, key: bytes, value: bytes) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topics.claims, value=value, key=key)
    finally:
        await producer.stop()


@dataclass
class Seen:
    alerts: list[Alert] = field(default_factory=list)
    markers: list[ArticleProcessed] = field(default_factory=list)
    dead: list[bytes] = field(default_factory=list)

    def marked(self) -> set[str]:
        return {m.article_id for m in self.markers}


async def read_until(
    settings: Settings, articles: set[str], worker: ServiceProcess, timeout_s: float = 90
) -> Seen:
    """Everything on the alerts/processed/deadletter topics until every article is marked
    and every alert version a marker lists has been read (poll with a deadline)."""
    topics = settings.topics
    consumer = AIOKafkaConsumer(
        topics.alerts,
        topics.processed,
        topics.deadletter,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    seen = Seen()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while True:
            listed = {a for m in seen.markers for a in m.alerts}
            have = {f"{a.id}:{a.version}" for a in seen.alerts}
            if articles <= seen.marked() and listed <= have:
                return seen
            if not worker.alive():
                raise AssertionError(f"alert worker exited:\n{worker.log_tail(40)}")
            if loop.time() > deadline:
                raise AssertionError(
                    f"timed out; marked {sorted(seen.marked())} of {sorted(articles)}\n"
                    f"{worker.log_tail(40)}"
                )
            for records in (await consumer.getmany(timeout_ms=300)).values():
                for record in records:
                    if record.topic == topics.alerts:
                        seen.alerts.append(decode(Alert, record.value))
                    elif record.topic == topics.processed:
                        seen.markers.append(decode(ArticleProcessed, record.value))
                    else:
                        seen.dead.append(record.value)
    finally:
        await consumer.stop()


def _versions(alerts: list) -> Counter[str]:
    return Counter(f"{a.id}:{a.version}" for a in alerts)


def test_worker_fires_groups_and_marks_every_article(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    worker = alert_worker(settings, tmp_path).start()
    try:
        events = [
            article("a1", "wire", [quantity(24), threat()]),
            article("a2", "daily", [quantity(24), threat()], 1, duplicate_of="a1"),
            article("a3", "herald", [quantity(26)], 2),
            article("a4", "courier", [quantity(26), threat()], 3),
            article("a5", "courier", [], 4),
        ]
        asyncio.run(produce(settings, events))
        asyncio.run(produce_raw(settings, b"bad", b"{not json"))
        seen = asyncio.run(read_until(settings, {e.article_id for e in events}, worker))
        assert len(seen.markers) == 5 and seen.dead, "every article marked, the bad one parked"
        dead = json.loads(seen.dead[0])
        assert dead["reason"] == "invalid_json" and dead["key"] == "bad"
        by_kind: dict[str, list] = {}
        for alert in seen.alerts:
            by_kind.setdefault(alert.kind.value, []).append(alert)
        # key claim: v1 on the first outlet, v2 when an independent outlet corroborates;
        # the syndicated copy adds no version.
        assert [(a.version, a.independent_sources) for a in by_kind["key_claim"]] == [
            (1, 1),
            (2, 2),
        ]
        contradiction = by_kind["contradiction"]
        assert [a.version for a in contradiction] == [1, 2]
        last = contradiction[-1]
        assert [s.sources for s in last.sides] == [["daily", "wire"], ["courier", "herald"]]
        assert len({a.story for a in seen.alerts}) == 1
        marker = {m.article_id: m for m in seen.markers}
        # articles arrive on several partitions, so which one caused which version varies;
        # together the markers list exactly the versions produced.
        listed = sorted(v for m in seen.markers for v in m.alerts)
        assert listed == sorted(_versions(seen.alerts))
        assert marker["a5"].alerts == []
        assert max(_versions(seen.alerts).values()) == 1
        metrics = scrape(worker)
        assert metrics["claimwatch_alerts_fired_total{kind=contradiction,rule=contradiction}"] == 2
        rule = "threat-of-force-foreign-military"
        assert metrics[f"claimwatch_alerts_fired_total{{kind=key_claim,rule={rule}}}"] == 2
        assert metrics["claimwatch_end_to_end_seconds_count{kind=contradiction}"] == 2
        assert metrics["claimwatch_alert_sources_count{kind=key_claim}"] == 2
        assert metrics["claimwatch_stories_active{}"] == 1
    finally:
        worker.stop()


def test_state_survives_a_killed_worker(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    first = alert_worker(settings, tmp_path, "alert-1").start()
    try:
        before = [
            article("b1", "wire", [quantity(24), threat()]),
            article("b2", "times", [quantity(24)], 1),
        ]
        asyncio.run(produce(settings, before))
        seen = asyncio.run(read_until(settings, {"b1", "b2"}, first))
        assert [a.kind.value for a in seen.alerts] == ["key_claim"]
    finally:
        first.kill()  # SIGKILL: no clean shutdown, offsets possibly uncommitted
    second = alert_worker(settings, tmp_path, "alert-2").start()
    try:
        asyncio.run(produce(settings, [article("b3", "herald", [quantity(26)], 2)]))
        seen = asyncio.run(read_until(settings, {"b1", "b2", "b3"}, second))
        contradictions = [a for a in seen.alerts if a.kind.value == "contradiction"]
        assert len(contradictions) == 1, "the article after the restart contradicts earlier ones"
        sides = contradictions[0].sides
        assert [(s.value.low, s.sources) for s in sides] == [
            (24, ["times", "wire"]),
            (26, ["herald"]),
        ]
        assert max(_versions(seen.alerts).values()) == 1, "no alert version sent twice"
        assert len({a.story for a in seen.alerts}) == 1
    finally:
        second.stop()


async def state_changelog(settings: Settings, stories: int, timeout_s: float = 30) -> dict:
    """The story-state changelog as {story: last value or None} once it names ``stories``
    stories and every closed one (all but the newest) has its tombstone."""
    topic = alert_topics(settings).state_changelog
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    last: dict[bytes, bytes | None] = {}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                for record in records:
                    last[record.key] = record.value
            dropped = [k for k, v in last.items() if v is None]
            if len(last) == stories and len(dropped) == stories - 1:
                break
    finally:
        await consumer.stop()
    return last


def test_closed_stories_leave_the_state_table(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    """Stories arriving a week apart (the window is 72 h, on the ingest clock): each new one
    closes the one before, whose story-state entry is deleted (a tombstone on the changelog),
    so state stays bounded."""
    settings = settings_factory()
    worker = alert_worker(settings, tmp_path).start()
    places = ["kestria", "valmora", "ostrand", "belmark"]
    now = datetime.now(UTC)
    try:
        seen = Seen()
        for week, place in enumerate(places):
            # weeks before now: a date days ahead of its ingest time is out of the window
            at = now - timedelta(days=7 * (len(places) - week))
            event = ClaimsExtracted(
                article_id=f"w{week}",
                source="wire",
                title=f"{place.capitalize()} {['harbour', 'ferry', 'rail', 'storm'][week]} report",
                published_at=at,
                ingested_at=at,
                entity_ids=[f"gpe:{place}", f"person:mayor-of-{place}"],
                keywords=[["harbour", "ferry", "rail", "storm"][week], "report"],
                claims=[quantity(20 + week)],
            )
            asyncio.run(produce(settings, [event]))  # one at a time: index order = week order
            seen = asyncio.run(read_until(settings, {f"w{w}" for w in range(week + 1)}, worker))
        stories = {m.article_id: m.story for m in seen.markers}
        assert len(set(stories.values())) == len(places), "four weeks, four stories"
        last = asyncio.run(state_changelog(settings, len(places)))
        live = {k.decode() for k, v in last.items() if v is not None}
        assert live == {stories["w3"]}, "only the newest story keeps its state"
        assert {k.decode() for k in last} == set(stories.values())
    finally:
        worker.stop()
