"""When a story closes: the index forgets it and the story's owner drops its state.

A story no article has arrived at for two windows (``index.expired``, on the ingest clock,
so a replayed archive in any order closes nothing early) can gain no more, so its card and
article refs leave the single-partition index, and its ``story-state`` entry (kept by
whichever worker owns the story's partition) must go too, or state and its changelog
recovery grow with every story ever seen. The index cannot write another partition's table,
so it sends a tombstone (the story id with no value) on ``alert-stories``; the owner reads it
after every article of that story (same key, same partition, in order) and deletes the state.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from datetime import datetime, timedelta

from claimwatch_alert.index import ArticleRef, expired
from claimwatch_alert.stories import StoryCard

Table = MutableMapping[bytes, bytes | None]


def close_expired(
    cards: Table,
    refs: Table,
    known: Mapping[str, StoryCard],
    newest: datetime,
    window: timedelta,
) -> list[str]:
    """Drop stories (and their article refs) that can no longer gain articles; their ids.

    ``newest`` is the latest arrival time (``index.arrival_time``).

    The caller sends one tombstone per returned id so the story's state is dropped as well.
    """
    gone = sorted(sid for sid, card in known.items() if expired(card, newest, window))
    for sid in gone:
        del cards[sid.encode()]
    if gone:
        closing = set(gone)
        for key, value in list(refs.items()):
            if value and ArticleRef.model_validate_json(value).story in closing:
                del refs[key]
    return gone
