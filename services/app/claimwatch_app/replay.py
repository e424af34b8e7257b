"""``claimwatch replay``: the whole pipeline over files, until every article is processed.

Replay ingests in-process (the same ``ArticlePublisher`` the ingest service uses), runs the
extract and alert workers as child processes, and knows it is done by tracking article ids:
it waits for the alert stage's ``ArticleProcessed`` marker of every article it produced, then
for every alert version those markers list. It never sleeps to guess and never trusts end
offsets (the embedded broker under-reports them).

Each replay uses its own topic prefix, so it can share a broker (``--bootstrap``) with a
running deployment or another replay without mixing records.

``--stories FILE`` writes, per article file, the article id ingest gave it and the story the
alert stage placed it in (read from the same markers), so grouping can be scored against a
gold clustering.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from claimwatch.broker import EmbeddedBroker, free_port
from claimwatch.follow import is_marker
from claimwatch.kafka import DecodeError, EventProducer, decode, ensure_topics
from claimwatch.models import Alert, ArticleProcessed, DeadLetter
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess

WORKERS = ("extract", "alert")


class ReplayError(Exception):
    """Replay could not finish; the message says why and where to look."""


@contextmanager
def _broker(bootstrap: str | None, log_dir: Path) -> Iterator[str]:
    if bootstrap:
        yield bootstrap
        return
    with EmbeddedBroker(log_file=log_dir / "broker.log") as broker:
        yield broker.bootstrap


@dataclass(frozen=True)
class ArticleStory:
    """Where one article file ended up: ``story`` is ``None`` if it was dead-lettered."""

    path: str
    article_id: str
    story: str | None

    def to_json(self) -> str:
        return json.dumps({"path": self.path, "article_id": self.article_id, "story": self.story})


@dataclass
class ReplayResult:
    """Every alert version in arrival order, and the story of every article file read."""

    alerts: list[Alert] = field(default_factory=list)
    articles: list[ArticleStory] = field(default_factory=list)


def run_replay(
    paths: list[Path],
    bootstrap: str | None = None,
    timeout_s: float = 600.0,
    progress: bool = False,
    log_dir: Path | None = None,
) -> ReplayResult:
    """Run the pipeline over these files until every article is processed."""
    from claimwatch_ingest.files import iter_article_paths, read_article_file

    files = iter_article_paths(paths)
    raws = [read_article_file(path) for path in files]
    with tempfile.TemporaryDirectory(prefix="claimwatch-replay-") as tmp:
        logs = log_dir or Path(tmp) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        with _broker(bootstrap, logs) as servers:
            settings = Settings(
                bootstrap=servers,
                topic_prefix=f"replay-{uuid.uuid4().hex[:8]}",
                data_dir=Path(tmp) / "data",
                session_timeout_s=3.0,
            )
            asyncio.run(ensure_topics(servers, settings.topics.specs()))
            workers = [
                ServiceProcess(
                    name, [name], settings.as_env(metrics_port=free_port()), logs
                ).start()
                for name in WORKERS
            ]
            try:
                return asyncio.run(
                    asyncio.wait_for(_drive(settings, raws, workers, progress), timeout_s)
                )
            except TimeoutError as exc:
                raise ReplayError(
                    f"not every article was processed within {timeout_s:.0f} s; "
                    f"worker logs: {_tails(workers)}"
                ) from exc
            finally:
                for worker in workers:
                    worker.stop()


def _tails(workers: list[ServiceProcess]) -> str:
    return "\n".join(f"--- {w.name} ({w.log_path})\n{w.log_tail(15)}" for w in workers)


async def _drive(
    settings: Settings, raws: list[Any], workers: list[ServiceProcess], show: bool
) -> ReplayResult:
    from claimwatch_ingest.publisher import ArticlePublisher, RejectedArticle

    topics = settings.topics
    consumer = AIOKafkaConsumer(
        topics.processed,
        topics.alerts,
        topics.deadletter,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not show,
    )
    try:
        with progress:
            ingest_task = progress.add_task("ingested ", total=len(raws))
            async with EventProducer(
                settings.bootstrap,
                "replay",
                idempotent=settings.producer_idempotence,
                max_record_bytes=settings.max_record_bytes,
            ) as producer:
                publisher = ArticlePublisher(producer, settings)
                pending: set[str] = set()
                ids_by_path: list[tuple[str, str]] = []
                for raw in raws:
                    try:
                        result = await publisher.publish(raw)
                    except RejectedArticle as exc:
                        progress.console.print(
                            f"skipped {raw.origin or raw.source}: {exc.reason}: {exc.detail}"
                        )
                    else:
                        ids_by_path.append((raw.origin or raw.source, result.article_id))
                        if result.produced:
                            pending.add(result.article_id)
                    progress.advance(ingest_task)
            done_task = progress.add_task("processed", total=len(pending))
            alerts, stories = await _collect(consumer, pending, workers, progress, done_task)
    finally:
        await consumer.stop()
    articles = [ArticleStory(path, aid, stories.get(aid)) for path, aid in ids_by_path]
    return ReplayResult(alerts, articles)


async def _collect(
    consumer: AIOKafkaConsumer,
    pending: set[str],
    workers: list[ServiceProcess],
    progress: Progress,
    task: object,
) -> tuple[list[Alert], dict[str, str]]:
    """Alert versions in arrival order, and the story of each processed article id."""
    expected: set[str] = set()
    stories: dict[str, str] = {}
    seen_versions: set[str] = set()
    alerts: list[Alert] = []
    processed: set[str] = set()
    while pending - processed or expected - seen_versions:
        for worker in workers:
            if not worker.alive():
                raise ReplayError(
                    f"the {worker.name} worker exited with code {worker.exit_code()}:\n"
                    f"{worker.log_tail(20)}"
                )
        batches = await consumer.getmany(timeout_ms=500)
        for records in batches.values():
            for record in records:
                if is_marker(record.key, record.value):
                    continue  # a follower's catch-up marker (claimwatch.follow), not data
                try:
                    if record.topic.endswith(".deadletter"):
                        dead = decode(DeadLetter, record.value)
                        if dead.key in pending and dead.key not in processed:
                            processed.add(dead.key)
                            progress.advance(task)  # type: ignore[arg-type]
                            print(
                                f"replay: article {dead.key} was dead-lettered by "
                                f"{dead.service}: {dead.reason}: {dead.detail}",
                                file=sys.stderr,
                            )
                    elif record.topic.endswith(".processed"):
                        marker = decode(ArticleProcessed, record.value)
                        if marker.article_id in pending and marker.article_id not in processed:
                            processed.add(marker.article_id)
                            progress.advance(task)  # type: ignore[arg-type]
                        if marker.story:  # empty: the alert stage dead-lettered it
                            stories[marker.article_id] = marker.story
                        expected.update(marker.alerts)
                    else:
                        alert = decode(Alert, record.value)
                        key = f"{alert.id}:{alert.version}"
                        if key not in seen_versions:
                            seen_versions.add(key)
                            alerts.append(alert)
                except DecodeError as exc:
                    print(f"replay: skipped an unreadable record: {exc}", file=sys.stderr)
    return alerts, stories


def replay_cmd(
    paths: list[Path],
    out: Path | None,
    bootstrap: str | None,
    timeout: float,
    stories: Path | None = None,
) -> int:
    """CLI adapter: exit codes 0 ok, 2 bad input path, 1 pipeline failure."""
    from claimwatch_ingest.files import ArticleSourceError

    err = Console(stderr=True, soft_wrap=True)
    try:
        result = run_replay(paths, bootstrap=bootstrap, timeout_s=timeout, progress=True)
    except ArticleSourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 2
    except ReplayError as exc:
        err.print(f"[red]replay failed:[/red] {exc}")
        return 1
    lines = "".join(alert.model_dump_json() + "\n" for alert in result.alerts)
    if out is None:
        sys.stdout.write(lines)
    else:
        out.write_text(lines, encoding="utf-8")
    err.print(f"{len(result.alerts)} alert notifications" + (f" written to {out}" if out else ""))
    if stories is not None:
        stories.write_text("".join(a.to_json() + "\n" for a in result.articles), encoding="utf-8")
        placed = len({a.story for a in result.articles if a.story})
        err.print(f"{len(result.articles)} articles in {placed} stories written to {stories}")
    return 0
