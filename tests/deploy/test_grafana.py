"""deploy/grafana, checked statically: generated dashboards are committed as generated, every
panel reads the datasource variable (the provisioned datasource by default), every query is
filtered by the job and instance variables, counters are shown as rates, units say what is
counted, and every query reads metrics that exist. (The live test in
test_live_observability.py runs every query against a real Prometheus.)"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from deploy_support import (
    GRAFANA_DIR,
    PROMETHEUS_DIR,
    compose_config,
    metric_names_in_code,
    mounts,
    referenced_metrics,
)

DASHBOARDS = GRAFANA_DIR / "dashboards"


def generator() -> Any:
    spec = importlib.util.spec_from_file_location("grafana_generate", GRAFANA_DIR / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def dashboards() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in DASHBOARDS.glob("*.json")}


def recorded_names() -> set[str]:
    names = set()
    for path in (PROMETHEUS_DIR / "rules").glob("*.yml"):
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            names.update(r["record"] for r in group["rules"] if "record" in r)
    return names


def all_exprs() -> list[str]:
    return [t["expr"] for d in dashboards().values() for p in d["panels"] for t in p["targets"]]


def test_committed_dashboards_match_the_generator() -> None:
    rendered = generator().render()
    assert set(rendered) == {p.name for p in DASHBOARDS.glob("*.json")}
    for name, text in rendered.items():
        assert (DASHBOARDS / name).read_text(encoding="utf-8") == text, (
            f"{name} drifted: run `python deploy/grafana/generate.py`"
        )


def test_panels_read_the_datasource_variable_defaulting_to_the_provisioned_one() -> None:
    provisioned = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"]
    [uid] = {d["uid"] for d in provisioned}
    seen_uids = set()
    for name, dash in dashboards().items():
        assert dash["uid"] not in seen_uids, name
        seen_uids.add(dash["uid"])
        variables = {v["name"]: v for v in dash["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        assert variables["datasource"]["query"] == "prometheus"
        assert variables["datasource"]["current"]["value"] == uid
        for var in ("job", "instance"):
            assert variables[var]["datasource"]["uid"] == "${datasource}", (name, var)
            assert variables[var]["multi"] and variables[var]["includeAll"], (name, var)
        assert "ingest|extract|alert|deliver" in variables["job"]["query"]["query"]
        assert "$job" in variables["instance"]["query"]["query"]  # instances of chosen jobs
        ids = [p["id"] for p in dash["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in dash["panels"]:
            assert panel["datasource"]["uid"] == "${datasource}", (name, panel["title"])
            assert panel["targets"], (name, panel["title"])
            for target in panel["targets"]:
                assert target["expr"].strip()
                assert target["datasource"]["uid"] == "${datasource}"


SELECTOR = re.compile(r"\b((?:claimwatch_[a-z0-9_]+)|up)\b(\{[^}]*\})?")


def test_every_query_is_filtered_by_job_and_instance() -> None:
    for expr in all_exprs():
        found = SELECTOR.findall(expr)
        assert found, expr
        for metric, selector in found:
            assert 'job=~"$job"' in selector and 'instance=~"$instance"' in selector, (
                f"{metric} is not filtered by $job and $instance in {expr}"
            )


def test_counters_and_histograms_are_shown_as_rates() -> None:
    """A raw counter only ever grows (and resets on restart): show rate() or increase()."""
    for expr in all_exprs():
        for match in re.finditer(r"claimwatch_[a-z0-9_]+?(_total|_bucket|_sum|_count)\b", expr):
            before = expr[: match.start()].rstrip()
            assert re.search(r"\b(rate|increase)\($", before), f"{match[0]} unrated in {expr}"


def test_units_say_what_is_counted() -> None:
    for dash in dashboards().values():
        for panel in dash["panels"]:
            unit = panel["fieldConfig"]["defaults"]["unit"]
            assert unit in {"s", "short"} or unit.startswith("suffix:"), (panel["title"], unit)
            rates = all("rate(" in t["expr"] for t in panel["targets"])
            quantile_or_ratio = any(
                "histogram_quantile" in t["expr"] or " / " in t["expr"] for t in panel["targets"]
            )
            if rates and not quantile_or_ratio and "increase(" not in panel["targets"][0]["expr"]:
                assert unit.endswith("/s"), (panel["title"], unit)
            if unit.endswith("/s"):
                assert "per second" in panel["title"], panel["title"]


def test_generator_concrete_replaces_every_variable() -> None:
    concrete = generator().concrete
    for expr in all_exprs():
        assert "$" not in concrete(expr), concrete(expr)


def test_provisioning_points_at_the_mounted_dashboards() -> None:
    provider = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "dashboards" / "claimwatch.yml").read_text()
    )["providers"][0]
    grafana = compose_config()["services"]["grafana"]
    targets = {m.target: Path(m.source) for m in mounts(grafana) if m.type == "bind"}
    assert targets[provider["options"]["path"]] == DASHBOARDS
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (DASHBOARDS / Path(home).name).exists()


def test_queries_read_only_defined_metrics_and_recording_rules() -> None:
    defined = metric_names_in_code() | {"up"}
    recorded = recorded_names()
    for expr in all_exprs():
        for name in referenced_metrics(expr):
            assert name in defined, f"{expr}: {name} is not defined in the code"
        for word in expr.replace("(", " ").replace(")", " ").split():
            if word.startswith("claimwatch:"):
                assert word.split("{")[0] in recorded, f"{expr}: no recording rule {word}"


def test_dashboards_cover_what_operators_need() -> None:
    """The issue's list: each need is answered by some panel's query."""
    exprs = " ".join(all_exprs())
    needs = {
        "rate per stage": "rate(claimwatch_records_in_total",
        "failures by reason": "sum by (stage, reason) (rate(claimwatch_records_failed_total",
        "consumer lag": "max by (group, topic) (claimwatch_consumer_lag",
        "end-to-end p50": "histogram_quantile(0.5, sum by (kind, le) (rate("
        "claimwatch_end_to_end_seconds_bucket",
        "end-to-end p99": "histogram_quantile(0.99, sum by (kind, le) (rate("
        "claimwatch_end_to_end_seconds_bucket",
        "alerts fired by kind and rule": "sum by (kind, rule) (rate(claimwatch_alerts_fired_total",
        "sources per alert": "claimwatch_alert_sources",
        "delivery outcomes": "sum by (outcome) (rate(claimwatch_webhook_deliveries_total",
        "retries pending": "claimwatch_webhook_retries_pending",
        "dead-lettered deliveries": "claimwatch_webhook_dead_lettered_total",
        "attempt latency": "histogram_quantile(0.99, sum by (le) (rate("
        "claimwatch_webhook_attempt_seconds_bucket",
        "targets up": "up{",
    }
    missing = [need for need, needle in needs.items() if needle not in exprs]
    assert not missing, missing
