"""With CLAIMWATCH_LOG_JSON=true every line a service prints is one JSON object, including the
lines of the libraries that log through the standard library: aiokafka, faust/mode and
uvicorn. Real processes (`claimwatch deliver|alert|ingest`) on the session broker; uvicorn is
made to log by sending the deliver API a request it cannot parse."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess

DEADLINE_S = 60.0


def wait_for(what: str, check: Callable[[], bool], procs: list[ServiceProcess]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if check():
            return
        for proc in procs:
            assert proc.alive(), f"{proc.name} exited:\n{proc.log_tail()}"
        time.sleep(0.2)
    tails = "\n".join(f"--- {p.name}\n{p.log_tail()}" for p in procs)
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def records(path: Path) -> list[dict[str, object]]:
    """Every line of a log file as JSON; fails naming the first line that is not."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise AssertionError(f"{path.name}:{number} is not JSON: {line[:200]!r}") from None
        assert isinstance(record, dict), f"{path.name}:{number}: {line[:200]!r}"
        assert {"event", "level", "timestamp"} <= record.keys(), f"{path.name}:{number}: {record}"
        out.append(record)
    return out


def loggers(recs: list[dict[str, object]]) -> set[str]:
    return {str(r["logger"]).split(".")[0] for r in recs if "logger" in r}


def test_every_line_is_json_including_aiokafka_faust_and_uvicorn(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(log_json=True, api_token="t", ingest_token="t")
    env = settings.as_env()
    deliver_port, alert_metrics, ingest_port, ingest_metrics = (free_port() for _ in range(4))
    procs = [
        ServiceProcess(
            "deliver", ["deliver"], {**env, "CLAIMWATCH_DELIVERY_PORT": str(deliver_port)}, tmp_path
        ),
        ServiceProcess(
            "alert", ["alert"], {**env, "CLAIMWATCH_METRICS_PORT": str(alert_metrics)}, tmp_path
        ),
        ServiceProcess(
            "ingest",
            ["ingest"],
            {
                **env,
                "CLAIMWATCH_INGEST_PORT": str(ingest_port),
                "CLAIMWATCH_METRICS_PORT": str(ingest_metrics),
            },
            tmp_path,
        ),
    ]
    try:
        for proc in procs:
            proc.start()
        wait_for("deliver ready", lambda: ready(f"http://127.0.0.1:{deliver_port}/readyz"), procs)
        wait_for("ingest ready", lambda: ready(f"http://127.0.0.1:{ingest_port}/readyz"), procs)
        alert_log = procs[1].log_path
        wait_for("faust worker ready", lambda: "Worker ready" in alert_log.read_text(), procs)
        with socket.create_connection(("127.0.0.1", deliver_port), timeout=5) as conn:
            conn.sendall(b"\x00 not http\r\n\r\n")  # uvicorn logs "Invalid HTTP request"
            conn.recv(1024)
        deliver_log = procs[0].log_path
        wait_for("uvicorn's warning", lambda: "Invalid HTTP" in deliver_log.read_text(), procs)
    finally:
        for proc in procs:
            proc.stop(timeout_s=15)
    by_name = {proc.name: records(proc.log_path) for proc in procs}
    assert {"aiokafka", "uvicorn"} <= loggers(by_name["deliver"]), loggers(by_name["deliver"])
    assert {"faust", "aiokafka"} <= loggers(by_name["alert"]), loggers(by_name["alert"])
    assert "aiokafka" in loggers(by_name["ingest"])
    for name, recs in by_name.items():  # claimwatch's own structlog events are there too
        assert any("logger" not in r for r in recs), name
