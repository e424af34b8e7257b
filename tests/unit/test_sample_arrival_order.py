"""The sample stories group and alert the same whatever order their reports arrive in.

Why: the live stack spreads articles over partitions and extract replicas, so arrival order
is not publication order. A story that splits when its bridging report comes last loses its
contradiction, and the demo (and a subscriber) sees nothing. Each story's reports are run
through the alert stage's pure cores (``index.place``, ``engine.apply_article``) in every
order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest

from claimwatch.models import ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.index import ArticleRef, arrival_time, article_time, place, publication_time
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState
from claimwatch_alert.stories import StoryCard
from claimwatch_app.reader import read_paths
from claimwatch_extract.pipeline import extract_batch

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
STORIES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def run_in_order(reports: list[ClaimsExtracted]) -> tuple[set[str], set[tuple[str, str | None]]]:
    """The stories the reports land in, and the (kind, slot) of every alert fired."""
    settings, config, rules = Settings(), load_config(), load_rules()
    cards: dict[str, StoryCard] = {}
    refs: dict[str, ArticleRef] = {}
    states: dict[str, StoryState] = {}
    fired: set[tuple[str, str | None]] = set()
    start = datetime.now(UTC)
    for i, report in enumerate(reports):
        now = start + timedelta(seconds=i)
        report = report.model_copy(update={"ingested_at": now})
        dates = settings.date_window
        at, arrived = article_time(report, dates, now), arrival_time(report, dates, now)
        dated = publication_time(report, dates, now) is not None
        placed = place(report, at, arrived, cards, refs, config.stories, dated)
        cards[placed.story], refs[report.article_id] = placed.card, placed.ref
        state = states.get(placed.story) or StoryState(story=placed.story)
        states[placed.story], alerts = apply_article(
            state, report, rules, config, now, origin=placed.origin
        )
        fired |= {(a.kind.value, a.slot) for a in alerts}
    return set(states), fired


@pytest.mark.parametrize("story", STORIES)
def test_every_arrival_order_groups_and_alerts_alike(nlp: Any, story: str) -> None:
    settings = Settings()
    articles = [
        a for p in sorted((SAMPLES / story).glob("*.md")) for a in read_paths([str(p)], settings)
    ]
    reports = [claims for _, claims in extract_batch(nlp, articles)]
    _, expected = run_in_order(reports)
    for order in permutations(reports):
        stories, fired = run_in_order(list(order))
        names = [r.source for r in order]
        assert len(stories) == 1, f"{story} split in arrival order {names}"
        assert fired == expected, f"{story} in arrival order {names}: {fired} != {expected}"
