"""Contradictions within one slot: consistent groups of values, and when they are disjoint.

Each claim is an interval ("more than two dozen" -> [25, inf), "26" -> [26, 26]). Claims are
split into the fewest groups whose members all share a common value (a minimum clique cover
of an interval graph: repeatedly take the smallest right end among the remaining claims and
group every claim that contains it). By construction the groups' common ranges are pairwise
disjoint, so two or more groups is a contradiction: no single value satisfies every outlet.
Overlapping values ("at least 300" vs 312) land in one group and never fire; chaining through
a vague value does not hide a conflict (">24", 26 and 30 give {26, >24} vs {30}).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimwatch.models import Interval


@dataclass(frozen=True)
class SlotClaim:
    """One claim's value for a slot, with who said it.

    ``origin`` is the independence key: the outlet, or for a syndicated copy the outlet of
    the original, so a copy never counts as a second source.
    """

    article_id: str
    source: str
    origin: str
    value: Interval
    confidence: float
    text: str


@dataclass(frozen=True)
class Group:
    """A consistent group: every member contains every value in ``low..high``."""

    low: float | None
    high: float | None
    unit: str
    claims: tuple[SlotClaim, ...]
    best_confidence: float

    @property
    def origins(self) -> list[str]:
        return sorted({c.origin for c in self.claims})

    @property
    def sources(self) -> list[str]:
        return sorted({c.source for c in self.claims})


@dataclass(frozen=True)
class Contradiction:
    sides: tuple[Group, ...]
    self_contradicting: list[str] = field(default_factory=list)
    """Origins (outlets) that appear on more than one side: they contradict themselves."""


def _lo(v: Interval) -> float:
    return -math.inf if v.low is None else v.low


def _hi(v: Interval) -> float:
    return math.inf if v.high is None else v.high


def consistent_groups(claims: Sequence[SlotClaim]) -> list[Group]:
    """The fewest groups of mutually consistent claims, ordered by value."""
    remaining = sorted(claims, key=lambda c: (_hi(c.value), _lo(c.value), c.article_id))
    groups: list[Group] = []
    while remaining:
        point = _hi(remaining[0].value)
        members = [c for c in remaining if _lo(c.value) <= point]
        remaining = [c for c in remaining if _lo(c.value) > point]
        low = max(_lo(c.value) for c in members)
        groups.append(
            Group(
                low=None if low == -math.inf else low,
                high=None if point == math.inf else point,
                unit=members[0].value.unit,
                claims=tuple(members),
                best_confidence=max(c.confidence for c in members),
            )
        )
    return groups


def detect_contradiction(
    claims: Sequence[SlotClaim], min_confidence: float
) -> Contradiction | None:
    """A contradiction among ``claims`` of one slot, or ``None`` when they are consistent.

    Groups whose best claim is below ``min_confidence`` are dropped first: a value that only
    a low-confidence reading supports never fires alone.
    """
    by_unit: dict[str, list[SlotClaim]] = {}
    for claim in claims:
        by_unit.setdefault(claim.value.unit, []).append(claim)
    sides: list[Group] = []
    for unit_claims in by_unit.values():
        groups = consistent_groups(unit_claims)
        sides.extend(g for g in groups if g.best_confidence >= min_confidence)
    if len(by_unit) > 1 or len(sides) < 2:
        # Different units in one slot are an extraction question, not a factual conflict.
        return None
    counts: dict[str, int] = {}
    for side in sides:
        for origin in side.origins:
            counts[origin] = counts.get(origin, 0) + 1
    return Contradiction(
        sides=tuple(sides), self_contradicting=sorted(o for o, n in counts.items() if n > 1)
    )
