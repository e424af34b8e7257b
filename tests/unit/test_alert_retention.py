"""Story retention: closing a story drops its index entries and its state, so both stay
bounded however many stories pass (the agent's index and detect steps, on plain dicts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimwatch.models import ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.index import arrival_time, article_time, place
from claimwatch_alert.retention import close_expired
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState
from claimwatch_alert.stories import StoryCard

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WINDOW = timedelta(hours=6)
SPACING = timedelta(hours=1)
STORIES = 2000
CONFIG = load_config()
RULES = load_rules()
DATES = Settings().date_window


def story_articles(n: int) -> list[ClaimsExtracted]:
    """Story ``n``: two articles ten minutes apart naming entities no other story names."""
    at = T0 + n * SPACING
    entities = [f"gpe:place-{n}", f"person:speaker-{n}", f"org:agency-{n}"]
    return [
        ClaimsExtracted(
            article_id=f"s{n}-{k}",
            source=f"outlet-{k}",
            published_at=at + timedelta(minutes=10 * k),
            ingested_at=at + timedelta(minutes=10 * k),
            entity_ids=entities,
            keywords=[f"term{n}", "council", "vote"],
            claims=[],
        )
        for k in range(2)
    ]


def test_story_state_stays_bounded_over_many_stories() -> None:
    cards: dict[bytes, bytes | None] = {}
    refs: dict[bytes, bytes | None] = {}
    states: dict[str, StoryState] = {}
    closed_total: list[str] = []
    peak = 0
    for n in range(STORIES):
        for event in story_articles(n):
            # index step
            known = {k.decode(): StoryCard.model_validate_json(v) for k, v in cards.items() if v}
            at = article_time(event, DATES, event.ingested_at)
            arrived = arrival_time(event, DATES, event.ingested_at)
            placed = place(event, at, arrived, known, {}, CONFIG.stories)
            cards[placed.story.encode()] = placed.card.model_dump_json().encode()
            refs[event.article_id.encode()] = placed.ref.model_dump_json().encode()
            known[placed.story] = placed.card
            closed = close_expired(cards, refs, known, arrived, WINDOW)
            # detect step: the article, then the tombstones the index sent after it
            state = states.get(placed.story) or StoryState(story=placed.story)
            states[placed.story], _ = apply_article(state, event, RULES, CONFIG, event.ingested_at)
            for story in closed:
                del states[story]
            closed_total += closed
            peak = max(peak, len(states))
    open_at_once = 2 * WINDOW // SPACING + 2  # two windows of stories, plus the edges
    assert len({c.decode() for c in cards}) == len(states) <= open_at_once
    assert peak <= open_at_once
    assert len(closed_total) == len(set(closed_total)) == STORIES - len(states)
    assert len(refs) == 2 * len(states), "an article ref lives as long as its story"


def test_a_story_an_article_just_joined_stays_open() -> None:
    """A copy joins its original's story whatever its age; that story is not closed under it."""
    old = StoryCard(id="st-old", first_at=T0, last_at=T0, articles=1)
    cards: dict[bytes, bytes | None] = {b"st-old": old.model_dump_json().encode()}
    late = T0 + 3 * WINDOW
    known = {"st-old": old.model_copy(update={"last_at": late})}
    assert close_expired(cards, {}, known, late, WINDOW) == []
    assert close_expired(cards, {}, {"st-old": old}, late, WINDOW) == ["st-old"]
    assert cards == {}
