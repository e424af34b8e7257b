"""Every topic claimwatch uses, with its key and partitioning, in one place.

Names are ``<prefix>.<name>``; the prefix is a setting so tests (and parallel deployments) can
isolate themselves on one broker. Topics are created explicitly at start-up (see
``kafka.ensure_topics``) because brokers that auto-create would pick their own partition count,
which faust tables then reject.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Topics:
    prefix: str = "claimwatch"
    partitions: int = 4

    @property
    def articles(self) -> str:
        """key: article id; value: Article."""
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
        """key: subscription id; value: Subscription or tombstone (compacted)."""
        return f"{self.prefix}.subscriptions"

    @property
    def deliveries(self) -> str:
        """key: alert id + ":" + subscription id; value: DeliveryRecord."""
        return f"{self.prefix}.deliveries"

    @property
    def deadletter(self) -> str:
        """key: original key; value: DeadLetter."""
        return f"{self.prefix}.deadletter"

    def specs(self) -> list[TopicSpec]:
        """The topics to create before any client touches the broker."""
        n = self.partitions
        return [
            TopicSpec(self.articles, n),
            TopicSpec(self.entities, n),
            TopicSpec(self.claims, n),
            TopicSpec(self.alerts, n),
            TopicSpec(self.processed, n),
            TopicSpec(self.subscriptions, 1, {"cleanup.policy": "compact"}),
            TopicSpec(self.deliveries, n),
            TopicSpec(self.deadletter, n),
        ]
