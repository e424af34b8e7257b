"""`claimwatch replay` never hangs silently and never leaves processes behind.

- A pipeline that stops making progress (here: the extract worker frozen with SIGSTOP) ends
  the replay after ``--article-timeout``: every article still pending is reported as not
  processed, with how far it got, and the exit code is 1.
- Off a terminal (stderr is a file here) progress lines appear while it runs.
- SIGTERM (what `timeout` sends) and SIGINT stop the replay and its broker and workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from process_support import children_of, wait_gone

REPO = Path(__file__).resolve().parents[2]


def start_replay(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
    err = tmp_path / "stderr.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimwatch_app", "replay", str(REPO / "samples"), *args],
        stdout=subprocess.DEVNULL,
        stderr=err.open("wb"),
        cwd=tmp_path,
        env={**os.environ, "CLAIMWATCH_SHUTDOWN_GRACE_S": "3"},
    )
    return proc, err


def wait_for_workers(proc: subprocess.Popen[bytes]) -> dict[int, str]:
    """The replay's broker, extract and alert, once all three run."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kids = children_of(proc.pid)
        names = " ".join(kids.values())
        if "claimwatch_app extract" in names and "claimwatch_app alert" in names:
            assert len(kids) == 3, kids  # and the broker
            return kids
        assert proc.poll() is None, "replay ended early"
        time.sleep(0.1)
    raise AssertionError("replay did not start its workers")


def test_a_stalled_pipeline_reports_each_article_not_processed_and_exits_1(
    tmp_path: Path,
) -> None:
    proc, err = start_replay(tmp_path, "--article-timeout", "15")
    try:
        kids = wait_for_workers(proc)
        extract = next(p for p, cmd in kids.items() if "claimwatch_app extract" in cmd)
        os.kill(extract, signal.SIGSTOP)  # a worker that hangs: no claims, no dead letter
        assert proc.wait(timeout=180) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
    text = err.read_text()
    missing = [line for line in text.splitlines() if ": not processed:" in line]
    assert len(missing) == 10, text[-3000:]  # every sample article, each with its reason
    assert all("extract made no progress for 15 s" in line for line in missing), missing
    assert any("samples/quake" in line for line in missing)
    assert "replay incomplete: 10 of 10 articles not processed" in text
    # progress lines while it waited, not only at the end
    progress = [line for line in text.splitlines() if line.startswith("replay: ")]
    assert sum("0/10 articles processed" in line for line in progress) >= 2, text[-3000:]
    assert wait_gone(list(kids)) == [], "workers or broker left behind"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_the_replay_its_broker_and_workers(
    tmp_path: Path, sig: signal.Signals
) -> None:
    proc, err = start_replay(tmp_path)
    try:
        kids = wait_for_workers(proc)
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert code == 128 + sig, err.read_text()[-2000:]
    assert f"replay stopped by {sig.name}" in err.read_text()
    assert wait_gone(list(kids)) == [], "workers or broker left behind"
