"""Change notices for live pages: the follower publishes which stories a commit touched, and
every open server-sent-event stream gets them.

In-process on purpose: the pages and the follower run in one process, so an asyncio queue per
browser is all it takes, with no broker round trip. A slow browser never blocks the follower:
its queue is bounded and, when full, collapses to "everything changed".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

EVERYTHING = "*"
QUEUE_MAX = 16
MAX_LISTED = 50


@dataclass(frozen=True)
class Change:
    """Stories whose pages changed; ``EVERYTHING`` in the set means reload whatever is shown."""

    stories: frozenset[str]

    def touches(self, story: str | None) -> bool:
        return EVERYTHING in self.stories or story is None or story in self.stories


class ChangeHub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Change | None]] = set()
        self.version = 0
        self.closed = False

    def publish(self, stories: set[str]) -> None:
        """Called on the event loop after each commit that touched ``stories``."""
        if not stories:
            return
        self.version += 1
        listed = frozenset(stories) if len(stories) <= MAX_LISTED else frozenset({EVERYTHING})
        change = Change(listed)
        for queue in self._queues:
            if queue.full():
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(Change(frozenset({EVERYTHING})))
            else:
                queue.put_nowait(change)

    def close(self) -> None:
        """End every open stream (on shutdown, so the server is not held open by browsers)."""
        self.closed = True
        for queue in self._queues:
            while not queue.empty():
                queue.get_nowait()
            queue.put_nowait(None)

    def subscribe(self) -> asyncio.Queue[Change | None]:
        queue: asyncio.Queue[Change | None] = asyncio.Queue(QUEUE_MAX)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Change | None]) -> None:
        self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._queues)
