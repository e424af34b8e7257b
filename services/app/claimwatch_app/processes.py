"""Child service processes (`claimwatch <command>`), started and stopped by pid.

Used by ``claimwatch run``, ``claimwatch replay`` and tests: each child gets its settings
through ``CLAIMWATCH_*`` variables, writes its log to a file, runs in its own session (a
terminal's Ctrl-C reaches only the parent, which stops children in order) and dies with its
parent whatever kills the parent (``claimwatch.lifecycle.die_with_parent``). Stopping is
SIGTERM, then SIGKILL after a timeout, all children at once (``stop_all``), so no run leaves
orphans behind and stopping takes one grace period, not one per child.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from claimwatch.lifecycle import DEFAULT_SHUTDOWN_GRACE_S, die_with_parent

# a child gets its own grace (CLAIMWATCH_SHUTDOWN_GRACE_S) plus this before SIGKILL
STOP_MARGIN_S = 5.0


class ServiceProcess:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.started_at = 0.0

    def start(self) -> ServiceProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child
        cmd = [sys.executable, "-m", "claimwatch_app", *self.args]
        self.proc = subprocess.Popen(
            cmd,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        log.close()
        self.starts += 1
        self.started_at = time.monotonic()
        return self

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def grace_s(self) -> float:
        """How long this child may take to stop before it is killed."""
        own = self.env.get("CLAIMWATCH_SHUTDOWN_GRACE_S") or os.environ.get(
            "CLAIMWATCH_SHUTDOWN_GRACE_S"
        )
        return (float(own) if own else DEFAULT_SHUTDOWN_GRACE_S) + STOP_MARGIN_S

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_code(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def kill(self) -> None:
        """SIGKILL the whole process group (fault tests)."""
        if self.alive() and self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM to its process group); ``stop_all`` waits."""
        if self.alive() and self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)

    def stop(self, timeout_s: float | None = None) -> None:
        stop_all([self], timeout_s)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def stop_all(children: Iterable[ServiceProcess], timeout_s: float | None = None) -> None:
    """SIGTERM every live child at once, wait up to ``timeout_s`` (default: the longest
    child grace), then SIGKILL what is left; returns once every child has exited."""
    live = [child for child in children if child.alive()]
    for child in live:
        child.terminate()
    limit = timeout_s if timeout_s is not None else max((c.grace_s for c in live), default=0)
    deadline = time.monotonic() + limit
    while any(child.alive() for child in live) and time.monotonic() < deadline:
        time.sleep(0.05)
    for child in live:
        if child.alive():
            child.kill()
        elif child.proc is not None:
            child.proc.wait(timeout=10)
