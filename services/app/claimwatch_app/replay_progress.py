"""How far a replay has got, on a terminal (a live bar) or not (a line now and then).

A replay's stderr is often a file or a pipe (CI, ``2> log``, ``| tee``), where a live bar
shows nothing until the end: a replay that hangs then looks exactly like one that works. So
off a terminal it prints ``replay: 12/40 articles processed (31 s)`` whenever the count moves,
at most every ``interval_s``, and at least that often while it does not.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ReplayProgress:
    def __init__(self, show: bool, stream: TextIO | None = None, interval_s: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = show and self.stream.isatty()
        self.lines = show and not self.tty
        self.interval_s = interval_s
        self.console = Console(file=self.stream, soft_wrap=True)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            disable=not self.tty,
        )
        self._tasks: dict[str, object] = {}
        self._counts: dict[str, tuple[int, int]] = {}
        self._started = time.monotonic()
        self._last_line = 0.0

    def __enter__(self) -> ReplayProgress:
        self._bar.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.__exit__(exc_type, exc, tb)

    def note(self, message: str) -> None:
        """A line above the bar (or on its own)."""
        self.console.print(message, highlight=False)

    def update(self, what: str, done: int, total: int) -> None:
        """``done`` of ``total`` ``what`` (e.g. "articles processed")."""
        if what not in self._tasks:
            self._tasks[what] = self._bar.add_task(what, total=total)
        self._bar.update(self._tasks[what], completed=done, total=total)  # type: ignore[arg-type]
        changed = self._counts.get(what) != (done, total)
        self._counts[what] = (done, total)
        if changed and (done == total or self._due()):
            self._line()

    def tick(self) -> None:
        """Called while waiting: off a terminal, a line every ``interval_s`` even if stuck."""
        if self._due():
            self._line()

    def _due(self) -> bool:
        return self.lines and time.monotonic() - self._last_line >= self.interval_s

    def _line(self) -> None:
        if not self.lines:
            return
        self._last_line = time.monotonic()
        counts = ", ".join(f"{d}/{t} {what}" for what, (d, t) in self._counts.items())
        self.note(f"replay: {counts} ({self._last_line - self._started:.0f} s)")
