"""The compose demo and the observability stack against a running pipeline, on the embedded
broker: the services run the very commands docker-compose runs, and so does the `demo`
profile — the receiver writes its own secret (`receive --create-secret`), `subscribe` hands
that file to POST /subscriptions, `push` sends the sample stories through the ingest API — while
a real Prometheus scrapes everything. Then every dashboard query must answer with data, every
/metrics page must pass `promtool check metrics`, every service log line is JSON, and the
receiver accepted signed deliveries (the secret handshake held) and rejected none.

What the run includes so every panel has something to show: the sample corpus pushed (alerts
fire, end-to-end latency is observed), one push the API rejects and one garbage record on the
articles topic (failures and dead letters), and two webhook subscribers: the demo receiver
(deliveries succeed) and an endpoint that always answers 503 (retries, then a dead-lettered
delivery).

Set CLAIMWATCH_DASHBOARD_PNG_DIR=docs/img to write the dashboard pictures for the docs; by
default they are drawn into the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaProducer
from deploy_support import (
    GRAFANA_DIR,
    PROMETHEUS_DIR,
    REPO,
    as_list,
    claimwatch_services,
    compose_config,
    load_module,
    tool,
)
from prometheus_client.parser import text_string_to_metric_families

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess
from claimwatch_deliver.client import create_subscription

pytestmark = pytest.mark.slow

SAMPLES = REPO / "samples"
IMAGE_SAMPLES = "/usr/share/claimwatch/samples"  # where the Dockerfile puts them
DEADLINE_S = 120.0
TOKEN = "live-observability-token"
INGEST_TOKEN = "live-observability-ingest-token"
INGEST_AUTH = {"authorization": f"Bearer {INGEST_TOKEN}"}


@dataclass
class Live:
    settings: Settings
    prometheus: str
    started_at: float
    metrics: dict[str, list[str]] = field(default_factory=dict)  # job -> /metrics URLs
    processes: list[ServiceProcess] = field(default_factory=list)
    log_dir: Path = Path()

    def logs(self) -> str:
        tails = "\n".join(f"--- {p.name}\n{p.log_tail(15)}" for p in self.processes)
        return f"full logs in {self.log_dir}\n{tails}"


def with_values(command: list[str], values: dict[str, str]) -> list[str]:
    """The compose command with some options' values replaced (the options must be there)."""
    out = list(command)
    for option, value in values.items():
        assert option in out, f"compose command {command} has no {option}"
        out[out.index(option) + 1] = value
    return out


def wait_until(
    what: str,
    check: Callable[[], bool],
    live: Live | None,
    timeout_s: float,
    state: Callable[[], object] | None = None,
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        if live is not None:
            for proc in live.processes:
                assert proc.alive(), f"{proc.name} exited while waiting for {what}:\n{live.logs()}"
        time.sleep(0.5)
    now = f" (now {state()})" if state else ""
    raise AssertionError(f"timed out waiting for {what}{now}\n{live.logs() if live else ''}")


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def sample_sum(url: str, name: str, **labels: str) -> float:
    """Sum of a metric's samples on one /metrics page, filtered by labels."""
    text = httpx.get(url, timeout=5.0, trust_env=False).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                total += sample.value
    return total


def stage_counts(live: Live) -> dict[str, tuple[float, float]]:
    """Records in/out per scraped process: where a stuck record stopped."""
    counts = {}
    for job, targets in live.metrics.items():
        for target in targets:
            url = f"http://{target}/metrics"
            counts[f"{job}@{target}"] = (
                sample_sum(url, "claimwatch_records_in_total"),
                sample_sum(url, "claimwatch_records_out_total"),
            )
    return counts


class FailingReceiver(BaseHTTPRequestHandler):
    """A webhook subscriber that is always down (503): deliveries retry, then dead-letter."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def prometheus_config(live_targets: dict[str, list[str]], path: Path) -> Path:
    """The repo's Prometheus config (its rule files) with loopback targets and 1 s intervals
    (no Alertmanager here: test_alerting.py runs that path)."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"].update({"scrape_interval": "1s", "evaluation_interval": "1s"})
    config.pop("alerting")
    config["rule_files"] = [str(PROMETHEUS_DIR / f) for f in config["rule_files"]]
    jobs = {job["job_name"] for job in config["scrape_configs"]} - {"prometheus"}
    assert jobs == set(live_targets), "every scraped job must run in this test"
    config["scrape_configs"] = [
        {"job_name": job, "static_configs": [{"targets": targets}]}
        for job, targets in live_targets.items()
    ]
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def story_waves() -> tuple[list[Path], list[Path]]:
    """The sample stories in two waves: the first story, then the rest.

    Why two: a labelled series is born when first incremented, so Prometheus never sees its
    0 -> n step and rate() over it is 0. The second wave moves series that the first created
    (and Prometheus has scraped), as a continuous stream would.
    """
    stories = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
    assert len(stories) >= 2, "the live test needs at least two sample stories"
    first = sorted(stories[0].rglob("*.md"))
    rest = sorted(f for story in stories[1:] for f in story.rglob("*.md"))
    return first, rest


def run_once(name: str, args: list[str], env: dict[str, str]) -> str:
    """A one-shot compose job (`subscribe`, `push`): run to completion, its output returned."""
    result = subprocess.run(
        [sys.executable, "-m", "claimwatch_app", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"{name} {args} failed:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def push_wave(command: list[str], ingest_url: str, wave: list[Path], env: dict[str, str]) -> None:
    """demo-push's command, with this run's ingest URL and a wave instead of the samples."""
    args = with_values(command, {"--api": ingest_url})
    assert args[-1] == IMAGE_SAMPLES, args
    out = run_once("demo-push", [*args[:-1], *map(str, wave)], env)
    assert f"pushed {len(wave)} article(s)" in out, out


def push_bad_input(ingest_url: str, settings: Settings) -> None:
    """One push the API must refuse, and one undecodable record on the articles topic."""
    rejected = httpx.post(
        f"{ingest_url}/articles",
        json={"source": "x", "text": ""},
        headers=INGEST_AUTH,
        timeout=10,
        trust_env=False,
    )
    assert rejected.status_code == 422, rejected.text
    asyncio.run(produce_garbage(settings))


def read_story_pages(web_url: str, live: Live) -> None:
    """A reader opens the stories list and every story: the page-time panel has data."""

    def stories() -> list[str]:
        text = httpx.get(f"{web_url}/", timeout=10, trust_env=False).text
        return re.findall(r'href="(/stories/[^"]+)"', text)

    wait_until("the story pages list the samples", lambda: len(stories()) >= 2, live, 60)
    for path in stories():
        assert httpx.get(web_url + path, timeout=10, trust_env=False).status_code == 200
    wait_until(
        "prometheus has page times",
        lambda: series_seen(live, "claimwatch_web_page_seconds_count > 0"),
        live,
        30,
    )


def series_seen(live: Live, expr: str) -> bool:
    return bool(instant(live, expr)["data"]["result"])


async def produce_garbage(settings: Settings) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topics.articles, key=b"bad", value=b"{not json")
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
def live(broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("live")
    settings = Settings(
        bootstrap=broker.bootstrap,
        topic_prefix=f"obs{uuid.uuid4().hex[:8]}",
        session_timeout_s=3.0,
        data_dir=tmp / "data",
        metrics_host="127.0.0.1",
        lag_interval_s=1.0,
        extract_batch_wait_s=0.2,
        retry_schedule_s=[0, 0.3, 0.6],
        webhook_timeout_s=5.0,
        webhook_allow_hosts=["127.0.0.1"],
        api_token=TOKEN,
        ingest_token=INGEST_TOKEN,
        log_json=True,  # as compose sets it: every service line must be JSON
    )
    asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
    compose = compose_config()["services"]
    commands = {n: as_list(s["command"]) for n, s in claimwatch_services(compose_config()).items()}
    replicas = compose["extract"]["deploy"]["replicas"]
    env = settings.as_env()
    live = Live(settings, prometheus="", started_at=time.time(), log_dir=tmp / "logs")
    failing = ThreadingHTTPServer(("127.0.0.1", 0), FailingReceiver)
    threading.Thread(target=failing.serve_forever, daemon=True).start()
    prometheus: subprocess.Popen[bytes] | None = None

    def start(name: str, args: list[str], extra_env: dict[str, str]) -> ServiceProcess:
        proc = ServiceProcess(name, args, {**env, **extra_env}, live.log_dir).start()
        live.processes.append(proc)
        return proc

    try:
        deliver_port = free_port()
        start("deliver", commands["deliver"], {"CLAIMWATCH_DELIVERY_PORT": str(deliver_port)})
        deliver_url = f"http://127.0.0.1:{deliver_port}"
        live.metrics["deliver"] = [f"127.0.0.1:{deliver_port}"]
        wait_until("deliver ready", lambda: http_ok(f"{deliver_url}/readyz"), live, 60)

        # the demo profile, in its compose order: receiver (makes its secret), then subscribe
        receiver_port = free_port()
        secret_file = tmp / "webhook" / "secret"
        receive = with_values(
            commands["receiver"],
            {
                "--host": "127.0.0.1",
                "--port": str(receiver_port),
                "--secret-file": str(secret_file),
            },
        )
        assert "--create-secret" in receive
        start("receiver", receive, {})
        receiver_url = f"http://127.0.0.1:{receiver_port}"
        wait_until("receiver up", lambda: http_ok(f"{receiver_url}/healthz"), live, 30)
        assert secret_file.stat().st_mode & 0o777 == 0o600
        subscribe = commands["demo-subscribe"]
        compose_port = commands["receiver"][commands["receiver"].index("--port") + 1]
        assert subscribe[1] == f"http://receiver:{compose_port}/"
        subscribe = with_values(
            [subscribe[0], f"{receiver_url}/", *subscribe[2:]],
            {"--api": deliver_url, "--secret-file": str(secret_file)},
        )
        assert run_once("demo-subscribe", subscribe, env).startswith("subscribed\t")
        again = run_once("demo-subscribe", subscribe, env)  # a second `up`: a no-op
        assert again.startswith("already subscribed\t"), again
        create_subscription(deliver_url, TOKEN, f"http://127.0.0.1:{failing.server_port}/hook")

        for job in ("extract", "alert"):
            for index in range(replicas if job == "extract" else 1):
                port = free_port()
                start(f"{job}-{index}", commands[job], {"CLAIMWATCH_METRICS_PORT": str(port)})
                live.metrics.setdefault(job, []).append(f"127.0.0.1:{port}")
        ingest_port, ingest_metrics = free_port(), free_port()
        start(
            "ingest",
            commands["ingest"],
            {
                "CLAIMWATCH_INGEST_PORT": str(ingest_port),
                "CLAIMWATCH_METRICS_PORT": str(ingest_metrics),
            },
        )
        live.metrics["ingest"] = [f"127.0.0.1:{ingest_metrics}"]
        web_port = free_port()  # the story pages, on SQLite in the data dir
        start("web", commands["web"], {"CLAIMWATCH_WEB_PORT": str(web_port)})
        live.metrics["web"] = [f"127.0.0.1:{web_port}"]

        prom_port = free_port()
        config = prometheus_config(live.metrics, tmp / "prometheus.yml")
        prometheus = subprocess.Popen(
            [
                tool("prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                "--storage.tsdb.retention.time=1h",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(tmp / "prometheus.log", "wb"),  # noqa: SIM115 - owned by the child
        )
        live.prometheus = f"http://127.0.0.1:{prom_port}"
        wait_until("prometheus ready", lambda: http_ok(f"{live.prometheus}/-/ready"), live, 30)
        live.started_at = time.time()  # the pictures start when scraping does

        ingest_url = f"http://127.0.0.1:{ingest_port}"
        wait_until("ingest ready", lambda: http_ok(f"{ingest_url}/readyz"), live, 60)
        for job in ("extract", "alert"):
            for target in live.metrics[job]:
                wait_until(
                    f"{job} metrics", lambda t=target: http_ok(f"http://{t}/metrics"), live, 60
                )

        alert_metrics = f"http://{live.metrics['alert'][0]}/metrics"
        deliver_metrics = f"{deliver_url}/metrics"

        def fired() -> float:
            return sample_sum(alert_metrics, "claimwatch_alerts_fired_total")

        def delivered() -> float:
            return sample_sum(
                deliver_metrics, "claimwatch_webhook_deliveries_total", outcome="delivered"
            )

        def given_up() -> float:
            return sample_sum(deliver_metrics, "claimwatch_webhook_dead_lettered_total")

        first, rest = story_waves()
        marks = (0.0, 0.0, 0.0)
        for number, wave in enumerate((first, rest), start=1):
            push_wave(commands["demo-push"], ingest_url, wave, env)
            push_bad_input(ingest_url, settings)
            wait_until(
                f"wave {number}: alerts fired, delivered and dead-lettered beyond {marks}",
                lambda m=marks: fired() > m[0] and delivered() > m[1] and given_up() > m[2],
                live,
                DEADLINE_S,
                state=lambda: (fired(), delivered(), given_up(), stage_counts(live)),
            )
            marks = (fired(), delivered(), given_up())
            for expr in (
                "claimwatch_end_to_end_seconds_count",
                'claimwatch_records_failed_total{stage="extract"}',
                'claimwatch_records_failed_total{stage="ingest"}',
                "claimwatch_webhook_dead_lettered_total",
            ):
                wait_until(f"prometheus has {expr}", lambda e=expr: series_seen(live, e), live, 30)
        read_story_pages(f"http://127.0.0.1:{web_port}", live)
        yield live
    finally:
        if prometheus is not None:
            prometheus.terminate()
            try:
                prometheus.wait(timeout=10)
            except subprocess.TimeoutExpired:
                prometheus.kill()
                prometheus.wait(timeout=10)
        stoppers = [
            threading.Thread(target=proc.stop, kwargs={"timeout_s": 10}) for proc in live.processes
        ]  # each by its own pid, all at once: a faust worker can take seconds to leave
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join(30)
        failing.shutdown()


def concrete(expr: str) -> str:
    """A panel query as Grafana sends it with "All" selected (Prometheus knows no variables)."""
    generate = load_module(GRAFANA_DIR / "generate.py", "grafana_generate")
    return str(generate.concrete(expr))


def panels() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path in sorted((GRAFANA_DIR / "dashboards").glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                found.append((dashboard["uid"], panel, target))
    return found


def instant(live: Live, expr: str) -> dict[str, Any]:
    resp = httpx.get(
        f"{live.prometheus}/api/v1/query", params={"query": expr}, timeout=10, trust_env=False
    )
    data = resp.json()
    assert isinstance(data, dict)
    return data


def test_every_dashboard_query_returns_series(live: Live) -> None:
    """Polls (bounded) until each query has a series with a finite value, then fails naming
    every query that errors, has no series, or has only NaN (e.g. a quantile over nothing)."""

    def problems() -> list[str]:
        out = []
        for uid, panel, target in panels():
            answer = instant(live, concrete(target["expr"]))
            if answer.get("status") != "success":
                out.append(f"{uid} / {panel['title']}: error {answer.get('error')}")
            elif not answer["data"]["result"]:
                out.append(f"{uid} / {panel['title']}: no series for {target['expr']}")
            elif not any(math.isfinite(float(r["value"][1])) for r in answer["data"]["result"]):
                out.append(f"{uid} / {panel['title']}: only NaN/Inf for {target['expr']}")
        return out

    deadline = time.monotonic() + 45
    remaining = problems()
    while remaining and time.monotonic() < deadline:
        time.sleep(1.0)
        remaining = problems()
    assert not remaining, "\n".join(remaining)
    assert len(panels()) >= 20


def test_every_target_is_scraped_and_up(live: Live) -> None:
    answer = instant(live, "up")
    up = {
        (r["metric"]["job"], r["metric"]["instance"]): r["value"][1]
        for r in answer["data"]["result"]
    }
    for job, targets in live.metrics.items():
        for target in targets:
            assert up.get((job, target)) == "1", (job, target, up)


def test_rules_load_and_evaluate_in_prometheus(live: Live) -> None:
    rules = httpx.get(f"{live.prometheus}/api/v1/rules", timeout=10, trust_env=False).json()
    groups = rules["data"]["groups"]
    assert {g["name"] for g in groups} == {"claimwatch-recording", "claimwatch-alerts"}
    for group in groups:
        for rule in group["rules"]:
            assert rule["health"] == "ok", (rule["name"], rule.get("lastError"))


def test_promtool_accepts_every_metrics_page(live: Live) -> None:
    for job, targets in live.metrics.items():
        for target in targets:
            text = httpx.get(f"http://{target}/metrics", timeout=10, trust_env=False).text
            assert "claimwatch_" in text, job
            result = subprocess.run(
                [tool("promtool"), "check", "metrics"],
                input=text,
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert result.returncode == 0, f"{job} {target}:\n{result.stdout}{result.stderr}"


def test_dashboards_render_from_the_run(live: Live, tmp_path: Path) -> None:
    render = load_module(GRAFANA_DIR / "render.py", "grafana_render")
    out_dir = Path(os.environ.get("CLAIMWATCH_DASHBOARD_PNG_DIR") or tmp_path)
    if not out_dir.is_absolute():
        out_dir = REPO / out_dir
    end = time.time()
    for path in sorted((GRAFANA_DIR / "dashboards").glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        results = {}
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                resp = httpx.get(
                    f"{live.prometheus}/api/v1/query_range",
                    params={
                        "query": concrete(target["expr"]),
                        "start": live.started_at,
                        "end": end,
                        "step": "1s",
                    },
                    timeout=30,
                    trust_env=False,
                ).json()
                assert resp["status"] == "success", (panel["title"], resp)
                results[(panel["id"], target["refId"])] = resp["data"]["result"]
        png = render.render_dashboard(
            dashboard, results, out_dir / f"{dashboard['uid']}.png", (live.started_at, end)
        )
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 20_000


def test_the_demo_receiver_accepted_signed_deliveries_and_rejected_none(live: Live) -> None:
    """The secret handshake: deliver signs with the secret `subscribe` sent, which is the one
    the receiver wrote; a mismatch would show as 401s (rejected webhooks) in its log."""
    receiver = next(p for p in live.processes if p.name == "receiver")
    log = receiver.log_path.read_text(encoding="utf-8")
    assert "rejected webhook" not in log, log[-2000:]
    assert "wrote a new webhook secret" in log


def test_every_service_log_line_is_json(live: Live) -> None:
    """CLAIMWATCH_LOG_JSON=true as compose sets it; the receiver's output is its display (the
    rendered alerts), not a log."""
    for proc in live.processes:
        if proc.name == "receiver":
            continue
        for number, line in enumerate(proc.log_path.read_text().splitlines(), start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise AssertionError(f"{proc.name}:{number} is not JSON: {line[:200]!r}") from None
            assert "event" in record and "level" in record, (proc.name, number, record)
