"""A long story keeps its state inside one record: the oldest articles' claims go first, every
article stays known, and trimming never makes an alert page again with fewer outlets.
(Sentences written for these tests; invented places and outlets.)"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from claimwatch.models import Alert, Article, ClaimsExtracted
from claimwatch_alert.budget import TRIM_TO, fit_to_budget
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState
from claimwatch_extract.pipeline import extract_batch

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OUTLETS = ["harbour-post", "city-ledger", "valley-times", "north-wire", "coast-daily"]


def article(index: int, body: str) -> Article:
    at = T0 + timedelta(minutes=10 * index)
    text = f"Flooding in the Marrow valley\n\n{body}"
    return Article(
        id=f"a{index:03d}",
        source=OUTLETS[index % len(OUTLETS)],
        title="Flooding in the Marrow valley",
        published_at=at,
        ingested_at=at,
        text=text,
        original_text=text,
    )


def events(nlp: Any, bodies: list[str]) -> list[ClaimsExtracted]:
    return [event for _, event in extract_batch(nlp, [article(i, b) for i, b in enumerate(bodies)])]


def fold(state: StoryState, batch: list[ClaimsExtracted]) -> tuple[StoryState, list[Alert]]:
    sent: list[Alert] = []
    for event in batch:
        state, alerts = apply_article(state, event, load_rules(), load_config(), T0)
        sent.extend(alerts)
    return state, sent


def test_the_oldest_articles_give_up_their_claims_and_every_article_stays_known(nlp: Any) -> None:
    bodies = [
        f"Rescuers said {n} homes were damaged and {n + 3} roads were closed in the valley."
        for n in range(20, 60)
    ]
    state, _ = fold(StoryState(story="st-long"), events(nlp, bodies))
    encoded = state.model_dump_json().encode()
    budget = len(encoded) * 2 // 3

    fitted = fit_to_budget(state, encoded, budget)

    assert fitted is not None
    assert len(fitted.encoded) <= budget * TRIM_TO
    assert fitted.encoded == fitted.state.model_dump_json().encode()
    assert set(fitted.state.articles) == set(state.articles)  # redeliveries still recognised
    kept = {s.article_id for s in fitted.state.claims}
    dropped = {s.article_id for s in state.claims} - kept
    assert dropped and kept
    assert max(dropped) < min(kept)  # ids follow arrival: the oldest went first
    assert fitted.articles == len(dropped) == fitted.state.trimmed_articles


def test_a_state_within_budget_is_left_alone(nlp: Any) -> None:
    state, _ = fold(StoryState(story="st-short"), events(nlp, ["Officials said 40 homes flooded."]))
    encoded = state.model_dump_json().encode()
    fitted = fit_to_budget(state, encoded, len(encoded))
    assert fitted is not None and fitted.state is state and fitted.articles == 0


def test_articles_alone_over_budget_cannot_fit(nlp: Any) -> None:
    state, _ = fold(StoryState(story="st-tiny"), events(nlp, ["Officials said 40 homes flooded."]))
    assert fit_to_budget(state, state.model_dump_json().encode(), 50) is None


def test_trimming_never_pages_an_alert_again_with_fewer_outlets(nlp: Any) -> None:
    disagree = [
        "At least 14 people died in the floods, the regional governor said on Monday.",
        "Nine people died in the floods, the regional governor said on Monday.",
        "At least 14 people died in the floods, the regional governor said on Monday.",
    ]
    state, sent = fold(StoryState(story="st-floods"), events(nlp, disagree))
    assert sent, "the two figures must page as a contradiction"
    last = sent[-1]
    encoded = state.model_dump_json().encode()
    oldest = min(state.articles)
    size = sum(len(s.model_dump_json()) + 1 for s in state.claims if s.article_id == oldest)
    fitted = fit_to_budget(state, encoded, math.ceil((len(encoded) - size) / TRIM_TO) + 2)
    assert fitted is not None and fitted.articles == 1  # one outlet of the 14 side is gone
    assert state.sent[last.id].fingerprint == [1, 2]

    later = events(nlp, [*disagree, "Officials said the river rose 2 metres overnight."])[-1]
    later = later.model_copy(update={"article_id": "a999"})
    _, after = fold(fitted.state, [later])
    assert [a for a in after if a.id == last.id] == []
