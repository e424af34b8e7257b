"""The story engine: grouping into versioned alerts, independence, idempotence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimwatch.models import Attribution, Claim, ClaimsExtracted, ClaimType, Fact, Interval
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
RULES = load_rules()
CONFIG = load_config()


def qty(
    low: float | None,
    high: float | None,
    slot: str = "quantity:country:commit",
    conf: float = 0.9,
    text: str | None = None,
    start: int = 0,
    headline: bool = False,
) -> Claim:
    """A count claim; with ``headline`` it carries a fact that says it is in the headline."""
    fact = None
    if headline:
        fact = Fact(
            key=slot,
            description="countries committed",
            question="how many countries committed",
            counted="country",
            frame="commit",
            headline=True,
        )
    return Claim(
        id=f"q{low}{high}{slot}{start}",
        type=ClaimType.QUANTITY,
        text=text or f"{low}-{high} committed",
        start=start,
        end=start + 10,
        confidence=conf,
        value=Interval(low=low, high=high, unit="country"),
        slot=slot,
        fact=fact,
    )


def threat(actor_class: str = "state_official", target_class: str = "foreign_forces") -> Claim:
    return Claim(
        id="t1",
        type=ClaimType.THREAT,
        text="Foreign troops will be legitimate targets.",
        start=0,
        end=40,
        confidence=0.9,
        attribution=Attribution.DIRECT_QUOTE,
        actor="Voronin",
        actor_class=actor_class,
        target="foreign troops",
        target_class=target_class,
    )


def article(
    aid: str, source: str, claims: list[Claim], minutes: int = 0, duplicate_of: str | None = None
) -> ClaimsExtracted:
    return ClaimsExtracted(
        article_id=aid,
        source=source,
        title="t",
        ingested_at=T0 + timedelta(minutes=minutes),
        duplicate_of=duplicate_of,
        entity_ids=["gpe:x"],
        claims=claims,
    )


def run(events: list[ClaimsExtracted], state: StoryState | None = None):
    state = state or StoryState(story="st-1")
    sent = []
    for event in events:
        state, alerts = apply_article(state, event, RULES, CONFIG, now=T0 + timedelta(hours=1))
        sent.append(alerts)
    return state, sent


def test_contradiction_fires_once_then_versions_as_sides_grow() -> None:
    state, sent = run(
        [
            article("a1", "wire", [qty(24, 24)]),
            article("a2", "herald", [qty(26, 26)], 1),
            article("a3", "courier", [qty(26, 26)], 2),
            article("a4", "courier", [qty(26, 26, text="again 26")], 3),  # same outlet: no news
        ]
    )
    assert [len(s) for s in sent] == [0, 1, 1, 0]
    v1, v2 = sent[1][0], sent[2][0]
    assert v1.id == v2.id and (v1.version, v2.version) == (1, 2)
    assert v1.kind == "contradiction" and v1.slot == "quantity:country:commit"
    assert [(s.value.low, s.sources) for s in v2.sides] == [
        (24, ["wire"]),
        (26, ["courier", "herald"]),
    ]
    assert v2.independent_sources == 3
    assert v2.ingested_at == T0
    assert "wire: 24;" in v2.explanation
    assert state.articles["a3"].alerts == [f"{v2.id}:2"]


def test_syndicated_copy_counts_with_its_original_once() -> None:
    _, sent = run(
        [
            article("a1", "wire", [qty(24, 24)]),
            article("a2", "daily", [qty(24, 24)], 1, duplicate_of="a1"),
            article("a3", "herald", [qty(26, 26)], 2),
        ]
    )
    alert = sent[2][0]
    assert alert.independent_sources == 2
    assert alert.sides[0].sources == ["daily", "wire"]


def test_copy_of_same_value_never_looks_like_a_second_source_for_min_sources() -> None:
    # Copy of an outlet's own article saying a different value is still that outlet.
    _, sent = run(
        [
            article("a1", "wire", [qty(24, 24)]),
            article("a2", "daily", [qty(26, 26)], 1, duplicate_of="a1"),
        ]
    )
    assert sent[1][0].title.startswith("wire contradicts itself")


def test_overlapping_and_different_slots_and_low_confidence_never_fire() -> None:
    _, sent = run(
        [
            article(
                "a1", "wire", [qty(25, None), qty(35, 35, slot="quantity:country:size:coalition")]
            ),
            article("a2", "herald", [qty(26, 26)], 1),
            article("a3", "courier", [qty(30, 30, conf=0.3)], 2),
            article("a4", "post", [qty(3, 3, slot="quantity:country:unknown")], 3),
            article("a5", "times", [qty(9, 9, slot="quantity:country:unknown")], 4),
        ]
    )
    assert sent == [[], [], [], [], []]


def test_one_outlet_two_values_says_so_only_when_its_headline_disagrees_with_its_body() -> None:
    body_only = [qty(24, 24, start=40), qty(26, 26, text="26 committed", start=90)]
    _, sent = run([article("a1", "wire", body_only)])
    assert sent == [[]]  # two numbers in one article are most often two facts
    headline = [qty(24, 24, start=0, headline=True), qty(26, 26, text="26 committed", start=90)]
    _, sent = run([article("a1", "wire", headline)])
    (alert,) = sent[0]
    assert "contradicts itself" in alert.title and "self-contradiction" in alert.explanation


def test_key_claim_rule_groups_outlets_into_versions() -> None:
    _, sent = run(
        [
            article("a1", "wire", [threat()]),
            article("a2", "daily", [threat()], 1, duplicate_of="a1"),
            article("a3", "herald", [threat()], 2),
        ]
    )
    assert [len(s) for s in sent] == [1, 0, 1]
    v1, v2 = sent[0][0], sent[2][0]
    assert v1.rule == "threat-of-force-foreign-military" and v1.severity == "critical"
    assert (v1.id, v1.version, v2.version) == (v2.id, 1, 2)
    assert v2.claim is not None and v2.claim.actor == "Voronin"
    assert v2.sources == ["daily", "herald", "wire"] and v2.independent_sources == 2
    assert v1.title == "Voronin threatens force against foreign troops"


def test_each_speaker_of_a_story_gets_its_own_key_claim_alert() -> None:
    other = threat().model_copy(update={"id": "t2", "actor": "Kestrel", "actor_id": "wd:Q1"})
    _, sent = run([article("a1", "wire", [threat(), other]), article("a2", "herald", [other], 1)])
    first, second = sent
    assert sorted(a.claim.actor for a in first if a.claim) == ["Kestrel", "Voronin"]
    assert len({a.id for a in first}) == 2
    (again,) = second  # only Kestrel's alert gains an outlet
    assert again.claim is not None and again.claim.actor == "Kestrel" and again.version == 2


def test_threat_to_resign_fires_nothing() -> None:
    _, sent = run([article("a1", "wire", [threat("state_official", "unknown")])])
    assert sent == [[]]


def test_redelivered_article_is_idempotent() -> None:
    state, _ = run([article("a1", "wire", [qty(24, 24)]), article("a2", "herald", [qty(26, 26)])])
    again, sent = run([article("a2", "herald", [qty(26, 26)])], state)
    assert sent == [[]] and again == state


def test_state_survives_a_json_round_trip() -> None:
    state, _ = run([article("a1", "wire", [qty(24, 24), threat()])])
    restored = StoryState.model_validate_json(state.model_dump_json())
    _, after = run([article("a2", "herald", [qty(26, 26)])], restored)
    assert after[0][0].kind == "contradiction" and after[0][0].version == 1
