"""What the delivery service holds in memory under a burst of alerts, and where.

Runs the real ``DeliveryService`` in this process (so ``tracemalloc`` sees it) on an embedded
broker, with one subscriber on 127.0.0.1 that answers 204 after ``--delay-ms``, then writes
``--alerts`` alert versions (each a new alert, as the pipeline bench's stories are) to the
alerts topic at once: the shape of the pipeline bench's 100 % step, where the alert stage
works off a backlog and every alert opens its own delivery lane. Reports the process's peak
RSS (sampled every 20 ms) and the most attempts deliver had open at once; with ``--trace``
instead, the Python heap's growth (``tracemalloc``) and the allocation sites that grew most
by the busiest moment. Two runs, because tracing costs memory of its own (every traced block
carries its traceback) that would swamp the RSS figure; and RSS counts what ``tracemalloc``
cannot see (OpenSSL's allocations, for one).

    .venv/bin/python bench/bench_deliver_memory.py [--alerts 600] [--delay-ms 200] [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from prometheus_client import REGISTRY

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import EventProducer, ensure_topics
from claimwatch.logging import configure_logging
from claimwatch.models import (
    Alert,
    AlertKind,
    AlertSide,
    Interval,
    Severity,
    Subscription,
)
from claimwatch.settings import Settings
from claimwatch_deliver.service import DeliveryService
from claimwatch_deliver.signing import new_secret


def attempts_in_flight() -> int:
    """Webhook attempts deliver has open (its own gauge, when it has one; else the sockets
    this process holds to the subscriber's port are counted by the caller)."""
    value = REGISTRY.get_sample_value("claimwatch_webhook_attempts_in_flight")
    return int(value) if value is not None else -1


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Subscriber:
    """Answers 204 after a delay; counts deliveries and the most in flight at once."""

    def __init__(self, delay_s: float) -> None:
        self.delivered = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                with owner.lock:
                    owner.in_flight += 1
                    owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
                time.sleep(delay_s)
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()
                with owner.lock:
                    owner.in_flight -= 1
                    owner.delivered += 1

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 1024
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def alert(n: int) -> Alert:
    texts = [
        f"Officials in district {n} said {k + 20} crews were sent on day {k}." for k in range(6)
    ]
    return Alert(
        id=f"al-bench-{n}",
        version=1,
        kind=AlertKind.CONTRADICTION,
        rule="quantity_disjoint",
        severity=Severity.HIGH,
        title=f"Outlets disagree on the crews sent to district {n}",
        sources=["valley-times", "port-gazette"],
        sides=[
            AlertSide(
                value=Interval(low=20 + s, high=20 + s, unit="crew"),
                text=texts[s],
                texts=texts,
                sources=["valley-times" if s else "port-gazette"],
            )
            for s in range(2)
        ],
        story=f"st-bench-{n}",
        independent_sources=2,
        explanation="Two outlets give different counts for one fact.",
        article_ids=[f"a-{n}-{k}" for k in range(8)],
        ingested_at=datetime.now(UTC),
    )


async def run(alerts: int, delay_s: float, trace: bool) -> dict[str, object]:
    configure_logging("WARNING", False)
    subscriber = Subscriber(delay_s)
    with EmbeddedBroker() as broker:
        settings = Settings(
            bootstrap=broker.bootstrap,
            topic_prefix=f"dmem-{uuid.uuid4().hex[:6]}",
            partitions=2,
            session_timeout_s=3.0,
            log_level="WARNING",
            webhook_allow_hosts=["127.0.0.1/32"],
            retry_schedule_s=[0.0, 1.0, 5.0],
        )
        await ensure_topics(settings.bootstrap, settings.topics.specs())
        async with DeliveryService(settings) as service:
            await service.store.put(Subscription(id="sub_bench", url=subscriber.url,
                                                 secret=new_secret()))  # fmt: skip
            while not service.store.active() or not service.worker.assigned:
                await asyncio.sleep(0.05)
            rss_start = rss_mb()
            if trace:
                tracemalloc.start(12)
                baseline = tracemalloc.take_snapshot()
            async with EventProducer(settings.bootstrap, "bench") as producer:
                futures = [await producer.send(settings.topics.alerts, a.id, a)
                           for a in map(alert, range(alerts))]  # fmt: skip
                for future in futures:
                    await future
            started = time.monotonic()
            peak_rss, snapshot = rss_start, None
            most_attempts = 0
            while subscriber.delivered < alerts and time.monotonic() - started < 300:
                peak_rss = max(peak_rss, rss_mb())
                most_attempts = max(most_attempts, attempts_in_flight())
                if trace and snapshot is None and subscriber.delivered >= alerts // 3:
                    snapshot = tracemalloc.take_snapshot()
                await asyncio.sleep(0.02)
            took = time.monotonic() - started
            heap_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    subscriber.server.shutdown()
    result: dict[str, object] = {
        "alerts": alerts,
        "subscriber_delay_ms": round(delay_s * 1000),
        "delivered": subscriber.delivered,
        "seconds": round(took, 1),
        "max_attempts_in_flight_at_deliver": most_attempts,
        "max_webhooks_in_flight_at_subscriber": subscriber.max_in_flight,
    }
    if not trace:
        return {**result, "rss_start_mb": round(rss_start, 1), "rss_peak_mb": round(peak_rss, 1)}
    top = []
    if snapshot is not None:  # what the burst added, by the line that allocated it
        for stat in snapshot.compare_to(baseline, "lineno")[:8]:
            frame = stat.traceback[0]
            where = f"{'/'.join(Path(frame.filename).parts[-2:])}:{frame.lineno}"
            top.append({"where": where, "kib": round(stat.size_diff / 1024),
                        "blocks": stat.count_diff})  # fmt: skip
    return {
        **result,
        "python_heap_peak_mb": round(heap_peak / 1024 / 1024, 1),
        "top_growth_at_a_third_delivered": top,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alerts", type=int, default=600)
    ap.add_argument("--delay-ms", type=float, default=200.0)
    ap.add_argument("--trace", action="store_true", help="tracemalloc instead of RSS")
    args = ap.parse_args()
    print(json.dumps(asyncio.run(run(args.alerts, args.delay_ms / 1000, args.trace)), indent=1))


if __name__ == "__main__":
    main()
