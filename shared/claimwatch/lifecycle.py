"""Process lifetimes: a child dies with the process that started it, and a process asked to
stop is gone within a bounded grace period.

Why both: ``claimwatch run`` and ``claimwatch replay`` start a broker and service processes.
A parent that is SIGKILLed, or whose terminal pipe broke, cannot stop them, so each child asks
the kernel to signal it when its parent dies (``PR_SET_PDEATHSIG``; Linux). And a worker
told to stop must not wait out broker timeouts when the broker is already gone (a faust worker
did for over 35 s): the first SIGTERM/SIGINT arms a watchdog that ends the process after
``Settings.shutdown_grace_s``, however far its orderly shutdown got. Nothing is lost by that:
offsets are committed only after what they caused was acknowledged, so a record whose work
was cut short is read again by the next worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Callable

DEFAULT_SHUTDOWN_GRACE_S = 10.0
_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl: Callable[..., int] = libc.prctl
    return prctl


_PRCTL = _load_prctl()  # loaded in the parent: the forked child only calls it


def die_with_parent(sig: signal.Signals = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` for ``subprocess.Popen``: the child gets ``sig`` when its parent dies.

    Also covers the parent dying between the fork and the ``prctl`` call (the child would then
    already belong to init). Without ``prctl`` (not Linux) it does nothing; the parent's own
    shutdown still stops its children. The kernel signals when the *thread* that forked the
    child ends, not only the process: start children from a thread that outlives them (the
    main thread, as ``claimwatch run``, ``replay`` and the test fixtures do).
    """
    parent = os.getpid()
    prctl = _PRCTL

    def preexec() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return preexec


class ShutdownWatchdog:
    """Ends the process ``grace_s`` seconds after ``arm`` (once), whatever it is doing then."""

    def __init__(self, grace_s: float = DEFAULT_SHUTDOWN_GRACE_S) -> None:
        self.grace_s = grace_s
        self._armed = threading.Event()

    def arm(self, signum: int = signal.SIGTERM) -> None:
        if self._armed.is_set():
            return
        self._armed.set()
        timer = threading.Timer(self.grace_s, self._expire, args=(signum,))
        timer.daemon = True
        timer.start()

    def _expire(self, signum: int) -> None:
        try:
            sys.stderr.write(
                f"shutdown took longer than {self.grace_s:g} s (CLAIMWATCH_SHUTDOWN_GRACE_S): "
                "exiting now; uncommitted records will be read again\n"
            )
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os._exit(128 + signum)
