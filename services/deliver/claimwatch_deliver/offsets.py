"""Which offsets may be committed while deliveries finish out of order.

An alert's offset is committed only once every delivery it caused is final (delivered,
disabled, dead-lettered): a crash before that re-reads the alert and delivers again (receivers
de-duplicate on webhook-id). Deliveries finish out of order (one subscriber retries for hours
while others answer at once), so the committable position of a partition is just past the
longest prefix of finished offsets.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Generic, TypeVar

P = TypeVar("P")


class OffsetTracker(Generic[P]):
    """Per partition: offsets in read order with their count of unfinished deliveries."""

    def __init__(self) -> None:
        self._pending: dict[P, dict[int, int]] = defaultdict(dict)
        self._last: dict[P, int] = {}
        self._committed: dict[P, int] = {}

    def add(self, partition: P, offset: int, jobs: int) -> None:
        """Record that ``offset`` (read in increasing order) started ``jobs`` deliveries."""
        self._pending[partition][offset] = jobs
        self._last[partition] = offset
        self._committed.setdefault(partition, offset)  # the position we started reading at

    def done(self, partition: P, offset: int) -> None:
        """One delivery of ``offset`` became final."""
        pending = self._pending.get(partition)
        if pending is not None and offset in pending:
            pending[offset] -= 1

    def committable(self) -> dict[P, int]:
        """Per partition that advanced: the offset to commit (the first unfinished one)."""
        out: dict[P, int] = {}
        for partition, pending in self._pending.items():
            while pending:
                first = next(iter(pending))
                if pending[first] > 0:
                    break
                del pending[first]
            position = next(iter(pending)) if pending else self._last[partition] + 1
            if self._committed.get(partition, -1) < position:
                out[partition] = position
        return out

    def committed(self, offsets: dict[P, int]) -> None:
        """The broker acknowledged committing ``offsets``."""
        for partition, offset in offsets.items():
            if partition in self._last:
                self._committed[partition] = max(self._committed.get(partition, -1), offset)

    def forget(self, partition: P) -> None:
        """Drop a partition (revoked in a rebalance): its new owner re-reads what was open."""
        self._pending.pop(partition, None)
        self._last.pop(partition, None)
        self._committed.pop(partition, None)

    def open_count(self) -> int:
        """Offsets with unfinished deliveries (for back-pressure)."""
        return sum(1 for p in self._pending.values() for n in p.values() if n > 0)
