"""Alerts reach a person: the repo's Alertmanager config (real `amtool`), its webhook sink, and
the whole path run for real — a target vanishes from service discovery, a real Prometheus
(the repo's rules and alerting block) fires ClaimwatchServiceMissing, a real Alertmanager (the
repo's route) posts it, and the sink (deploy/alertmanager/alert_sink.py) prints it.

Service discovery here is file_sd: removing a target from the file is what Docker's DNS does
when a container stops (dns_sd) and what the endpoints do when a pod goes (the operator's
ServiceMonitor): Prometheus drops the target and marks its series stale, so `up` is absent, not
0. The only change to the rules is ClaimwatchServiceMissing's `for:` (2m -> 20s), to keep the
test short; promtool's unit tests (deploy/prometheus/tests) check the 2 minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from deploy_support import ALERTMANAGER_DIR, PROMETHEUS_DIR, load_module, run, tool

from claimwatch.ports import free_port

ALERTMANAGER_CONFIG = ALERTMANAGER_DIR / "alertmanager.yml"
SINK = ALERTMANAGER_DIR / "alert_sink.py"
JOBS = ("ingest", "extract", "alert", "deliver", "web")
DEADLINE_S = 60.0
SHORT_FOR = "20s"  # longer than a fresh Prometheus takes to scrape every target


def test_amtool_accepts_the_config_and_catches_a_broken_one(tmp_path: Path) -> None:
    result = run([tool("amtool"), "check-config", str(ALERTMANAGER_CONFIG)])
    assert result.returncode == 0, result.stdout + result.stderr
    broken = yaml.safe_load(ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))
    broken["route"]["receiver"] = "nobody"
    bad = tmp_path / "alertmanager.yml"
    bad.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = run([tool("amtool"), "check-config", str(bad)])
    assert result.returncode != 0 and "nobody" in result.stdout + result.stderr


def test_sink_prints_one_line_per_alert() -> None:
    sink = load_module(SINK, "alert_sink")
    notification = {
        "version": "4",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "ClaimwatchServiceMissing",
                    "job": "extract",
                    "severity": "critical",
                },
                "annotations": {
                    "summary": "claimwatch extract has no scrape target",
                    "runbook_url": "https://example.org/runbook#missing",
                },
            },
            {
                "status": "resolved",
                "labels": {
                    "alertname": "ClaimwatchStageFailing",
                    "stage": "alert",
                    "severity": "warning",
                },
                "annotations": {"summary": "claimwatch alert fails 7% of records"},
            },
        ],
    }
    assert sink.lines(notification) == [
        "FIRING ClaimwatchServiceMissing severity=critical job=extract"
        " | claimwatch extract has no scrape target | https://example.org/runbook#missing",
        "RESOLVED ClaimwatchStageFailing severity=warning stage=alert"
        " | claimwatch alert fails 7% of records | ",
    ]


# ------------------------------------------------------------------ the live path


class Metrics(BaseHTTPRequestHandler):
    """A scrape target: any claimwatch service as Prometheus sees it (it answers /metrics)."""

    def do_GET(self) -> None:
        body = b"# TYPE claimwatch_records_in_total counter\nclaimwatch_records_in_total 1\n"
        self.send_response(200)
        self.send_header("content-type", "text/plain; version=0.0.4")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Stack:
    prometheus: str
    alertmanager: str
    sd_dir: Path
    targets: dict[str, str]
    sink_log: Path
    logs: Path

    def set_targets(self, job: str, targets: list[str]) -> None:
        """Rewrite one job's file_sd list (atomically, as a discovery mechanism would)."""
        tmp = self.sd_dir / f".{job}.json"
        tmp.write_text(json.dumps([{"targets": targets}]), encoding="utf-8")
        tmp.replace(self.sd_dir / f"{job}.json")

    def query(self, expr: str) -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{self.prometheus}/api/v1/query", params={"query": expr}, timeout=5, trust_env=False
        ).json()
        assert answer["status"] == "success", answer
        result = answer["data"]["result"]
        assert isinstance(result, list)
        return result

    def firing(self, states: tuple[str, ...] = ("firing",)) -> dict[str, set[str]]:
        """Alert name -> jobs, as Prometheus reports them (firing; or pending too)."""
        answer = httpx.get(f"{self.prometheus}/api/v1/alerts", timeout=5, trust_env=False).json()
        out: dict[str, set[str]] = {}
        for alert in answer["data"]["alerts"]:
            if alert["state"] in states:
                out.setdefault(alert["labels"]["alertname"], set()).add(
                    alert["labels"].get("job", "")
                )
        return out

    def diagnostics(self) -> str:
        tails = []
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            tails.append(f"--- {path.name}\n" + "\n".join(text.splitlines()[-15:]))
        return "\n".join(tails)


def wait_until(what: str, check: Callable[[], bool], stack: Stack) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}\n{stack.diagnostics()}")


def ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def rules_with_short_for(tmp: Path) -> list[str]:
    """The repo's rule files; only ClaimwatchServiceMissing's `for:` is shortened."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    paths = []
    for name in config["rule_files"]:
        data = yaml.safe_load((PROMETHEUS_DIR / name).read_text(encoding="utf-8"))
        for group in data["groups"]:
            for rule in group["rules"]:
                if rule.get("alert") == "ClaimwatchServiceMissing":
                    assert rule["for"] == "2m"
                    rule["for"] = SHORT_FOR
        path = tmp / Path(name).name
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        paths.append(str(path))
    return paths


def start(cmd: list[str], log: Path, procs: list[subprocess.Popen[bytes]]) -> None:
    procs.append(
        subprocess.Popen(cmd, stdout=open(log, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
    )


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    logs = tmp_path / "logs"
    logs.mkdir()
    servers = {job: ThreadingHTTPServer(("127.0.0.1", 0), Metrics) for job in JOBS}
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    targets = {job: f"127.0.0.1:{s.server_port}" for job, s in servers.items()}
    procs: list[subprocess.Popen[bytes]] = []
    sink_port, am_port, prom_port = free_port(), free_port(), free_port()
    stack = Stack(
        prometheus=f"http://127.0.0.1:{prom_port}",
        alertmanager=f"http://127.0.0.1:{am_port}",
        sd_dir=tmp_path / "sd",
        targets=targets,
        sink_log=logs / "alert-sink.log",
        logs=logs,
    )
    stack.sd_dir.mkdir()
    for job, target in targets.items():
        stack.set_targets(job, [target])
    try:
        start(
            [sys.executable, str(SINK), "--host", "127.0.0.1", "--port", str(sink_port)],
            stack.sink_log,
            procs,
        )
        routes = yaml.safe_load(ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))
        [receiver] = routes["receivers"]
        [hook] = receiver["webhook_configs"]
        path = "/" + hook["url"].split("/", 3)[3]
        hook["url"] = f"http://127.0.0.1:{sink_port}{path}"  # the compose host name, here
        (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(routes), encoding="utf-8")
        start(
            [
                tool("prometheus-alertmanager"),
                f"--config.file={tmp_path / 'alertmanager.yml'}",
                f"--storage.path={tmp_path / 'am-data'}",
                f"--web.listen-address=127.0.0.1:{am_port}",
                "--cluster.listen-address=",  # no gossip port: a single local instance
            ],
            logs / "alertmanager.log",
            procs,
        )
        config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
        assert {j["job_name"] for j in config["scrape_configs"]} - {"prometheus"} == set(JOBS)
        config["global"].update({"scrape_interval": "1s", "evaluation_interval": "1s"})
        config["rule_files"] = rules_with_short_for(tmp_path)
        config["alerting"]["alertmanagers"][0]["static_configs"] = [
            {"targets": [f"127.0.0.1:{am_port}"]}
        ]
        config["scrape_configs"] = [
            {
                "job_name": job,
                "file_sd_configs": [
                    {"files": [str(stack.sd_dir / f"{job}.json")], "refresh_interval": "1s"}
                ],
            }
            for job in JOBS
        ]
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        start(
            [
                tool("prometheus"),
                f"--config.file={tmp_path / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
            ],
            logs / "prometheus.log",
            procs,
        )
        wait_until("prometheus ready", lambda: ready(f"{stack.prometheus}/-/ready"), stack)
        wait_until("alertmanager ready", lambda: ready(f"{stack.alertmanager}/-/ready"), stack)
        yield stack
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for server in servers.values():
            server.shutdown()
            server.server_close()


def test_a_vanished_target_fires_service_missing_and_reaches_the_sink(stack: Stack) -> None:
    def all_up() -> bool:
        up = {r["metric"]["job"]: r["value"][1] for r in stack.query("up")}
        return up == dict.fromkeys(JOBS, "1")

    wait_until("every target scraped and up", all_up, stack)
    time.sleep(3)  # a few evaluations: with every target there, nothing is even pending
    assert "ClaimwatchServiceMissing" not in stack.firing(("pending", "firing"))

    stack.set_targets("extract", [])  # the container stopped: discovery no longer lists it
    wait_until("extract's `up` to vanish", lambda: not stack.query('up{job="extract"}'), stack)
    assert stack.query('up{job="extract"} == 0') == []  # absent, not 0: ServiceDown is blind
    wait_until(
        "ClaimwatchServiceMissing firing for extract",
        lambda: stack.firing().get("ClaimwatchServiceMissing") == {"extract"},
        stack,
    )
    assert "ClaimwatchServiceDown" not in stack.firing()
    wait_until(
        "the alert printed by the sink, through Alertmanager",
        lambda: (
            "FIRING ClaimwatchServiceMissing severity=critical job=extract"
            in stack.sink_log.read_text(encoding="utf-8")
        ),
        stack,
    )
    line = next(x for x in stack.sink_log.read_text(encoding="utf-8").splitlines() if "FIRING" in x)
    assert "https://github.com/claimwatch/claimwatch/blob/main/docs/deploy.md#" in line
