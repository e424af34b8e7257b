"""`claimwatch run` (what `make run` starts): alerts reach the terminal through a signed
webhook, and Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent is gone for our purposes
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_run_shows_alerts_and_stops_every_child_on_ctrl_c(tmp_path: Path) -> None:
    shutil.copytree(REPO / "samples", tmp_path / "samples")
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimwatch_app", "run", "--samples", "samples", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    output = b""
    started = time.monotonic()
    try:
        while time.monotonic() - started < 120 and b"contradiction" not in output:
            if selector.select(timeout=1.0):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                output += chunk
        first_alert_s = time.monotonic() - started
        text = output.decode("utf-8", "replace")
        assert "contradiction" in text, text[-3000:]
        print(f"time from `claimwatch run` to first alert on screen: {first_alert_s:.1f} s")
        pids = [int(p) for p in re.findall(r"pid (\d+)", text)]
        assert len(pids) == 6, text  # web, deliver, receiver, extract, alert, ingest
        pages = re.search(r"story pages: (http://127\.0\.0\.1:\d+)/", text)
        assert pages, text
        deadline = time.monotonic() + 30
        while 'class="story-row"' not in (page := httpx.get(pages.group(1) + "/", timeout=10)).text:
            assert page.status_code == 200 and time.monotonic() < deadline, page.text[-2000:]
            time.sleep(0.2)
        # the alert printed by the receiver links to its story page
        assert pages.group(1) + "/stories/st-" in text.replace("\n", ""), text[-3000:]
        assert all(_pid_alive(p) for p in pids)
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        text += rest.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, text[-3000:]
    assert "stopped" in text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_pid_alive(p) for p in pids):
        time.sleep(0.1)
    assert not [p for p in pids if _pid_alive(p)], "orphans left behind"
