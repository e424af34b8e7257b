"""`claimwatch replay --stories FILE`: one line per article file with the story it joined."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ARTICLES = {
    "harbour/coastal-daily.md": (
        "coastal-daily",
        "2024-05-02T08:00:00Z",
        "Ferry fire off Valdora leaves 12 injured",
        "A fire broke out on the ferry Marisol off the port of Valdora on Thursday morning, "
        "injuring 12 passengers, the Valdora coast guard said. Captain Elena Rusk steered the "
        "ferry back to Valdora harbour.",
    ),
    "harbour/island-wire.md": (
        "island-wire",
        "2024-05-02T11:30:00Z",
        "Twelve hurt as fire hits Marisol ferry near Valdora",
        "Twelve people were hurt when fire swept through the ferry Marisol near Valdora, the "
        "coast guard said. Captain Elena Rusk brought the ship into Valdora harbour.",
    ),
    "budget/capital-times.md": (
        "capital-times",
        "2024-05-02T09:00:00Z",
        "Norland parliament approves budget after long debate",
        "The parliament of Norland approved the annual budget on Thursday after a debate of "
        "nine hours. Finance minister Jonas Berg said the plan cuts spending on roads.",
    ),
}


def _write(root: Path) -> None:
    for rel, (source, published, title, text) in ARTICLES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'---\nsource: {source}\npublished_at: {published}\ntitle: "{title}"\n---\n'
            f"{title}\n\n{text}\n",
            encoding="utf-8",
        )
    # a syndicated copy: another outlet prints the wire text unchanged
    wire = (root / "harbour/island-wire.md").read_text(encoding="utf-8")
    (root / "harbour/harbour-post.md").write_text(
        wire.replace("source: island-wire", "source: harbour-post"), encoding="utf-8"
    )


def test_stories_file_has_one_line_per_article_and_groups_by_event(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write(corpus)
    stories = tmp_path / "stories.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimwatch_app",
            "replay",
            str(corpus),
            "--out",
            str(tmp_path / "alerts.jsonl"),
            "--stories",
            str(stories),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in stories.read_text().splitlines()]
    by_name = {Path(line["path"]).relative_to(corpus).as_posix(): line for line in lines}
    assert set(by_name) == {*ARTICLES, "harbour/harbour-post.md"}
    for line in lines:
        assert set(line) == {"path", "article_id", "story"}
        assert line["article_id"] and line["story"], line
    assert len({line["article_id"] for line in lines}) == 4  # a copy is its own article
    ferry = {by_name[n]["story"] for n in by_name if n.startswith("harbour/")}
    assert len(ferry) == 1, "one event's reports share a story, the copy included"
    assert by_name["budget/capital-times.md"]["story"] not in ferry
    assert "4 articles in 2 stories" in proc.stderr
