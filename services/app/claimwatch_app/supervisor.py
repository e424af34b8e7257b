"""``claimwatch run``: the whole system on one machine, on the embedded broker.

Starts the broker, the services (the same commands docker-compose runs), the story pages
(``claimwatch web``, whose URL it prints and puts in every webhook) and a local webhook
receiver subscribed to every alert; then replays the sample folders through the pipeline so a
newcomer sees alerts within a minute.

No orphans, whatever happens to it: Ctrl-C, SIGTERM or SIGHUP stops every service at once
(each within its grace period) and the broker last — the children run in their own sessions,
so a terminal's Ctrl-C reaches only this process, which decides the order — and a closed
output (``| tee`` stopped by the same Ctrl-C) does not interrupt that. If this process is
killed outright, every child gets SIGTERM from the kernel (``claimwatch.lifecycle``). A child
that crashes is restarted after a backoff (1, 2, 4 … 30 s), and said so; the broker's death
ends the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx
from rich.console import Console

from claimwatch.broker import BrokerError, EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess, stop_all

console = Console(stderr=True)

MAX_RESTART_DELAY_S = 30
STABLE_AFTER_S = 60.0  # a child up this long has recovered: its next crash restarts at once

# (name, command, default metrics port): the same commands docker-compose runs
SERVICES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("extract", ("extract",), 9102),
    ("alert", ("alert",), 9103),
    ("ingest", ("ingest",), 9101),
)


def _port_or_free(port: int) -> int:
    """The documented default port when it is free, else any free one (never fail on a clash)."""
    return port if _port_free(port) else free_port()


def _metrics_env(port: int) -> dict[str, str]:
    return {"CLAIMWATCH_METRICS_PORT": str(port)}


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_http(url: str, proc: ServiceProcess, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited:\n{proc.log_tail(20)}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{proc.name} did not answer {url} within {timeout_s:.0f} s")


def run_all(samples: list[Path], port: int) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # SIGHUP: the terminal went away; SIGPIPE stays ignored (Python's default), so a closed
    # output pipe (`| tee` stopped by the same Ctrl-C) fails a write, which `say` absorbs
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    base = Settings()
    run_dir = base.data_dir / "run"
    logs = run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if port and not _port_free(port):
        say(f"port {port} is busy; using a free port for the broker")
        port = 0
    children: list[ServiceProcess] = []
    started = time.monotonic()
    try:
        broker = EmbeddedBroker(port=port or None, log_file=logs / "broker.log").start()
    except BrokerError as exc:
        say(f"[red]broker failed:[/red] {exc}")
        return 1
    try:
        web_port = _port_or_free(base.web_port)
        web_url = f"http://127.0.0.1:{web_port}"
        settings = Settings(
            bootstrap=broker.bootstrap,
            data_dir=run_dir / "data",
            web_port=web_port,
            web_base_url=base.web_base_url or web_url,
        )
        asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
        say(f"[green]broker[/green] {broker.bootstrap} (memory storage)")
        env = settings.as_env()
        _start_web(settings, env, logs, children, web_url)
        # delivery and its subscriber first, so no alert is fired before anyone listens
        _start_delivery(settings, env, logs, children)
        for name, args, default_port in SERVICES:
            metrics_port = _port_or_free(default_port)
            extra = list(args)
            if name == "ingest":
                extra += [f"--watch={folder}" for folder in samples]
                extra += ["--port", str(_port_or_free(settings.ingest_port))]
            child = ServiceProcess(name, extra, {**env, **_metrics_env(metrics_port)}, logs)
            children.append(child.start())
            say(
                f"[green]{name}[/green] pid {child.pid}, metrics http://127.0.0.1:{metrics_port}/metrics"
            )
        say(f"logs in {logs}")
        if samples:
            say(f"ingest watches {', '.join(map(str, samples))}: sample stories flow now")
        elapsed = time.monotonic() - started
        say(f"ready in {elapsed:.1f} s — alerts appear below; Ctrl-C stops everything")
        say(f"[bold]story pages: {web_url}/[/bold]")
        return _supervise(broker, children, stop)
    except Exception as exc:  # a clear line, not a traceback, then stop what was started
        say(f"[red]claimwatch run failed:[/red] {type(exc).__name__}: {exc}")
        return 1
    finally:
        say("stopping ...")
        stop_all(children)  # every service at once, within its grace period ...
        broker.stop()  # ... and the broker last, so they could still commit and leave
        say("stopped")


def restart_delay_s(failures: int) -> float:
    """Backoff before restarting a child that failed ``failures`` times in a row: 1, 2, 4 …
    30 s, so a child that cannot start does not spin."""
    return float(min(2 ** max(failures - 1, 0), MAX_RESTART_DELAY_S))


@dataclass
class _Restarts:
    failures: int = 0
    due: float | None = None


def _supervise(
    broker: EmbeddedBroker, children: list[ServiceProcess], stop: threading.Event
) -> int:
    """Watch the children until ``stop``: a crashed one is restarted after a backoff (and
    said so); the broker's death ends the run (its memory storage went with it)."""
    restarts = {child.name: _Restarts() for child in children}
    while not stop.wait(0.5):
        if not broker.alive():
            say(f"[red]the broker exited (code {broker.exit_code()}); stopping[/red]")
            return 1
        now = time.monotonic()
        for child in children:
            state = restarts[child.name]
            if child.alive():
                if state.failures and now - child.started_at > STABLE_AFTER_S:
                    state.failures = 0
                continue
            if state.due is None:
                state.failures += 1
                state.due = now + restart_delay_s(state.failures)
                say(
                    f"[red]{child.name} exited with code {child.exit_code()}[/red] after "
                    f"{now - child.started_at:.1f} s; restarting in "
                    f"{state.due - now:.0f} s (restart {child.starts}); last lines:\n"
                    f"{child.log_tail(15)}"
                )
            elif now >= state.due:
                state.due = None
                child.start()
                say(f"[yellow]{child.name}[/yellow] restarted, pid {child.pid}")
    return 0


def say(message: str) -> None:
    """Print a status line; a closed output (the pipe's reader stopped) is not an error."""
    with contextlib.suppress(OSError, ValueError):  # BrokenPipeError; a closed file
        console.print(message)


def _start_web(
    settings: Settings,
    env: dict[str, str],
    logs: Path,
    children: list[ServiceProcess],
    url: str,
) -> None:
    """The story pages; their read model is a SQLite file in the run's data dir, new each run
    like the broker's memory storage."""
    database = settings.data_dir / "web.sqlite3"
    for stale in (
        database,
        database.with_suffix(".sqlite3-wal"),
        database.with_suffix(".sqlite3-shm"),
    ):
        stale.unlink(missing_ok=True)
    web = ServiceProcess("web", ["web"], env, logs).start()
    children.append(web)
    _wait_http(f"{url}/healthz", web)
    say(f"[green]web[/green] pid {web.pid}, story pages {url}/ (metrics {url}/metrics)")


def _start_delivery(
    settings: Settings, env: dict[str, str], logs: Path, children: list[ServiceProcess]
) -> None:
    """The delivery service plus a local receiver subscribed to every alert.

    Each child joins ``children`` as soon as it starts, so a failure half-way still stops it.
    """
    from claimwatch_deliver.client import create_subscription

    receiver_port = free_port()
    api_port = _port_or_free(settings.delivery_port)
    deliver_env = {
        **env,
        # the local receiver is on loopback, which the SSRF guard refuses unless allow-listed
        "CLAIMWATCH_WEBHOOK_ALLOW_HOSTS": '["127.0.0.1/32"]',
        "CLAIMWATCH_DELIVERY_PORT": str(api_port),
    }
    deliver = ServiceProcess("deliver", ["deliver"], deliver_env, logs).start()
    children.append(deliver)
    say(
        f"[green]deliver[/green] pid {deliver.pid}, "
        f"subscriptions API http://127.0.0.1:{api_port}/docs, "
        f"metrics http://127.0.0.1:{api_port}/metrics"
    )
    api = f"http://127.0.0.1:{api_port}"
    _wait_http(f"{api}/healthz", deliver)
    sub_id, secret = create_subscription(
        api, settings.api_token.get_secret_value(), f"http://127.0.0.1:{receiver_port}/webhook"
    )
    secret_file = logs.parent / "receiver.secret"
    secret_file.write_text(secret, encoding="utf-8")
    secret_file.chmod(0o600)
    receiver = ServiceProcess(
        "receive",
        ["receive", "--port", str(receiver_port), "--secret-file", str(secret_file)],
        env,
        logs,
    )
    receiver.log_path = Path("/dev/stdout")  # the receiver prints alerts to this terminal
    children.append(receiver.start())
    say(f"[green]receiver[/green] pid {receiver.pid} on :{receiver_port}, subscription {sub_id}")
