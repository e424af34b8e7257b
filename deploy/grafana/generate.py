"""Writes the Grafana dashboards in deploy/grafana/dashboards/ from the panel lists below.

Why generated: three dashboards share one layout, datasource and style; a short list of
(title, unit, queries) per panel is easier to review than 1,000 lines of Grafana JSON. Run
``python deploy/grafana/generate.py`` after editing; a test fails when the JSON drifts, and
another runs every query against a real Prometheus scraping a running pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATASOURCE = {"type": "prometheus", "uid": "claimwatch-prometheus"}
OUT = Path(__file__).resolve().parent / "dashboards"


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str


@dataclass(frozen=True)
class Panel:
    title: str
    unit: str
    queries: tuple[Query, ...]
    description: str = ""
    kind: str = "timeseries"


def q(expr: str, legend: str) -> Query:
    return Query(expr, legend)


PIPELINE = (
    Panel(
        "Records read per second, by stage",
        "reqps",
        (q("claimwatch:records_in:rate1m", "{{stage}}"),),
        "Flat for one stage while its upstream produces: that stage is stalled.",
    ),
    Panel(
        "Records produced per second, by stage",
        "reqps",
        (q("claimwatch:records_out:rate1m", "{{stage}}"),),
    ),
    Panel(
        "Failures per second, by stage and reason",
        "reqps",
        (q("claimwatch:records_failed:rate5m", "{{stage}} {{reason}}"),),
        "Bad input is dead-lettered with the same reason; read the dead-letter topic.",
    ),
    Panel(
        "Consumer lag (records)",
        "short",
        (q("claimwatch:consumer_lag:max", "{{group}} {{topic}}"),),
        "Growing: the group cannot keep up. Extract scales on this (KEDA) on Kubernetes.",
    ),
    Panel(
        "End-to-end latency, ingest to alert",
        "s",
        (
            q("claimwatch:end_to_end_seconds:p50_5m", "p50 {{kind}}"),
            q("claimwatch:end_to_end_seconds:p99_5m", "p99 {{kind}}"),
        ),
        "Target: p99 under 10 s (alert ClaimwatchEndToEndLatencyHigh).",
    ),
    Panel(
        "Processing time per batch, p99 by stage",
        "s",
        (q("claimwatch:processing_seconds:p99_5m", "{{stage}}"),),
    ),
    Panel(
        "Articles by outcome (per second)",
        "reqps",
        (q("sum by (outcome) (rate(claimwatch_ingest_articles_total[5m]))", "{{outcome}}"),),
        "new: produced; duplicate: a copy of another outlet's article; seen: re-sent; "
        "rejected: bad input.",
    ),
    Panel(
        "Dead-lettered records (last 15 min), by service and reason",
        "short",
        (
            q(
                "sum by (service, reason) (increase(claimwatch_deadlettered_total[15m]))",
                "{{service}} {{reason}}",
            ),
        ),
    ),
    Panel(
        "Services up",
        "short",
        (q('up{job=~"ingest|extract|alert|deliver|web"}', "{{job}} {{instance}}"),),
    ),
    Panel(
        "Story pages: read model behind the pipeline, p99 by topic",
        "s",
        (
            q(
                "histogram_quantile(0.99, sum by (le, topic) "
                "(rate(claimwatch_web_apply_delay_seconds_bucket[5m])))",
                "{{topic}}",
            ),
        ),
        "From a record's write to its topic to the web read model committing it: how stale "
        "the story pages are.",
    ),
    Panel(
        "Story pages: render time p95 by page",
        "s",
        (
            q(
                "histogram_quantile(0.95, sum by (le, page) "
                "(rate(claimwatch_web_page_seconds_bucket[5m])))",
                "{{page}}",
            ),
        ),
        "Database queries included (docs/benchmarks.md has the figure for a 200-article story).",
    ),
)

ALERTS = (
    Panel(
        "Alerts fired per second, by kind and rule",
        "reqps",
        (q("claimwatch:alerts_fired:rate5m > 0", "{{kind}} {{rule}}"),),
        "Every new alert or new version of one (grouped per story and rule).",
    ),
    Panel(
        "Alerts fired (total), by kind",
        "short",
        (q("sum by (kind) (claimwatch_alerts_fired_total)", "{{kind}}"),),
    ),
    Panel(
        "Independent sources per alert (mean), by kind",
        "short",
        (
            q(
                "sum by (kind) (rate(claimwatch_alert_sources_sum[5m]))"
                " / sum by (kind) (rate(claimwatch_alert_sources_count[5m]))",
                "{{kind}}",
            ),
        ),
        "Corroboration: how many outlets (syndicated copies count once) stand behind alerts.",
    ),
    Panel(
        "Independent sources per alert, p90 by kind",
        "short",
        (
            q(
                "histogram_quantile(0.9, sum by (kind, le)"
                " (rate(claimwatch_alert_sources_bucket[5m])))",
                "{{kind}}",
            ),
        ),
    ),
    Panel(
        "End-to-end latency p99, by alert kind",
        "s",
        (q("claimwatch:end_to_end_seconds:p99_5m", "{{kind}}"),),
    ),
    Panel(
        "Stories active",
        "short",
        (q("sum(claimwatch_stories_active)", "stories"),),
    ),
)

DELIVERIES = (
    Panel(
        "Webhook attempts per second, by outcome",
        "reqps",
        (q("claimwatch:webhook_deliveries:rate5m", "{{outcome}}"),),
        "retry/dead_lettered/refused rising: receivers are failing (see the deliveries topic).",
    ),
    Panel(
        "Retries pending",
        "short",
        (q("sum(claimwatch_webhook_retries_pending)", "pending"),),
        "Growing: a receiver is down or slow.",
    ),
    Panel(
        "Deliveries dead-lettered (last 15 min), by reason",
        "short",
        (
            q(
                "sum by (reason) (increase(claimwatch_webhook_dead_lettered_total[15m]))",
                "{{reason}}",
            ),
        ),
        "A subscriber missed these alerts; they are on the dead-letter topic.",
    ),
    Panel(
        "Attempt latency",
        "s",
        (
            q("claimwatch:webhook_attempt_seconds:p50_5m", "p50"),
            q("claimwatch:webhook_attempt_seconds:p99_5m", "p99"),
        ),
    ),
    Panel(
        "Subscriptions, by state",
        "short",
        (q("sum by (state) (claimwatch_webhook_subscriptions)", "{{state}}"),),
    ),
    Panel(
        "Subscriptions disabled (410 Gone), last hour",
        "short",
        (q("sum(increase(claimwatch_webhook_subscriptions_disabled_total[1h]))", "disabled"),),
    ),
)

DASHBOARDS = {
    "claimwatch-pipeline": ("claimwatch: pipeline overview", PIPELINE),
    "claimwatch-alerts": ("claimwatch: alerts", ALERTS),
    "claimwatch-deliveries": ("claimwatch: webhook deliveries", DELIVERIES),
}


def panel_json(panel: Panel, index: int) -> dict[str, object]:
    width, height = 12, 8
    return {
        "id": index + 1,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"h": height, "w": width, "x": (index % 2) * width, "y": (index // 2) * height},
        "fieldConfig": {
            "defaults": {
                "unit": panel.unit,
                "custom": {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10},
            },
            "overrides": [],
        },
        "options": {
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
        "targets": [
            {
                "refId": chr(ord("A") + i),
                "datasource": DATASOURCE,
                "expr": query.expr,
                "legendFormat": query.legend,
                "range": True,
            }
            for i, query in enumerate(panel.queries)
        ],
    }


def dashboard_json(uid: str, title: str, panels: tuple[Panel, ...]) -> dict[str, object]:
    return {
        "uid": uid,
        "title": title,
        "tags": ["claimwatch"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "10s",
        "time": {"from": "now-30m", "to": "now"},
        "links": [
            {
                "type": "dashboards",
                "tags": ["claimwatch"],
                "asDropdown": False,
                "title": "claimwatch",
            }
        ],
        "panels": [panel_json(p, i) for i, p in enumerate(panels)],
    }


def render() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {
        f"{uid}.json": json.dumps(dashboard_json(uid, title, panels), indent=2) + "\n"
        for uid, (title, panels) in DASHBOARDS.items()
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(OUT / name)


if __name__ == "__main__":
    main()
