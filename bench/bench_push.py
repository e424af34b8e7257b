"""Push API vs a bare aiokafka producer: the same records to the same broker, same run.

Starts the embedded broker and ``claimwatch ingest`` (a child process, as deployed). The bare
producer (this process, ``acks=all`` like the service) sends the very ``Article`` records the
push API will produce, pipelined, to a topic of its own; then the push API takes the same
articles (202 only after the broker acknowledged them) through the batch endpoint (100 per
request, 4 requests in flight) and through single ``POST /articles`` (32 in flight).
The per-client rate limit is off (``ingest_rate_per_s=0``): it is policy, not capacity.
``ingest_ratio`` = batch push articles/s / bare producer articles/s (target >= 0.5).

    .venv/bin/python bench/bench_push.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from aiokafka import AIOKafkaProducer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from articles import articles

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import encode, ensure_topics
from claimwatch.models import SourceKind
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch.topics import TopicSpec
from claimwatch_app.processes import ServiceProcess
from claimwatch_ingest.files import RawArticle
from claimwatch_ingest.publisher import ArticlePublisher


async def bare(bootstrap: str, topic: str, records: list[tuple[bytes, bytes]]) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_request_size=8 << 20
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"warm-up", key=b"warm-up")
        started = time.perf_counter()
        futures = [await producer.send(topic, value, key=key) for key, value in records]
        await asyncio.gather(*futures)
        return len(records) / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def push(url: str, items: list[dict[str, str]], batch: int, inflight: int) -> float:
    sem = asyncio.Semaphore(inflight)
    async with httpx.AsyncClient(
        timeout=120, trust_env=False, limits=httpx.Limits(max_connections=inflight)
    ) as client:

        async def one(chunk: list[dict[str, str]]) -> None:
            async with sem:
                if batch == 1:
                    resp = await client.post(f"{url}/articles", json=chunk[0])
                else:
                    resp = await client.post(f"{url}/articles/batch", json={"articles": chunk})
            if resp.status_code != 202:
                raise RuntimeError(f"push API answered {resp.status_code}: {resp.text[:200]}")

        chunks = [items[i : i + batch] for i in range(0, len(items), batch)]
        started = time.perf_counter()
        await asyncio.gather(*(one(c) for c in chunks))
        return len(items) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    args = ap.parse_args()
    items = articles(2 * args.articles + 50, seed=5)
    batch_items, single_items = items[: args.articles], items[args.articles : 2 * args.articles]
    with (
        tempfile.TemporaryDirectory(prefix="claimwatch-bench-") as tmp,
        EmbeddedBroker(log_file=Path(tmp) / "broker.log") as broker,
    ):
        settings = Settings(
            bootstrap=broker.bootstrap,
            topic_prefix=f"bench-{uuid.uuid4().hex[:6]}",
            partitions=2,
            data_dir=Path(tmp) / "data",
            log_level="WARNING",
        )
        bare_topic = f"{settings.topic_prefix}.bare"
        asyncio.run(
            ensure_topics(broker.bootstrap, [*settings.topics.specs(), TopicSpec(bare_topic, 2)])
        )
        # the records the service will produce for the batch articles, built by its own code
        publisher = ArticlePublisher(None, settings)  # type: ignore[arg-type]
        records = []
        for item in batch_items:
            article = publisher.build(
                RawArticle(source=item["source"], body=item["text"]), SourceKind.PUSH
            )
            records.append((article.id.encode(), encode(article)))
        record_bytes = sum(len(v) for _, v in records) / len(records)
        bare_aps = asyncio.run(bare(broker.bootstrap, bare_topic, records))
        port = free_port()
        ingest = ServiceProcess(
            "ingest",
            ["ingest", "--port", str(port)],
            settings.as_env(metrics_port=free_port(), ingest_max_batch=100, ingest_rate_per_s=0.0),
            Path(tmp) / "logs",
        ).start()
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1, trust_env=False).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if not ingest.alive():
                    raise RuntimeError(ingest.log_tail(20))
                time.sleep(0.2)
            asyncio.run(push(url, items[-50:], 1, 8))  # warm-up: connections, first sends
            batch_aps = asyncio.run(push(url, batch_items, 100, 4))
            single_aps = asyncio.run(push(url, single_items, 1, 32))
        finally:
            ingest.stop()
    print(
        json.dumps(
            {
                "bench": "push",
                "articles": args.articles,
                "record_bytes": round(record_bytes),
                "bare_producer_articles_per_s": round(bare_aps, 1),
                "push_batch_articles_per_s": round(batch_aps, 1),
                "push_single_articles_per_s": round(single_aps, 1),
                "ingest_ratio": round(batch_aps / bare_aps, 3),
                "ingest_ratio_single": round(single_aps / bare_aps, 3),
                "target_ratio": 0.5,
            }
        )
    )


if __name__ == "__main__":
    main()
