"""`claimwatch web` as a process: it stops promptly on SIGTERM even while a browser follows
live updates, and refuses to serve beyond loopback without a token."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.processes import ServiceProcess


def test_stops_promptly_with_a_live_stream_open(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    port = free_port()
    web = ServiceProcess("web", ["web", "--port", str(port)], settings.as_env(), tmp_path).start()
    try:
        deadline = time.monotonic() + 60
        while True:
            assert web.alive(), web.log_tail(30)
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, web.log_tail(30)
            time.sleep(0.2)
        first_event = threading.Event()

        def follow() -> None:
            try:
                with httpx.stream("GET", f"http://127.0.0.1:{port}/events", timeout=30) as resp:
                    for line in resp.iter_lines():
                        if line.startswith("event: hello"):
                            first_event.set()
            except httpx.HTTPError:
                pass  # the server closing the stream ends it

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        assert first_event.wait(10), "no hello on /events"
        assert web.proc is not None
        started = time.monotonic()
        web.proc.terminate()
        web.proc.wait(timeout=20)
        assert time.monotonic() - started < 8, "web waited for the open stream"
        assert web.proc.returncode == 0, web.log_tail(30)
        reader.join(5)
        assert not reader.is_alive()
    finally:
        web.stop()


def test_refuses_to_serve_beyond_loopback_without_a_token(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory()
    env = settings.as_env(metrics_host="0.0.0.0")
    result = subprocess.run(
        [sys.executable, "-m", "claimwatch_app", "web", "--port", str(free_port())],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "CLAIMWATCH_WEB_TOKEN" in result.stderr
