"""The alert stage's internal topics and tables, created before faust starts.

``make_app`` forbids faust from declaring topics (the embedded broker would auto-create them
with its own partition count, and tables then crash-loop with ``PartitionsMismatch``), so
every topic the stage uses is listed here and created by ``claimwatch alert`` at start-up.

Flow: claims (key article id) -> ``alert-index`` (1 partition, one key: story assignment is a
single, deterministic, cheap step) -> ``alert-stories`` (key story id, N partitions: all
claims of a story meet on one worker, which owns that story's state).
"""

from __future__ import annotations

from dataclasses import dataclass

from claimwatch.settings import Settings
from claimwatch.topics import TopicSpec

STAGE = "alert"
INDEX_KEY = "story-index"
INDEX_TABLE = "story-index"
ARTICLE_TABLE = "article-story"
STATE_TABLE = "story-state"
COMPACT = {"cleanup.policy": "compact"}


@dataclass(frozen=True)
class AlertTopics:
    index: str
    stories: str
    index_changelog: str
    article_changelog: str
    state_changelog: str
    partitions: int

    def specs(self) -> list[TopicSpec]:
        return [
            TopicSpec(self.index, 1),
            TopicSpec(self.stories, self.partitions),
            TopicSpec(self.index_changelog, 1, COMPACT),
            TopicSpec(self.article_changelog, 1, COMPACT),
            TopicSpec(self.state_changelog, self.partitions, COMPACT),
        ]


def alert_topics(settings: Settings) -> AlertTopics:
    """Names follow faust's changelog convention: ``<app id>-<table>-changelog``."""
    app_id = settings.group(STAGE)
    prefix = settings.topic_prefix
    return AlertTopics(
        index=f"{prefix}.alert-index",
        stories=f"{prefix}.alert-stories",
        index_changelog=f"{app_id}-{INDEX_TABLE}-changelog",
        article_changelog=f"{app_id}-{ARTICLE_TABLE}-changelog",
        state_changelog=f"{app_id}-{STATE_TABLE}-changelog",
        partitions=settings.partitions,
    )
