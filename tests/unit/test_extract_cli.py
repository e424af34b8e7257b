"""``claimwatch claims``: the same articles (text, ids) as ingest builds, so its evidence spans
are the ones replay would produce; ``-`` reads stdin; bad input exits 2 with a reason.
The articles are written for this test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from claimwatch.models import SourceKind
from claimwatch.settings import Settings
from claimwatch_app.claims_cli import register
from claimwatch_ingest.files import read_article_file
from claimwatch_ingest.publisher import build_article

# Curly quotes (ingest makes them ASCII) and hard-wrapped lines (ingest rejoins them): text
# that a reader of its own would normalise differently from ingest.
WRAPPED = """---
source: harbour-bulletin
title: Navy warning
---
KELMSTAD, May 4 (Harbour Bulletin) - The navy chief, Admiral Rune Falk, said
on Tuesday that foreign frigates entering the sound “would be treated as
hostile forces”.

Officials said 14 ships had been ordered to stay in port.
"""

HTML = """<html><head><title>x</title><script>var a = 1;</script></head><body>
<nav>Home | World</nav>
<article><p>The death toll from the mudslide rose to 23 on Sunday, the regional agency
said.</p><p>About 400 residents were evacuated from the valley.</p></article>
<footer>Share this article</footer></body></html>"""


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    cli = typer.Typer()
    register(cli)

    @cli.callback()
    def _root() -> None:
        """Group, so that ``claims`` is invoked by name as under ``claimwatch``."""

    return cli


def run(app: typer.Typer, args: list[str], stdin: str | None = None) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(app, ["claims", *args, "--json"], input=stdin)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, rows


def test_spans_and_ids_are_those_of_the_ingested_article(
    app: typer.Typer, tmp_path: Path, nlp: Any
) -> None:
    (tmp_path / "bulletin.md").write_text(WRAPPED, encoding="utf-8")
    (tmp_path / "agency.html").write_text(HTML, encoding="utf-8")
    code, rows = run(app, [str(tmp_path)])
    assert code == 0
    max_bytes = Settings().ingest_max_bytes
    articles = {
        a.source: a
        for a in (
            build_article(read_article_file(p), SourceKind.FILE, max_bytes)
            for p in tmp_path.iterdir()
        )
    }
    assert {r["source"] for r in rows} == {"harbour-bulletin", "agency"}
    for r in rows:
        art = articles[r["source"]]
        assert r["article_id"] == art.id
        assert art.text[r["start"] : r["end"]] == r["text"]
    types = {(r["source"], r["type"]) for r in rows}
    assert ("harbour-bulletin", "threat") in types
    assert ("agency", "quantity") in types
    threat = next(r for r in rows if r["type"] == "threat")
    assert "Falk" in threat["actor"]  # the dateline is not the actor
    toll = next(r for r in rows if r["slot"] == "quantity:person:killed")
    assert toll["value"] == {"low": 23.0, "high": 23.0, "unit": "person"}


def test_stdin_uses_front_matter_and_defaults_to_stdin(app: typer.Typer, nlp: Any) -> None:
    code, rows = run(app, ["-"], stdin=WRAPPED)
    assert code == 0 and rows
    assert {r["source"] for r in rows} == {"harbour-bulletin"}
    code, rows = run(app, ["-"], stdin="Officials said 14 ships had been ordered to stay in port.")
    assert code == 0
    assert [(r["source"], r["value"]["low"]) for r in rows] == [("stdin", 14.0)]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (None, None, "no such file"),
        ("empty.md", "---\nsource: x\n---\n\n", "no article text"),
        ("bad.json", "{not json", "invalid JSON"),
    ],
)
def test_bad_input_exits_2_with_a_reason(
    app: typer.Typer, tmp_path: Path, name: str | None, content: str | None, reason: str
) -> None:
    path = tmp_path / (name or "missing.md")
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["claims", str(path)])
    assert result.exit_code == 2
    assert reason in result.output
