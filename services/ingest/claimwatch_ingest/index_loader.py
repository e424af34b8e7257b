"""Rebuilding the duplicate index from the articles topic, then following it.

Why the topic and not a file under ``data_dir``: the topic *is* the record of what was
produced, so an index rebuilt from it can never disagree with it (a file could miss the last
article after a crash between the broker's ack and the file write, or outlive a broker that
lost its data, as the memory-only embedded broker does on restart). Following the topic
afterwards also teaches this process about articles produced by other ingest replicas.
The cost is start-up time in proportion to what the topic retains (about 0.5 ms per article
for the MinHash; see docs/ingest.md).

A consumer without a group reads every partition from the beginning: nothing is committed,
each ingest process keeps its own full view. Caught up means: this process's marker read back
from every partition (``claimwatch.follow``; end offsets under-report on the embedded broker).
"""

from __future__ import annotations

from claimwatch.follow import Record, TopicFollower
from claimwatch.kafka import DecodeError, EventProducer, decode
from claimwatch.logging import get_logger
from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_ingest.dedup import DuplicateIndex
from claimwatch_ingest.metrics import INDEX_SIZE

log = get_logger(__name__)


class IndexFollower:
    """Loads every article on the topic into ``index`` and keeps doing so until stopped."""

    def __init__(self, settings: Settings, producer: EventProducer, index: DuplicateIndex) -> None:
        self.settings = settings
        self.index = index
        self.skipped = 0
        self._follower = TopicFollower(
            producer,
            settings.topics.articles,
            self._apply,
            name="ingest-index",
            poll_ms=1000,
            max_records=2000,
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_bytes=32 * 1024 * 1024,
        )
        self.loaded = self._follower.loaded

    async def start(self, timeout_s: float = 120.0) -> int:
        """Read the topic up to now; returns how many articles the index then holds."""
        try:
            await self._follower.start(timeout_s)
        except TimeoutError:
            await self.stop()
            raise RuntimeError(
                f"could not read {self.settings.topics.articles} to its end within "
                f"{timeout_s:.0f} s to rebuild the duplicate index"
            ) from None
        INDEX_SIZE.set(len(self.index))
        log.info("index_rebuilt", articles=len(self.index), skipped=self.skipped)
        return len(self.index)

    async def _apply(self, record: Record) -> None:
        try:
            article = decode(Article, record.value)
        except DecodeError as exc:
            self.skipped += 1  # extract dead-letters it; the index just ignores it
            log.debug("index_skip", reason=exc.reason, offset=record.offset)
            return
        self.index.add(article.id, article.text, article.duplicate_of)
        if self.loaded.is_set():
            INDEX_SIZE.set(len(self.index))

    async def stop(self) -> None:
        await self._follower.stop()
