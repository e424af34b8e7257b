"""Helpers the deploy tests share: repo paths, tool lookup, compose and Dockerfile parsing.

Tools (docker-compose, promtool, prometheus, hadolint) are real binaries; a missing one is a
failure that names ``make setup``, never a skip.
"""

from __future__ import annotations

import copy
import functools
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
PROMETHEUS_DIR = DEPLOY / "prometheus"
ALERTMANAGER_DIR = DEPLOY / "alertmanager"
GRAFANA_DIR = DEPLOY / "grafana"
K8S_DIR = DEPLOY / "k8s"
VENV_BIN = Path(sys.executable).parent

# Services whose container runs the claimwatch image (the command is a claimwatch sub-command).
CLAIMWATCH_IMAGE_VAR = "CLAIMWATCH_IMAGE"


def tool(name: str) -> str:
    """Path of a required command-line tool; fails (not skips) with the fix when missing."""
    local = VENV_BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise AssertionError(f"`{name}` is not installed; run `make setup` (deploy/scripts/)")
    return found


def run(cmd: list[str], timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)


def compose_config() -> dict[str, Any]:
    """The compose file as docker-compose itself resolves it (anchors, defaults, merges)."""
    return copy.deepcopy(_compose_config())


COMPOSE_PROFILES = ("demo",)  # rendered with every profile, so each service is checked


def compose_command(*args: str) -> list[str]:
    """``docker-compose`` with every profile enabled, on the repo's compose file."""
    profiles = [part for name in COMPOSE_PROFILES for part in ("--profile", name)]
    return [tool("docker-compose"), *profiles, "-f", str(COMPOSE_FILE), *args]


@functools.cache
def _compose_config() -> dict[str, Any]:
    result = run(compose_command("config"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert isinstance(config, dict)
    return config


def compose_raw() -> dict[str, Any]:
    """The compose file as written (YAML anchors and merge keys resolved by PyYAML)."""
    raw = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def claimwatch_services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Compose services that run the claimwatch image, by name (from the resolved config)."""
    raw = compose_raw()["services"]
    ours = [name for name, svc in raw.items() if CLAIMWATCH_IMAGE_VAR in str(svc.get("image"))]
    return {name: config["services"][name] for name in sorted(ours)}


def as_list(command: Any) -> list[str]:
    if isinstance(command, str):
        return command.split()
    return [str(part) for part in command]


@dataclass
class Stage:
    """One ``FROM`` stage of a Dockerfile: its base, alias and instructions in order."""

    base: str
    alias: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def of(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with line continuations joined."""
    joined = re.sub(r"\\\n", " ", text)
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()
        if keyword == "FROM":
            parts = rest.split()
            image = parts[0]
            for name, value in args.items():
                image = image.replace("${" + name + "}", value).replace("$" + name, value)
            alias = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(image, alias))
        elif keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif stages:
            stages[-1].instructions.append((keyword, rest))
    return args, stages


def image_is_pinned(image: str) -> bool:
    """A digest, or a tag that names an exact version (has a digit, not ``latest``)."""
    if "@sha256:" in image:
        return True
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return False
    return tag != "latest" and any(ch.isdigit() for ch in tag) and "." in tag


@dataclass(frozen=True)
class Mount:
    type: str  # "volume" or "bind"
    source: str
    target: str


def mounts(service: dict[str, Any]) -> list[Mount]:
    """A service's volumes, from either compose syntax (docker-compose v1 prints the short one)."""
    result = []
    for entry in service.get("volumes", []):
        if isinstance(entry, dict):
            result.append(Mount(entry["type"], str(entry.get("source", "")), entry["target"]))
            continue
        source, target = str(entry).split(":")[:2]
        kind = "bind" if source.startswith(("/", ".", "~")) else "volume"
        result.append(Mount(kind, source, target))
    return result


@dataclass(frozen=True)
class Port:
    host_ip: str  # "" when published on every address
    published: int
    target: int


def published_ports(service: dict[str, Any]) -> list[Port]:
    """A service's published ports, from either syntax (docker-compose v1 prints the short one:
    ``[HOST_IP:]PUBLISHED:TARGET[/PROTO]``)."""
    result = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            result.append(
                Port(
                    str(entry.get("host_ip", "")),
                    int(entry.get("published", 0)),
                    int(entry["target"]),
                )
            )
            continue
        parts = str(entry).split("/")[0].split(":")
        host_ip = parts[0] if len(parts) == 3 else ""
        result.append(Port(host_ip, int(parts[-2]) if len(parts) > 1 else 0, int(parts[-1])))
    return result


METRIC_DEFINITION = re.compile(r"""["'](claimwatch_[a-z0-9_]+)["']""")
PROMQL_METRIC = re.compile(r"\b(claimwatch_[a-z0-9_]+)\b")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count", "_created")


def metric_names_in_code() -> set[str]:
    """Every ``claimwatch_*`` string literal in the shared library and services' code."""
    names: set[str] = set()
    for root in (REPO / "shared", REPO / "services"):
        for path in root.rglob("*.py"):
            names.update(METRIC_DEFINITION.findall(path.read_text(encoding="utf-8")))
    return names


def referenced_metrics(expr: str) -> set[str]:
    """Metric names a PromQL expression reads (histogram series mapped to their family)."""
    found = set()
    for name in PROMQL_METRIC.findall(expr):
        for suffix in HISTOGRAM_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        found.add(name)
    return found


def load_module(path: Path, name: str) -> Any:
    """Import a script that is not on sys.path (deploy/ tools) as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module
