"""The alert stage's internal topics and tables, created before faust starts.

``make_app`` forbids faust from declaring topics (the embedded broker would auto-create them
with its own partition count, and tables then crash-loop with ``PartitionsMismatch``), so
every topic the stage uses is named in ``claimwatch.topics`` and created at start-up
(``claimwatch topics`` and ``claimwatch alert`` both create them).

Flow: claims (key article id) -> ``alert-index`` (1 partition, one key: story assignment is a
single, deterministic, cheap step) -> ``alert-stories`` (key story id, N partitions: all
claims of a story meet on one worker, which owns that story's state).
"""

from __future__ import annotations

from dataclasses import dataclass

from claimwatch.settings import Settings
from claimwatch.topics import (
    ALERT_ARTICLE_TABLE,
    ALERT_INDEX_TABLE,
    ALERT_STATE_TABLE,
    TopicSpec,
)

STAGE = "alert"
INDEX_KEY = "story-index"
INDEX_TABLE = ALERT_INDEX_TABLE
ARTICLE_TABLE = ALERT_ARTICLE_TABLE
STATE_TABLE = ALERT_STATE_TABLE


@dataclass(frozen=True)
class AlertTopics:
    index: str
    stories: str
    index_changelog: str
    article_changelog: str
    state_changelog: str
    specs_: tuple[TopicSpec, ...]

    def specs(self) -> list[TopicSpec]:
        return list(self.specs_)


def alert_topics(settings: Settings) -> AlertTopics:
    """The alert stage's view of the names in ``claimwatch.topics`` (the one place for them)."""
    topics = settings.topics
    return AlertTopics(
        index=topics.alert_index,
        stories=topics.alert_stories,
        index_changelog=topics.changelog(STAGE, INDEX_TABLE),
        article_changelog=topics.changelog(STAGE, ARTICLE_TABLE),
        state_changelog=topics.changelog(STAGE, STATE_TABLE),
        specs_=tuple(topics.alert_internal_specs()),
    )
