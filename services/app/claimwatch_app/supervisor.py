"""``claimwatch run``: the whole system on one machine, on the embedded broker.

Starts the broker, the services (the same commands docker-compose runs), the story pages
(``claimwatch web``, whose URL it prints and puts in every webhook) and a local webhook
receiver subscribed to every alert; then replays the sample folders through the pipeline so a
newcomer sees alerts within a minute. Ctrl-C (or SIGTERM) stops every child it started, in
reverse order, each by pid with a timeout — no orphans.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time
from pathlib import Path
from types import FrameType

import httpx
from rich.console import Console

from claimwatch.broker import BrokerError, EmbeddedBroker, free_port
from claimwatch.kafka import ensure_topics
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess

console = Console(stderr=True)

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

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    base = Settings()
    run_dir = base.data_dir / "run"
    logs = run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if port and not _port_free(port):
        console.print(f"port {port} is busy; using a free port for the broker")
        port = 0
    children: list[ServiceProcess] = []
    started = time.monotonic()
    try:
        broker = EmbeddedBroker(port=port or None, log_file=logs / "broker.log").start()
    except BrokerError as exc:
        console.print(f"[red]broker failed:[/red] {exc}")
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
        console.print(f"[green]broker[/green] {broker.bootstrap} (memory storage)")
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
            console.print(
                f"[green]{name}[/green] pid {child.pid}, metrics http://127.0.0.1:{metrics_port}/metrics"
            )
        console.print(f"logs in {logs}")
        if samples:
            console.print(f"ingest watches {', '.join(map(str, samples))}: sample stories flow now")
        elapsed = time.monotonic() - started
        console.print(f"ready in {elapsed:.1f} s — alerts appear below; Ctrl-C stops everything")
        console.print(f"[bold]story pages: {web_url}/[/bold]")
        while not stop.wait(0.5):
            for child in children:
                if not child.alive():
                    console.print(
                        f"[red]{child.name} exited with code {child.exit_code()}[/red]; "
                        f"last lines:\n{child.log_tail(15)}"
                    )
                    return 1
        return 0
    except Exception as exc:  # a clear line, not a traceback, then stop what was started
        console.print(f"[red]claimwatch run failed:[/red] {type(exc).__name__}: {exc}")
        return 1
    finally:
        console.print("stopping ...")
        for child in reversed(children):
            child.stop()
        broker.stop()
        console.print("stopped")


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
    console.print(f"[green]web[/green] pid {web.pid}, story pages {url}/ (metrics {url}/metrics)")


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
    console.print(
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
    console.print(
        f"[green]receiver[/green] pid {receiver.pid} on :{receiver_port}, subscription {sub_id}"
    )
