"""Rebuilding the duplicate index from the articles topic, then following it.

Why the topic and not a file under ``data_dir``: the topic *is* the record of what was
produced, so an index rebuilt from it can never disagree with it (a file could miss the last
article after a crash between the broker's ack and the file write, or outlive a broker that
lost its data, as the memory-only embedded broker does on restart). Following the topic
afterwards also teaches this process about articles produced by other ingest replicas.
The cost is start-up time in proportion to what the topic retains (about 0.5 ms per article
for the MinHash; see docs/ingest.md).

A plain aiokafka consumer without a group reads every partition from the beginning: nothing
is committed, each ingest process keeps its own full view. Caught up means: at or past the
end offsets *and* a fetch that returned nothing (end offsets of the embedded broker can
under-report by a few records, so they are a lower bound only).
"""

from __future__ import annotations

import asyncio
import contextlib

from aiokafka import AIOKafkaConsumer

from claimwatch.kafka import DecodeError, decode
from claimwatch.logging import get_logger
from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_ingest.dedup import DuplicateIndex
from claimwatch_ingest.metrics import INDEX_SIZE

log = get_logger(__name__)


class IndexFollower:
    """Loads every article on the topic into ``index`` and keeps doing so until stopped."""

    def __init__(self, settings: Settings, index: DuplicateIndex) -> None:
        self.settings = settings
        self.index = index
        self.loaded = asyncio.Event()
        self.skipped = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout_s: float = 120.0) -> int:
        """Read the topic up to its end; returns how many articles the index then holds."""
        topic = self.settings.topics.articles
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=self.settings.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_bytes=32 * 1024 * 1024,
        )
        await self._consumer.start()
        try:
            await asyncio.wait_for(self._catch_up(), timeout_s)
        except TimeoutError:
            await self.stop()
            raise RuntimeError(
                f"could not read {topic} to its end within {timeout_s:.0f} s "
                "to rebuild the duplicate index"
            ) from None
        self.loaded.set()
        INDEX_SIZE.set(len(self.index))
        log.info("index_rebuilt", articles=len(self.index), skipped=self.skipped)
        self._task = asyncio.create_task(self._follow(), name="ingest-index-follower")
        return len(self.index)

    async def _catch_up(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        while not consumer.assignment():
            await self._poll(100)
        while True:
            got = await self._poll(500)
            if got:
                continue
            assigned = list(consumer.assignment())
            ends = await consumer.end_offsets(assigned)
            positions = {tp: await consumer.position(tp) for tp in assigned}
            if all(positions[tp] >= ends[tp] for tp in assigned):
                return

    async def _poll(self, timeout_ms: int) -> int:
        assert self._consumer is not None
        batches = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=2000)
        count = 0
        for records in batches.values():
            for record in records:
                count += 1
                try:
                    article = decode(Article, record.value)
                except DecodeError as exc:
                    self.skipped += 1  # extract dead-letters it; the index just ignores it
                    log.debug("index_skip", reason=exc.reason, offset=record.offset)
                    continue
                self.index.add(article.id, article.text, article.duplicate_of)
        return count

    async def _follow(self) -> None:
        while True:
            try:
                if await self._poll(1000):
                    INDEX_SIZE.set(len(self.index))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep following; the broker may come back
                log.warning("index_follow_error", error=str(exc))
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()
