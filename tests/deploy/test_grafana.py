"""deploy/grafana, checked statically: generated dashboards are committed as generated, every
panel uses the provisioned datasource, and every query reads metrics that exist. (The live
test in test_live_observability.py runs every query against a real Prometheus.)"""

from __future__ import annotations

import importlib.util
import json
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


def test_panels_use_the_provisioned_datasource() -> None:
    provisioned = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"]
    uids = {d["uid"] for d in provisioned}
    assert len(uids) == 1
    seen_uids = set()
    for name, dash in dashboards().items():
        assert dash["uid"] not in seen_uids, name
        seen_uids.add(dash["uid"])
        ids = [p["id"] for p in dash["panels"]]
        assert len(ids) == len(set(ids)), name
        for panel in dash["panels"]:
            assert panel["datasource"]["uid"] in uids, (name, panel["title"])
            assert panel["targets"], (name, panel["title"])
            for target in panel["targets"]:
                assert target["expr"].strip()
                assert target["datasource"]["uid"] in uids


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
        "rate per stage": "claimwatch:records_in:rate1m",
        "failures by reason": "claimwatch:records_failed:rate5m",
        "consumer lag": "claimwatch:consumer_lag:max",
        "end-to-end p50": "claimwatch:end_to_end_seconds:p50_5m",
        "end-to-end p99": "claimwatch:end_to_end_seconds:p99_5m",
        "alerts fired by kind and rule": "claimwatch:alerts_fired:rate5m",
        "sources per alert": "claimwatch_alert_sources",
        "delivery outcomes": "claimwatch:webhook_deliveries:rate5m",
        "retries pending": "claimwatch_webhook_retries_pending",
        "dead-lettered deliveries": "claimwatch_webhook_dead_lettered_total",
        "attempt latency": "claimwatch:webhook_attempt_seconds:p99_5m",
    }
    missing = [need for need, needle in needs.items() if needle not in exprs]
    assert not missing, missing
