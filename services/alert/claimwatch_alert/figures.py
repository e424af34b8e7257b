"""One fact's reports over time: outlets that disagree, or a figure that moves.

Pure core of the figure alerts. Input: every report of one fact in a story (an article's
value, who said it, when, with what wording); output: the disagreement, if any, and the
timeline, if the figure moved. The rule (docs/alerting.md, "Contradictions and figure
updates"):

* Values are widened by their stated precision first, so "25 km" and "15 miles" agree.
* Two reports conflict when their widened values are disjoint. A conflict is a
  **disagreement** when the two are known to have been published within ``window`` of each
  other (a report with only a date is never known to be) and the later one does not say the
  figure moved, or when the later value is *lower* without a stated revision ("revised",
  "corrected") — for a figure that can only grow, a day or more later (sooner, it is an
  outlet repeating an earlier toll; two reports with only their dates, on different days,
  are not known to be that close; on one day with only a date, the order is not known and
  the figure is taken to have grown). Two reports that carry no publication date at all (their
  time is when they arrived) are never known to be in any order: for a growing figure, the
  difference is read as the count moving when either gives its value as open — a floor ("at
  least 43"), an estimate ("some 30"), "so far" or "rose to" —, and two exact counts that
  differ stay a disagreement. Otherwise it is an **update**:
  a growing figure ("cumulative": deaths, injuries) reported higher later, or any figure
  whose later report says it moved ("rose to", "so far", "revised"). A growing figure stated
  more precisely later ("at least 400", then 527) is an update too, and so is one first given
  as open ("about 100") and reported higher later however soon (an hour on, "around 200").
* An article states a figure once: its first mention, and what agrees with it. A second,
  different value in the same article is most often another fact (a part, an earlier event);
  only a headline that disagrees with the body's lead, by a little (5 and 7, not 24 and
  200), is kept (the outlet contradicting itself). A fact whose key names one thing of the
  event (``single_facts``: a call, a delay) is stated by every mention: two values of it in
  one article are the outlet contradicting itself. An article that tells how a growing
  figure rose stands behind its highest value.
* A figure that only shrinks as news comes in (``shrinking``: people still held captive, who
  are freed, escape or die) is the mirror of a growing one: reported lower later it is an
  update, higher later a disagreement (no stale repeats). An article that gives two values
  of it tells how it went down (the number held before a release and after it): it stands
  behind its lowest, and its higher values are earlier steps of the timeline, which runs
  from the highest value to the lowest.
* Two reports that name different kinds of event ("killed in the airstrike" and "killed in
  the riot") are never compared, nor are values an order of magnitude off the figure's main
  scale (the toll of a past disaster recalled in a story of a small one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from claimwatch.dates import shift
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
    position: int
    """Character offset of the claim's sentence in its article."""
    headline: bool
    cue: FigureCue | None
    text: str
    event_kind: str | None = None
    day_only: bool = False
    """Only the date is known (a midnight stamp from a date-only feed): the time of day is not."""
    undated: bool = False
    """No publication date at all: ``published`` is when the article arrived (ingest time)."""
    earlier: bool = False
    """What the article says the figure was before ("previously put at up to 50,000",
    "initially five"): a step of the timeline before the article's own value, never a side."""
    marks: frozenset[tuple[str, float | None, float | None]] = frozenset()
    """Figures of the article that place it in one game, other than this fact's holder: the
    record or career total of another side after the game (fact key, low, high)."""

    # worked out once: a story's judging reads them for every pair of its reports
    @cached_property
    def low(self) -> float:
        return -math.inf if self.value.low is None else self.value.low - self.precision

    @cached_property
    def high(self) -> float:
        return math.inf if self.value.high is None else self.value.high + self.precision


@dataclass(frozen=True)
class Rules:
    """How reports of one fact are read (detection.yaml ``figures``)."""

    window: timedelta
    cumulative: bool
    lead_chars: int = 1000
    """A headline is held against a body mention only this close to the article's start."""
    stale: timedelta = timedelta(hours=24)
    """A growing figure reported lower this soon after a higher one is a stale repeat."""
    scale_ratio: float = 10.0
    """Reports more than this factor from the story's main scale of the figure are another
    fact ("the 2004 tsunami killed 230,000" in a story of a quake that killed five)."""
    close_ratio: float = 2.0
    """A headline and its own body conflict only when their values are this close (5 and
    7): further apart, they are two facts."""
    dated_within: timedelta | None = None
    """A figure that moves with time between reports (an age every year, a record every
    game): two reports are compared only when both are dated and this close, or when they
    share a mark of one game (``Report.marks``)."""
    stale_repeats: bool = True
    """A growing figure reported lower within ``stale`` of a higher one is an outlet
    repeating an earlier figure (a toll relayed for hours); a tallied one (a turnout, one
    commission's count) is not relayed that way, so lower later is a disagreement."""
    scale_difference: float | None = None
    """On a logarithmic scale (magnitudes) the main scale is held by difference, not ratio:
    reports more than this far from it are another event (a 5.8 quake days after a 7.1)."""
    shrinking: bool = False
    """A figure that only goes down as news comes in (people still held captive): lower
    later is an update, higher later a disagreement (see the module docstring)."""
    every_mention: bool = False
    """The fact's key names one thing of the event (a call, a delay): an article stands
    behind every mention of it, so two values in one article contradict each other."""
    least_gap: timedelta | None = None
    """A growing figure that moves from day to day, not hour by hour as a toll is counted
    (people sheltering): two values are read as the figure moving only between reports known
    to be this far apart (or on different dates); closer, or with no date to tell, they
    disagree unless the wording says the figure moved."""


def agree(a: Report, b: Report) -> bool:
    """Some value satisfies both reports (after widening by their precision). A rounded
    value stands for a half-open interval ("7.4" is 7.35 up to, not including, 7.45), so two
    widened values that only touch ("6.4" and "6.5": two agencies' magnitudes) share no
    value; a point on the edge of a range (5 and "5") does."""
    low = a.low if a.low > b.low else b.low
    high = a.high if a.high < b.high else b.high
    tolerance = 1e-9 * max(1.0, abs(low) if math.isfinite(low) else abs(high))
    if high - low > tolerance:
        return True  # they share a stretch of values
    if high - low < -tolerance:
        return False
    return a.high - a.low <= tolerance or b.high - b.low <= tolerance  # touching


def comparable(a: Report, b: Report) -> bool:
    """Same unit, and not about two different kinds of event."""
    if a.value.unit != b.value.unit:
        return False  # another unit is an extraction question, not a factual conflict
    return a.event_kind is None or b.event_kind is None or a.event_kind == b.event_kind


def stated_by_article(reports: Sequence[Report], rules: Rules) -> list[Report]:
    """The reports each article stands behind (see the module docstring)."""
    by_article: dict[str, list[Report]] = {}
    for r in sorted(reports, key=lambda r: r.position):
        by_article.setdefault(r.article_id, []).append(r)
    kept: list[Report] = []
    for mentions in by_article.values():
        if rules.every_mention:
            kept.extend(mentions)
            continue
        first = mentions[0]
        if rules.shrinking:  # the value after the release; higher ones are earlier steps
            first = min(_same_scale_as(mentions, first, rules), key=lambda r: (r.high, r.position))
        if rules.cumulative and any(r.cue in RISING_CUES for r in mentions):
            grown = [r for r in mentions if _same_scale(r, first, rules.scale_ratio)]
            first = max(grown, key=lambda r: (r.low, r.position))
        kept.extend(r for r in mentions if agree(r, first))
        if first.headline:
            body = next((r for r in mentions if not r.headline), None)
            if body is not None and body.position < rules.lead_chars and not agree(body, first):
                kept.extend(r for r in mentions if not r.headline and agree(r, body))
    return kept


def _same_scale_as(mentions: Sequence[Report], first: Report, rules: Rules) -> list[Report]:
    return [r for r in mentions if _same_scale(r, first, rules.scale_ratio)]


def earlier_in_article(
    reports: Sequence[Report], stated: Sequence[Report], rules: Rules
) -> list[Report]:
    """A shrinking figure's higher values in an article that stands behind a lower one: what
    the figure was before it went down ("60 were still held last month"; now 48)."""
    if not rules.shrinking:
        return []
    current = {r.article_id: r for r in stated}
    return [
        r
        for r in reports
        if (now := current.get(r.article_id)) is not None
        and r.low > now.high
        and _same_scale(r, now, rules.scale_ratio)
    ]


def _stated_before(reports: Sequence[Report], stated: Sequence[Report]) -> list[Report]:
    """Earlier values an article gives of the figure it states now, where they are stated
    otherwise: a revision the article reports ("previously put it at up to 50,000; now about
    3,000": a ceiling the count falls within is still an earlier, vaguer statement)."""
    now = {r.article_id: r for r in stated}
    return [
        r
        for r in reports
        if r.earlier and r.article_id in now and r.value != now[r.article_id].value
    ]


def _same_scale(a: Report, b: Report, ratio: float) -> bool:
    """Within ``ratio`` of each other (a value without a positive end is on any scale)."""
    x, y = _anchor(a), _anchor(b)
    return x is None or y is None or max(x, y) <= ratio * min(x, y)


@dataclass(frozen=True)
class Step:
    """One value of a figure's timeline: the reports that state it, in time order."""

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
    return (a, b) if (a.published, a.position) <= (b.published, b.position) else (b, a)


def _close(a: Report, b: Report, ratio: float) -> bool:
    """Values within ``ratio`` of each other (5 and 7, not 24 and 200)."""
    top, bottom = max(a.low, b.low), min(a.high, b.high)
    return not (bottom > 0 and math.isfinite(top) and top > ratio * bottom)


def _order_known(a: Report, b: Report) -> bool:
    """Which came first is known, unless one has only a date and both are of that date."""
    same_day = a.published.date() == b.published.date()
    return not (same_day and (a.day_only or b.day_only))


def _known_within(first: Report, later: Report, gap: timedelta) -> bool:
    """``later`` is known to have come at most ``gap`` after ``first``. Two reports with only
    their dates, on different days, are not: a day apart by their stamps, they may be hours
    or two days apart."""
    apart = first.day_only and later.day_only and first.published.date() != later.published.date()
    return not apart and later.published <= shift(first.published, gap)


def _known_apart(first: Report, later: Report, gap: timedelta) -> bool:
    """``later`` is known to have come at least ``gap`` after ``first``: both carry a
    publication date, on different dates when only the date is known, else stamps ``gap``
    apart. A report without a date arrived at an unknown distance from the other."""
    if first.undated or later.undated:
        return False
    if (first.day_only or later.day_only) and first.published.date() == later.published.date():
        return False
    return later.published - first.published >= gap


def _same_time(a: Report, b: Report, window: timedelta) -> bool:
    """Published within ``window`` of each other, as far as is known: a report with only a
    date could be from any hour of it, so it is never known to be simultaneous."""
    if a.day_only or b.day_only:
        return False
    return shift(a.published, -window) <= b.published <= shift(a.published, window)


def _stated_none(r: Report) -> bool:
    """The report says none at all ("no one was killed", "no injuries were reported")."""
    return r.value.low == 0 and r.value.high == 0


def _open(r: Report) -> bool:
    """The wording gives the value as not final: a floor or a ceiling ("at least 43", "up to
    100"), an estimate ("some 30", "around 100": a range), or "so far" / "rose to"."""
    v = r.value
    return v.low is None or v.high is None or v.low != v.high or r.cue in RISING_CUES


def _open_and_undated(a: Report, b: Report) -> bool:
    """Neither report has a publication date, so which came first is not known, and one of
    them states the figure as still open: for a growing figure, a count in progress (some
    30, then 40, then at least 43 killed), not outlets disagreeing. Two exact counts that
    differ (355 vs 565 shops) are a disagreement whatever their order."""
    return a.undated and b.undated and (_open(a) or _open(b))


def _superseded_estimate(first: Report, later: Report) -> bool:
    """A growing figure first stated as still open (an estimate, "about 100"; a floor, "at
    least 50"), then reported higher by a later report: the count moved, however soon, since
    the first said it was not the final count. Two exact counts that differ this close in
    time (25 and 27 hurt), or an exact count and then a higher floor (nine, then "at least
    14", which an earlier report may already have given), stay a disagreement."""
    return later.published > first.published and _open(first)


def _refines(first: Report, later: Report, rules: Rules) -> bool:
    """A growing figure given as a floor, then a higher one: "at least 400", then 527."""
    if not rules.cumulative or first.value.low is None or later.value.low is None:
        return False
    if first.value.high is not None:
        return False  # "about 120", then 118: an estimate and a count, not a rise
    if later.value.low <= first.value.low + first.precision:
        return False
    if rules.least_gap is not None and not _known_apart(first, later, rules.least_gap):
        return later.cue in RISING_CUES
    return later.cue in RISING_CUES or not _same_time(first, later, rules.window)


def _classify(a: Report, b: Report, rules: Rules) -> str:
    """ "disagree", "move" or "" (nothing to say) for two reports of one fact."""
    first, later = _ordered(a, b)
    if rules.dated_within is not None and not _placed_together(a, b, rules):
        return ""
    if agree(a, b):
        if a.article_id == b.article_id:
            return ""
        # on one day with only its date, either may be the later: "at least 400" and 527
        unordered = not _order_known(a, b) and _refines(later, first, rules)
        return "move" if _refines(first, later, rules) or unordered else ""
    if a.article_id == b.article_id:  # a headline against its own body's lead
        return "disagree" if _close(a, b, rules.close_ratio) else ""
    if _stated_none(a) != _stated_none(b):
        return "disagree"  # "no one was hurt" against "20 hurt": not a count that grew
    if rules.shrinking:
        return _shrinking(first, later, rules)
    if rules.least_gap is not None and not _known_apart(first, later, rules.least_gap):
        return "move" if _says_moved(first, later) else "disagree"
    if rules.cumulative and not _order_known(a, b):
        if rules.dated_within is not None:
            return "disagree"  # a record, a career total: it grows only from game to game
        return "move"  # two values of a growing figure on one day, order unknown: it grew
    if rules.cumulative and _open_and_undated(a, b):
        return "move"
    if later.high < first.low:  # the figure went down
        if later.cue in FALLING_CUES:
            return "move"  # a stated revision
        if _same_time(first, later, rules.window):
            return "disagree"
        stale = (
            rules.cumulative and rules.stale_repeats and _known_within(first, later, rules.stale)
        )
        if stale:
            return "move"  # an earlier toll repeated a few hours on: part of the timeline
        return "down"
    if _says_moved(first, later):
        return "move"
    if rules.cumulative and _superseded_estimate(first, later):
        return "move"
    if _same_time(first, later, rules.window) or not rules.cumulative:
        return "disagree"
    return "move"


def _says_moved(first: Report, later: Report) -> bool:
    """The wording says the figure moved: "rose to", "revised" on the later report; "so far"
    or "now" says a value is the latest, which places it after the other report only when
    their order is known (a growing figure of unknown order has moved already). Two outlets'
    amounts of one day, one of them "now", are two values at once."""
    if later.cue in RISING_CUES - {FigureCue.SO_FAR}:
        return True
    so_far = FigureCue.SO_FAR in (later.cue, first.cue)
    return so_far and _order_known(first, later)


def _shrinking(first: Report, later: Report, rules: Rules) -> str:
    """Two differing reports of a figure that only goes down: lower later (or in either
    order on one day with only its date) it went down; higher later, without wording that
    says it rose, outlets disagree."""
    if _same_time(first, later, rules.window):
        return "disagree"
    if later.high < first.low or not _order_known(first, later):
        return "move"
    return "move" if later.cue in (FigureCue.RISE, FigureCue.REVISED) else "disagree"


def _placed_together(a: Report, b: Report, rules: Rules) -> bool:
    """Both reports are dated, within ``rules.dated_within`` of each other (an undated
    report may be from an earlier game, season or year), or they are about one game: both
    give another side's record or career total after it with the same value (a fighter's
    opponent at 45-7-2 in both). Another game, another season, moves those too."""
    if not a.marks.isdisjoint(b.marks):
        return True
    if a.undated or b.undated:
        return False
    assert rules.dated_within is not None
    return abs(a.published - b.published) <= rules.dated_within


def _anchor(r: Report) -> float | None:
    """A report's value for telling scales apart: its low end, else its high end."""
    for v in (r.value.low, r.value.high):
        if v is not None and v > 0:
            return v
    return None


def main_scale(
    reports: Sequence[Report], ratio: float, difference: float | None = None
) -> list[Report]:
    """The reports of the figure's main order of magnitude: the one most articles *lead
    with* (an article's first mention of the figure; a past disaster's toll comes later in
    the text), then the one most articles give at all (ties: the one in a headline, then the
    earliest). Values further than ``ratio`` from it (``difference``, when given: a
    logarithmic scale) belong to another fact the extractor could not tell apart (a past
    disaster's toll, a running total, another quake), and are left out rather than
    compared."""
    anchored = [(r, v) for r in reports if (v := _anchor(r)) is not None]
    if not anchored:
        return list(reports)
    leads: dict[str, float] = {}
    for r, v in sorted(anchored, key=lambda rv: rv[0].position, reverse=True):
        leads[r.article_id] = v

    def near(v: float, centre: float) -> bool:
        if difference is not None:
            return abs(v - centre) <= difference
        return centre / ratio <= v <= centre * ratio

    def support(centre: float) -> tuple[int, int, bool, float]:
        members = [r for r, v in anchored if near(v, centre)]
        led = sum(1 for v in leads.values() if near(v, centre))
        first = min(r.published for r in members).timestamp()
        articles = len({r.article_id for r in members})
        return led, articles, any(r.headline for r in members), -first

    centre = max(dict.fromkeys(v for _, v in anchored), key=support)  # each value once
    return [r for r in reports if (v := _anchor(r)) is None or near(v, centre)]


def _alike(reports: Sequence[Report]) -> list[list[Report]]:
    """Reports grouped when one article states one value the same way more than once (its
    headline, lead and body): every pair with another report is judged the same for each of
    them, so each group is judged once, which keeps a long story's pairs few. Not where
    another article has the same publication instant: there the order of two reports falls
    to their offsets in the text, which can differ within a group."""
    articles_at: dict[datetime, set[str]] = {}
    for r in reports:
        articles_at.setdefault(r.published, set()).add(r.article_id)
    groups: dict[tuple[object, ...], list[Report]] = {}
    for r in reports:
        tied = len(articles_at[r.published]) > 1
        key = (r.article_id, r.value, r.precision, r.published, r.cue, r.headline,
               r.event_kind, r.day_only, r.position if tied else None)  # fmt: skip
        groups.setdefault(key, []).append(r)
    return list(groups.values())


def assess(reports: Sequence[Report], rules: Rules) -> Finding:
    """Disagreement and/or timeline of one fact (see the module docstring)."""
    # each article's statement first, then the story's scale: an article whose first mention
    # is another incident's count off that scale ("three were killed at a bakery") must not
    # have a later, minor mention promoted to stand for it
    current = [r for r in reports if not r.earlier]
    stated = main_scale(
        stated_by_article(current, rules), rules.scale_ratio, rules.scale_difference
    )
    earlier = [*earlier_in_article(current, stated, rules), *_stated_before(reports, stated)]
    alike = _alike(stated)
    disagreeing: dict[int, Report] = {}
    moved = went_down = False
    for i, a in enumerate(alike):
        for b in alike[i + 1 :]:
            if not comparable(a[0], b[0]):
                continue
            kind = _classify(a[0], b[0], rules)
            if kind in ("disagree", "down"):
                disagreeing.update((id(r), r) for r in (*a, *b))
                went_down = went_down or kind == "down"
            moved = moved or kind == "move"
    moved = moved or bool(earlier)
    sides = tuple(disagreeing.values())
    counts: dict[str, set[int]] = {}
    for side in consistent_sides(sides):
        for r in side:
            counts.setdefault(r.origin, set()).add(id(side))
    by_value = rules.cumulative and all(r.undated for r in stated)
    if rules.shrinking:
        steps = timeline([*earlier, *stated], descending=True) if moved else ()
    else:
        steps = timeline([*earlier, *stated], by_value) if moved else ()
    if all(any(agree(step.reports[0], r) for r in sides) for step in steps):
        steps = ()  # every value it took is already a side of the disagreement: one alert
    return Finding(
        disagreeing=sides,
        self_contradicting=sorted(o for o, s in counts.items() if len(s) > 1),
        timeline=steps,
        went_down=went_down,
    )


def consistent_sides(reports: Sequence[Report]) -> list[tuple[Report, ...]]:
    """The fewest groups of mutually agreeing reports, in value order (a minimum clique
    cover of an interval graph: take the smallest right end, group all that contain it and
    agree with its report: "6.5" only touches "6.4", see ``agree``)."""
    remaining = sorted(reports, key=lambda r: (r.high, r.low, r.article_id, r.position))
    groups: list[tuple[Report, ...]] = []
    while remaining:
        first = remaining[0]
        group = [r for r in remaining if r.low <= first.high and agree(r, first)]
        groups.append(tuple(group))
        taken = {id(r) for r in group}
        remaining = [r for r in remaining if id(r) not in taken]
    return groups


def restates(a: Report, b: Report) -> bool:
    """``b`` says what ``a`` says: they agree and share a stated bound ("at least 7" and 7,
    "more than 50" and "over 50"). "At least 60" then 77 agree, but 77 is news."""
    same_low = a.value.low is not None and a.value.low == b.value.low
    same_high = a.value.high is not None and a.value.high == b.value.high
    return agree(a, b) and (same_low or same_high)


def _joins(first: Report, r: Report) -> bool:
    """``r`` adds nothing to a step: it restates its value, or says less ("at least 50"
    after 59 is a vaguer report of the same figure, not a new value)."""
    return restates(first, r) or (r.low <= first.low and first.high <= r.high)


def timeline(
    reports: Sequence[Report], by_value: bool = False, descending: bool = False
) -> tuple[Step, ...]:
    """The values a figure took, in the order they first appeared; a report that restates a
    value already seen, or says less than it, joins that value's step. ``by_value``: no
    report has a date, so no order is known, and a growing figure is shown from its lowest
    value to its highest (arrival order would say it went down and up at random).
    ``descending``: a shrinking figure, whose earlier values an article may give without
    their dates, from its highest value to its lowest."""
    steps: list[Step] = []
    order = (lambda r: (r.low, r.published, r.position)) if by_value else None
    if descending:
        order = lambda r: (-r.low, r.published, r.position)  # noqa: E731
    in_time = lambda r: (r.published, not r.earlier, r.low, r.position)  # noqa: E731
    for r in sorted(reports, key=order or in_time):
        at = next((i for i, s in enumerate(steps) if _joins(s.reports[0], r)), None)
        if at is None:
            steps.append(Step(r.low, r.high, (r,)))
            continue
        cur = steps[at]
        steps[at] = Step(max(cur.low, r.low), min(cur.high, r.high), (*cur.reports, r))
    return tuple(steps)
