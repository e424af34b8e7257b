"""What the reliability tests share: service processes, a recording webhook receiver, a topic
watcher in a background thread, generated filler articles and peak-memory readings.

Everything is real: `claimwatch <command>` children on the session broker, an HTTP server on
127.0.0.1, aiokafka consumers. Waits poll with a deadline; nothing asserts on timing.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from claimwatch.follow import is_marker
from claimwatch.kafka import DecodeError, decode
from claimwatch.models import Alert, ArticleProcessed, DeadLetter, DeliveryOutcome, DeliveryRecord
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch.topics import Topics
from claimwatch_app.processes import ServiceProcess

REPO = Path(__file__).resolve().parents[2]
INGEST_TOKEN = "ingest-token-7f3c9a1e55d2"
API_TOKEN = "subs-token-0b8e44d1c9aa"


# ------------------------------------------------------------------ processes


@dataclass
class Service:
    """A `claimwatch <command>` child with its own metrics/API port."""

    proc: ServiceProcess
    port: int

    @property
    def pid(self) -> int:
        assert self.proc.pid is not None
        return self.proc.pid

    def metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5).text

    def peak_rss_mb(self) -> float:
        """VmHWM (peak resident set) of the running process, in MiB."""
        return vm_hwm_kb(self.pid) / 1024


def vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


def start_service(
    command: str,
    settings: Settings,
    log_dir: Path,
    name: str | None = None,
    args: list[str] | None = None,
    **env: object,
) -> Service:
    """Start `claimwatch <command>`; deliver serves /metrics on its API port, ingest on both."""
    port = free_port()
    overrides: dict[str, object] = {"metrics_port": port, **env}
    extra = list(args or [])
    if command == "deliver":
        extra += ["--port", str(port)]
    proc = ServiceProcess(name or command, [command, *extra], settings.as_env(**overrides), log_dir)
    return Service(proc.start(), port)


def wait_http_ok(url: str, service: Service, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        assert service.proc.alive(), service.proc.log_tail(40)
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{url} never answered 200"
        time.sleep(0.2)


def wait_for(what: str, check: Callable[[], bool], timeout_s: float, *alive: Service) -> None:
    """Poll ``check`` until true; fail (with logs) at the deadline or when a service dies."""
    deadline = time.monotonic() + timeout_s
    while not check():
        for service in alive:
            assert service.proc.alive(), f"{service.proc.name} died:\n{service.proc.log_tail(40)}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


# ------------------------------------------------------------------ a recording receiver


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1 recording each answered webhook-id, in arrival order.

    While ``down`` it answers 503 (recorded separately), like a subscriber being deployed.
    Once ``hold_after`` webhooks were answered it stops answering: requests are parked in
    ``held`` until ``release()``, then the connection is closed with no answer, like a
    subscriber that stalls while the sender dies. A held webhook was never acknowledged, so
    the sender must send it again.
    """

    down: bool = False
    hold_after: int | None = None
    delivered: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self
        self._lock = threading.Lock()
        self._released = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                msg_id = self.headers.get("webhook-id", "")
                with owner._lock:
                    holding = (
                        owner.hold_after is not None and len(owner.delivered) >= owner.hold_after
                    )
                    if holding:
                        owner.held.append(msg_id)
                if holding:
                    owner._released.wait(120)
                    self.close_connection = True
                    return  # no answer: the request was cut off
                with owner._lock:
                    if owner.down:
                        owner.refused.append(msg_id)
                        status = 503
                    else:
                        owner.delivered.append(msg_id)
                        owner.bodies.append(json.loads(body))
                        status = 204
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def release(self) -> None:
        """Stop holding; parked requests are closed unanswered."""
        with self._lock:
            self.hold_after = None
        self._released.set()

    def held_ids(self) -> list[str]:
        with self._lock:
            return list(self.held)

    def webhook_ids(self) -> list[str]:
        with self._lock:
            return list(self.delivered)

    def duplicates(self) -> dict[str, int]:
        with self._lock:
            return {k: n for k, n in Counter(self.delivered).items() if n > 1}

    def stop(self) -> None:
        self._released.set()  # parked requests end now, not after their 120 s
        self._server.shutdown()
        self._server.server_close()


def subscribe(deliver: Service, url: str, token: str = API_TOKEN) -> dict[str, Any]:
    resp = httpx.post(
        f"http://127.0.0.1:{deliver.port}/subscriptions",
        json={"url": url},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


# ------------------------------------------------------------------ topic watcher


@dataclass
class Watcher:
    """Reads the pipeline's output topics from the start in a background thread."""

    settings: Settings
    claims: Counter[str] = field(default_factory=Counter)
    markers: Counter[str] = field(default_factory=Counter)
    stories: dict[str, str] = field(default_factory=dict)  # article id -> story of its marker
    marker_alerts: dict[str, list[str]] = field(default_factory=dict)  # article id -> id:version
    claim_records: dict[str, bytes] = field(default_factory=dict)  # article id -> last value
    article_records: dict[str, bytes] = field(default_factory=dict)  # article id -> last value
    alerts: list[Alert] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)
    articles: Counter[str] = field(default_factory=Counter)
    delivered: Counter[str] = field(default_factory=Counter)  # webhook-id -> delivered records
    unreadable: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()
        assert self._ready.wait(30), "watcher did not start"

    async def _run(self) -> None:
        t = self.settings.topics
        consumer = AIOKafkaConsumer(
            t.articles,
            t.claims,
            t.alerts,
            t.processed,
            t.deadletter,
            t.deliveries,
            bootstrap_servers=self.settings.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        self._ready.set()
        try:
            while not self._stop.is_set():
                for records in (await consumer.getmany(timeout_ms=200)).values():
                    for r in records:
                        if is_marker(r.key, r.value):
                            continue  # a follower's catch-up marker, not data
                        key = (r.key or b"").decode("utf-8", "replace")
                        try:
                            self._count(t, r.topic, key, r.value)
                        except DecodeError:  # bad input a test wrote on purpose
                            self.unreadable += 1
        finally:
            await consumer.stop()

    def _count(self, t: Topics, topic: str, key: str, value: bytes | None) -> None:
        if topic == t.articles:
            self.articles[key] += 1
            self.article_records[key] = value or b""
        elif topic == t.claims:
            self.claims[key] += 1
            self.claim_records[key] = value or b""
        elif topic == t.alerts:
            self.alerts.append(decode(Alert, value))
        elif topic == t.processed:
            marker = decode(ArticleProcessed, value)
            self.markers[marker.article_id] += 1
            self.stories[marker.article_id] = marker.story
            self.marker_alerts[marker.article_id] = list(marker.alerts)
        elif topic == t.deliveries:
            record = decode(DeliveryRecord, value)
            if record.outcome is DeliveryOutcome.DELIVERED:
                self.delivered[record.webhook_id] += 1
        else:
            self.dead.append(decode(DeadLetter, value))

    def alert_versions(self) -> set[tuple[str, int]]:
        return {(a.id, a.version) for a in list(self.alerts)}

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


# ------------------------------------------------------------------ generated articles

OUTLETS = ["valley-times", "port-gazette", "hill-observer", "river-post", "plains-record"]
TOWNS = ["Marrow", "Eskerby", "Tullin", "Fenwick", "Oldcastle", "Brightwater", "Corran"]
TOPICS = [
    "The {town} council approved a new budget for road repairs on {day}, officials said.",
    "A library in {town} reopened on {day} after a two-year renovation, the mayor said.",
    "Residents of {town} gathered on {day} for the annual harvest fair, organisers said.",
    "The {town} water board said on {day} that repairs to the main pipe were complete.",
    "A school choir from {town} won a regional prize on {day}, its director said.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def filler_article(n: int, rng: random.Random) -> dict[str, str]:
    """A short local-news article (no claim worth an alert), unique by ``n``."""
    town = rng.choice(TOWNS)
    text = rng.choice(TOPICS).format(town=town, day=rng.choice(DAYS))
    return {
        "source": OUTLETS[n % len(OUTLETS)],
        "title": f"{town} notes, item {n}",
        "text": f"{text} It was item number {n} in the weekly round-up.",
    }


# ------------------------------------------------------------------ explaining a loss


def trace_articles(settings: Settings, ids: list[str], groups: list[str]) -> str:
    """Where each article id appears on the pipeline's topics, and each group's commits.

    Printed when a test gives up waiting, so a loss names the hop that lost it.
    """
    return asyncio.run(_trace(settings, ids, groups))


async def _trace(settings: Settings, ids: list[str], groups: list[str]) -> str:
    t = settings.topics
    names = [t.articles, t.entities, t.claims, t.alert_index, t.alert_stories, t.processed]
    names += [t.deadletter]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    seen: dict[str, list[str]] = {i: [] for i in ids}
    ranges: dict[TopicPartition, tuple[int, int]] = {}
    try:
        tps = [
            TopicPartition(n, p) for n in names for p in consumer.partitions_for_topic(n) or set()
        ]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        idle = 0
        while idle < 5:
            batch = await consumer.getmany(timeout_ms=300)
            idle = 0 if batch else idle + 1
            for tp, records in batch.items():
                for r in records:
                    low, high = ranges.get(tp, (r.offset, r.offset))
                    ranges[tp] = (min(low, r.offset), max(high, r.offset))
                    blob = (r.key or b"") + b" " + (r.value or b"")
                    for i in ids:
                        if i.encode() in blob:
                            seen[i].append(f"{tp.topic}[{tp.partition}]@{r.offset}")
    finally:
        await consumer.stop()
    lines = [f"{i}: {' '.join(where) or 'nowhere'}" for i, where in seen.items()]
    lines += [
        f"read {tp.topic}[{tp.partition}] {lo}..{hi}" for tp, (lo, hi) in sorted(ranges.items())
    ]
    for group in groups:  # OffsetFetch through a consumer: Tansu's admin API lacks it
        reader = AIOKafkaConsumer(
            bootstrap_servers=settings.bootstrap, group_id=group, enable_auto_commit=False
        )
        await reader.start()
        try:
            for tp in sorted(ranges):
                lines.append(
                    f"group {group} committed {tp.topic}[{tp.partition}] = "
                    f"{await reader.committed(tp)}"
                )
        finally:
            await reader.stop()
    return "\n".join(lines)
