"""Serving uvicorn inside our own event loop with our own SIGINT/SIGTERM handling.

Uvicorn's ``Server.serve`` captures signals and re-raises them once it returns, which would
kill the process (SIGTERM) or raise KeyboardInterrupt (SIGINT) before a worker has left its
consumer group and committed. Here the signal only asks everything to stop, in order. Every
HTTP API (ingest, deliver, the local receiver) is served through ``make_server``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Generator

import uvicorn

from claimwatch.lifecycle import DEFAULT_SHUTDOWN_GRACE_S, ShutdownWatchdog


class QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to its caller."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def install_stop_handlers(stop: asyncio.Event, grace_s: float = DEFAULT_SHUTDOWN_GRACE_S) -> None:
    """SIGINT/SIGTERM set ``stop`` (main thread only; a second signal is handled the same) and
    arm a watchdog that ends the process ``grace_s`` later if stopping hangs (a broker gone,
    a client that never finishes: ``claimwatch.lifecycle``)."""
    loop = asyncio.get_running_loop()
    watchdog = ShutdownWatchdog(grace_s)

    def on_signal(signum: int) -> None:
        watchdog.arm(signum)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)


def make_server(app: object, host: str, port: int) -> QuietServer:
    """Quiet (warnings only, no access log, claimwatch's log handler), no lifespan events;
    ``serve(sockets=[...])`` serves a socket bound by the caller instead of ``host:port``."""
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level="warning",
        log_config=None,  # keep claimwatch.logging's handler (JSON when asked)
        access_log=False,
        lifespan="off",
    )
    return QuietServer(config)


async def serve_until(server: QuietServer, stop: asyncio.Event) -> None:
    """Run ``server`` until ``stop`` is set (or the server fails), then shut it down."""
    serving = asyncio.create_task(server.serve())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopping.cancel()
    await serving
