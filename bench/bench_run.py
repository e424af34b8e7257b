"""Time from ``claimwatch run`` start to the first alert on its local receiver.

Launches ``claimwatch run --samples samples --port 0`` exactly as a newcomer would (own data
dir in a temporary folder, so the sample stories are new to it), reads its output until the
receiver prints the first alert (a line with `` · rule ``), then stops it with SIGINT (its
Ctrl-C path) by pid. Bounded by ``--timeout``. Prints one JSON object.

    .venv/bin/python bench/bench_run.py [--timeout 180]
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def failure(output: bytes, proc: subprocess.Popen[bytes]) -> str:
    """Why no alert was seen: the exit code and the last lines ``run`` printed."""
    tail = output.decode("utf-8", "replace").strip().splitlines()[-8:]
    return f"exit {proc.returncode}; last output: " + " | ".join(tail)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=180.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-run-") as tmp:
        env = {**os.environ, "CLAIMWATCH_DATA_DIR": tmp, "COLUMNS": "200", "TERM": "dumb"}
        started = time.monotonic()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "claimwatch_app",
                "run",
                "--samples",
                str(ROOT / "samples"),
                "--port",
                "0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=tmp,
        )
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready_s = first_alert_s = None
        buf = b""
        while time.monotonic() - started < args.timeout and proc.poll() is None:
            if not sel.select(timeout=0.5):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            buf += chunk
            text = buf.decode("utf-8", "replace")
            if ready_s is None and "ready in" in text:
                ready_s = time.monotonic() - started
            if " · rule " in text:
                first_alert_s = time.monotonic() - started
                break
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(
        json.dumps(
            {
                "bench": "run",
                "ready_s": round(ready_s, 1) if ready_s is not None else None,
                "first_alert_s": round(first_alert_s, 1) if first_alert_s is not None else None,
                "timeout_s": args.timeout,
                **({} if first_alert_s is not None else {"error": failure(buf, proc)}),
            }
        )
    )


if __name__ == "__main__":
    main()
