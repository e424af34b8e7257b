"""One fact's reports over time: outlets that disagree, or a figure that moves.

Pure core of the figure alerts. Input: every report of one fact in a story (an article's
value, who said it, when, with what wording); output: the disagreement, if any, and the
timeline, if the figure moved. The rule (docs/alerting.md, "Updates and contradictions"):

* Values are widened by their stated precision first, so "25 km" and "15 miles" agree.
* Two reports conflict when their widened values are disjoint. A conflict is a
  **disagreement** when the two were published within ``window`` of each other (an article
  with only a date is "some time that day") and the later one does not say the figure moved,
  or when the later value is *lower* without a stated revision ("revised", "corrected").
  Otherwise it is an **update**: a figure that can only grow ("cumulative": deaths, injuries,
  arrests) reported higher later, or any figure whose later report says it moved ("rose to",
  "so far", "revised").
* An article states a figure once: its first mention, and what agrees with it. A second,
  different value in the same article is most often another fact (a part, an earlier event);
  only a headline that disagrees with the body is kept as the outlet contradicting itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from claimwatch.models import FigureCue, Interval

RISING_CUES = frozenset({FigureCue.RISE, FigureCue.SO_FAR, FigureCue.REVISED})
FALLING_CUES = frozenset({FigureCue.FALL, FigureCue.REVISED})


@dataclass(frozen=True)
class Report:
    """One claim's value of a fact, with where and when it was said."""

    article_id: str
    source: str
    origin: str
    value: Interval
    precision: float
    published: datetime
    day_only: bool
    """``published`` is a date without a time: the report is from some time that day."""
    position: int
    headline: bool
    cue: FigureCue | None
    text: str

    @property
    def low(self) -> float:
        return -math.inf if self.value.low is None else self.value.low - self.precision

    @property
    def high(self) -> float:
        return math.inf if self.value.high is None else self.value.high + self.precision

    @property
    def earliest(self) -> datetime:
        return self.published

    @property
    def latest(self) -> datetime:
        return self.published + (timedelta(days=1) if self.day_only else timedelta(0))


def agree(a: Report, b: Report) -> bool:
    """Some value satisfies both reports (after widening by their precision)."""
    return a.low <= b.high and b.low <= a.high


def stated_by_article(reports: Sequence[Report], cumulative: bool = False) -> list[Report]:
    """The reports an article stands behind: its first mention and what agrees with it,
    plus a headline that disagrees with the body (see the module docstring). An article that
    tells how a growing figure rose ("the toll grew through the night, from 77 to 84")
    stands behind its highest value."""
    by_article: dict[str, list[Report]] = {}
    for r in sorted(reports, key=lambda r: r.position):
        by_article.setdefault(r.article_id, []).append(r)
    kept: list[Report] = []
    for mentions in by_article.values():
        first = mentions[0]
        if cumulative and any(r.cue in RISING_CUES for r in mentions):
            first = max(mentions, key=lambda r: (r.low, r.position))
        kept.extend(r for r in mentions if agree(r, first))
        if first.headline:
            body = next((r for r in mentions if not r.headline), None)
            if body is not None and not agree(body, first):
                kept.extend(r for r in mentions if not r.headline and agree(r, body))
    return kept


@dataclass(frozen=True)
class Step:
    """One value of a figure's timeline: the reports that agree with it, in time order."""

    low: float
    high: float
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Finding:
    disagreeing: tuple[Report, ...] = ()
    """Reports on either side of a disagreement (empty: none)."""
    self_contradicting: list[str] = field(default_factory=list)
    timeline: tuple[Step, ...] = ()
    """Values in the order they appeared, when the figure moved (empty: it did not)."""
    went_down: bool = False


def _ordered(a: Report, b: Report) -> tuple[Report, Report]:
    return (a, b) if (a.earliest, a.position) <= (b.earliest, b.position) else (b, a)


def _same_time(a: Report, b: Report, window: timedelta) -> bool:
    return a.earliest - window <= b.latest and b.earliest - window <= a.latest


def assess(reports: Sequence[Report], window: timedelta, cumulative: bool) -> Finding:
    """Disagreement and/or timeline of one fact (see the module docstring)."""
    stated = stated_by_article(reports, cumulative)
    disagreeing: dict[int, Report] = {}
    moved = False
    went_down = False
    for i, a in enumerate(stated):
        for b in stated[i + 1 :]:
            if a.value.unit != b.value.unit or agree(a, b):
                continue  # another unit is an extraction question, not a factual conflict
            first, later = _ordered(a, b)
            lower = later.high < first.low
            if a.article_id == b.article_id:
                kind = "disagree"  # a headline against its own body
            elif lower:
                kind = "move" if later.cue in FALLING_CUES else "disagree"
                went_down = went_down or kind == "disagree"
            elif later.cue in RISING_CUES or first.cue == FigureCue.SO_FAR:
                kind = "move"
            elif _same_time(first, later, window) or not cumulative:
                kind = "disagree"
            else:
                kind = "move"
            if kind == "disagree":
                disagreeing[id(a)], disagreeing[id(b)] = a, b
            else:
                moved = True
    sides = tuple(disagreeing.values())
    counts: dict[str, set[int]] = {}
    for side in consistent_sides(sides):
        for r in side:
            counts.setdefault(r.origin, set()).add(id(side))
    self_contra = sorted(o for o, s in counts.items() if len(s) > 1)
    steps = timeline(stated) if moved else ()
    if all(any(agree(step.reports[0], r) for r in sides) for step in steps):
        steps = ()  # every value it took is already a side of the disagreement: one alert
    return Finding(
        disagreeing=sides,
        self_contradicting=self_contra,
        timeline=steps,
        went_down=went_down,
    )


def consistent_sides(reports: Sequence[Report]) -> list[tuple[Report, ...]]:
    """The fewest groups of mutually agreeing reports, in value order (a minimum clique
    cover of an interval graph: take the smallest right end, group all that contain it)."""
    remaining = sorted(reports, key=lambda r: (r.high, r.low, r.article_id, r.position))
    groups: list[tuple[Report, ...]] = []
    while remaining:
        point = remaining[0].high
        groups.append(tuple(r for r in remaining if r.low <= point))
        remaining = [r for r in remaining if r.low > point]
    return groups


def restates(a: Report, b: Report) -> bool:
    """``b`` says what ``a`` says: they agree and share a stated bound ("at least 7" and 7,
    "more than 50" and "over 50"). "At least 60" then 77 agree, but 77 is news."""
    same_low = a.value.low is not None and a.value.low == b.value.low
    same_high = a.value.high is not None and a.value.high == b.value.high
    return agree(a, b) and (same_low or same_high)


def timeline(reports: Sequence[Report]) -> tuple[Step, ...]:
    """The values a figure took, in the order they first appeared; a report that restates a
    value already seen joins that value's step (outlets repeating 84 after others said 84)."""
    steps: list[Step] = []
    for r in sorted(reports, key=lambda r: (r.earliest, r.position)):
        at = next((i for i, s in enumerate(steps) if restates(s.reports[0], r)), None)
        if at is None:
            steps.append(Step(r.low, r.high, (r,)))
            continue
        cur = steps[at]
        steps[at] = Step(max(cur.low, r.low), min(cur.high, r.high), (*cur.reports, r))
    return tuple(steps)
