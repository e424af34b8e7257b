"""The Dockerfile, checked without a Docker engine: the real hadolint, plus the properties the
deployment relies on (multi-stage, pinned base, non-root, model baked in, nothing fetched at
run time, a build context that holds what the build copies)."""

from __future__ import annotations

import fnmatch
import re
import tomllib

from deploy_support import DOCKERFILE, REPO, Stage, image_is_pinned, parse_dockerfile, run, tool

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
