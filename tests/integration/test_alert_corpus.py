"""The evaluation corpus end to end (ingest -> extract -> alert on the real broker): every
expected alert fires and nothing else does. A failure prints the scored table and names
each missed or extra alert."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from claimwatch.broker import EmbeddedBroker
from claimwatch_app.evaluation import details, render, run_eval

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.slow
def test_corpus_meets_every_expectation(broker: EmbeddedBroker) -> None:
    scores, alerts = run_eval(CORPUS, bootstrap=broker.bootstrap, timeout_s=300)
    console = Console(width=120, record=True)
    console.print(render(scores))
    problems = details(scores)
    for line in problems:
        console.print(line, markup=False, highlight=False)
    versions = [f"{a.id}:{a.version}" for a in alerts]
    assert len(versions) == len(set(versions))
    assert not problems, console.export_text()
