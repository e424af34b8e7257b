"""Folder watch: new and changed article files in the configured folders.

Polling (``os.stat`` every ``Settings.watch_interval_s``) rather than inotify: it behaves the
same on Linux, macOS, network mounts and Docker bind mounts, where inotify events are often
missing, and a folder of news articles is small. A file is read once its size and mtime were
the same on two consecutive scans, so a file still being written is not ingested half-way
(writers can also write ``.name.tmp`` and rename: dot-files are ignored). A changed file is
read again; if its text is new it becomes a new article (usually a near duplicate of its
first version), if not nothing is produced.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from claimwatch.logging import get_logger
from claimwatch.models import SourceKind
from claimwatch_ingest.files import ArticleSourceError, iter_article_paths, read_article_file
from claimwatch_ingest.metrics import count_rejection
from claimwatch_ingest.publisher import ArticlePublisher, RejectedArticle

log = get_logger(__name__)

Signature = tuple[int, int]  # (mtime_ns, size)


class FolderWatcher:
    """Scans folders; hands stable new or changed files to the publisher."""

    def __init__(
        self, dirs: Iterable[Path], publisher: ArticlePublisher, interval_s: float = 1.0
    ) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.publisher = publisher
        self.interval_s = interval_s
        self._last_scan: dict[Path, Signature] = {}
        self._handled: dict[Path, Signature] = {}

    def scan(self) -> list[Path]:
        """Files whose signature is unchanged since the previous scan and not yet handled."""
        current: dict[Path, Signature] = {}
        for folder in self.dirs:
            if not folder.is_dir():
                continue
            try:
                paths = iter_article_paths([folder])
            except ArticleSourceError:
                continue  # the folder vanished between is_dir and the walk
            for path in paths:
                try:
                    st = path.stat()
                except OSError:
                    continue
                current[path] = (st.st_mtime_ns, st.st_size)
        ready = [
            path
            for path, sig in current.items()
            if self._last_scan.get(path) == sig and self._handled.get(path) != sig
        ]
        self._last_scan = current
        return ready

    async def handle(self, path: Path) -> None:
        """Read and publish one file; bad files are counted and logged, never fatal."""
        sig = self._last_scan.get(path)
        limit = self.publisher.settings.ingest_max_bytes
        try:
            raw = await asyncio.to_thread(read_article_file, path, limit)
        except ArticleSourceError as exc:
            count_rejection(SourceKind.FILE, exc.reason)
            log.warning("file_rejected", path=str(path), reason=exc.reason, detail=exc.detail)
        else:
            try:
                result = await self.publisher.publish(raw, SourceKind.FILE)
            except RejectedArticle as exc:
                log.warning("file_rejected", path=str(path), reason=exc.reason, detail=exc.detail)
            else:
                log.info(
                    "file_ingested",
                    path=str(path),
                    article_id=result.article_id,
                    produced=result.produced,
                    duplicate_of=result.duplicate_of,
                )
        if sig is not None:
            self._handled[path] = sig

    async def poll_once(self) -> int:
        """One scan; returns how many files were handed on."""
        ready = self.scan()
        for path in ready:
            await self.handle(path)
        return len(ready)

    async def run(self) -> None:
        """Scan until cancelled. A failed send is retried on the next scan (not marked handled)."""
        log.info("watching", folders=[str(d) for d in self.dirs], interval_s=self.interval_s)
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker down: keep the file unhandled, try again
                log.warning("watch_error", error=str(exc))
            await asyncio.sleep(self.interval_s)
