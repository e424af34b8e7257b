"""deploy/prometheus, checked with the real promtool: config, rules, and unit tests that cover
every alerting rule (proved by deleting each rule and watching the unit tests fail)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_support import (
    PROMETHEUS_DIR,
    REPO,
    compose_config,
    metric_names_in_code,
    referenced_metrics,
    run,
    tool,
)

RULES = PROMETHEUS_DIR / "rules"
UNIT_TESTS = PROMETHEUS_DIR / "tests" / "alerts_test.yml"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def rules(kind: str) -> list[dict[str, Any]]:
    found = []
    for path in sorted(RULES.glob("*.yml")):
        for group in load(path)["groups"]:
            found.extend(r for r in group["rules"] if kind in r)
    return found


def test_promtool_check_config() -> None:
    result = run([tool("promtool"), "check", "config", str(PROMETHEUS_DIR / "prometheus.yml")])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_check_rules() -> None:
    files = sorted(str(p) for p in RULES.glob("*.yml"))
    assert len(files) >= 2
    result = run([tool("promtool"), "check", "rules", *files])
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    result = run([tool("promtool"), "test", "rules", str(UNIT_TESTS)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_has_a_firing_and_a_quiet_case() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in load(UNIT_TESTS)["tests"]:
        for check in case.get("alert_rule_test", []):
            (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {r["alert"] for r in rules("alert")}
    assert names == firing, f"alerts without a firing case: {names - firing}"
    assert names == quiet, f"alerts without a must-not-fire case: {names - quiet}"


@pytest.mark.parametrize("alert", sorted(r["alert"] for r in rules("alert")))
def test_unit_tests_fail_without_the_rule(alert: str, tmp_path: Path) -> None:
    """Each firing case really depends on its rule: drop the rule, the unit tests must fail."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    for path in RULES.glob("*.yml"):
        data = load(path)
        for group in data["groups"]:
            group["rules"] = [r for r in group["rules"] if r.get("alert") != alert]
        (tmp_path / "rules" / path.name).write_text(yaml.safe_dump(data), encoding="utf-8")
    shutil.copy(UNIT_TESTS, tmp_path / "tests" / UNIT_TESTS.name)
    result = run([tool("promtool"), "test", "rules", str(tmp_path / "tests" / UNIT_TESTS.name)])
    assert result.returncode != 0, f"unit tests still pass without {alert}"
    assert alert in result.stdout + result.stderr


RUNBOOK_BASE = "https://github.com/claimwatch/claimwatch/blob/main/docs/deploy.md#"


def test_every_alert_has_runbook_and_docs_section() -> None:
    """runbook_url is absolute (it is opened from Alertmanager, a chat message, a pager) and
    lands on the alert's own section of docs/deploy.md."""
    docs = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8").lower()
    for rule in rules("alert"):
        notes = rule.get("annotations", {})
        for key in ("summary", "description", "runbook", "runbook_url"):
            assert notes.get(key, "").strip(), f"{rule['alert']}: no {key} annotation"
        assert rule["labels"]["severity"] in {"critical", "warning"}
        assert notes["runbook_url"].startswith(RUNBOOK_BASE), notes["runbook_url"]
        anchor = notes["runbook_url"].split("#", 1)[1]
        assert anchor == rule["alert"].lower()
        assert re.search(rf"^#+ .*{anchor}", docs, re.MULTILINE), f"docs/deploy.md lacks {anchor}"


def test_every_recording_rule_is_used() -> None:
    users = [r["expr"] for r in rules("alert")]
    users += [
        target["expr"]
        for path in (REPO / "deploy" / "grafana" / "dashboards").glob("*.json")
        for target in _dashboard_targets(path)
    ]
    for rule in rules("record"):
        assert any(rule["record"] in expr for expr in users), f"unused: {rule['record']}"


def test_rules_only_reference_metrics_the_code_defines() -> None:
    defined = metric_names_in_code()
    for rule in rules("record") + rules("alert"):
        for name in referenced_metrics(rule["expr"]):
            assert name in defined, f"{rule.get('record') or rule['alert']}: {name} is not defined"


def test_scrape_config_covers_every_service_port() -> None:
    """Each claimwatch service in compose is scraped on the metrics port compose gives it."""
    services = compose_config()["services"]
    jobs = {
        job["job_name"]: job for job in load(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]
    }
    for name in ("ingest", "extract", "alert", "deliver"):
        env = services[name]["environment"]
        port = int(env.get("CLAIMWATCH_METRICS_PORT") or env["CLAIMWATCH_DELIVERY_PORT"])
        sd = jobs[name]["dns_sd_configs"][0]
        assert sd["names"] == [name] and sd["port"] == port, name
    assert set(load(PROMETHEUS_DIR / "prometheus.yml")["rule_files"]) == {
        f"rules/{p.name}" for p in RULES.glob("*.yml")
    }


def _dashboard_targets(path: Path) -> list[dict[str, Any]]:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    return [t for panel in data["panels"] for t in panel.get("targets", [])]


def test_promtool_check_metrics_is_real_and_strict() -> None:
    """Guard for the live test's `promtool check metrics`: a badly named counter must fail."""
    bad = "# TYPE requests counter\nrequests 1\n"
    result = run([tool("promtool"), "check", "metrics"], input=bad)
    assert result.returncode != 0
    assert "_total" in result.stdout + result.stderr


WINDOW = re.compile(r"\[(\d+[smh])\]|:rate(\d+[smh])\b|_(\d+[smh])\b")


def test_rates_an_alert_compares_share_one_window() -> None:
    """A 5-minute rate divided by a 1-minute one swings with the traffic's shape, not with the
    failure ratio; every alert reads its rates over one window (recording rules resolved)."""
    recorded = {r["record"]: r["expr"] for r in rules("record")}
    for rule in rules("alert"):
        expr = rule["expr"]
        for name, definition in recorded.items():
            expr = expr.replace(name, f"({definition})")
        windows = {next(w for w in m.groups() if w) for m in WINDOW.finditer(expr)}
        assert len(windows) <= 1, f"{rule['alert']} mixes windows {sorted(windows)}"


def test_every_scraped_service_has_a_missing_target_rule() -> None:
    """With dns_sd a stopped container's target vanishes and `up` is absent, not 0."""
    jobs = {
        job["job_name"]
        for job in load(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]
        if job["job_name"] != "prometheus"
    }
    [missing] = [r for r in rules("alert") if r["alert"] == "ClaimwatchServiceMissing"]
    assert set(re.findall(r'absent\(up\{job="([a-z]+)"\}\)', missing["expr"])) == jobs
    [down] = [r for r in rules("alert") if r["alert"] == "ClaimwatchServiceDown"]
    assert set(re.search(r'job=~"([^"]+)"', down["expr"])[1].split("|")) == jobs  # type: ignore[index]
