"""The ingest service: every door (folders, feeds, push API) around one publisher.

Start-up order matters: topics first (a broker that auto-creates would pick its own
partition count), then the producer, then the duplicate index rebuilt from the articles
topic (so nothing already produced is produced again), and only then the doors open.
Shutdown is the reverse: doors close first, so nothing is accepted that cannot be sent.

    async with IngestService(settings, watch_dirs=[Path("inbox")]) as service:
        ...  # service.api_port is the bound port
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path
from types import TracebackType

import httpx
from aiokafka.client import AIOKafkaClient

from claimwatch.kafka import EventProducer, ensure_topics
from claimwatch.logging import get_logger
from claimwatch.serving import QuietServer, make_server
from claimwatch.settings import Settings
from claimwatch_ingest.api import create_app
from claimwatch_ingest.dedup import DuplicateIndex
from claimwatch_ingest.feeds import FeedPoller, parse_feed_spec
from claimwatch_ingest.index_loader import IndexFollower
from claimwatch_ingest.metrics import init_metrics
from claimwatch_ingest.publisher import ArticlePublisher
from claimwatch_ingest.watcher import FolderWatcher

log = get_logger(__name__)


class IngestService:
    def __init__(
        self,
        settings: Settings,
        *,
        watch_dirs: list[Path] | None = None,
        feeds: list[str] | None = None,
        api_port: int | None = None,
        api: bool = True,
    ) -> None:
        self.settings = settings
        self.watch_dirs = [*settings.watch_dirs, *(watch_dirs or [])]
        self.feed_specs = [parse_feed_spec(f) for f in [*settings.feeds, *(feeds or [])]]
        self.api_port = settings.ingest_port if api_port is None else api_port
        self.api_enabled = api
        self.producer = EventProducer(
            settings.bootstrap,
            "ingest",
            idempotent=settings.producer_idempotence,
            max_record_bytes=settings.max_record_bytes,
        )
        self.index = DuplicateIndex(settings.near_duplicate_threshold)
        self.follower = IndexFollower(settings, self.producer, self.index)
        self.publisher = ArticlePublisher(self.producer, settings, self.index)
        self.watcher = FolderWatcher(self.watch_dirs, self.publisher, settings.watch_interval_s)
        self.http = httpx.AsyncClient(timeout=10.0, follow_redirects=True)
        self.feeds = FeedPoller(self.feed_specs, self.publisher, settings, self.http)
        self._probe = AIOKafkaClient(bootstrap_servers=settings.bootstrap)
        self._server: QuietServer | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        init_metrics()
        await ensure_topics(self.settings.bootstrap, self.settings.topics.specs())
        await self.producer.start()
        await self._probe.bootstrap()
        loaded = await self.follower.start()
        log.info("ingest_index_ready", articles=loaded)
        if self.api_enabled:
            await self._start_api()
        if self.watch_dirs:
            self._tasks.append(asyncio.create_task(self.watcher.run(), name="ingest-watch"))
        for spec in self.feed_specs:
            self._tasks.append(asyncio.create_task(self.feeds.run(spec), name="ingest-feed"))
        log.info(
            "ingest_started",
            api_port=self.api_port if self.api_enabled else None,
            folders=[str(d) for d in self.watch_dirs],
            feeds=len(self.feed_specs),
        )

    async def _start_api(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.settings.metrics_host, self.api_port))
        self.api_port = int(sock.getsockname()[1])
        app = create_app(self.publisher, self.settings, self.ready)
        self._server = make_server(app, self.settings.metrics_host, self.api_port)
        task = asyncio.create_task(self._server.serve(sockets=[sock]), name="ingest-api")
        self._tasks.append(task)
        while not self._server.started:
            if task.done():
                task.result()  # raises what stopped it
            await asyncio.sleep(0.02)

    async def ready(self) -> tuple[bool, str]:
        """Broker reachable and the duplicate index rebuilt."""
        if not self.follower.loaded.is_set():
            return False, "duplicate index still loading"
        try:
            await asyncio.wait_for(self._probe.fetch_all_metadata(), 3.0)
        except Exception as exc:  # any failure means: not ready
            return False, f"broker unreachable: {exc!r}"
        return True, "ok"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        for task in self._tasks:
            if task.get_name() != "ingest-api":
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.http.aclose()
        await self.follower.stop()
        await self._probe.close()
        await self.producer.stop()  # flushes what is still queued
        log.info("ingest_stopped")

    async def __aenter__(self) -> IngestService:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
