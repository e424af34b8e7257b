"""docker-compose.yml, checked without a Docker engine.

`docker-compose config` (the real tool) validates the file, with every profile; the rest checks
the properties the deployment relies on: one image built from this checkout, nothing published
beyond loopback, the demo profile's order, and that each claimwatch service runs a real
`claimwatch` sub-command with options that command accepts. (The demo's commands are run for
real against the embedded broker in test_live_observability.py.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_support import (
    REPO,
    as_list,
    claimwatch_services,
    compose_command,
    compose_config,
    image_is_pinned,
    mounts,
    published_ports,
    run,
    tool,
)

from claimwatch.settings import Settings

LONG_RUNNING = (
    "ingest",
    "extract",
    "alert",
    "deliver",
    "web",
    "postgres",
    "receiver",
    "prometheus",
    "alertmanager",
    "alert-sink",
    "grafana",
)
ONE_SHOT = ("topics", "demo-subscribe", "demo-push")
DEMO = ("receiver", "demo-subscribe", "demo-push")
METRICS_PORTS = {"ingest": 9101, "extract": 9102, "alert": 9103}  # deliver: its API port


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return compose_config()


def test_docker_compose_config_is_valid() -> None:
    result = run(compose_command("config", "-q"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_expected_services_present(config: dict[str, Any]) -> None:
    expected = {"kafka", *ONE_SHOT, *LONG_RUNNING}
    assert expected <= set(config["services"]), sorted(config["services"])


def test_demo_services_are_only_in_the_demo_profile(config: dict[str, Any]) -> None:
    """`docker compose up` starts the stack; `--profile demo` adds the receiver and the jobs."""
    for name, svc in config["services"].items():
        assert svc.get("profiles", []) == (["demo"] if name in DEMO else []), name


def test_claimwatch_services_build_one_image_from_this_checkout(config: dict[str, Any]) -> None:
    """A fresh clone has no claimwatch image to pull: every claimwatch service builds the same
    one (same context, Dockerfile and tag), so `up` builds it once and nothing is pulled."""
    services = claimwatch_services(config)
    assert set(services) >= {"topics", "ingest", "extract", "alert", "deliver", *DEMO}
    builds = {
        (svc["build"]["context"], svc["build"].get("dockerfile", "Dockerfile"))
        for svc in services.values()
    }
    assert builds == {(str(REPO), "Dockerfile")}, builds
    assert len({svc["image"] for svc in services.values()}) == 1


def test_nothing_is_published_beyond_loopback(config: dict[str, Any]) -> None:
    for name, svc in config["services"].items():
        for port in published_ports(svc):
            assert port.host_ip == "127.0.0.1", f"{name} publishes {port} on all addresses"


def test_api_tokens_have_no_placeholder_default(config: dict[str, Any]) -> None:
    for name, svc in claimwatch_services(config).items():
        env = svc.get("environment", {})
        for key in ("CLAIMWATCH_INGEST_TOKEN", "CLAIMWATCH_API_TOKEN", "CLAIMWATCH_WEB_TOKEN"):
            if key in env:
                assert env[key] not in {"", "change-me"}, (name, key)
    assert "change-me" not in (REPO / "docker-compose.yml").read_text(encoding="utf-8")


def test_demo_runs_receiver_then_subscribe_then_push(config: dict[str, Any]) -> None:
    """The receiver writes its secret, the subscription takes that secret, then the samples go
    in: deliver resolves the receiver's name when the subscription is created, so the receiver
    must run first, and every alert of the push has a subscriber."""
    services = config["services"]
    receive = as_list(services["receiver"]["command"])
    subscribe = as_list(services["demo-subscribe"]["command"])
    push = as_list(services["demo-push"]["command"])
    secret = receive[receive.index("--secret-file") + 1]
    assert "--create-secret" in receive
    assert subscribe[subscribe.index("--secret-file") + 1] == secret
    shared = {
        m.source for m in mounts(services["receiver"]) if m.target == str(Path(secret).parent)
    }
    assert shared and shared == {
        m.source for m in mounts(services["demo-subscribe"]) if m.target == str(Path(secret).parent)
    }
    assert subscribe[1] == f"http://receiver:{receive[receive.index('--port') + 1]}/"
    allowed = services["deliver"]["environment"]["CLAIMWATCH_WEBHOOK_ALLOW_HOSTS"]
    assert "receiver" in allowed  # the compose network is private address space
    deps = services["demo-subscribe"]["depends_on"]
    assert deps["receiver"]["condition"] == "service_healthy"
    assert deps["deliver"]["condition"] == "service_healthy"
    deps = services["demo-push"]["depends_on"]
    assert deps["demo-subscribe"]["condition"] == "service_completed_successfully"
    assert deps["ingest"]["condition"] == "service_healthy"
    assert push[push.index("--api") + 1] == "http://ingest:8081"
    assert (
        services["demo-push"]["environment"]["CLAIMWATCH_INGEST_TOKEN"]
        == services["ingest"]["environment"]["CLAIMWATCH_INGEST_TOKEN"]
    )
    assert (
        services["demo-subscribe"]["environment"]["CLAIMWATCH_API_TOKEN"]
        == services["deliver"]["environment"]["CLAIMWATCH_API_TOKEN"]
    )


def test_the_pushed_samples_are_in_the_image(config: dict[str, Any]) -> None:
    """demo-push reads the samples from the path the Dockerfile copies them to."""
    push = as_list(config["services"]["demo-push"]["command"])
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert f"/src/samples {push[-1]}" in dockerfile
    assert any(p.suffix == ".md" for p in (REPO / "samples").rglob("*"))


def test_prometheus_alerts_reach_alertmanager_and_a_receiver(config: dict[str, Any]) -> None:
    prometheus = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    [manager] = prometheus["alerting"]["alertmanagers"]
    [target] = manager["static_configs"][0]["targets"]
    host, port = target.split(":")
    assert host in config["services"] and port == "9093"
    routes = yaml.safe_load((REPO / "deploy/alertmanager/alertmanager.yml").read_text())
    [receiver] = routes["receivers"]
    [hook] = receiver["webhook_configs"]
    sink_host = hook["url"].split("/")[2].split(":")[0]
    sink = config["services"][sink_host]
    assert f"--port {hook['url'].split('/')[2].split(':')[1]}" in " ".join(as_list(sink["command"]))
    assert routes["route"]["receiver"] == receiver["name"]


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
        assert not svc.get("profiles") or name in DEMO, name
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
        return {p.target for p in published_ports(config["services"][name])}

    env = config["services"]
    assert int(env["ingest"]["environment"]["CLAIMWATCH_INGEST_PORT"]) in published("ingest")
    assert int(env["deliver"]["environment"]["CLAIMWATCH_DELIVERY_PORT"]) in published("deliver")


def test_claimwatch_services_are_configured_by_environment_only(
    config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    services = claimwatch_services(config)
    assert {"topics", "ingest", "extract", "alert", "deliver", "web", *DEMO} <= set(services)
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
