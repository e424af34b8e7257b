"""Running a faust app as a service process: topics first, /metrics, then the worker."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType
from typing import Any

import faust
from faust.worker import Worker

from claimwatch.kafka import ensure_topics
from claimwatch.lag import start_lag_exporter
from claimwatch.lifecycle import ShutdownWatchdog
from claimwatch.logging import configure_logging, get_logger, stdlib_config
from claimwatch.metrics import init_stage, serve_metrics
from claimwatch.settings import Settings

log = get_logger(__name__)


def run_faust_worker(app: faust.App, settings: Settings, stage: str, default_port: int) -> None:
    """Block running ``app`` until SIGINT/SIGTERM.

    Topics are created before faust touches the broker: a broker that auto-creates would give
    them its own partition count, which faust tables then reject.
    """
    configure_logging(settings.log_level, settings.log_json)
    asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
    init_stage(stage)
    port = serve_metrics(settings.metrics_port or default_port, settings.metrics_host)
    log.info("worker_starting", stage=stage, bootstrap=settings.bootstrap, metrics_port=port)
    start_lag_exporter(settings.bootstrap, app.conf.id, source_topics(app), settings.lag_interval_s)
    worker = BoundedWorker(
        ShutdownWatchdog(settings.shutdown_grace_s),
        app,
        loglevel=settings.log_level,
        quiet=True,
        redirect_stdouts=False,
        logging_config=stdlib_config(settings.log_level, settings.log_json),  # not faust's own
    )
    worker.execute_from_commandline()


class BoundedWorker(Worker):
    """faust's worker, stopping within ``Settings.shutdown_grace_s`` of SIGTERM/SIGINT.

    faust reacts to a signal from its event loop, which a long extract batch can hold, and
    its shutdown then waits on broker timeouts (commit, leave group, producer flush): with the
    broker gone a worker outlived SIGTERM by more than 35 s. Here a plain signal handler (run
    between any two Python steps, loop busy or not) arms the watchdog first, then hands the
    signal to faust's orderly shutdown.
    """

    def __init__(self, watchdog: ShutdownWatchdog, *args: Any, **kwargs: Any) -> None:
        self._watchdog = watchdog
        super().__init__(*args, **kwargs)

    def _install_signal_handlers_unix(self) -> None:
        signal.signal(signal.SIGINT, self._on_stop_signal)
        signal.signal(signal.SIGTERM, self._on_stop_signal)
        self.loop.add_signal_handler(signal.SIGUSR1, self._on_sigusr1)
        self.loop.add_signal_handler(signal.SIGUSR2, self._on_sigusr2)

    def _on_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        self._watchdog.arm(signum)
        stop = self._on_sigint if signum == signal.SIGINT else self._on_sigterm
        self.loop.call_soon_threadsafe(stop)


def source_topics(app: faust.App) -> list[str]:
    """Topics the app's agents consume (what its consumer lag is measured on)."""
    names = {name for agent in app.agents.values() for name in getattr(agent.channel, "topics", ())}
    return sorted(str(name) for name in names)
