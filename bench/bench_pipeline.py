"""Pipeline capacity, ingest-to-webhook latency under load, and memory: the running system.

Starts broker, deliver (with a real receiver on 127.0.0.1 subscribed through its API), alert,
one extract worker and ingest, all as child processes on 2-partition topics (bench/harness.py).
Every pushed article is a new fictional story with a threat of force (bench/articles.py), so
each one causes exactly one alert and one webhook.

1. Capacity, 1 extract worker: closed loop, 48 articles always in flight (single-article
   ``POST /articles``, a new one as soon as a webhook arrives) for ``--capacity-s``;
   capacity is webhooks per second after the first third (start-up transient). All stages
   run at once, as under real load (a burst through the batch API would overstate it: extract
   then has both cores to itself).
2. Latency at 25/50/75/100 % of that capacity: single-article ``POST /articles`` at a fixed
   rate (open loop: sends do not wait for earlier answers) for ``--step-s`` seconds; latency
   is webhook arrival minus the push API's 202 answer (one clock: both in this process).
   Stage split from the events' own timestamps: ingest -> claims (extract, incl. batching
   wait), claims -> alert (alert), alert -> webhook (delivery). Peak RSS per service is
   sampled from /proc every 0.2 s during the 100 % step.
3. Capacity, 2 extract workers: a second worker joins the group (2 partitions); once it has
   extracted something, the same closed loop.

Prints one JSON object. Bounded: every wait has a deadline; articles that never arrive are
counted as ``missing``, never waited for forever.

    .venv/bin/python bench/bench_pipeline.py [--capacity-s 30] [--step-s 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from aiokafka import AIOKafkaConsumer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from articles import articles
from harness import Pipeline, rss_mb

from claimwatch.kafka import decode
from claimwatch.models import ClaimsExtracted

STEPS = (0.25, 0.5, 0.75, 1.0)
NEW = ("accepted", "already_accepted")  # a retried push of an accepted article is the latter


async def post(client: httpx.AsyncClient, url: str, body: object) -> httpx.Response:
    """POST with up to 3 tries on a transport error: a keep-alive connection the server just
    closed fails the request that reuses it. Safe: pushing an article again is idempotent."""
    for attempt in range(3):
        try:
            resp = await client.post(url, json=body)
            resp.raise_for_status()
            return resp
        except httpx.TransportError:
            if attempt == 2:
                raise
            await asyncio.sleep(0.05)
    raise AssertionError("unreachable")


class Feed:
    """Hands out fresh articles (never a repeat: a repeat would be de-duplicated)."""

    def __init__(self, seed: int) -> None:
        self.pool = articles(4000, seed)
        self.next = 0

    def take(self, n: int) -> list[dict[str, str]]:
        out = self.pool[self.next : self.next + n]
        self.next += n
        return out


async def push_burst(
    url: str, items: list[dict[str, str]], per_request: int = 40
) -> dict[str, float]:
    """Article id -> time of the 202, through the batch endpoint, 3 requests at a time."""
    acked: dict[str, float] = {}
    sem = asyncio.Semaphore(3)
    async with httpx.AsyncClient(timeout=60, trust_env=False) as client:

        async def one(chunk: list[dict[str, str]]) -> None:
            async with sem:
                resp = await post(client, f"{url}/articles/batch", {"articles": chunk})
            now = time.time()
            for row in resp.json()["articles"]:
                if row["status"] in NEW:
                    acked[row["id"]] = now

        chunks = [items[i : i + per_request] for i in range(0, len(items), per_request)]
        await asyncio.gather(*(one(c) for c in chunks))
    return acked


async def push_at_rate(url: str, items: list[dict[str, str]], rate: float) -> dict[str, float]:
    """Article id -> time of the 202, one ``POST /articles`` every 1/rate s (open loop)."""
    acked: dict[str, float] = {}
    async with httpx.AsyncClient(
        timeout=60, trust_env=False, limits=httpx.Limits(max_connections=64)
    ) as client:

        async def one(item: dict[str, str]) -> None:
            resp = await post(client, f"{url}/articles", item)
            now = time.time()
            row = resp.json()["articles"][0]
            if row["status"] in NEW:
                acked[row["id"]] = now

        tasks = []
        t0 = time.monotonic()
        for i, item in enumerate(items):
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(item)))
        await asyncio.gather(*tasks)
    return acked


def wait_arrivals(pipe: Pipeline, ids: set[str], timeout_s: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pipe.check_alive()
        arrived = pipe.receiver.first_arrival()
        if ids <= arrived.keys():
            break
        time.sleep(0.1)
    arrived = pipe.receiver.first_arrival()
    return {i: arrived[i] for i in ids if i in arrived}


async def closed_loop(
    pipe: Pipeline, feed: Feed, window: int, duration_s: float, skip_s: float
) -> dict[str, Any]:
    """Keep ``window`` articles in flight (single ``POST /articles`` each; a new one as soon as
    one's webhook arrives) for ``duration_s``; capacity is completions per second after the
    first ``skip_s`` (start-up transient). Every stage works at once, as under real load."""
    sent: set[str] = set()
    inflight = 0
    async with httpx.AsyncClient(
        timeout=60, trust_env=False, limits=httpx.Limits(max_connections=window)
    ) as client:

        async def one(item: dict[str, str]) -> None:
            nonlocal inflight
            resp = await post(client, f"{pipe.ingest_url}/articles", item)
            sent.add(resp.json()["articles"][0]["id"])
            inflight -= 1

        tasks: list[asyncio.Task[None]] = []
        started = time.time()
        while time.time() - started < duration_s:
            pipe.check_alive()
            done = len(sent & pipe.receiver.first_arrival().keys())
            for item in feed.take(max(0, window - (len(sent) + inflight - done))):
                inflight += 1
                tasks.append(asyncio.create_task(one(item)))
            await asyncio.sleep(0.02)
        await asyncio.gather(*tasks)
    arrived = pipe.receiver.first_arrival()
    times = sorted(arrived[i] for i in sent if i in arrived and arrived[i] >= started + skip_s)
    times = [t for t in times if t <= started + duration_s]
    span = duration_s - skip_s
    return {
        "window": window,
        "measured_s": span,
        "completed": len(times),
        "articles_per_s": round(len(times) / span, 2),
    }


def capacity(pipe: Pipeline, feed: Feed, duration_s: float) -> dict[str, Any]:
    result = asyncio.run(closed_loop(pipe, feed, 48, duration_s, skip_s=min(8.0, duration_s / 3)))
    # let the window drain before the next measurement
    wait_arrivals(pipe, set(), 0)
    time.sleep(3)
    return result


def warm_up(pipe: Pipeline, feed: Feed, n: int, timeout_s: float) -> dict[str, Any]:
    items = feed.take(n)
    acked = asyncio.run(push_burst(pipe.ingest_url, items))
    arrived = wait_arrivals(pipe, set(acked), timeout_s)
    return {"articles": n, "arrived": len(arrived), "missing": len(acked) - len(arrived)}


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    arr = np.asarray(values)
    return {
        "p50": round(float(np.percentile(arr, 50)), 3),
        "p95": round(float(np.percentile(arr, 95)), 3),
        "p99": round(float(np.percentile(arr, 99)), 3),
        "max": round(float(arr.max()), 3),
    }


class RssSampler(threading.Thread):
    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(0.2):
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))


def latency_step(
    pipe: Pipeline, feed: Feed, rate: float, step_s: float, sample_rss: bool
) -> dict[str, Any]:
    n = max(8, round(rate * step_s))
    items = feed.take(n)
    sampler = RssSampler(pipe.pids()) if sample_rss else None
    if sampler:
        sampler.start()
    started = time.monotonic()
    acked = asyncio.run(push_at_rate(pipe.ingest_url, items, rate))
    sent_s = time.monotonic() - started
    arrived = wait_arrivals(pipe, set(acked), timeout_s=max(60.0, step_s * 2))
    if sampler:
        sampler.stop_event.set()
        sampler.join()
    lat = [arrived[i] - acked[i] for i in arrived]
    out: dict[str, Any] = {
        "offered_articles_per_s": round(rate, 2),
        "achieved_push_articles_per_s": round(n / sent_s, 2) if sent_s else None,
        "articles": n,
        "arrived": len(arrived),
        "missing": len(acked) - len(arrived),
        "latency_s": percentiles(lat),
        "ids": list(arrived),
    }
    if sampler:
        out["peak_rss_mb"] = {k: round(v, 1) for k, v in sampler.peak.items()}
    return out


async def claim_times(bootstrap: str, topic: str, ids: set[str]) -> dict[str, ClaimsExtracted]:
    """ClaimsExtracted per article id, read back from the claims topic (bounded)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: dict[str, ClaimsExtracted] = {}
    deadline = time.monotonic() + 60
    try:
        while ids - found.keys() and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    event = decode(ClaimsExtracted, record.value)
                    found.setdefault(event.article_id, event)
    finally:
        await consumer.stop()
    return found


def stage_split(pipe: Pipeline, step: dict[str, Any]) -> dict[str, float | None]:
    """Median seconds per stage for one step's articles, from the events' timestamps."""
    assert pipe.settings is not None
    ids = set(step["ids"])
    claims = asyncio.run(claim_times(pipe.settings.bootstrap, pipe.settings.topics.claims, ids))
    fired: dict[str, tuple[str, float]] = {}
    for arrival in pipe.receiver.arrivals:
        for article_id in arrival.article_ids:
            fired.setdefault(article_id, (arrival.fired_at, arrival.at))
    extract, alert, deliver = [], [], []
    for article_id in ids:
        if article_id not in claims or article_id not in fired:
            continue
        event = claims[article_id]
        fired_at = datetime.fromisoformat(fired[article_id][0]).timestamp()
        extract.append(event.extracted_at.timestamp() - event.ingested_at.timestamp())
        alert.append(fired_at - event.extracted_at.timestamp())
        deliver.append(fired[article_id][1] - fired_at)

    def med(xs: list[float]) -> float | None:
        return round(float(np.median(xs)), 3) if xs else None

    return {"extract_s": med(extract), "alert_s": med(alert), "deliver_s": med(deliver)}


def records_in(pipe: Pipeline) -> dict[str, float]:
    return {
        name: pipe.metric(name, 'claimwatch_records_in_total{stage="extract"}')
        for name in pipe.children
        if name.startswith("extract")
    }


def wait_worker(pipe: Pipeline, name: str, feed: Feed, timeout_s: float) -> float | None:
    """Seconds until the new worker has extracted something (the group has rebalanced and it
    has loaded its model), pushing a few articles at a time meanwhile; None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        pipe.check_alive()
        warm_up(pipe, feed, 4, timeout_s=60)
        try:
            if records_in(pipe).get(name, 0.0) > 0:
                return round(time.monotonic() - started, 1)
        except httpx.HTTPError:
            pass
        time.sleep(1)
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--capacity-s", type=float, default=30.0, help="seconds per capacity run")
    ap.add_argument("--step-s", type=float, default=30.0, help="seconds per latency step")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    feed = Feed(args.seed)
    result: dict[str, Any] = {"bench": "pipeline", "partitions": 2}
    with (
        tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp,
        Pipeline(Path(tmp), partitions=2) as pipe,
    ):
        result["warm_up"] = warm_up(pipe, feed, 8, timeout_s=180)  # joins, model load
        cap1 = capacity(pipe, feed, args.capacity_s)
        result["capacity_1_worker"] = cap1
        steps = []
        for share in STEPS:
            step = latency_step(
                pipe, feed, cap1["articles_per_s"] * share, args.step_s, sample_rss=share == 1.0
            )
            step["load_share"] = share
            step["stage_median_s"] = stage_split(pipe, step)
            del step["ids"]
            steps.append(step)
            print(json.dumps(step), file=sys.stderr)
        result["latency_steps"] = steps
        second = pipe.add_extract_worker()
        result["second_worker_joined_s"] = wait_worker(pipe, second, feed, timeout_s=120)
        before = records_in(pipe)
        cap2 = capacity(pipe, feed, args.capacity_s)
        cap2["records_in_per_worker"] = {
            name: value - before.get(name, 0.0) for name, value in records_in(pipe).items()
        }
        result["capacity_2_workers"] = cap2
    print(json.dumps(result))


if __name__ == "__main__":
    main()
