"""Figure alerts of a story: ``contradiction`` when outlets disagree on a fact, and
``figure_update`` when a fact's value moved over time (see figures.py for the rule).

Which claims take part: a numeric claim whose fact is of this event (time ``current``), the
whole figure (scope ``whole``), salient (``figures.salient`` in detection.yaml: casualties,
participants, magnitudes, amounts ... not a box score or a distance in a travel paragraph)
and confident. Claims meet on their fact key, so "103 passengers" and "4 seriously injured"
never do. Titles and explanations use the fact's plain words and outlets' names.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from claimwatch.dates import aware
from claimwatch.display import format_figure
from claimwatch.models import (
    AlertKind,
    AlertSide,
    Claim,
    FactScope,
    FactTime,
    Interval,
    Severity,
    TimelineEntry,
)
from claimwatch_alert.config import DetectionConfig, FigureParams
from claimwatch_alert.figures import (
    Finding,
    Report,
    Rules,
    Step,
    agree,
    assess,
    consistent_sides,
)
from claimwatch_alert.state import StoredArticle, StoredClaim, StoryState

CONTRADICTION_RULE = "contradiction"
FIGURE_UPDATE_RULE = "figure_update"


@dataclass(frozen=True)
class FigureDraft:
    """A figure alert's content as the story stands now (the engine adds ids and story
    fields); ``fingerprint`` (origins per side or step) decides when a new version is sent."""

    kind: AlertKind
    rule: str
    severity: Severity
    key: str
    title: str
    fact: str
    explanation: str
    reports: tuple[Report, ...]
    origins: list[str]
    fingerprint: list[int]
    slot: str | None
    sides: list[AlertSide] | None = None
    timeline: list[TimelineEntry] | None = None


@dataclass(frozen=True)
class FactClaims:
    """The comparable claims of one fact in a story."""

    key: str
    claims: tuple[StoredClaim, ...]

    @property
    def first(self) -> Claim:
        return self.claims[0].claim


def fact_key(claim: Claim) -> str:
    return claim.fact.key if claim.fact is not None else claim.slot or ""


def _base(key: str) -> str:
    return key.split("|", 1)[0]


def _qualifiers(key: str) -> set[str]:
    """The qualifiers of a fact key ("quantity:person:injured|seriously" -> {"seriously"})."""
    return set(key.split("|", 1)[1].split(",")) if "|" in key else set()


def matches_any(key: str, patterns: Sequence[str]) -> bool:
    """A pattern matches the key's base (before "|"); one with a "|" matches the whole key,
    qualifiers included ("measurement:money:deal|*for *": a deal whose target is named)."""
    return _matches(key, tuple(patterns))


@lru_cache(maxsize=4096)
def _matches(key: str, patterns: tuple[str, ...]) -> bool:
    """Once per fact key and pattern list: a story's every claim is checked on every article."""
    return any(fnmatch.fnmatchcase(key if "|" in p else _base(key), p) for p in patterns)


def salient(claim: Claim, params: FigureParams) -> bool:
    """Is the fact worth an alert: something that happened to people, a count of an event's
    things (munitions that hit), or a salient kind?"""
    key = fact_key(claim)
    parts = _base(key).split(":")
    people = len(parts) >= 3 and parts[1] in params.people and parts[2] in params.people_frames
    low = claim.value.low if claim.value is not None else None
    quals = _qualifiers(key)
    things = len(parts) >= 3 and any(
        parts[1] in kind.classes
        and parts[2] in kind.frames
        and (
            low is None
            or low >= kind.least
            or any(fnmatch.fnmatchcase(q, p) for q in quals for p in kind.placed)
        )
        for kind in params.things.values()
    )
    if parts[0] == "quantity" and (people or things):
        return True
    return matches_any(key, params.salient)


def takes_part(claim: Claim, config: DetectionConfig) -> bool:
    """Does this claim take part in figure alerts at all (see the module docstring)?"""
    params = config.contradictions
    if claim.value is None or not params.compares(claim.slot):
        return False
    if claim.confidence < params.min_confidence:
        return False
    fact = claim.fact
    if fact is not None and (fact.time != FactTime.CURRENT or fact.scope != FactScope.WHOLE):
        return stated_before(claim, config)
    if too_vague(claim.value, config.figures.max_spread):
        return False
    return salient(claim, config.figures)


def stated_before(claim: Claim, config: DetectionConfig) -> bool:
    """An earlier value of a salient figure, as the article tells it ("previously put at up
    to 50,000", "initially five"): a step of the figure's timeline, never a side of a
    disagreement; a ceiling too vague to contradict anything still shows how it moved."""
    fact = claim.fact
    if fact is None or fact.time != FactTime.EARLIER or fact.scope != FactScope.WHOLE:
        return False
    return salient(claim, config.figures)


def too_vague(value: Interval, max_spread: float) -> bool:
    """ "dozens" [20, 199], "hundreds", "up to 45,000" [0, 45000]: no single figure."""
    if value.low is None or value.high is None:
        return False
    return value.high > max_spread * max(value.low, 0) and value.high - value.low > 2


def facts_of(state: StoryState, config: DetectionConfig) -> list[FactClaims]:
    by_key: dict[str, list[StoredClaim]] = {}
    for stored in state.claims:
        if takes_part(stored.claim, config):
            by_key.setdefault(fact_key(stored.claim), []).append(stored)
    join_unnamed(by_key, config.figures.told_apart_by)
    return [FactClaims(k, tuple(v)) for k, v in sorted(by_key.items())]


def join_unnamed(by_key: dict[str, list[Any]], told_apart_by: Sequence[str]) -> None:
    """Qualifiers that tell two facts of one kind apart only when both name them (who sent
    or bid, the period a result covers; ``told_apart_by``): a claim that names none joins
    the story's only fact whose key differs from its own by one such qualifier ("the $12
    billion bid for X" joins "Northwind's bid for X" when no other bidder is named)."""

    def told(q: str) -> bool:
        return any(fnmatch.fnmatchcase(q, p) for p in told_apart_by)

    named = [k for k in by_key if any(told(q) for q in _qualifiers(k))]
    if not named:
        return
    for key in sorted(by_key, key=lambda k: len(_qualifiers(k))):
        quals = _qualifiers(key)
        into = [
            k
            for k in named
            if k != key
            and _base(k) == _base(key)
            and quals < (theirs := _qualifiers(k))
            and len(extra := theirs - quals) == 1
            and told(next(iter(extra)))
        ]
        if len(into) == 1 and key in by_key:
            by_key[into[0]].extend(by_key.pop(key))


def published(article: StoredArticle) -> tuple[datetime, bool]:
    """When an article was published (ingest time when unknown), and whether only its date
    is known (date-only feeds write midnight UTC)."""
    at = aware(article.published_at or article.ingested_at)
    day_only = article.published_at is not None and at.astimezone(UTC).time() == time(0)
    return at, day_only


Mark = tuple[str, float | None, float | None]


def game_marks(state: StoryState, params: FigureParams) -> dict[str, set[Mark]]:
    """Per article, its figures that a game changes for every side that plays it
    (``figures.same_game``: a record after the game, a career total, the final score): two
    articles that give one of them the same value for a side are about the same game. Read
    from every claim: a final score is a mark and never compared itself."""
    marks: dict[str, set[Mark]] = {}
    if not params.same_game:
        return marks
    for stored in state.claims:
        value = stored.claim.value
        if value is None or stored.claim.fact is None:
            continue
        key = fact_key(stored.claim)
        if matches_any(key, params.same_game):
            marks.setdefault(stored.article_id, set()).add((key, value.low, value.high))
    return marks


def _holder(key: str) -> str:
    return key.split("|", 1)[1] if "|" in key else ""


def reports_of(
    state: StoryState, fact: FactClaims, marks: dict[str, set[Mark]] | None = None
) -> list[Report]:
    """The fact's reports; ``marks``: each article's marks of one game (``game_marks``),
    of which a report carries those of holders other than the fact's own."""
    holder = _holder(fact.key)
    own: dict[str, frozenset[Mark]] = {}
    for article_id, found in (marks or {}).items():
        own[article_id] = frozenset(m for m in found if _holder(m[0]) != holder)
    out = []
    for stored in fact.claims:
        claim, article = stored.claim, state.articles[stored.article_id]
        at, day_only = published(article)
        assert claim.value is not None  # takes_part() checked it
        out.append(
            Report(
                article_id=stored.article_id,
                source=article.source,
                origin=state.origin_of(stored.article_id),
                value=claim.value,
                precision=claim.precision or 0.0,
                published=at,
                position=claim.start,
                headline=claim.fact.headline if claim.fact else False,
                cue=claim.fact.cue if claim.fact else None,
                text=claim.text,
                event_kind=claim.fact.event_kind if claim.fact else None,
                day_only=day_only,
                undated=article.published_at is None,
                earlier=claim.fact is not None and claim.fact.time == FactTime.EARLIER,
                marks=own.get(stored.article_id, frozenset()),
            )
        )
    return out


# --------------------------------------------------------------------------- words


def plain_value(value: Interval, key: str) -> str:
    """How a person reads a figure of this fact ("7", "6.8", "58 percent", "4th year")."""
    return format_figure(value, counted=key.startswith("quantity:"))


def _describe(fact: FactClaims) -> tuple[str, str]:
    """(plain words, question) for the fact: the most common wording among its claims,
    preferring one that names the event."""
    facts = [s.claim.fact for s in fact.claims if s.claim.fact is not None]
    if not facts:
        return fact.key, fact.key
    named = [f for f in facts if f.event] or facts
    words = Counter((f.description, f.question) for f in named).most_common(1)[0][0]
    return words


def _side_value(reports: Sequence[Report]) -> Interval:
    """The stated value a side shares: the intersection of its reports' values (their hull
    when only stated precision made them agree)."""
    lows = [r.value.low for r in reports if r.value.low is not None]
    highs = [r.value.high for r in reports if r.value.high is not None]
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    if low is not None and high is not None and low > high:
        low, high = min(lows), max(highs)
    return Interval(low=low, high=high, unit=reports[0].value.unit)


def _names(reports: Sequence[Report]) -> list[str]:
    return sorted({r.source for r in reports})


def _texts(reports: Sequence[Report]) -> list[str]:
    seen: list[str] = []
    for r in reports:
        if r.text not in seen:
            seen.append(r.text)
    return seen


def _shown_as(origin: str, reports: Sequence[Report]) -> str:
    """An origin as a person knows it: the outlet's name, never an internal copy id."""
    names = sorted({r.source for r in reports if r.origin == origin})
    if origin in names or not names:
        return origin
    return names[0]


# --------------------------------------------------------------------------- drafts


def too_far_apart(
    groups: Sequence[Sequence[Report]], max_ratio: float, max_difference: float | None = None
) -> bool:
    """Values an order of magnitude apart (3 vs 641, 7 vs 1.8 million) are an incident and
    a running total, or two events, far more often than two reports of one figure; on a
    logarithmic scale (magnitudes) the same holds for values ``max_difference`` apart."""
    lows = [max(r.low for r in g) for g in groups]
    highs = [min(r.high for r in g) for g in groups]
    top, bottom = max(lows), min(highs)
    if max_difference is not None and math.isfinite(top) and math.isfinite(bottom):
        return top - bottom > max_difference
    return bottom > 0 and math.isfinite(top) and top > max_ratio * bottom


def max_difference(key: str, params: FigureParams) -> float | None:
    """The widest gap two reports of this fact may have (None: compare by ratio)."""
    return next(
        (gap for pattern, gap in params.max_difference.items() if matches_any(key, [pattern])),
        None,
    )


def contradiction_draft(
    fact: FactClaims, found: Finding, severity: Severity, params: FigureParams
) -> FigureDraft | None:
    if not found.disagreeing:
        return None
    words, question = _describe(fact)
    groups = consistent_sides(found.disagreeing)
    ratio = params.max_ratio if len(groups) == 2 else params.max_ratio_many
    if len(groups) > params.max_sides or too_far_apart(
        groups, ratio, max_difference(fact.key, params)
    ):
        return None  # several facts were taken for one (see FigureParams)
    sides = [
        AlertSide(value=_side_value(g), text=g[0].text, texts=_texts(g), sources=_names(g))
        for g in groups
    ]
    all_reports = [r for g in groups for r in g]
    origins = sorted({r.origin for r in all_reports})
    values = " vs ".join(plain_value(s.value, fact.key) for s in sides)
    if found.self_contradicting and len(origins) == 1:
        title = f"{_shown_as(origins[0], all_reports)} contradicts itself on {question}: {values}"
    else:
        title = f"Outlets disagree on {question}: {values}"
    parts = [f"{', '.join(s.sources)}: {plain_value(s.value, fact.key)}" for s in sides]
    why = (
        f"Compared as one fact ({words}): each sentence states it as the current, whole "
        f"figure of this event."
    )
    line = f"{why} " + "; ".join(parts) + f" ({len(origins)} independent outlets)."
    if found.went_down:
        line += " A later report gives a lower figure without saying it was revised."
    if found.self_contradicting:
        shown = ", ".join(_shown_as(o, all_reports) for o in found.self_contradicting)
        line += f" {shown} state(s) incompatible values themselves (a self-contradiction)."
    return _draft(
        AlertKind.CONTRADICTION, CONTRADICTION_RULE, severity, fact, groups, title, words, line,
        sides=sides,
    )  # fmt: skip


def update_draft(
    fact: FactClaims,
    found: Finding,
    severity: Severity,
    params: FigureParams,
    growing: bool = False,
    shrinking: bool = False,
) -> FigureDraft | None:
    steps = [step.reports for step in found.timeline]
    undated = all(r.undated for step in steps for r in step)
    stepwise = growing and not undated  # without dates the steps are not an order
    if not 2 <= len(steps) <= params.max_steps or _jumps(steps, fact.key, params, stepwise):
        return None
    words, question = _describe(fact)
    entries = [_entry(step) for step in found.timeline]
    path = " → ".join(plain_value(e.value, fact.key) for e in entries)
    title = f"Update on {question}: {path}"
    history = "; ".join(
        f"{e.published_at:%Y-%m-%d %H:%M} {', '.join(e.sources)}: {plain_value(e.value, fact.key)}"
        for e in entries
    )
    line = (
        f"The figure for {words} moved as the story developed ({history}); reports at "
        f"different times or with wording such as 'rose to' are read as updates, not as "
        f"outlets disagreeing."
    )
    if shrinking:
        line += (
            " A figure that only goes down (people still held) is shown from its highest"
            " value to its lowest: an article may give an earlier value without its date."
        )
    elif undated:
        line += (
            " None of these reports has a publication date: the values are shown from lowest"
            " to highest, read as a count still open ('at least', 'about', 'so far')."
        )
    return _draft(
        AlertKind.FIGURE_UPDATE, FIGURE_UPDATE_RULE, severity, fact, steps, title, words, line,
        timeline=entries,
    )  # fmt: skip


def _jumps(
    steps: Sequence[Sequence[Report]], key: str, params: FigureParams, stepwise: bool
) -> bool:
    """A timeline that jumps too far to be one figure (see ``too_far_apart``). A growing
    figure is held step by step: a toll reported as 3, 5, 11, 24, then 249 injured over two
    days grows twenty-fold and is still one count; a jump from 3 straight to 641 is an
    incident and a running total. Any other figure, and one whose reports carry no date (no
    order is known, so no steps), is held from its lowest to its highest."""
    gap = max_difference(key, params)
    if not stepwise:
        return too_far_apart(steps, params.max_ratio, gap)
    return any(too_far_apart(pair, params.max_ratio, gap) for pair in itertools.pairwise(steps))


def _draft(
    kind: AlertKind,
    rule: str,
    severity: Severity,
    fact: FactClaims,
    groups: Sequence[Sequence[Report]],
    title: str,
    words: str,
    explanation: str,
    **shape: Any,
) -> FigureDraft:
    """A draft over ``groups`` (a contradiction's sides or an update's steps): its reports,
    their outlets, and the outlets per group that decide when a new version is sent."""
    reports = tuple(r for group in groups for r in group)
    return FigureDraft(
        kind=kind,
        rule=rule,
        severity=severity,
        key=fact.key,
        title=title,
        fact=words,
        explanation=explanation,
        reports=reports,
        origins=sorted({r.origin for r in reports}),
        fingerprint=[len({r.origin for r in group}) for group in groups],
        slot=fact.first.slot,
        **shape,
    )


def _entry(step: Step) -> TimelineEntry:
    reports = step.reports
    return TimelineEntry(
        value=_side_value(reports),
        sources=_names(reports),
        published_at=min(r.published for r in reports),
        text=reports[0].text,
    )


def two_in_a_sentence(reports: Sequence[Report]) -> bool:
    """One sentence gives the fact two values that cannot both hold ("a 26-tonne lorry
    landed on an 18-tonne lorry"): a measure of one thing of a kind (``sizes_of_things``)
    stated twice in a sentence is of two such things, so no report in the story says which
    of them it measures."""
    seen: dict[tuple[str, int], Report] = {}
    for r in reports:
        other = seen.setdefault((r.article_id, r.position), r)
        if other is not r and not agree(other, r):
            return True
    return False


def _dated_within(key: str, params: FigureParams) -> timedelta | None:
    """How close in time two reports of this fact must be (None: any time)."""
    days = [d for pattern, d in params.dated_within_days.items() if matches_any(key, [pattern])]
    return timedelta(days=min(days)) if days else None


def figure_drafts(state: StoryState, config: DetectionConfig) -> list[FigureDraft]:
    """Every contradiction and figure-update alert the story supports now."""
    params = config.figures
    window = timedelta(hours=params.same_time_window_h)
    drafts: list[FigureDraft] = []
    marks: dict[str, set[Mark]] | None = None  # read once, and only for a moving figure
    for fact in facts_of(state, config):
        frame = _base(fact.key).split(":")[2] if _base(fact.key).count(":") >= 2 else ""
        stale = timedelta(hours=params.stale_window_h)
        daily = frame in params.daily
        growing = frame in params.cumulative or frame in params.tallied or daily
        growing = growing and not _qualifiers(fact.key) & set(params.state_qualifiers)
        rules = Rules(
            window,
            growing,
            params.lead_chars,
            stale,
            scale_ratio=params.max_ratio,
            close_ratio=params.max_ratio_many,
            stale_repeats=frame in params.cumulative or daily,
            dated_within=_dated_within(fact.key, params),
            scale_difference=max_difference(fact.key, params),
            shrinking=frame in params.shrinking,
            every_mention=matches_any(fact.key, params.single_facts),
            least_gap=timedelta(hours=params.daily_gap_h) if daily else None,
        )
        dated = rules.dated_within is not None
        if dated and marks is None:
            marks = game_marks(state, params)
        reports = reports_of(state, fact, marks if dated else None)
        if matches_any(fact.key, params.sizes_of_things) and two_in_a_sentence(reports):
            continue
        found = assess(reports, rules)
        for draft in (
            contradiction_draft(fact, found, config.contradictions.severity, params),
            update_draft(
                fact, found, params.update_severity, params, growing, frame in params.shrinking
            ),
        ):
            if draft is not None:
                drafts.append(draft)
    return drafts
