"""Webhook delivery end to end on the real broker, with real receivers on 127.0.0.1.

Each test gets its own topic prefix and its own scripted HTTP receiver (a stdlib server in a
thread that answers from a list of status codes and records every request). Waits poll with a
deadline; nothing asserts on timing.
"""

from __future__ import annotations

import asyncio
import http.server
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from standardwebhooks.webhooks import Webhook

from claimwatch.kafka import EventProducer, decode
from claimwatch.models import (
    Alert,
    AlertKind,
    AlertSide,
    DeadLetter,
    DeliveryOutcome,
    DeliveryRecord,
    Event,
    Interval,
    Severity,
    Subscription,
    SubscriptionFilters,
)
from claimwatch.settings import Settings
from claimwatch_deliver.sender import Sender
from claimwatch_deliver.service import DeliveryService
from claimwatch_deliver.signing import new_secret
from claimwatch_deliver.ssrf import AllowList
from claimwatch_deliver.worker import STAGE

DEADLINE_S = 30.0


# ------------------------------------------------------------------ a scripted receiver


@dataclass
class Captured:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class ScriptedReceiver:
    """Answers POSTs with ``statuses`` in turn (the last one repeats) and records them."""

    statuses: list[int]
    extra_headers: dict[str, str] = field(default_factory=dict)
    requests: list[Captured] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with owner._lock:
                    status = owner.statuses[min(len(owner.requests), len(owner.statuses) - 1)]
                    owner.requests.append(
                        Captured(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, body, status
                        )
                    )
                self.send_response(status)
                for k, v in owner.extra_headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/claimwatch"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receivers() -> Iterator[Callable[..., ScriptedReceiver]]:
    started: list[ScriptedReceiver] = []

    def start(statuses: list[int], **kw: Any) -> ScriptedReceiver:
        rec = ScriptedReceiver(statuses, **kw)
        started.append(rec)
        return rec

    yield start
    for rec in started:
        rec.stop()


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory(
        retry_schedule_s=[0, 0.2, 0.3],
        session_timeout_s=1.5,
        webhook_timeout_s=3.0,
        webhook_allow_hosts=["127.0.0.1"],
    )


@pytest.fixture
def strict_settings(settings_factory: Callable[..., Settings]) -> Settings:
    """No allow-list: every loopback/private target must be refused."""
    return settings_factory(retry_schedule_s=[0, 0.2], webhook_timeout_s=2.0, session_timeout_s=1.5)


# ------------------------------------------------------------------ helpers


def alert(alert_id: str = "al-quake-magnitude", version: int = 1, **kw: Any) -> Alert:
    values: dict[str, Any] = {
        "id": alert_id,
        "version": version,
        "kind": AlertKind.CONTRADICTION,
        "rule": "measurement_disjoint",
        "severity": Severity.HIGH,
        "title": f"Agencies disagree on the magnitude of the coastal earthquake (v{version})",
        "sources": ["seismo-north", "pacific-wire"],
        "sides": [
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
        "story": "st-quake",
        "independent_sources": 2,
        "explanation": "7.4 and 6.8 cannot both be the magnitude of one quake.",
        "ingested_at": datetime.now(UTC),
    }
    values.update(kw)
    return Alert(**values)


def subscription(url: str, **kw: Any) -> Subscription:
    return Subscription(
        id=kw.pop("id", f"sub_{time.monotonic_ns()}"), url=url, secret=new_secret(), **kw
    )


async def publish(settings: Settings, *alerts: Alert) -> list[Any]:
    """Produce alerts keyed by id; returns each record's metadata (partition, offset)."""
    async with EventProducer(settings.bootstrap, "test") as producer:
        return [await producer.send_and_wait(settings.topics.alerts, a.id, a) for a in alerts]


E = TypeVar("E", bound=Event)


async def read_topic(
    settings: Settings,
    topic: str,
    model: type[E],
    until: Callable[[list[E]], bool],
    timeout_s: float = DEADLINE_S,
) -> list[E]:
    """Every record of ``topic`` (from the start) once ``until`` holds, or fail at the deadline."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            parts = set(range(settings.partitions if topic != settings.topics.subscriptions else 1))
        tps = [TopicPartition(topic, p) for p in parts]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        seen: list[E] = []
        deadline = time.monotonic() + timeout_s
        while True:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                seen.extend(decode(model, r.value) for r in records if r.value is not None)
            if until(seen):
                return seen
            if time.monotonic() > deadline:
                pytest.fail(f"{topic}: condition not met in {timeout_s}s; saw {seen!r}")
    finally:
        await consumer.stop()


async def wait_committed_past(settings: Settings, partition: int, offset: int) -> None:
    """Poll the worker group's committed offset (without joining the group)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap,
        group_id=settings.group(STAGE),
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        tp = TopicPartition(settings.topics.alerts, partition)
        deadline = time.monotonic() + DEADLINE_S
        while ((await consumer.committed(tp)) or -1) <= offset:
            if time.monotonic() > deadline:
                pytest.fail(f"offset {offset} of partition {partition} never committed")
            await asyncio.sleep(0.2)
    finally:
        await consumer.stop()


def outcomes(records: list[DeliveryRecord], sub_id: str) -> list[tuple[int, DeliveryOutcome]]:
    return [(r.attempt, r.outcome) for r in records if r.subscription_id == sub_id]


def final(sub_id: str) -> Callable[[list[DeliveryRecord]], bool]:
    terminal = {
        DeliveryOutcome.DELIVERED,
        DeliveryOutcome.DEAD_LETTERED,
        DeliveryOutcome.DISABLED,
        DeliveryOutcome.REFUSED,
    }
    return lambda rs: any(r.subscription_id == sub_id and r.outcome in terminal for r in rs)


# ------------------------------------------------------------------ tests


async def test_delivery_is_signed_and_verifies_with_standardwebhooks(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([200])
    sub = subscription(rec.url)
    sent = alert()
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub)
        await publish(settings, sent)
        records = await read_topic(
            settings, settings.topics.deliveries, DeliveryRecord, final(sub.id)
        )
    assert outcomes(records, sub.id) == [(1, DeliveryOutcome.DELIVERED)]
    assert len(rec.requests) == 1
    got = rec.requests[0]
    assert got.path == "/hooks/claimwatch"
    payload = Webhook(sub.secret).verify(got.body, got.headers)
    assert Alert.model_validate(payload) == sent
    assert records[0].webhook_id == got.headers["webhook-id"]
    assert got.headers["content-type"] == "application/json"


async def test_500_500_200_gives_one_accepted_delivery_with_one_webhook_id(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([500, 500, 200])
    sub = subscription(rec.url)
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub)
        await publish(settings, alert())
        records = await read_topic(
            settings, settings.topics.deliveries, DeliveryRecord, final(sub.id)
        )
    assert [r.status for r in rec.requests] == [500, 500, 200]
    assert len({r.headers["webhook-id"] for r in rec.requests}) == 1
    for r in rec.requests:  # every attempt is freshly and validly signed
        Webhook(sub.secret).verify(r.body, r.headers)
    assert outcomes(records, sub.id) == [
        (1, DeliveryOutcome.RETRY),
        (2, DeliveryOutcome.RETRY),
        (3, DeliveryOutcome.DELIVERED),
    ]
    assert [r.status_code for r in records] == [500, 500, 200]
    assert records[0].next_attempt_at is not None and records[2].next_attempt_at is None


async def test_4xx_is_retried_until_the_receiver_accepts(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    """Standard Webhooks policy: a 4xx other than 410 is a failure retried on the schedule (a
    receiver holding an old secret answers 401 until its owner fixes it), not a dead letter."""
    rec = receivers([401, 404, 200])
    sub = subscription(rec.url)
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub)
        await publish(settings, alert())
        records = await read_topic(
            settings, settings.topics.deliveries, DeliveryRecord, final(sub.id)
        )
        dead = await read_topic(settings, settings.topics.deadletter, DeadLetter, lambda _: True)
    assert [r.status for r in rec.requests] == [401, 404, 200]
    assert outcomes(records, sub.id) == [
        (1, DeliveryOutcome.RETRY),
        (2, DeliveryOutcome.RETRY),
        (3, DeliveryOutcome.DELIVERED),
    ]
    assert dead == []


async def test_429_is_retried_and_retry_after_honoured(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([429, 200], extra_headers={"Retry-After": "1"})
    sub = subscription(rec.url)
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub)
        await publish(settings, alert())
        records = await read_topic(
            settings, settings.topics.deliveries, DeliveryRecord, final(sub.id)
        )
    assert outcomes(records, sub.id) == [(1, DeliveryOutcome.RETRY), (2, DeliveryOutcome.DELIVERED)]
    first = records[0]
    assert first.next_attempt_at is not None
    # the schedule alone says ~0.2 s; Retry-After: 1 moves the next attempt at least 1 s out
    assert (first.next_attempt_at - first.at).total_seconds() >= 1.0


async def test_410_disables_the_subscription(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    gone = receivers([410])
    healthy = receivers([200])
    sub_gone, sub_ok = subscription(gone.url), subscription(healthy.url)
    first, second = alert("al-one"), alert("al-one", version=2)
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub_gone)
        await svc.store.put(sub_ok)
        await publish(settings, first)
        records = await read_topic(
            settings, settings.topics.deliveries, DeliveryRecord, final(sub_gone.id)
        )
        assert outcomes(records, sub_gone.id) == [(1, DeliveryOutcome.DISABLED)]
        stored = await read_topic(
            settings,
            settings.topics.subscriptions,
            Subscription,
            lambda subs: any(s.id == sub_gone.id and s.disabled for s in subs),
        )
        latest = [s for s in stored if s.id == sub_gone.id][-1]
        assert latest.disabled and "410" in (latest.disabled_reason or "")
        assert latest.secret == sub_gone.secret  # the update keeps the subscription intact
        # a later version goes to the healthy subscriber only: once the worker has committed
        # past it, every delivery it caused is final, and none went to the disabled one
        [meta] = await publish(settings, second)
        await wait_committed_past(settings, meta.partition, meta.offset)
        records = await read_topic(settings, settings.topics.deliveries, DeliveryRecord, bool)
    assert outcomes(records, sub_gone.id) == [(1, DeliveryOutcome.DISABLED)]
    assert [(r.alert_version, r.outcome) for r in records if r.subscription_id == sub_ok.id] == [
        (1, DeliveryOutcome.DELIVERED),
        (2, DeliveryOutcome.DELIVERED),
    ]
    assert len(gone.requests) == 1
    assert [json.loads(r.body)["version"] for r in healthy.requests] == [1, 2]


async def test_always_failing_target_ends_on_dead_letter_topic(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([503])
    sub = subscription(rec.url)
    sent = alert("al-failing")
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub)
        await publish(settings, sent)
        records = await read_topic(
            settings, settings.topics.deliveries, DeliveryRecord, final(sub.id)
        )
        dead = await read_topic(settings, settings.topics.deadletter, DeadLetter, bool)
    assert outcomes(records, sub.id) == [
        (1, DeliveryOutcome.RETRY),
        (2, DeliveryOutcome.RETRY),
        (3, DeliveryOutcome.DEAD_LETTERED),
    ]
    assert len(rec.requests) == len(settings.retry_schedule_s) == 3
    [letter] = dead
    assert letter.reason == "delivery_failed" and letter.service == STAGE
    assert letter.key == sent.id and letter.origin_topic == settings.topics.alerts
    assert f"subscription={sub.id}" in letter.detail and "http_5xx" in letter.detail
    assert Alert.model_validate_json(letter.value) == sent


async def test_versions_of_one_alert_reach_a_subscriber_in_order(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([500, 200])  # version 1 needs a retry; 2 and 3 must wait for it
    sub = subscription(rec.url)
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub)
        await publish(settings, *(alert("al-ordered", version=v) for v in (1, 2, 3)))
        await read_topic(
            settings,
            settings.topics.deliveries,
            DeliveryRecord,
            lambda rs: sum(r.outcome == DeliveryOutcome.DELIVERED for r in rs) == 3,
        )
    versions = [(json.loads(r.body)["version"], r.status) for r in rec.requests]
    assert versions == [(1, 500), (1, 200), (2, 200), (3, 200)]


async def test_filters_select_subscribers_and_bad_alerts_are_dead_lettered(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec_all, rec_critical = receivers([200]), receivers([200])
    sub_all = subscription(rec_all.url)
    sub_critical = subscription(
        rec_critical.url, filters=SubscriptionFilters(min_severity=Severity.CRITICAL)
    )
    async with DeliveryService(settings) as svc:
        await svc.store.put(sub_all)
        await svc.store.put(sub_critical)
        async with EventProducer(settings.bootstrap, "test") as producer:
            await producer._producer.send_and_wait(
                settings.topics.alerts, b"not json", key=b"al-bad"
            )
        await publish(settings, alert("al-high"), alert("al-crit", severity=Severity.CRITICAL))
        records = await read_topic(
            settings,
            settings.topics.deliveries,
            DeliveryRecord,
            lambda rs: sum(r.outcome == DeliveryOutcome.DELIVERED for r in rs) == 3,
        )
        dead = await read_topic(settings, settings.topics.deadletter, DeadLetter, bool)
    assert sorted((r.alert_id, r.subscription_id) for r in records) == sorted(
        [("al-high", sub_all.id), ("al-crit", sub_all.id), ("al-crit", sub_critical.id)]
    )
    assert [(d.key, d.reason) for d in dead] == [("al-bad", "invalid_json")]


async def test_ssrf_targets_refused_at_delivery_without_any_connection(
    strict_settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([200])
    port = rec.url.split(":")[2].split("/")[0]
    targets = [
        f"http://127.0.0.1:{port}/hooks",  # a live receiver, but loopback is not allow-listed
        f"http://localhost:{port}/hooks",  # a name that resolves to loopback
        f"http://[::1]:{port}/hooks",
        "http://10.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data/",
    ]
    connects: list[tuple[str, int]] = []
    sender = Sender(
        AllowList.parse(strict_settings.webhook_allow_hosts),
        strict_settings.webhook_timeout_s,
        on_connect=lambda host, port: connects.append((host, port)),
    )
    # written straight to the table: the API would already have refused them at creation
    subs = [subscription(url) for url in targets]
    async with DeliveryService(strict_settings, sender=sender) as svc:
        for sub in subs:
            await svc.store.put(sub)
        await publish(strict_settings, alert("al-ssrf"))
        records = await read_topic(
            strict_settings,
            strict_settings.topics.deliveries,
            DeliveryRecord,
            lambda rs: all(final(s.id)(rs) for s in subs),
        )
        dead = await read_topic(
            strict_settings, strict_settings.topics.deadletter, DeadLetter, lambda d: len(d) >= 5
        )
    for sub in subs:
        assert outcomes(records, sub.id) == [(1, DeliveryOutcome.REFUSED)], sub.url
    assert all((r.error or "").startswith("refused") for r in records)
    assert sorted(d.reason for d in dead) == ["delivery_refused"] * 5
    assert connects == []
    assert rec.requests == []


async def test_restarted_worker_still_has_every_subscription(
    settings: Settings, receivers: Callable[..., ScriptedReceiver]
) -> None:
    rec = receivers([200])
    subs = [subscription(rec.url, id=f"sub_restart_{i}") for i in range(5)]
    async with DeliveryService(settings) as svc:
        for s in subs:
            await svc.store.put(s)
        assert await svc.store.delete(subs[4].id)
    async with DeliveryService(settings) as svc2:
        known = {s.id: s for s in svc2.store.all()}
        assert set(known) == {s.id for s in subs[:4]}
        assert all(known[s.id].secret == s.secret for s in subs[:4])
        await publish(settings, alert("al-after-restart"))
        await read_topic(
            settings,
            settings.topics.deliveries,
            DeliveryRecord,
            lambda rs: sum(r.outcome == DeliveryOutcome.DELIVERED for r in rs) == 4,
        )
    assert len(rec.requests) == 4
    # each of the four live subscriptions got the alert, signed with its own secret
    signers = [
        next(s.id for s in subs[:4] if _verifies(s, r))
        for r in rec.requests
        if _verifies_any(subs, r)
    ]
    assert sorted(signers) == sorted(s.id for s in subs[:4])
    assert {json.loads(r.body)["id"] for r in rec.requests} == {"al-after-restart"}


def _verifies(sub: Subscription, req: Captured) -> bool:
    try:
        Webhook(sub.secret).verify(req.body, req.headers)
        return True
    except Exception:
        return False


def _verifies_any(subs: list[Subscription], req: Captured) -> bool:
    return any(_verifies(s, req) for s in subs)


async def test_no_secret_in_any_log_of_a_run(
    settings: Settings,
    receivers: Callable[..., ScriptedReceiver],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Everything logged at DEBUG (structlog, stdlib logging, raw stdout/stderr) is searched."""
    structured = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
        logger_factory=structlog.PrintLoggerFactory(file=structured),
        cache_logger_on_first_use=False,
    )
    caplog.set_level(logging.DEBUG)
    ok, gone, failing = receivers([500, 200]), receivers([410]), receivers([500])
    subs = [subscription(r.url) for r in (ok, gone, failing)]
    try:
        async with DeliveryService(settings) as svc:
            for s in subs:
                await svc.store.put(s)
            await publish(settings, alert("al-logged"))
            for s in subs:
                await read_topic(settings, settings.topics.deliveries, DeliveryRecord, final(s.id))
    finally:
        structlog.reset_defaults()
    out, err = capfd.readouterr()
    text = structured.getvalue() + caplog.text + out + err
    assert "delivery_attempt" in structured.getvalue()  # the run did log, at DEBUG
    assert "aiokafka" in caplog.text  # and library logging was captured too
    for s in subs:
        raw = s.secret.removeprefix("whsec_")
        assert s.secret not in text and raw not in text
