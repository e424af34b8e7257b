"""Alert-stage metrics. Labels are bounded: kinds, and rule ids from the rule files — never a
slot, story, entity or outlet."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

from claimwatch.metrics import END_TO_END_SECONDS
from claimwatch.models import AlertKind

ALERTS_FIRED = Counter(
    "claimwatch_alerts_fired_total",
    "Alert versions produced (a new alert or a new version of one), by kind and rule. A "
    "sudden rise on one rule: read its alerts, the rule or the extractor may be too loose.",
    ["kind", "rule"],
)
ALERT_SOURCES = Histogram(
    "claimwatch_alert_sources",
    "Independent outlets behind each alert version produced.",
    ["kind"],
    buckets=(1, 2, 3, 4, 5, 6, 8, 10, 15, 20),
)
STORIES_ACTIVE = Gauge(
    "claimwatch_stories_active",
    "Stories in the story index within the time window (set by the worker owning the index).",
)
STORIES_CREATED = Counter(
    "claimwatch_stories_created_total",
    "Articles that opened a new story. Close to articles in: stories are not grouping.",
)
STORY_CLAIMS_TRIMMED = Counter(
    "claimwatch_story_articles_trimmed_total",
    "Articles whose claims a story dropped, oldest first, to keep its state in one record "
    "(budget.py). Rising: stories run long; their oldest figures leave comparisons.",
)


def init_alert_metrics(rule_ids: Iterable[str], contradiction_rule: str, update_rule: str) -> None:
    """Create known series up front so dashboards see zeros, not gaps."""
    for rule in rule_ids:
        ALERTS_FIRED.labels(AlertKind.KEY_CLAIM.value, rule)
    ALERTS_FIRED.labels(AlertKind.CONTRADICTION.value, contradiction_rule)
    ALERTS_FIRED.labels(AlertKind.FIGURE_UPDATE.value, update_rule)
    for kind in AlertKind:
        ALERT_SOURCES.labels(kind.value)
        END_TO_END_SECONDS.labels(kind.value)
