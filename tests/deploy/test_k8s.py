"""deploy/k8s, parsed and checked: pinned images, resources, probes, non-root, configuration
that parses as Settings, Strimzi topics that match the code's topic list, KEDA scaling on the
right group and topic, and scrape config that reaches every service's metrics port."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_support import (
    DEPLOY,
    K8S_DIR,
    PROMETHEUS_DIR,
    as_list,
    claimwatch_services,
    compose_config,
    image_is_pinned,
)

from claimwatch.settings import Settings

SERVICES = ("ingest", "extract", "alert", "deliver", "web")


def documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return docs


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in documents() if d["kind"] == kind]


def named(kind: str, name: str) -> dict[str, Any]:
    [doc] = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    return doc


def containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    spec = deployment["spec"]["template"]["spec"]
    return list(spec.get("initContainers", [])) + list(spec["containers"])


def config_env() -> dict[str, str]:
    env = dict(named("ConfigMap", "claimwatch-config")["data"])
    env.update(named("Secret", "claimwatch-secrets")["stringData"])
    return {k: str(v) for k, v in env.items()}


@pytest.fixture
def k8s_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key in list(os.environ):
        if key.startswith("CLAIMWATCH_"):
            monkeypatch.delenv(key)
    for key, value in config_env().items():
        monkeypatch.setenv(key, value)
    return Settings()


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    files = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    for doc in documents():
        assert doc.get("apiVersion") and doc["metadata"].get("name"), doc


def test_a_deployment_per_service_running_the_compose_command() -> None:
    compose = {
        name: as_list(svc["command"]) for name, svc in claimwatch_services(compose_config()).items()
    }
    deployments = {d["metadata"]["name"]: d for d in of_kind("Deployment")}
    assert set(SERVICES) <= set(deployments)
    for name in SERVICES:
        [container] = containers(deployments[name])
        assert as_list(container["args"]) == compose[name], name


def test_every_container_is_pinned_bounded_probed_and_unprivileged() -> None:
    for deployment in of_kind("Deployment"):
        name = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in containers(deployment):
            where = f"{name}/{container['name']}"
            assert image_is_pinned(container["image"]), where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), where
            port_names = {p["name"] for p in container.get("ports", [])}
            port_numbers = {p["containerPort"] for p in container.get("ports", [])}
            for probe in ("livenessProbe", "readinessProbe"):
                spec = container[probe]
                port = spec["httpGet"]["port"]
                assert port in port_names | port_numbers, f"{where}: {probe} port {port}"
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False, where
            assert ctx["readOnlyRootFilesystem"] is True, where
            mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
            assert config_env()["CLAIMWATCH_DATA_DIR"] in mounts, f"{where}: data dir not writable"


def test_configuration_is_settings_that_parse(k8s_settings: Settings) -> None:
    fields = set(Settings.model_fields)
    keys = set(config_env())
    for deployment in of_kind("Deployment"):
        for container in containers(deployment):
            keys |= {e["name"] for e in container.get("env", [])}
            refs = {
                ref.get("configMapRef", ref.get("secretRef", {})).get("name")
                for ref in container.get("envFrom", [])
            }
            assert "claimwatch-config" in refs
    unknown = {k for k in keys if k.removeprefix("CLAIMWATCH_").lower() not in fields}
    assert not unknown, sorted(unknown)
    assert (
        k8s_settings.bootstrap.split(":")[0]
        == f"{named('Kafka', 'claimwatch')['metadata']['name']}-kafka-bootstrap"
    )
    assert k8s_settings.metrics_host == "0.0.0.0"
    assert k8s_settings.producer_idempotence  # Strimzi's Kafka takes idempotent producers


def test_strimzi_kafka_is_kraft_and_pinned() -> None:
    kafka = named("Kafka", "claimwatch")
    assert kafka["metadata"]["annotations"]["strimzi.io/kraft"] == "enabled"
    assert kafka["metadata"]["annotations"]["strimzi.io/node-pools"] == "enabled"
    assert kafka["spec"]["kafka"]["version"].count(".") == 2
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    assert "topicOperator" in kafka["spec"]["entityOperator"]
    pools = of_kind("KafkaNodePool")
    assert pools and all(
        p["metadata"]["labels"]["strimzi.io/cluster"] == "claimwatch" for p in pools
    )
    assert {"controller", "broker"} <= {r for p in pools for r in p["spec"]["roles"]}


def test_a_kafka_topic_per_topic_with_its_partitions_and_configs(k8s_settings: Settings) -> None:
    expected = {spec.name: (spec.partitions, spec.config) for spec in k8s_settings.topics.specs()}
    found = {}
    for topic in of_kind("KafkaTopic"):
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "claimwatch"
        spec = topic["spec"]
        config = {
            k: str(v) for k, v in spec.get("config", {}).items() if k != "min.insync.replicas"
        }
        found[spec["topicName"]] = (spec["partitions"], config)
    assert found == expected
    assert found[k8s_settings.topics.subscriptions][1]["cleanup.policy"] == "compact"
    # the record budget: Kafka's default max.message.bytes (1 MB) would refuse large articles
    budget = k8s_settings.max_record_bytes
    assert all(int(config["max.message.bytes"]) > budget for _, config in found.values())


def test_extract_scales_on_its_consumer_lag(k8s_settings: Settings) -> None:
    scaled = named("ScaledObject", "extract")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "extract"
    [trigger] = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    meta = trigger["metadata"]
    assert meta["consumerGroup"] == k8s_settings.group("extract")
    assert meta["topic"] == k8s_settings.topics.articles
    assert meta["bootstrapServers"] == k8s_settings.bootstrap
    articles = next(
        s for s in k8s_settings.topics.specs() if s.name == k8s_settings.topics.articles
    )
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"]
    assert scaled["spec"]["maxReplicaCount"] <= articles.partitions  # more would sit idle


def test_every_service_metrics_port_is_scraped() -> None:
    [monitor] = of_kind("ServiceMonitor")
    selector = monitor["spec"]["selector"]["matchLabels"]
    [endpoint] = monitor["spec"]["endpoints"]
    scraped = {
        s["metadata"]["name"]: s
        for s in of_kind("Service")
        if selector.items() <= s["metadata"].get("labels", {}).items()
    }
    assert set(SERVICES) <= set(scraped)  # the job label the rules use is the Service name
    for name in SERVICES:
        service = scraped[name]
        [port] = [p for p in service["spec"]["ports"] if p["name"] == endpoint["port"]]
        deployment = named("Deployment", name)
        assert (
            service["spec"]["selector"].items()
            <= deployment["spec"]["template"]["metadata"]["labels"].items()
        )
        [container] = containers(deployment)
        container_ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        target = port["targetPort"]
        number = container_ports[target] if isinstance(target, str) else target
        env = {e["name"]: e["value"] for e in container.get("env", [])}
        api_port = {"deliver": "CLAIMWATCH_DELIVERY_PORT", "web": "CLAIMWATCH_WEB_PORT"}
        expected = int(env.get("CLAIMWATCH_METRICS_PORT") or config_env()[api_port.get(name, "-")])
        assert number == expected, name


def test_prometheus_rule_is_the_rule_files() -> None:
    spec = importlib.util.spec_from_file_location(
        "sync_k8s_rules", DEPLOY / "scripts" / "sync_k8s_rules.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    committed = (K8S_DIR / "prometheus-rules.yaml").read_text(encoding="utf-8")
    assert committed == module.render(), "run deploy/scripts/sync_k8s_rules.py"
    [rule] = of_kind("PrometheusRule")
    files = [
        g
        for p in sorted(Path(PROMETHEUS_DIR / "rules").glob("*.yml"))
        for g in yaml.safe_load(p.read_text())["groups"]
    ]
    assert sorted(g["name"] for g in rule["spec"]["groups"]) == sorted(g["name"] for g in files)
