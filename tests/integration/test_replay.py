"""`claimwatch replay` end to end over the sample corpus, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from claimwatch.models import Alert
from claimwatch_app.evaluation import article_stories, details, load_corpus, render, score

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def replay_lines(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    out = tmp_path_factory.mktemp("replay") / "a.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimwatch_app",
            "replay",
            str(REPO / "samples"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path_factory.mktemp("cwd"),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "processed" in proc.stderr  # the progress display went to stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_replay_lines_validate_against_the_alert_schema(replay_lines: list[dict]) -> None:
    schema = json.loads((REPO / "schemas" / "alerts.schema.json").read_text())
    assert replay_lines, "the samples contain a key claim and a contradiction"
    for line in replay_lines:
        jsonschema.validate(line, schema)
        Alert.model_validate(line)


def test_replay_lines_carry_the_contract_fields(replay_lines: list[dict]) -> None:
    for line in replay_lines:
        for field in ("id", "version", "kind", "rule", "severity", "title", "sources"):
            assert line[field] not in (None, "", []), field
        if line["kind"] == "key_claim":
            assert line["claim"]["text"] and line["claim"]["sources"]
        elif line["kind"] == "contradiction":
            assert len(line["sides"]) >= 2 and line["fact"]
            for side in line["sides"]:
                assert set(side["value"]) >= {"low", "high", "unit"}
                assert side["sources"] and side["text"]
        else:  # figure_update: the figure's values over time
            assert line["kind"] == "figure_update" and line["fact"]
            assert len(line["timeline"]) >= 2
            for entry in line["timeline"]:
                assert set(entry["value"]) >= {"low", "high", "unit"}
                assert entry["sources"] and entry["text"] and entry["published_at"]


def test_samples_meet_their_expectations(replay_lines: list[dict]) -> None:
    """Each sample story's expect.yaml: what must fire fires, nothing else does."""
    stories = load_corpus(REPO / "samples")
    assert {s.name for s in stories} == {"coalition", "quake", "dockstrike"}
    alerts = [Alert.model_validate(line) for line in replay_lines]
    scores = score(stories, alerts, article_stories(stories))
    console = Console(width=120, record=True)
    console.print(render(scores))
    problems = details(scores)
    assert not problems, console.export_text() + "\n".join(problems)


def test_versions_of_one_alert_are_consecutive(replay_lines: list[dict]) -> None:
    versions: dict[str, list[int]] = {}
    for line in replay_lines:
        versions.setdefault(line["id"], []).append(line["version"])
    for alert_id, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), (alert_id, seen)


def test_replay_refuses_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    proc = subprocess.run(
        [sys.executable, "-m", "claimwatch_app", "replay", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr
    assert str(missing) in proc.stderr.replace("\n", "")


def test_replay_refuses_an_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 au lait".encode("latin-1"))
    proc = subprocess.run(
        [sys.executable, "-m", "claimwatch_app", "replay", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "not UTF-8" in proc.stderr


def test_replay_skips_an_empty_article_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (tmp_path / "calm.md").write_text(
        "---\nsource: calm-outlet\n---\nThe council met on Tuesday and approved the budget.\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "claimwatch_app", "replay", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "skipped" in proc.stderr and "empty.txt" in proc.stderr
    assert proc.stdout == ""  # nothing alert-worthy in a budget meeting
