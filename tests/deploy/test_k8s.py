"""deploy/k8s, parsed and checked: the image named once and pinned, resources, probes,
non-root, configuration that parses as Settings, secrets kept out of git, a Kafka version the
named Strimzi release supports, Strimzi topics that match the code's topic list, KEDA owning
extract's replica count, scrape config that reaches every service's metrics port, and alerts
routed through an AlertmanagerConfig."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_support import (
    DEPLOY,
    K8S_DIR,
    PROMETHEUS_DIR,
    REPO,
    as_list,
    claimwatch_services,
    compose_config,
    image_is_pinned,
)

from claimwatch.settings import Settings

SERVICES = ("ingest", "extract", "alert", "deliver", "web")
# The Strimzi release kafka.yaml is written for, and the Kafka versions it supports (its
# kafka-versions.yaml: supported: true), with their KRaft metadata versions.
STRIMZI_RELEASE = "1.2.0"
STRIMZI_KAFKA_VERSIONS = {
    "4.2.0": "4.2-IV1",
    "4.2.1": "4.2-IV1",
    "4.3.0": "4.3-IV0",
    "4.3.1": "4.3-IV0",
}


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


def kustomization() -> dict[str, Any]:
    data = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def env_file(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def config_env() -> dict[str, str]:
    """What a container's environment holds: the ConfigMap plus the generated Secret (whose
    keys are those of secrets.env.example)."""
    env = dict(named("ConfigMap", "claimwatch-config")["data"])
    env.update(env_file(K8S_DIR / "secrets.env.example"))
    return {k: str(v) for k, v in env.items()}


def image_of(container: dict[str, Any]) -> str:
    """The image a container runs once kustomize applied the kustomization's `images:`."""
    for entry in kustomization().get("images", []):
        if container["image"] == entry["name"]:
            return f"{entry['newName']}:{entry['newTag']}"
    return str(container["image"])


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
            assert image_is_pinned(image_of(container)), where
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


def test_strimzi_kafka_is_a_version_the_named_release_supports() -> None:
    """Strimzi 1.x serves only the `kafka.strimzi.io/v1` API, where KRaft and node pools are
    the only mode (no annotations); the Kafka version must be one the release supports."""
    kafka = named("Kafka", "claimwatch")
    for doc in of_kind("Kafka") + of_kind("KafkaNodePool") + of_kind("KafkaTopic"):
        assert doc["apiVersion"] == "kafka.strimzi.io/v1", doc["metadata"]["name"]
    version = kafka["spec"]["kafka"]["version"]
    assert version in STRIMZI_KAFKA_VERSIONS, version
    assert kafka["spec"]["kafka"]["metadataVersion"] == STRIMZI_KAFKA_VERSIONS[version]
    header = (K8S_DIR / "kafka.yaml").read_text(encoding="utf-8")
    assert f"Strimzi {STRIMZI_RELEASE}" in header and version in header
    docs = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert f"Strimzi {STRIMZI_RELEASE}" in docs and f"Kafka {version}" in docs
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
    scaled_names = {d["spec"]["scaleTargetRef"]["name"] for d in of_kind("ScaledObject")}
    for deployment in of_kind("Deployment"):  # KEDA owns the count: apply must not reset it
        if deployment["metadata"]["name"] in scaled_names:
            assert "replicas" not in deployment["spec"], deployment["metadata"]["name"]
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


def test_the_image_is_named_in_one_place() -> None:
    """Deployments say `claimwatch`; the kustomization maps it to the published name and tag;
    the tag is the package version; `make image-push` and compose's default use the same."""
    [entry] = kustomization()["images"]
    for deployment in of_kind("Deployment"):
        for container in containers(deployment):
            assert container["image"] == entry["name"], deployment["metadata"]["name"]
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    assert entry["newTag"] == version
    image = f"{entry['newName']}:{entry['newTag']}"
    for name, svc in claimwatch_services(compose_config()).items():
        assert svc["image"] == image, name
    make = subprocess.run(
        ["make", "-s", "-n", "image-push"], cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert make.returncode == 0, make.stderr
    assert f"docker build --tag {image} ." in make.stdout
    assert f"docker push {image}" in make.stdout


def test_secrets_come_from_files_kept_out_of_git() -> None:
    generated = {g["name"]: g for g in kustomization()["secretGenerator"]}
    assert set(generated) == {"claimwatch-secrets", "claimwatch-postgres", "claimwatch-alerting"}
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    for generator in generated.values():
        for name in generator["envs"]:
            assert (K8S_DIR / f"{name}.example").exists(), name
            assert f"/deploy/k8s/{name}" in ignored, name
    assert not of_kind("Secret"), "no Secret is committed: kustomize generates them"
    tokens = env_file(K8S_DIR / "secrets.env.example")
    assert set(tokens) == {
        "CLAIMWATCH_API_TOKEN",
        "CLAIMWATCH_INGEST_TOKEN",
        "CLAIMWATCH_WEB_TOKEN",
        "CLAIMWATCH_WEB_DATABASE_URL",
    }
    for deployment in ("ingest", "deliver", "web"):
        [container] = containers(named("Deployment", deployment))
        refs = {r["secretRef"]["name"] for r in container["envFrom"] if "secretRef" in r}
        assert refs == {"claimwatch-secrets"}, deployment
    all_text = "".join(p.read_text(encoding="utf-8") for p in K8S_DIR.glob("*.yaml"))
    assert "change-me" not in all_text


def test_alerts_are_routed_through_an_alertmanager_config() -> None:
    [config] = of_kind("AlertmanagerConfig")
    route = config["spec"]["route"]
    receivers = {r["name"]: r for r in config["spec"]["receivers"]}
    assert route["receiver"] in receivers
    [hook] = receivers[route["receiver"]]["webhookConfigs"]
    assert hook["urlSecret"]["name"] == "claimwatch-alerting" and hook["urlSecret"]["key"] == "url"
    assert "url" in env_file(K8S_DIR / "alerting.env.example")
    generator = next(
        g for g in kustomization()["secretGenerator"] if g["name"] == "claimwatch-alerting"
    )
    assert generator["options"]["disableNameSuffixHash"] is True  # the name above stays valid
    # the operator only routes alerts of its own namespace; absent() alerts have no namespace
    # label of their own, so the PrometheusRule gives every alert one
    [rule] = of_kind("PrometheusRule")
    for group in rule["spec"]["groups"]:
        for entry in group["rules"]:
            if "alert" in entry:
                assert entry["labels"]["namespace"] == kustomization()["namespace"], entry["alert"]
    assert config["metadata"]["labels"] == rule["metadata"]["labels"]  # selected like the rules
