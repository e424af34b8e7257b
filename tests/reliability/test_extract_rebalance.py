"""Two `claimwatch extract` workers in one consumer group: a second worker joins while articles
flow, then the first leaves (SIGTERM) — every article still gets its ClaimsExtracted.

This is the faust rebalance case that lost records in the measured probe (design.md): the
test counts ids in and ids out on the claims topic (duplicates are allowed, and counted).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from pathlib import Path

from reliability_support import Service, Watcher, filler_article, start_service, wait_for

from claimwatch.kafka import EventProducer
from claimwatch.models import Article
from claimwatch.settings import Settings

PER_PHASE = 20


def articles(first: int, count: int, rng: random.Random) -> list[Article]:
    out = []
    for n in range(first, first + count):
        raw = filler_article(n, rng)
        text = f"{raw['title']}\n\n{raw['text']}"
        out.append(Article(id=f"rb-{n:03d}", source=raw["source"], text=text, original_text=text))
    return out


async def produce(settings: Settings, batch: list[Article], spread_s: float) -> None:
    """Send one at a time with a small gap, so records keep arriving during a rebalance."""
    async with EventProducer(settings.bootstrap, "test") as producer:
        for article in batch:
            await producer.send_and_wait(settings.topics.articles, article.id, article)
            await asyncio.sleep(spread_s)


def records_out(service: Service) -> float:
    for line in service.metrics().splitlines():
        if line.startswith('claimwatch_records_out_total{stage="extract"}'):
            return float(line.split()[-1])
    return 0.0


def test_extract_group_rebalance_join_then_leave_loses_nothing(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    rng = random.Random(9)
    sent = articles(0, 3 * PER_PHASE, rng)
    watcher = Watcher(settings)
    first = start_service("extract", settings, tmp_path, name="extract-a")
    second: Service | None = None
    try:
        # Phase 1: one worker owns every partition.
        asyncio.run(produce(settings, sent[:PER_PHASE], 0.02))
        wait_for("first worker's output", lambda: len(watcher.claims) >= 5, 120, first)
        # Phase 2: a second worker joins the group while records keep arriving.
        second = start_service("extract", settings, tmp_path, name="extract-b")
        asyncio.run(produce(settings, sent[PER_PHASE : 2 * PER_PHASE], 0.25))
        # Phase 3: the first worker leaves (SIGTERM) while records keep arriving.
        first.proc.stop(timeout_s=20)
        asyncio.run(produce(settings, sent[2 * PER_PHASE :], 0.1))
        ids = {a.id for a in sent}
        wait_for(
            "a ClaimsExtracted per article",
            lambda: ids <= set(watcher.claims),
            120,
            second,
        )
        duplicates = {k: n for k, n in watcher.claims.items() if n > 1}
        out_second = records_out(second)
        print(
            json.dumps(
                {
                    "articles_in": len(ids),
                    "articles_out": len(ids & set(watcher.claims)),
                    "claims_records": sum(watcher.claims.values()),
                    "duplicate_ids": len(duplicates),
                    "second_worker_records_out": out_second,
                    "first_worker_exit": first.proc.exit_code(),
                }
            )
        )
        assert set(watcher.claims) == ids  # nothing lost, nothing unexpected
        assert out_second > 0  # the joiner really took partitions over
        assert not watcher.dead, watcher.dead
    finally:
        watcher.stop()
        first.proc.stop()
        if second is not None:
            second.proc.stop()
