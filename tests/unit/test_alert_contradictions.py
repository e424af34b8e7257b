"""Contradiction core: consistent groups by interval, disjoint groups fire, vague values don't."""

from __future__ import annotations

import itertools

from claimwatch.models import Interval
from claimwatch_alert.contradictions import SlotClaim, consistent_groups, detect_contradiction


def c(
    source: str,
    low: float | None,
    high: float | None,
    conf: float = 0.9,
    unit: str = "country",
    origin: str | None = None,
) -> SlotClaim:
    return SlotClaim(
        article_id=f"a-{source}-{low}-{high}",
        source=source,
        origin=origin or source,
        value=Interval(low=low, high=high, unit=unit),
        confidence=conf,
        text=f"{source} says {low}..{high}",
    )


def test_exact_disjoint_values_fire_with_one_side_each() -> None:
    found = detect_contradiction([c("a", 24, 24), c("b", 26, 26), c("d", 26, 26)], 0.6)
    assert found is not None
    assert [(s.low, s.high) for s in found.sides] == [(24, 24), (26, 26)]
    assert [s.sources for s in found.sides] == [["a"], ["b", "d"]]
    assert found.self_contradicting == []


def test_overlapping_vague_values_never_fire() -> None:
    assert detect_contradiction([c("a", 25, None), c("b", 26, 26)], 0.6) is None  # > two dozen
    assert detect_contradiction([c("a", 300, None), c("b", 312, 312)], 0.6) is None  # at least
    assert detect_contradiction([c("a", 10, 11), c("b", 11, 11)], 0.6) is None  # nearly a dozen


def test_vague_value_does_not_chain_two_precise_conflicting_values() -> None:
    found = detect_contradiction([c("a", 25, None), c("b", 26, 26), c("d", 30, 30)], 0.6)
    assert found is not None
    assert [(s.low, s.high) for s in found.sides] == [(26, 26), (30, 30)]
    assert found.sides[0].sources == ["a", "b"]


def test_groups_have_pairwise_disjoint_common_ranges() -> None:
    claims = [c("a", 10, 20), c("b", 15, 15), c("d", 18, 30), c("e", 40, None), c("f", None, 12)]
    groups = consistent_groups(claims)
    for left, right in itertools.pairwise(groups):
        assert left.high is not None and right.low is not None and left.high < right.low
    assert sum(len(g.claims) for g in groups) == len(claims)


def test_low_confidence_value_never_fires_alone() -> None:
    assert detect_contradiction([c("a", 24, 24), c("b", 26, 26, conf=0.3)], 0.6) is None
    # ...but it may corroborate a confident side
    found = detect_contradiction([c("a", 24, 24), c("b", 26, 26), c("d", 26, 26, conf=0.3)], 0.6)
    assert found is not None and found.sides[1].sources == ["b", "d"]


def test_one_outlet_with_two_incompatible_values_is_flagged() -> None:
    found = detect_contradiction([c("a", 24, 24), c("a", 26, 26)], 0.6)
    assert found is not None
    assert found.self_contradicting == ["a"]


def test_different_units_are_not_compared() -> None:
    assert detect_contradiction([c("a", 24, 24), c("b", 26, 26, unit="troop")], 0.6) is None
