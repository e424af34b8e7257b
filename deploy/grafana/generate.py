"""Writes the Grafana dashboards in deploy/grafana/dashboards/ from the panel lists below.

Why generated: three dashboards share one layout, datasource and style; a short list of
(title, unit, queries) per panel is easier to review than 1,000 lines of Grafana JSON. Every
dashboard has a datasource variable and job and instance filters that every query applies;
counters are shown as rates (or increases over a stated window), with units that say what is
counted. Run
``python deploy/grafana/generate.py`` after editing; a test fails when the JSON drifts, and
another runs every query against a real Prometheus scraping a running pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATASOURCE_VAR = "datasource"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
PROVISIONED_UID = "claimwatch-prometheus"  # the variable's default: the provisioned datasource
OUT = Path(__file__).resolve().parent / "dashboards"
SERVICE_JOBS = "ingest|extract|alert|deliver|web"
# Every claimwatch series is filtered by the dashboard's job and instance variables.
SEL = 'job=~"$job", instance=~"$instance"'
RATE = "$__rate_interval"


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


def per_second(metric: str, by: str, extra: str = "") -> str:
    """A counter as a rate per second, summed by ``by``, for the selected jobs and instances."""
    return f"sum by ({by}) (rate({metric}{{{SEL}{extra}}}[{RATE}]))"


def quantile(phi: float, metric: str, by: str) -> str:
    by_le = f"{by}, le" if by else "le"
    return f"histogram_quantile({phi}, sum by ({by_le}) (rate({metric}_bucket{{{SEL}}}[{RATE}])))"


def concrete(expr: str, job: str = ".*", instance: str = ".*", rate_interval: str = "1m") -> str:
    """``expr`` with the dashboard variables replaced as Grafana does for "All" (what the
    tests and the PNG renderer send to Prometheus, which knows no Grafana variables)."""
    return (
        expr.replace("$__rate_interval", rate_interval)
        .replace("$instance", instance)
        .replace("$job", job)
    )


PIPELINE = (
    Panel(
        "Records read per second, by stage",
        "suffix:records/s",
        (q(per_second("claimwatch_records_in_total", "stage"), "{{stage}}"),),
        "Flat for one stage while its upstream produces: that stage is stalled.",
    ),
    Panel(
        "Records produced per second, by stage",
        "suffix:records/s",
        (q(per_second("claimwatch_records_out_total", "stage"), "{{stage}}"),),
    ),
    Panel(
        "Failures per second, by stage and reason",
        "suffix:records/s",
        (
            q(
                per_second("claimwatch_records_failed_total", "stage, reason"),
                "{{stage}} {{reason}}",
            ),
        ),
        "Bad input is dead-lettered with the same reason; read the dead-letter topic.",
    ),
    Panel(
        "Consumer lag",
        "suffix:records",
        (q(f"max by (group, topic) (claimwatch_consumer_lag{{{SEL}}})", "{{group}} {{topic}}"),),
        "Growing: the group cannot keep up. Extract scales on this (KEDA) on Kubernetes.",
    ),
    Panel(
        "End-to-end latency, ingest to alert",
        "s",
        (
            q(quantile(0.5, "claimwatch_end_to_end_seconds", "kind"), "p50 {{kind}}"),
            q(quantile(0.99, "claimwatch_end_to_end_seconds", "kind"), "p99 {{kind}}"),
        ),
        "Target: p99 under 10 s (alert ClaimwatchEndToEndLatencyHigh).",
    ),
    Panel(
        "Processing time per batch, p99 by stage",
        "s",
        (q(quantile(0.99, "claimwatch_processing_seconds", "stage"), "{{stage}}"),),
    ),
    Panel(
        "Articles per second, by outcome",
        "suffix:articles/s",
        (q(per_second("claimwatch_ingest_articles_total", "outcome"), "{{outcome}}"),),
        "new: produced; duplicate: a copy of another outlet's article; seen: re-sent; "
        "rejected: bad input.",
    ),
    Panel(
        "Records dead-lettered per second, by service and reason",
        "suffix:records/s",
        (
            q(
                per_second("claimwatch_deadlettered_total", "service, reason"),
                "{{service}} {{reason}}",
            ),
        ),
    ),
    Panel(
        "Targets up",
        "short",
        (q(f"up{{{SEL}}}", "{{job}} {{instance}}"),),
        "1 scraped, 0 down. A target that vanished from service discovery is not drawn at all: "
        "ClaimwatchServiceMissing fires for it.",
    ),
    Panel(
        "Story pages: read model behind the pipeline, p99 by topic",
        "s",
        (q(quantile(0.99, "claimwatch_web_apply_delay_seconds", "topic"), "{{topic}}"),),
        "From a record's write to its topic to the web read model committing it: how stale "
        "the story pages are.",
    ),
    Panel(
        "Story pages: render time p95 by page",
        "s",
        (q(quantile(0.95, "claimwatch_web_page_seconds", "page"), "{{page}}"),),
        "Database queries included (docs/benchmarks.md has the figure for a 200-article story).",
    ),
)

ALERTS = (
    Panel(
        "Alerts fired per second, by kind and rule",
        "suffix:alerts/s",
        (q(per_second("claimwatch_alerts_fired_total", "kind, rule"), "{{kind}} {{rule}}"),),
        "Every new alert or new version of one (grouped per story and rule).",
    ),
    Panel(
        "Alerts fired in the last hour, by kind",
        "suffix:alerts",
        (
            q(
                f"sum by (kind) (increase(claimwatch_alerts_fired_total{{{SEL}}}[1h]))",
                "{{kind}}",
            ),
        ),
    ),
    Panel(
        "Independent sources per alert (mean), by kind",
        "suffix:sources",
        (
            q(
                f"sum by (kind) (rate(claimwatch_alert_sources_sum{{{SEL}}}[{RATE}]))"
                f" / sum by (kind) (rate(claimwatch_alert_sources_count{{{SEL}}}[{RATE}]))",
                "{{kind}}",
            ),
        ),
        "Corroboration: how many outlets (syndicated copies count once) stand behind alerts.",
    ),
    Panel(
        "Independent sources per alert, p90 by kind",
        "suffix:sources",
        (q(quantile(0.9, "claimwatch_alert_sources", "kind"), "{{kind}}"),),
    ),
    Panel(
        "End-to-end latency p99, by alert kind",
        "s",
        (q(quantile(0.99, "claimwatch_end_to_end_seconds", "kind"), "{{kind}}"),),
    ),
    Panel(
        "Stories active",
        "suffix:stories",
        (q(f"sum(claimwatch_stories_active{{{SEL}}})", "stories"),),
    ),
)

DELIVERIES = (
    Panel(
        "Webhook attempts per second, by outcome",
        "suffix:attempts/s",
        (q(per_second("claimwatch_webhook_deliveries_total", "outcome"), "{{outcome}}"),),
        "retry/dead_lettered/refused rising: receivers are failing (see the deliveries topic).",
    ),
    Panel(
        "Retries pending",
        "suffix:deliveries",
        (q(f"sum(claimwatch_webhook_retries_pending{{{SEL}}})", "pending"),),
        "Growing: a receiver is down or slow.",
    ),
    Panel(
        "Deliveries dead-lettered per second, by reason",
        "suffix:deliveries/s",
        (q(per_second("claimwatch_webhook_dead_lettered_total", "reason"), "{{reason}}"),),
        "A subscriber missed these alerts; they are on the dead-letter topic.",
    ),
    Panel(
        "Attempt latency",
        "s",
        (
            q(quantile(0.5, "claimwatch_webhook_attempt_seconds", ""), "p50"),
            q(quantile(0.99, "claimwatch_webhook_attempt_seconds", ""), "p99"),
        ),
    ),
    Panel(
        "Subscriptions, by state",
        "suffix:subscriptions",
        (q(f"sum by (state) (claimwatch_webhook_subscriptions{{{SEL}}})", "{{state}}"),),
    ),
    Panel(
        "Subscriptions disabled (410 Gone) in the last hour",
        "suffix:subscriptions",
        (
            q(
                f"sum(increase(claimwatch_webhook_subscriptions_disabled_total{{{SEL}}}[1h]))",
                "disabled",
            ),
        ),
    ),
)

DASHBOARDS = {
    "claimwatch-pipeline": ("claimwatch: pipeline overview", PIPELINE),
    "claimwatch-alerts": ("claimwatch: alerts", ALERTS),
    "claimwatch-deliveries": ("claimwatch: webhook deliveries", DELIVERIES),
}


def templating() -> dict[str, object]:
    """The datasource, job and instance variables every dashboard has."""

    def label_values(name: str, query: str) -> dict[str, object]:
        return {
            "name": name,
            "label": name,
            "type": "query",
            "datasource": DATASOURCE,
            "query": {"query": query, "refId": f"{name}-values"},
            "definition": query,
            "refresh": 2,  # on time range change: scaled replicas appear
            "multi": True,
            "includeAll": True,
            "allValue": ".*",
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
            "sort": 1,
        }

    return {
        "list": [
            {
                "name": DATASOURCE_VAR,
                "label": "Prometheus",
                "type": "datasource",
                "query": "prometheus",
                "current": {"text": "Prometheus", "value": PROVISIONED_UID},
                "hide": 0,
            },
            label_values("job", f'label_values(up{{job=~"{SERVICE_JOBS}"}}, job)'),
            label_values("instance", 'label_values(up{job=~"$job"}, instance)'),
        ]
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
        "templating": templating(),
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
