"""Wiring of ``claimwatch web``: database, follower, pages, in that order.

The schema is migrated before anything reads, topics exist before the consumer touches them
(the embedded broker would auto-create them with the wrong partition count), and the pages
answer from the first second: while a new database is being rebuilt they show what is there so
far and fill in live.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from claimwatch.kafka import EventProducer, ensure_topics
from claimwatch.logging import get_logger
from claimwatch.metrics import init_stage
from claimwatch.serving import install_stop_handlers, make_server, serve_until
from claimwatch.settings import Settings
from claimwatch_web.app import create_app
from claimwatch_web.auth import Gate, check_exposure
from claimwatch_web.database import database_url, make_engine, migrate
from claimwatch_web.follower import TopicFollower
from claimwatch_web.live import ChangeHub
from claimwatch_web.metrics import ROWS, STAGE, init_metrics
from claimwatch_web.schema import ALERTS, ARTICLES, CLAIMS
from claimwatch_web.store import ReadModelWriter

log = get_logger(__name__)
ROWS_INTERVAL_S = 30.0


class WebService:
    def __init__(self, settings: Settings) -> None:
        check_exposure(settings)
        self.settings = settings
        self.url = database_url(settings)
        self.engine = make_engine(self.url)
        self.hub = ChangeHub()
        self.writer = ReadModelWriter(self.engine)
        self.producer = EventProducer(
            settings.bootstrap, STAGE, idempotent=settings.producer_idempotence
        )
        self.follower = TopicFollower(settings, self.writer, self.producer, self.hub.publish)
        self.app: FastAPI = create_app(
            self.engine, self.hub, Gate.from_settings(settings), health=self.health
        )
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def health(self) -> dict[str, Any]:
        return {
            "database": self.engine.dialect.name,
            "caught_up": self.follower.caught_up_once.is_set(),
            "lag_records": self.follower.lag_records(),
        }

    async def start(self) -> None:
        await asyncio.to_thread(migrate, self.engine)
        await ensure_topics(self.settings.bootstrap, self.settings.topics.specs())
        init_stage(STAGE)
        init_metrics()
        await self.producer.start()
        await self.follower.start()
        self._tasks = [
            asyncio.create_task(self.follower.run(self._stop), name="web-follower"),
            asyncio.create_task(self._count_rows(), name="web-rows"),
        ]
        log.info("web_started", database=self.engine.dialect.name)

    @property
    def failed(self) -> BaseException | None:
        """The follower's exception if it stopped on its own."""
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                return task.exception()
        return None

    async def stop(self) -> None:
        self._stop.set()
        self.hub.close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.follower.stop()
        await self.producer.stop()
        self.engine.dispose()
        log.info("web_stopped")

    async def _count_rows(self) -> None:
        tables = {"articles": ARTICLES, "claims": CLAIMS, "alerts": ALERTS}
        while not self._stop.is_set():
            try:
                counts = await asyncio.to_thread(self._counts, tables)
                for name, n in counts.items():
                    ROWS.labels(name).set(n)
            except SQLAlchemyError as exc:
                log.warning("web_row_count_failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), ROWS_INTERVAL_S)

    def _counts(self, tables: dict[str, Any]) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for name, t in tables.items()
            }


async def serve(
    settings: Settings, *, port: int | None = None, stop: asyncio.Event | None = None
) -> int:
    """Run until ``stop`` (SIGINT/SIGTERM when not given); 1 when the follower failed."""
    if stop is None:
        stop = asyncio.Event()
        install_stop_handlers(stop, settings.shutdown_grace_s)
    service = WebService(settings)
    await service.start()
    bound = settings.web_port if port is None else port
    failed: BaseException | None = None

    async def watch_follower() -> None:
        """Stop when the follower fails; on stop, end the live streams first, since uvicorn
        waits for open responses and a browser following /events never ends its own."""
        nonlocal failed
        try:
            while not stop.is_set():
                failed = service.failed
                if failed is not None:
                    log.error("web_follower_failed", error=repr(failed))
                    stop.set()
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
        finally:
            service.hub.close()

    watcher = asyncio.create_task(watch_follower())
    try:
        server = make_server(service.app, settings.metrics_host, bound)
        log.info("web_listening", url=f"http://{settings.metrics_host}:{bound}/")
        await serve_until(server, stop)
    finally:
        stop.set()
        await watcher
        await service.stop()
    return 1 if failed is not None else 0
