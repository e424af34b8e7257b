"""schemathesis against the running `claimwatch ingest` command (the one compose runs).

The service runs as a real subprocess on the session broker; schemathesis generates valid and
invalid requests for every operation of /openapi.json. No 5xx, and every response matches
the schema. Then SIGTERM must stop it cleanly (exit 0).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from claimwatch.ports import free_port
from claimwatch.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 60  # per operation and generation mode


@pytest.fixture
def running_ingest(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    settings = settings_factory()
    port, metrics_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(
        CLAIMWATCH_BOOTSTRAP=settings.bootstrap,
        CLAIMWATCH_TOPIC_PREFIX=settings.topic_prefix,
        CLAIMWATCH_SESSION_TIMEOUT_S="3",
        CLAIMWATCH_DATA_DIR=str(tmp_path / "data"),
        CLAIMWATCH_INGEST_PORT=str(port),
        CLAIMWATCH_METRICS_PORT=str(metrics_port),
        CLAIMWATCH_INGEST_MAX_BYTES="200000",
    )
    log = open(tmp_path / "ingest.log", "wb")  # noqa: SIM115 - closed below
    exe = Path(sys.executable).with_name("claimwatch")
    proc = subprocess.Popen([str(exe), "ingest"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "ingest.log").read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "ingest did not become ready"
            time.sleep(0.2)
        metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
        assert "claimwatch_ingest_articles_total" in metrics.text
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        log.close()


def test_schemathesis_finds_no_server_error_or_schema_violation(
    running_ingest: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, proc = running_ingest
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = sorted(op.label for op in operations)
    assert labels == [
        "GET /healthz", "GET /readyz", "POST /articles", "POST /articles/batch",
    ]  # fmt: skip
    calls = 0
    for operation in operations:
        # GET probes take no input, so there is nothing to make invalid
        modes = [GenerationMode.POSITIVE]
        if operation.method.upper() == "POST":
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:

            @hsettings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(base_url=base, checks=CHECKS)

            run()
    assert calls >= len(operations) * EXAMPLES
    # still up and ready after the fuzzing, and stops cleanly on SIGTERM
    assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
