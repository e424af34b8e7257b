"""`claimwatch run` leaves no orphans, however it ends, and survives a crashed child.

- `claimwatch run ... | tee run.log`, then Ctrl-C (SIGINT to the whole foreground job, tee
  included): the supervisor's output pipe breaks while it stops its children; it must still
  stop every one of them, the broker last. (Before: it died on the broken pipe and left
  deliver, the receiver, extract, alert and ingest running; and the broker, in its process
  group, died first.)
- A child killed with SIGKILL is restarted after a backoff, and the run goes on.
- `kill -9` of the supervisor: the kernel sends every child SIGTERM (PR_SET_PDEATHSIG) and
  each stops within its grace period, the broker included.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from process_support import alive, children_of, wait_gone

REPO = Path(__file__).resolve().parents[2]
GRACE_S = "4"


def start_run(tmp_path: Path, tee: bool) -> tuple[subprocess.Popen[bytes], Path]:
    shutil.copytree(REPO / "samples", tmp_path / "samples")
    log = tmp_path / "run.log"
    command = [sys.executable, "-m", "claimwatch_app", "run", "--samples", "samples", "--port", "0"]
    env = {**os.environ, "COLUMNS": "200", "CLAIMWATCH_SHUTDOWN_GRACE_S": GRACE_S}
    if tee:  # a shell pipeline in a session of its own: Ctrl-C reaches the whole job
        line = " ".join(command) + " 2>&1 | tee run.log"
        proc = subprocess.Popen(
            ["bash", "-c", line], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    else:
        proc = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return proc, log


def wait_for_text(log: Path, pattern: str, proc: subprocess.Popen[bytes], timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if re.search(pattern, text):
            return text
        assert proc.poll() is None, text[-3000:]
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} not in the output:\n{text[-3000:]}")


def supervisor_of(proc: subprocess.Popen[bytes]) -> int:
    """The `claimwatch run` process (bash's child in the pipeline, or ``proc`` itself)."""
    for pid, cmd in children_of(proc.pid).items():
        if "claimwatch_app run" in cmd:
            return pid
    return proc.pid


def test_ctrl_c_on_run_piped_to_tee_stops_everything_and_a_crashed_child_is_restarted(
    tmp_path: Path,
) -> None:
    proc, log = start_run(tmp_path, tee=True)
    try:
        wait_for_text(log, r"ready in", proc, 180)
        supervisor = supervisor_of(proc)
        kids = children_of(supervisor)
        assert len(kids) == 7, kids  # broker, web, deliver, receiver, extract, alert, ingest
        # a crashed child is restarted (after a backoff) and said so
        extract = next(p for p, cmd in kids.items() if cmd.endswith("claimwatch_app extract"))
        os.kill(extract, signal.SIGKILL)
        text = wait_for_text(log, r"extract\S* restarted, pid \d+", proc, 60)
        assert re.search(r"extract\S* exited with code -9", text), text[-2000:]
        new_pid = int(re.findall(r"extract\S* restarted, pid (\d+)", text)[-1])
        assert alive(new_pid) and new_pid in children_of(supervisor)
        everyone = [*kids, new_pid]
        # Ctrl-C: SIGINT to the whole job (bash, the supervisor and tee)
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        left = wait_gone([supervisor, *everyone], timeout_s=60)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    print(f"run | tee: every child gone {took:.1f} s after Ctrl-C")
    assert left == [], {p: children_of(1).get(p) for p in left}


def test_kill_9_of_run_takes_every_child_with_it(tmp_path: Path) -> None:
    proc, log = start_run(tmp_path, tee=False)
    try:
        wait_for_text(log, r"ready in", proc, 180)
        kids = children_of(proc.pid)
        assert len(kids) == 7, kids
        started = time.monotonic()
        proc.kill()
        proc.wait()
        left = wait_gone(list(kids), timeout_s=60)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
    print(f"kill -9 of run: every child gone {took:.1f} s later")
    assert left == [], left
