"""The local journal of delivered webhook-ids: what a SIGKILLed delivery worker leaves for
its replacement (the record on the deliveries topic comes one broker round trip later)."""

from __future__ import annotations

import os
from pathlib import Path

from claimwatch_deliver.journal import DeliveredJournal


def test_ids_written_before_a_kill_are_read_by_the_next_process(tmp_path: Path) -> None:
    path = tmp_path / "deliver" / "delivered.journal"
    first = DeliveredJournal(path)
    assert first.open() == []
    for n in range(3):
        first.append(f"msg_{n}")
    assert first._fd is not None
    os.close(first._fd)  # killed: the kernel drops the lock; the lines are in the file already
    first._fd = None
    with path.open("ab") as raw:  # and the kill cut a last line in half
        raw.write(b"msg_hal")
    second = DeliveredJournal(path)
    assert second.open() == ["msg_0", "msg_1", "msg_2"]


def test_one_process_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "delivered.journal"
    owner = DeliveredJournal(path)
    owner.open()
    owner.append("msg_a")
    other = DeliveredJournal(path)
    assert other.open() == []  # locked: runs without a journal
    other.append("msg_b")  # a no-op
    owner.close()
    assert DeliveredJournal(path).open() == ["msg_a"]


def test_it_keeps_the_newest_ids_only(tmp_path: Path) -> None:
    path = tmp_path / "delivered.journal"
    journal = DeliveredJournal(path, keep=10)
    journal.open()
    for n in range(35):
        journal.append(f"msg_{n}")
    assert len(path.read_text().splitlines()) <= 20  # rewritten at twice ``keep``
    journal.close()
    assert DeliveredJournal(path, keep=10).open() == [f"msg_{n}" for n in range(25, 35)]
