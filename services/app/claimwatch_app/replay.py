"""``claimwatch replay``: the whole pipeline over files, until every article is processed.

Replay ingests in-process (the same ``ArticlePublisher`` the ingest service uses), runs the
extract and alert workers as child processes, and knows it is done by tracking article ids:
it waits for the alert stage's ``ArticleProcessed`` marker of every article it produced, then
for every alert version those markers list. It never sleeps to guess and never trusts end
offsets (the embedded broker under-reports them).

Each replay uses its own topic prefix, so it can share a broker (``--bootstrap``) with a
running deployment or another replay without mixing records.

Its topics have one partition each: it runs one worker per stage, which could not use more,
and one partition keeps the input order end to end. With several, the alert stage's story
index received the articles in whatever interleaving of the partitions the workers happened
to fetch, and story grouping (an article joins the stories open when it arrives) differed
from one replay of the same files to the next.

``--stories FILE`` writes, per article file, the article id ingest gave it and the story the
alert stage placed it in (read from the same markers), so grouping can be scored against a
gold clustering.

Replay never hangs silently: when no pending article makes progress (its claims, its marker
or a dead letter) for ``--article-timeout`` seconds, the articles still pending are reported
as not processed, each with how far it got, and replay exits 1. Off a terminal it prints a
progress line every few seconds. SIGTERM and SIGINT stop its workers and its broker before it
exits (and were it killed outright, they get SIGTERM from the kernel: ``claimwatch.lifecycle``).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from aiokafka import AIOKafkaConsumer
from rich.console import Console

from claimwatch.broker import EmbeddedBroker
from claimwatch.follow import is_marker
from claimwatch.kafka import DecodeError, EventProducer, decode, ensure_topics
from claimwatch.models import Alert, ArticleProcessed, DeadLetter
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess, stop_all
from claimwatch_app.replay_progress import ReplayProgress

WORKERS = ("extract", "alert")
DEFAULT_ARTICLE_TIMEOUT_S = 300.0


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


@dataclass(frozen=True)
class NotProcessed:
    """An article the pipeline did not finish within the time limit, and how far it got."""

    path: str
    article_id: str
    reason: str


@dataclass
class ReplayResult:
    """Every alert version in arrival order, the story of every article file read, and the
    articles that were not processed in time (empty when the replay is complete)."""

    alerts: list[Alert] = field(default_factory=list)
    articles: list[ArticleStory] = field(default_factory=list)
    not_processed: list[NotProcessed] = field(default_factory=list)
    worker_logs: str = ""  # the workers' last lines when something was not processed


@dataclass
class _Tracking:
    """What replay has seen of each article it produced."""

    pending: set[str]
    extracted: set[str] = field(default_factory=set)
    processed: set[str] = field(default_factory=set)
    expected: set[str] = field(default_factory=set)  # alert `id:version`s markers announced
    seen_versions: set[str] = field(default_factory=set)
    stories: dict[str, str] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)

    def done(self) -> bool:
        return not (self.pending - self.processed or self.expected - self.seen_versions)

    def why_not(self, article_id: str, waited_s: float) -> str:
        stage = "extracted, but the alert stage" if article_id in self.extracted else "extract"
        return (
            f"not processed: {stage} made no progress for {waited_s:.0f} s "
            "(no claims, marker or dead letter; see the worker logs)"
        )


def run_replay(
    paths: list[Path],
    bootstrap: str | None = None,
    timeout_s: float = 600.0,
    progress: bool = False,
    log_dir: Path | None = None,
    article_timeout_s: float = DEFAULT_ARTICLE_TIMEOUT_S,
) -> ReplayResult:
    """Run the pipeline over these files until every article is processed, or until no
    article made progress for ``article_timeout_s`` (see ``ReplayResult.not_processed``)."""
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
                partitions=1,  # input order end to end: the same files group the same way
            )
            asyncio.run(ensure_topics(servers, settings.topics.specs()))
            workers = [
                ServiceProcess(
                    name, [name], settings.as_env(metrics_port=free_port()), logs
                ).start()
                for name in WORKERS
            ]
            try:
                drive = _drive(settings, raws, workers, progress, article_timeout_s)
                return asyncio.run(asyncio.wait_for(drive, timeout_s))
            except TimeoutError as exc:
                raise ReplayError(
                    f"not every article was processed within {timeout_s:.0f} s; "
                    f"worker logs: {_tails(workers)}"
                ) from exc
            finally:
                stop_all(workers)  # before the broker (leaving this block) goes


def _tails(workers: list[ServiceProcess]) -> str:
    return "\n".join(f"--- {w.name} ({w.log_path})\n{w.log_tail(15)}" for w in workers)


async def _drive(
    settings: Settings,
    raws: list[Any],
    workers: list[ServiceProcess],
    show: bool,
    article_timeout_s: float,
) -> ReplayResult:
    from claimwatch_ingest.publisher import ArticlePublisher, RejectedArticle

    topics = settings.topics
    consumer = AIOKafkaConsumer(
        topics.claims,
        topics.processed,
        topics.alerts,
        topics.deadletter,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        with ReplayProgress(show) as progress:
            async with EventProducer(
                settings.bootstrap,
                "replay",
                idempotent=settings.producer_idempotence,
                max_record_bytes=settings.max_record_bytes,
            ) as producer:
                publisher = ArticlePublisher(producer, settings)
                pending: set[str] = set()
                ids_by_path: list[tuple[str, str]] = []
                for n, raw in enumerate(raws, 1):
                    try:
                        result = await publisher.publish(raw)
                    except RejectedArticle as exc:
                        progress.note(
                            f"skipped {raw.origin or raw.source}: {exc.reason}: {exc.detail}"
                        )
                    else:
                        ids_by_path.append((raw.origin or raw.source, result.article_id))
                        if result.produced:
                            pending.add(result.article_id)
                    progress.update("articles ingested", n, len(raws))
            seen = _Tracking(pending)
            progress.update("articles processed", 0, len(pending))
            await _collect(consumer, seen, workers, progress, article_timeout_s)
    finally:
        await consumer.stop()
    articles = [ArticleStory(path, aid, seen.stories.get(aid)) for path, aid in ids_by_path]
    waited = article_timeout_s
    missing = [
        NotProcessed(path, aid, seen.why_not(aid, waited))
        for path, aid in ids_by_path
        if aid in seen.pending - seen.processed
    ]
    return ReplayResult(seen.alerts, articles, missing, _tails(workers) if missing else "")


async def _collect(
    consumer: AIOKafkaConsumer,
    seen: _Tracking,
    workers: list[ServiceProcess],
    progress: ReplayProgress,
    article_timeout_s: float,
) -> None:
    """Read markers, dead letters, claims and alerts until every article is done, or until
    none made progress for ``article_timeout_s``."""
    loop = asyncio.get_running_loop()
    last_progress = loop.time()
    while not seen.done():
        for worker in workers:
            if not worker.alive():
                raise ReplayError(
                    f"the {worker.name} worker exited with code {worker.exit_code()}:\n"
                    f"{worker.log_tail(20)}"
                )
        if loop.time() - last_progress > article_timeout_s:
            return
        batches = await consumer.getmany(timeout_ms=500)
        before = (len(seen.extracted), len(seen.processed))
        for records in batches.values():
            for record in records:
                if not is_marker(record.key, record.value):
                    _take(record, seen, progress)
        if (len(seen.extracted), len(seen.processed)) != before:
            last_progress = loop.time()
            progress.update("articles processed", len(seen.processed), len(seen.pending))
        progress.tick()


def _take(record: Any, seen: _Tracking, progress: ReplayProgress) -> None:
    """Fold one record of the replay's topics into what has been seen."""
    try:
        if record.topic.endswith(".claims"):
            key = (record.key or b"").decode("utf-8", "replace")
            if key in seen.pending:
                seen.extracted.add(key)
        elif record.topic.endswith(".deadletter"):
            dead = decode(DeadLetter, record.value)
            if dead.key in seen.pending and dead.key not in seen.processed:
                seen.processed.add(dead.key)
                progress.note(
                    f"replay: article {dead.key} was dead-lettered by "
                    f"{dead.service}: {dead.reason}: {dead.detail}"
                )
        elif record.topic.endswith(".processed"):
            marker = decode(ArticleProcessed, record.value)
            if marker.article_id in seen.pending:
                seen.processed.add(marker.article_id)
            if marker.story:  # empty: the alert stage dead-lettered it
                seen.stories[marker.article_id] = marker.story
            seen.expected.update(marker.alerts)
        else:
            alert = decode(Alert, record.value)
            key = f"{alert.id}:{alert.version}"
            if key not in seen.seen_versions:
                seen.seen_versions.add(key)
                seen.alerts.append(alert)
    except DecodeError as exc:
        progress.note(f"replay: skipped an unreadable record: {exc}")


def replay_cmd(
    paths: list[Path],
    out: Path | None,
    bootstrap: str | None,
    timeout: float,
    stories: Path | None = None,
    article_timeout: float = DEFAULT_ARTICLE_TIMEOUT_S,
) -> int:
    """CLI adapter: exit codes 0 ok, 2 bad input path, 1 pipeline failure (some article not
    processed in time included: its alerts so far are still written), 128 + the signal when
    stopped by SIGINT or SIGTERM."""
    from claimwatch_ingest.files import ArticleSourceError

    err = Console(stderr=True, soft_wrap=True)
    try:
        with signals_interrupt() as received:
            result = run_replay(
                paths,
                bootstrap=bootstrap,
                timeout_s=timeout,
                progress=True,
                article_timeout_s=article_timeout,
            )
    except KeyboardInterrupt:
        signum = received[0] if received else signal.SIGINT
        err.print(f"replay stopped by {signal.Signals(signum).name}; its workers were stopped")
        return 128 + signum
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
    for missing in result.not_processed:
        err.print(f"[red]{missing.path}[/red] ({missing.article_id}): {missing.reason}")
    if result.not_processed:
        err.print(result.worker_logs, markup=False, highlight=False)
        err.print(
            f"[red]replay incomplete:[/red] {len(result.not_processed)} of "
            f"{len(result.articles)} articles not processed within --article-timeout "
            f"{article_timeout:g} s"
        )
        return 1
    return 0


@contextmanager
def signals_interrupt() -> Iterator[list[int]]:
    """SIGTERM (like SIGINT) raises KeyboardInterrupt, so every ``finally`` runs and stops the
    workers and the broker; the list receives the signals seen. Handlers restored on exit."""
    received: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
