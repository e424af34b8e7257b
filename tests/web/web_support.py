"""What the web tests share: the pipeline on the session broker, `claimwatch web` children,
and a headless Chromium (Debian's, driven by Playwright; no browser is downloaded).

Everything is real: ingest's publisher, the extract and alert workers as child processes, the
web service as a child process on SQLite or PostgreSQL. Waits poll with a deadline; nothing
asserts on timing.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer
from playwright.sync_api import Browser as PlaywrightBrowser
from playwright.sync_api import Page, Playwright, sync_playwright

from claimwatch.kafka import DecodeError, EventProducer, decode, ensure_topics
from claimwatch.models import ArticleProcessed
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess
from claimwatch_ingest.dedup import DuplicateIndex
from claimwatch_ingest.files import RawArticle, iter_article_paths, read_article_file
from claimwatch_ingest.publisher import ArticlePublisher

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Articles written for these tests (fictional, in the samples' style): one more outlet on the
# quake story whose text carries markup that must be shown, never run, and whose headline and
# URL are hostile too (ingest refuses a javascript: URL; the unit tests check the page would
# not link one).
SCRIPT_OUTLET = "ridge-courier"
SCRIPT_ARTICLE = RawArticle(
    source=SCRIPT_OUTLET,
    title="Aftershock shakes Taliran as quake toll rises <b>again</b>",
    url='https://ridge-courier.example/quake?q="><script>window.__pwned=true</script>',
    published_at=datetime.fromisoformat("2026-11-19T08:00:00+00:00"),
    content_type="text/markdown",
    body=(
        "PORT SEVRAN — A strong aftershock shook southern Taliran on Thursday night, a day "
        "after the earthquake, officials said. <script>window.__pwned = true;</script>\n\n"
        "The Interior Ministry said 325 people were now confirmed dead. "
        '<img src="x" onerror="window.__pwned = true"> Rescue teams kept searching the '
        "coast.\n"
    ),
)
LIVE_OUTLET = "harbour-bulletin"


def live_article(outlet: str = LIVE_OUTLET) -> RawArticle:
    """A later report on the quake story, published while a browser watches."""
    return RawArticle(
        source=outlet,
        title="Taliran earthquake death toll rises to 340",
        url=f"https://{outlet}.example/taliran-toll",
        published_at=datetime.fromisoformat("2026-11-19T12:00:00+00:00"),
        content_type="text/markdown",
        body=(
            "PORT SEVRAN — The death toll from the earthquake in southern Taliran rose to 340 on "
            f"Friday, Interior Minister Dalia Orsk said, as {outlet} crews reached villages "
            "along the coast.\n"
        ),
    )


def unique_outlet(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@dataclass
class Pipeline:
    """Extract and alert workers on a fresh topic prefix, and a publisher feeding them."""

    settings: Settings
    logs: Path
    workers: list[ServiceProcess]
    index: DuplicateIndex
    published: list[str] = field(default_factory=list)
    script_article_id: str = ""

    async def publish_extra(self) -> None:
        """The articles written for these tests (the one carrying markup, for now)."""
        (self.script_article_id,) = await self.publish_texts([SCRIPT_ARTICLE])

    async def publish_texts(self, raws: list[RawArticle]) -> list[str]:
        async with EventProducer(self.settings.bootstrap, "test") as producer:
            publisher = ArticlePublisher(producer, self.settings, self.index)
            ids = [(await publisher.publish(raw)).article_id for raw in raws]
        self.published += ids
        return ids

    def publish_now(self, raws: list[RawArticle]) -> list[str]:
        """``publish_texts`` from synchronous code, even where Playwright's loop is running."""
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self.publish_texts(raws)).result(timeout=60)

    def publish_one_by_one(self, folder: Path) -> list[str]:
        """Each article file in name order, the next only once the previous was processed.

        Story assignment depends on the order articles reach the alert stage; published all at
        once, extract's batches can reorder them and a sample story may split in two.
        """
        ids = []
        for path in iter_article_paths([folder]):
            (article_id,) = self.publish_now([read_article_file(path)])
            self.wait_processed([article_id])
            ids.append(article_id)
        return ids

    def wait_processed(self, ids: list[str] | None = None, timeout_s: float = 180) -> None:
        """Until the alert stage marked every one of ``ids`` (default: all published)."""
        wanted = set(ids if ids is not None else self.published)
        asyncio.run(asyncio.wait_for(self._wait_markers(wanted), timeout_s))

    async def _wait_markers(self, wanted: set[str]) -> None:
        consumer = AIOKafkaConsumer(
            self.settings.topics.processed,
            bootstrap_servers=self.settings.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            seen: set[str] = set()
            while wanted - seen:
                for worker in self.workers:
                    assert worker.alive(), f"{worker.name} died:\n{worker.log_tail(40)}"
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    for record in records:
                        try:
                            seen.add(decode(ArticleProcessed, record.value).article_id)
                        except DecodeError:
                            continue
        finally:
            await consumer.stop()

    def stop(self) -> None:
        for worker in reversed(self.workers):
            worker.stop()


def start_pipeline(bootstrap: str, root: Path) -> Pipeline:
    settings = Settings(
        bootstrap=bootstrap,
        topic_prefix=f"web{uuid.uuid4().hex[:8]}",
        session_timeout_s=3.0,
        data_dir=root / "data",
    )
    asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
    logs = root / "logs"
    workers = [
        ServiceProcess(name, [name], settings.as_env(metrics_port=free_port()), logs).start()
        for name in ("extract", "alert")
    ]
    return Pipeline(settings, logs, workers, DuplicateIndex(settings.near_duplicate_threshold))


@dataclass
class WebServer:
    proc: ServiceProcess
    port: int
    database_url: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def health(self) -> dict[str, object]:
        data: dict[str, object] = httpx.get(f"{self.url}/healthz", timeout=5).json()
        return data

    def wait_caught_up(self, pipeline: Pipeline, timeout_s: float = 120) -> None:
        """Until the service has read everything the pipeline wrote so far."""
        deadline = time.monotonic() + timeout_s
        while True:
            assert self.proc.alive(), self.proc.log_tail(40)
            try:
                if self.health().get("caught_up"):
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"web never caught up:\n{self.proc.log_tail(40)}"
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.stop()


def start_web(
    pipeline: Pipeline, database_url: str, logs: Path, name: str = "web", **env: object
) -> WebServer:
    port = free_port()
    overrides: dict[str, object] = {"web_database_url": database_url, **env}
    proc = ServiceProcess(
        name, ["web", "--port", str(port)], pipeline.settings.as_env(**overrides), logs
    ).start()
    return WebServer(proc, port, database_url)


@dataclass
class Browser:
    playwright: Playwright
    browser: PlaywrightBrowser

    @classmethod
    @contextmanager
    def launch(cls) -> Iterator[Browser]:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            try:
                yield cls(playwright, browser)
            finally:
                browser.close()

    @contextmanager
    def page(self, base_url: str) -> Iterator[Page]:
        context = self.browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            context.close()
