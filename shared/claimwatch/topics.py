"""Every topic claimwatch uses, with its key and partitioning, in one place.

Names are ``<prefix>.<name>``; the prefix is a setting so tests (and parallel deployments) can
isolate themselves on one broker. Topics are created explicitly at start-up (see
``kafka.ensure_topics``) because brokers that auto-create would pick their own partition count,
which faust tables then reject.

Followed topics (articles, subscriptions, deliveries, and the five the web read model reads:
articles, entities, claims, processed, alerts) also carry catch-up markers: records with no
value under a ``__sync__:<uuid>`` key (``claimwatch.follow``), which every reader skips.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


COMPACT = {"cleanup.policy": "compact"}
REQUEST_OVERHEAD_BYTES = 64 * 1024
"""What a produce request adds around a record value (key, headers, batch framing)."""

# faust tables of the alert stage; each is backed by a compacted changelog topic
ALERT_INDEX_TABLE = "story-index"
ALERT_ARTICLE_TABLE = "article-story"
ALERT_STATE_TABLE = "story-state"


@dataclass(frozen=True)
class Topics:
    prefix: str = "claimwatch"
    partitions: int = 4
    group_prefix: str = "claimwatch"
    max_record_bytes: int = 8 * 1024 * 1024
    """The record budget (``Settings.max_record_bytes``): every topic stores messages of up to
    it plus ``REQUEST_OVERHEAD_BYTES`` (Kafka's default ``max.message.bytes`` is 1 MB)."""

    @property
    def articles(self) -> str:
        """key: article id; value: Article (plus follower markers)."""
        return f"{self.prefix}.articles"

    @property
    def entities(self) -> str:
        """key: article id; value: EntitiesExtracted."""
        return f"{self.prefix}.entities"

    @property
    def claims(self) -> str:
        """key: article id (re-keyed inside alert by story); value: ClaimsExtracted."""
        return f"{self.prefix}.claims"

    @property
    def alerts(self) -> str:
        """key: alert id; value: Alert (every version)."""
        return f"{self.prefix}.alerts"

    @property
    def processed(self) -> str:
        """key: article id; value: ArticleProcessed (progress marker for replay and lag)."""
        return f"{self.prefix}.processed"

    @property
    def subscriptions(self) -> str:
        """key: subscription id; value: Subscription or tombstone (compacted; plus markers)."""
        return f"{self.prefix}.subscriptions"

    @property
    def deliveries(self) -> str:
        """key: alert id + ":" + subscription id; value: DeliveryRecord (plus follower markers)."""
        return f"{self.prefix}.deliveries"

    @property
    def deadletter(self) -> str:
        """key: original key; value: DeadLetter."""
        return f"{self.prefix}.deadletter"

    @property
    def alert_index(self) -> str:
        """key: a single constant (1 partition: story assignment is one deterministic step);
        value: ClaimsExtracted, forwarded from the claims topic."""
        return f"{self.prefix}.alert-index"

    @property
    def alert_stories(self) -> str:
        """key: story id (all claims of a story meet on one worker); value: ClaimsExtracted."""
        return f"{self.prefix}.alert-stories"

    def app_id(self, stage: str) -> str:
        """Consumer group / faust app id of a stage."""
        return f"{self.group_prefix}-{self.prefix}-{stage}"

    def changelog(self, stage: str, table: str) -> str:
        """faust's changelog name for a table: ``<app id>-<table>-changelog``."""
        return f"{self.app_id(stage)}-{table}-changelog"

    def _sized(self, config: dict[str, str] | None = None) -> dict[str, str]:
        limit = self.max_record_bytes + REQUEST_OVERHEAD_BYTES
        return {**(config or {}), "max.message.bytes": str(limit)}

    def alert_internal_specs(self) -> list[TopicSpec]:
        n, sized = self.partitions, self._sized
        return [
            TopicSpec(self.alert_index, 1, sized()),
            TopicSpec(self.alert_stories, n, sized()),
            TopicSpec(self.changelog("alert", ALERT_INDEX_TABLE), 1, sized(COMPACT)),
            TopicSpec(self.changelog("alert", ALERT_ARTICLE_TABLE), 1, sized(COMPACT)),
            TopicSpec(self.changelog("alert", ALERT_STATE_TABLE), n, sized(COMPACT)),
        ]

    def specs(self) -> list[TopicSpec]:
        """Every topic to create before any client touches the broker."""
        n, sized = self.partitions, self._sized
        return [
            *self.alert_internal_specs(),
            TopicSpec(self.articles, n, sized()),
            TopicSpec(self.entities, n, sized()),
            TopicSpec(self.claims, n, sized()),
            TopicSpec(self.alerts, n, sized()),
            TopicSpec(self.processed, n, sized()),
            TopicSpec(self.subscriptions, 1, sized(COMPACT)),
            TopicSpec(self.deliveries, n, sized()),
            TopicSpec(self.deadletter, n, sized()),
        ]
