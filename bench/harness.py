"""The running system for the load benchmarks: broker, services, and a webhook receiver.

Starts the same commands ``claimwatch run`` starts (``deliver``, ``extract``, ``alert``,
``ingest``) as child processes on an embedded broker whose topics have ``partitions``
partitions, subscribes a real HTTP receiver on 127.0.0.1 (in this process, so arrival times
and push-API answer times share one clock) and stops every child by pid on exit.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess


@dataclass
class Arrival:
    at: float  # time.time() when the webhook arrived
    article_ids: list[str]
    ingested_at: str
    fired_at: str
    version: int


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1 that timestamps each delivery and answers 204."""

    arrivals: list[Arrival] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                at = time.time()
                self.send_response(204)
                self.end_headers()
                alert = json.loads(body)
                with receiver._lock:
                    receiver.arrivals.append(
                        Arrival(
                            at,
                            list(alert.get("article_ids", [])),
                            alert["ingested_at"],
                            alert["fired_at"],
                            int(alert["version"]),
                        )
                    )

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def first_arrival(self) -> dict[str, float]:
        """Article id -> time of the first webhook that names it."""
        out: dict[str, float] = {}
        with self._lock:
            for arrival in self.arrivals:
                for article_id in arrival.article_ids:
                    out.setdefault(article_id, arrival.at)
        return out

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def rss_mb(pid: int) -> float:
    """Resident set size of a process and its descendants, in MB (0 if it is gone)."""
    total = 0.0
    for p in [pid, *_descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def _descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(c) for c in children]
    for child in list(out):
        out.extend(_descendants(child))
    return out


class Pipeline:
    """Broker + deliver + receiver + alert + extract worker(s) + ingest push API."""

    def __init__(self, work: Path, partitions: int = 2) -> None:
        self.work = work
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.broker = EmbeddedBroker(log_file=self.logs / "broker.log")
        self.receiver = Receiver()
        self.children: dict[str, ServiceProcess] = {}
        self.metrics_ports: dict[str, int] = {}
        self.partitions = partitions
        self.settings: Settings | None = None
        self.ingest_url = ""

    def start(self) -> Pipeline:
        self.broker.start()
        self.settings = Settings(
            bootstrap=self.broker.bootstrap,
            topic_prefix=f"bench-{uuid.uuid4().hex[:6]}",
            partitions=self.partitions,
            data_dir=self.work / "data",
            session_timeout_s=3.0,
            log_level="WARNING",
            retry_schedule_s=[0.0, 1.0, 5.0],
            ingest_rate_per_s=0.0,  # one bench client stands for many outlets
        )
        asyncio.run(ensure_topics(self.settings.bootstrap, self.settings.topics.specs()))
        self.receiver.start()
        api_port = free_port()
        self._spawn(
            "deliver",
            ["deliver"],
            CLAIMWATCH_WEBHOOK_ALLOW_HOSTS='["127.0.0.1/32"]',
            CLAIMWATCH_DELIVERY_PORT=str(api_port),
        )
        api = f"http://127.0.0.1:{api_port}"
        from claimwatch_deliver.client import create_subscription, wait_ready

        wait_ready(api, timeout_s=90)
        create_subscription(
            api,
            self.settings.api_token.get_secret_value(),
            f"http://127.0.0.1:{self.receiver.port}/webhook",
        )
        self.metrics_ports["deliver"] = api_port
        self._spawn("alert", ["alert"])
        self.add_extract_worker()
        ingest_port = free_port()
        self._spawn("ingest", ["ingest", "--port", str(ingest_port)])
        self.ingest_url = f"http://127.0.0.1:{ingest_port}"
        self._wait_http(f"{self.ingest_url}/readyz", self.children["ingest"])
        return self

    def add_extract_worker(self) -> str:
        name = f"extract-{sum(n.startswith('extract') for n in self.children) + 1}"
        # each worker has its own data dir (faust keeps per-worker files there)
        self._spawn(name, ["extract"], CLAIMWATCH_DATA_DIR=str(self.work / "data" / name))
        return name

    def _spawn(self, name: str, args: list[str], **extra: str) -> ServiceProcess:
        assert self.settings is not None
        port = free_port()
        self.metrics_ports.setdefault(name, port)
        env = {**self.settings.as_env(metrics_port=port), **extra}
        child = ServiceProcess(name, args, env, self.logs).start()
        self.children[name] = child
        return child

    def _wait_http(self, url: str, proc: ServiceProcess, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not proc.alive():
                raise RuntimeError(f"{proc.name} exited:\n{proc.log_tail(20)}")
            try:
                if httpx.get(url, timeout=1.0, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{proc.name} not ready at {url} within {timeout_s:.0f} s")

    def check_alive(self) -> None:
        for child in self.children.values():
            if not child.alive():
                raise RuntimeError(f"{child.name} exited:\n{child.log_tail(20)}")

    def pids(self) -> dict[str, int]:
        out = {name: child.pid for name, child in self.children.items() if child.pid}
        if self.broker.pid:
            out["broker"] = self.broker.pid
        return out

    def metric(self, name: str, metric: str) -> float:
        """Sum of one metric's samples on a child's /metrics (0 when absent)."""
        text = httpx.get(
            f"http://127.0.0.1:{self.metrics_ports[name]}/metrics", timeout=5, trust_env=False
        ).text
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith(metric) and not line.startswith("#")
        )

    def stop(self) -> None:
        for child in reversed(list(self.children.values())):
            child.stop()
        self.receiver.stop()
        self.broker.stop()

    def __enter__(self) -> Pipeline:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
