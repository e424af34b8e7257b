"""`claimwatch deliver` and `claimwatch receive` as processes, the way make run and compose
run them: subscribe through the API, deliver a signed alert to the verifying receiver, restart
the delivery service and deliver again, stop both cleanly with signals — and no secret in any
output of any process.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from claimwatch.kafka import EventProducer
from claimwatch.models import Alert, AlertClaim, AlertKind, ClaimType, Severity
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_deliver.client import create_subscription, wait_ready
from claimwatch_deliver.signing import sign_headers

CLAIMWATCH = str(Path(sys.executable).with_name("claimwatch"))
TOKEN = f"tok-{uuid.uuid4().hex}"


def threat_alert(version: int) -> Alert:
    return Alert(
        id="al-cli-threat",
        version=version,
        kind=AlertKind.KEY_CLAIM,
        rule="threat_foreign_forces",
        severity=Severity.CRITICAL,
        title="Defence minister warns peacekeepers would be legitimate targets",
        sources=["capital-daily", "coastal-herald"][:version],
        claim=AlertClaim(
            type=ClaimType.THREAT,
            actor="Defence Minister Ilya Brandt",
            text="Brandt said any foreign contingent deployed east of the river would be a "
            "legitimate target for our forces.",
            sources=["capital-daily", "coastal-herald"][:version],
        ),
        story="st-cli",
        independent_sources=version,
        explanation="Threat of force against foreign forces by a state official.",
        ingested_at=datetime.now(UTC),
    )


class Proc:
    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.out = logs / f"{name}.out"
        self.err = logs / f"{name}.err"
        with self.out.open("ab") as out, self.err.open("ab") as err:
            self.popen = subprocess.Popen([CLAIMWATCH, *args], env=env, stdout=out, stderr=err)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout_s: float = 30) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
        try:
            return self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)
            pytest.fail(f"{self.popen.args[1]} did not stop on {sig.name}")


@pytest.fixture
def procs() -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for p in started:
        if p.popen.poll() is None:
            p.popen.kill()
            p.popen.wait(timeout=5)


def wait_for(check: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_deliver_and_receive_processes(
    settings_factory: Callable[..., Settings], procs: list[Proc], tmp_path: Path
) -> None:
    settings = settings_factory()
    api_port, recv_port = free_port(), free_port()
    env = {
        **os.environ,
        "CLAIMWATCH_BOOTSTRAP": settings.bootstrap,
        "CLAIMWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "CLAIMWATCH_SESSION_TIMEOUT_S": "1.5",
        "CLAIMWATCH_DELIVERY_PORT": str(api_port),
        "CLAIMWATCH_API_TOKEN": TOKEN,
        "CLAIMWATCH_WEBHOOK_ALLOW_HOSTS": '["127.0.0.1"]',
        "CLAIMWATCH_RETRY_SCHEDULE_S": "[0, 0.2, 0.4]",
        "CLAIMWATCH_LOG_LEVEL": "DEBUG",
        "COLUMNS": "120",
    }
    api = f"http://127.0.0.1:{api_port}"
    procs.append(Proc("deliver-1", ["deliver"], env, tmp_path))
    wait_ready(api, timeout_s=60)

    sub_id, secret = create_subscription(api, TOKEN, f"http://127.0.0.1:{recv_port}/claimwatch")
    secret_file = tmp_path / "secret"
    secret_file.write_text(secret)
    received = tmp_path / "received.jsonl"
    receiver = Proc(
        "receive",
        [
            "receive",
            "--port",
            str(recv_port),
            "--secret-file",
            str(secret_file),
            "--out",
            str(received),
        ],
        env,
        tmp_path,
    )
    procs.append(receiver)
    recv_url = f"http://127.0.0.1:{recv_port}"
    wait_for(lambda: _answers(f"{recv_url}/healthz"), "receiver to listen")

    asyncio.run(_publish(settings, threat_alert(1)))
    wait_for(lambda: len(lines(received)) == 1, "first delivery")
    [first] = lines(received)
    assert first["body"]["version"] == 1  # type: ignore[index]

    # the receiver verifies: a forged request is refused, a signed duplicate is not shown again
    body = threat_alert(1).model_dump_json().encode()
    forged = sign_headers(body, "whsec_" + "A" * 43 + "=", str(first["webhook_id"]))
    assert httpx.post(f"{recv_url}/claimwatch", content=body, headers=forged).status_code == 401
    replay = sign_headers(body, secret, str(first["webhook_id"]))
    dup = httpx.post(f"{recv_url}/claimwatch", content=body, headers=replay)
    assert dup.status_code == 200 and dup.json() == {"duplicate": True}
    assert len(lines(received)) == 1

    # restart the delivery service: it still knows the subscription and delivers to it
    assert procs[0].stop(signal.SIGTERM) == 0
    procs.append(Proc("deliver-2", ["deliver"], env, tmp_path))
    wait_ready(api, timeout_s=60)
    listed = httpx.get(f"{api}/subscriptions", headers={"authorization": f"Bearer {TOKEN}"})
    assert [s["id"] for s in listed.json()] == [sub_id]
    asyncio.run(_publish(settings, threat_alert(2)))
    wait_for(lambda: len(lines(received)) == 2, "delivery after restart")
    assert [ln["body"]["version"] for ln in lines(received)] == [1, 2]  # type: ignore[index]

    assert procs[2].stop(signal.SIGINT) == 0
    assert receiver.stop(signal.SIGINT) == 0

    shown = receiver.out.read_text()
    assert "legitimate target" in shown and "CRITICAL" in shown and "capital-daily" in shown
    outputs = {p.out.name: p.out.read_text() for p in procs} | {
        p.err.name: p.err.read_text() for p in procs
    }
    assert "delivery_attempt" in outputs["deliver-1.err"] + outputs["deliver-1.out"]
    raw = secret.removeprefix("whsec_")
    for name, text in outputs.items():
        assert secret not in text and raw not in text, f"secret in {name}"
        assert TOKEN not in text, f"API token in {name}"


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


async def _publish(settings: Settings, alert: Alert) -> None:
    async with EventProducer(settings.bootstrap, "test") as producer:
        await producer.send_and_wait(settings.topics.alerts, alert.id, alert)
