"""A restarted alert worker recovers every table entry, including the newest ones.

The embedded broker answers ListOffsets with the end of the *first* record of a partition's
last batch (measured: 30 records pipelined, offsets 60..89, reported end 61; the fetch
response's high watermark says 90). faust recovers a table by reading its changelog up to
that end, so the newest entries written in one batch were silently missing after a restart.
That is how, after a SIGKILL of the alert worker, a corroborating article was placed in a new
story and became a separate one-source alert instead of version 2 of the existing one: the
story's index entry and article refs were the tail of the changelog's last batch.

Here the changelogs are written the way a busy worker writes them (several entries in one
batch), then a worker starts, and articles whose entries were at the tail are checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer
from reliability_support import Watcher, start_service, wait_for

from claimwatch.kafka import EventProducer
from claimwatch.models import ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch.topics import ALERT_ARTICLE_TABLE, ALERT_INDEX_TABLE, ALERT_STATE_TABLE
from claimwatch_alert.index import ArticleRef
from claimwatch_alert.messages import StoryAssigned
from claimwatch_alert.state import StoredArticle, StoryState
from claimwatch_alert.stories import StoryCard

NOW = datetime.now(UTC)
STORY = "st-recovered-story"
ARTICLES = [f"earlier-{n}" for n in range(12)]


async def write_batch(settings: Settings, topic: str, entries: list[tuple[str, bytes]]) -> None:
    """All entries pipelined into one partition, as faust's producer buffer writes them."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, linger_ms=50)
    await producer.start()
    try:
        futures = [
            await producer.send(topic, value, key=key.encode(), partition=0)
            for key, value in entries
        ]
        offsets = [(await f).offset for f in futures]
        assert offsets == list(range(offsets[0], offsets[0] + len(entries)))
    finally:
        await producer.stop()


def claims(article_id: str) -> ClaimsExtracted:
    """Nothing in common with the story's card: only its index entry can place it there."""
    return ClaimsExtracted(
        article_id=article_id, source=f"outlet-{article_id}", title=None, ingested_at=NOW
    )


def test_every_changelog_entry_is_recovered_even_the_tail_of_the_last_batch(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(partitions=1)
    topics = settings.topics
    card = StoryCard(
        id=STORY,
        entities={"marrow": 12.0, "harbour-board": 12.0},
        keywords={"crane": 12.0, "strike": 11.0, "dock": 10.0},
        first_at=NOW,
        last_at=NOW,
        articles=len(ARTICLES),
    )
    ref = ArticleRef(story=STORY, source="wire", origin="wire", at=NOW).model_dump_json()
    state = StoryState(
        story=STORY,
        articles={
            a: StoredArticle(source="wire", ingested_at=NOW, alerts=[f"al-{a}:1"]) for a in ARTICLES
        },
    ).model_dump_json()
    # a batch of other stories' states before, so this story's state is the batch's tail
    others = [
        (f"st-other-{n}", StoryState(story=f"st-other-{n}").model_dump_json()) for n in range(8)
    ]
    asyncio.run(
        write_batch(
            settings,
            topics.changelog("alert", ALERT_INDEX_TABLE),
            [(STORY, card.model_dump_json().encode())],
        )
    )
    asyncio.run(
        write_batch(
            settings,
            topics.changelog("alert", ALERT_ARTICLE_TABLE),
            [(a, ref.encode()) for a in ARTICLES],
        )
    )
    asyncio.run(
        write_batch(
            settings,
            topics.changelog("alert", ALERT_STATE_TABLE),
            [*((k, v.encode()) for k, v in others), (STORY, state.encode())],
        )
    )
    watcher = Watcher(settings)
    alert = start_service("alert", settings, tmp_path)
    try:
        # an article whose ref is the last of its batch: known to the index, so it stays in
        # its story (a lost ref would make it a new story named after itself)
        last = ARTICLES[-1]

        async def send() -> None:
            async with EventProducer(settings.bootstrap, "test") as producer:
                await producer.send_and_wait(topics.claims, last, claims(last))
                # and the story's state, the tail of its batch: the article is known there
                assigned = StoryAssigned(story=STORY, claims=claims(ARTICLES[0]))
                await producer.send_and_wait(topics.alert_stories, STORY, assigned)

        asyncio.run(send())
        wait_for(
            "two markers", lambda: watcher.markers[last] and watcher.markers[ARTICLES[0]], 90, alert
        )
        assert watcher.stories[last] == STORY, "the article's index entry was not recovered"
        assert watcher.stories[ARTICLES[0]] == STORY
        # the marker repeats what the stored state says the article caused
        assert watcher.marker_alerts[last] == [f"al-{last}:1"], "state entry not recovered"
        assert watcher.marker_alerts[ARTICLES[0]] == [f"al-{ARTICLES[0]}:1"]
    finally:
        watcher.stop()
        alert.proc.stop()
