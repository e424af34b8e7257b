"""docker-compose.yml, checked without a Docker engine.

`docker-compose config` (the real tool) validates the file; the rest checks the properties
the deployment relies on, and that each claimwatch service runs a real `claimwatch`
sub-command with options that command accepts.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest
from deploy_support import (
    COMPOSE_FILE,
    REPO,
    as_list,
    claimwatch_services,
    compose_config,
    image_is_pinned,
    mounts,
    run,
    tool,
)

from claimwatch.settings import Settings

LONG_RUNNING = (
    "ingest", "extract", "alert", "deliver", "web", "postgres", "receiver", "prometheus", "grafana",
)  # fmt: skip
METRICS_PORTS = {"ingest": 9101, "extract": 9102, "alert": 9103}  # deliver: its API port


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return compose_config()


def test_docker_compose_config_is_valid() -> None:
    result = run([tool("docker-compose"), "-f", str(COMPOSE_FILE), "config", "-q"], cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_expected_services_present(config: dict[str, Any]) -> None:
    expected = {"kafka", "topics", *LONG_RUNNING}
    assert expected <= set(config["services"]), sorted(config["services"])


def test_every_image_is_pinned(config: dict[str, Any]) -> None:
    for name, svc in config["services"].items():
        assert image_is_pinned(svc["image"]), f"{name}: image {svc['image']!r} is not pinned"


def test_kafka_is_official_image_kraft_single_node_with_volume(config: dict[str, Any]) -> None:
    kafka = config["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@")
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # topics come from the topics job
    named = [m for m in mounts(kafka) if m.type == "volume"]
    assert [m.target for m in named] == [env["KAFKA_LOG_DIRS"]]
    assert named[0].source in config["volumes"]


def test_long_running_services_have_healthchecks_and_restart(config: dict[str, Any]) -> None:
    for name in ("kafka", *LONG_RUNNING):
        svc = config["services"][name]
        assert svc.get("restart") in {"unless-stopped", "always", "on-failure"}, name
        check = svc.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name}: no healthcheck"


def test_topics_job_is_one_shot_and_gates_the_services(config: dict[str, Any]) -> None:
    services = config["services"]
    assert as_list(services["topics"]["command"]) == ["topics"]
    assert services["topics"].get("restart", "no") == "no"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    for name in ("ingest", "extract", "alert", "deliver"):
        deps = services[name]["depends_on"]
        assert deps["kafka"]["condition"] == "service_healthy", name
        assert deps["topics"]["condition"] == "service_completed_successfully", name


def test_extract_runs_two_replicas(config: dict[str, Any]) -> None:
    extract = config["services"]["extract"]
    assert extract["deploy"]["replicas"] == 2
    assert "ports" not in extract  # replicas cannot share a published host port
    assert "container_name" not in extract


def test_ingest_and_delivery_apis_are_published(config: dict[str, Any]) -> None:
    def published(name: str) -> set[int]:
        return {int(p["target"]) for p in config["services"][name].get("ports", [])}

    env = config["services"]
    assert int(env["ingest"]["environment"]["CLAIMWATCH_INGEST_PORT"]) in published("ingest")
    assert int(env["deliver"]["environment"]["CLAIMWATCH_DELIVERY_PORT"]) in published("deliver")


def test_claimwatch_services_are_configured_by_environment_only(
    config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    services = claimwatch_services(config)
    assert {"topics", "ingest", "extract", "alert", "deliver", "web", "receiver"} <= set(services)
    fields = set(Settings.model_fields)
    for name, svc in services.items():
        assert "env_file" not in svc, name
        for mount in mounts(svc):
            assert mount.type == "volume", f"{name}: bind mount {mount} (use environment)"
        env = {k: str(v) for k, v in svc["environment"].items()}
        ours = {k: v for k, v in env.items() if k.startswith("CLAIMWATCH_")}
        unknown = {k for k in ours if k.removeprefix("CLAIMWATCH_").lower() not in fields}
        assert not unknown, f"{name}: not Settings fields (typo?): {sorted(unknown)}"
        for key in list(os.environ):
            if key.startswith("CLAIMWATCH_"):
                monkeypatch.delenv(key)
        for key, value in ours.items():
            monkeypatch.setenv(key, value)
        settings = Settings()  # raises if a value does not parse
        assert settings.bootstrap == "kafka:9092", name
        assert settings.metrics_host == "0.0.0.0", name
        assert settings.producer_idempotence, f"{name}: Apache Kafka takes idempotent producers"
        if name in METRICS_PORTS:
            assert settings.metrics_port == METRICS_PORTS[name], name


def test_prometheus_and_grafana_mount_the_repo_config(config: dict[str, Any]) -> None:
    def binds(name: str) -> dict[str, str]:
        return {m.target: m.source for m in mounts(config["services"][name]) if m.type == "bind"}

    prom = binds("prometheus")
    assert prom["/etc/prometheus"] == str(REPO / "deploy" / "prometheus")
    assert (
        "--config.file=/etc/prometheus/prometheus.yml"
        in config["services"]["prometheus"]["command"]
    )
    graf = binds("grafana")
    assert graf["/etc/grafana/provisioning"] == str(REPO / "deploy" / "grafana" / "provisioning")
    assert graf["/etc/grafana/dashboards"] == str(REPO / "deploy" / "grafana" / "dashboards")


def test_every_command_is_a_real_claimwatch_subcommand(config: dict[str, Any]) -> None:
    """Run `claimwatch <command> --help` for each service, as the image's entrypoint would."""
    services = claimwatch_services(config)
    procs = {}
    for name, svc in services.items():
        command = as_list(svc["command"])
        procs[name] = (
            command,
            subprocess.Popen(
                [tool("claimwatch"), command[0], "--help"],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
    for name, (command, proc) in procs.items():
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"{name}: `claimwatch {command[0]} --help` failed:\n{out}"
        for option in (part.split("=")[0] for part in command[1:] if part.startswith("--")):
            assert option in out, f"{name}: `claimwatch {command[0]}` has no option {option}"
