"""A local append-only journal of delivered webhook-ids: the record that survives a SIGKILL.

The deliveries topic says which webhooks were delivered, but a record reaches it one broker
round trip after the receiver's 2xx — under a burst 50-140 ms later — and a worker killed in
that window made its replacement send the webhook again (3 to 6 webhook-ids twice per kill in
`tests/reliability/test_deliver_kill_duplicates.py`). A line written to a local file as soon
as the 2xx is read is in the kernel's page cache microseconds later and outlives the process
(not the machine: there is no fsync; the topic covers the rest).

One process at a time: the file is locked (``flock``); a second process on the same data dir
runs without a journal and says so. It keeps the newest ``keep`` ids, rewritten at start and
whenever it has grown to twice that.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections import deque
from pathlib import Path

from claimwatch.logging import get_logger

log = get_logger(__name__)

JOURNAL_KEEP = 20_000


class DeliveredJournal:
    def __init__(self, path: Path, keep: int = JOURNAL_KEEP) -> None:
        self.path = path
        self.keep = keep
        self._recent: deque[str] = deque(maxlen=keep)
        self._fd: int | None = None
        self._lines = 0

    def open(self) -> list[str]:
        """Lock the journal and return the ids it holds (oldest first); ``[]`` if another
        process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            log.warning("delivered_journal_busy", path=str(self.path))
            return []
        self._fd = fd
        text = self.path.read_bytes().decode("utf-8", "replace")
        complete = text.splitlines()[: text.count("\n")]  # a line cut by a kill is dropped
        self._recent.extend(line for line in complete if line)
        self._rewrite()
        return list(self._recent)

    def append(self, webhook_id: str) -> None:
        if self._fd is None:
            return
        os.write(self._fd, webhook_id.encode("utf-8") + b"\n")
        self._recent.append(webhook_id)
        self._lines += 1
        if self._lines > 2 * self.keep:
            self._rewrite()

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _rewrite(self) -> None:
        """Keep the newest ids only: write them beside the journal, then swap it in (the lock
        moves with the new file, which this process opens before releasing the old one)."""
        assert self._fd is not None
        fresh = self.path.with_suffix(".new")
        fresh.write_text("".join(f"{i}\n" for i in self._recent), encoding="utf-8")
        fd = os.open(fresh, os.O_RDWR | os.O_APPEND)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(fresh, self.path)
        os.close(self._fd)
        self._fd = fd
        self._lines = len(self._recent)
