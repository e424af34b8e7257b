"""One fact's reports: who disagrees, and when a changed value is an update instead.

Values are intervals widened by their stated precision; reports are placed in time by
``published_at``. Each case is a small made-up set of reports."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from claimwatch.models import FigureCue, Interval
from claimwatch_alert.figures import (
    Report,
    Rules,
    _alike,
    assess,
    consistent_sides,
    stated_by_article,
)

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
WINDOW = timedelta(hours=2)
GROWING = Rules(WINDOW, cumulative=True)
FIXED = Rules(WINDOW, cumulative=False)


def r(
    source: str,
    low: float | None,
    high: float | None = ...,  # type: ignore[assignment]
    *,
    hours: float = 0,
    unit: str = "person",
    precision: float = 0.0,
    cue: FigureCue | None = None,
    article: str | None = None,
    position: int = 0,
    headline: bool = False,
    origin: str | None = None,
    day_only: bool = False,
    undated: bool = False,
    earlier: bool = False,
) -> Report:
    high = low if high is ... else high
    return Report(
        article_id=article or f"a-{source}-{low}-{hours}",
        source=source,
        origin=origin or source,
        value=Interval(low=low, high=high, unit=unit),
        precision=precision,
        published=T0 + timedelta(hours=hours),
        position=position,
        headline=headline,
        cue=cue,
        text=f"{source} says {low}",
        day_only=day_only,
        undated=undated,
        earlier=earlier,
    )


def values(reports: tuple[Report, ...]) -> list[list[float | None]]:
    return sorted({(x.value.low, x.value.high) for x in reports})  # type: ignore[arg-type]


def test_outlets_disagreeing_at_the_same_time_are_a_disagreement() -> None:
    found = assess([r("a", 24), r("b", 26, hours=0.5), r("d", 26, hours=1)], FIXED)
    assert values(found.disagreeing) == [(24, 24), (26, 26)]
    assert found.self_contradicting == [] and found.timeline == ()


def test_overlapping_and_vague_values_never_disagree() -> None:
    for pair in (
        [r("a", 25, None), r("b", 26)],  # more than two dozen vs 26
        [r("a", 300, None), r("b", 312)],  # at least 300 vs 312
        [r("a", 10, 11), r("b", 11)],  # nearly a dozen vs eleven
    ):
        assert assess(pair, FIXED).disagreeing == ()


def test_a_vague_value_does_not_chain_two_conflicting_ones() -> None:
    found = assess([r("a", 25, None), r("b", 26), r("d", 30)], FIXED)
    sides = consistent_sides(found.disagreeing)
    assert [sorted({x.source for x in s}) for s in sides] == [["b"], ["d"]]


def test_sides_have_pairwise_disjoint_common_ranges() -> None:
    reports = [r("a", 10, 20), r("b", 15), r("d", 18, 30), r("e", 40, None), r("f", None, 12)]
    sides = consistent_sides(reports)
    for left, right in itertools.pairwise(sides):
        assert min(x.high for x in left) < max(x.low for x in right)
    assert sum(len(s) for s in sides) == len(reports)


def test_a_conversion_within_its_stated_precision_agrees() -> None:
    # 25 km with a bracketed "15 miles" (24.14 km) folded into its precision; 15 miles alone
    km = r("a", 25, unit="km", precision=1.66)
    miles = r("b", 24.14, unit="km", precision=0.8)
    assert assess([km, miles], FIXED).disagreeing == ()
    # a real difference of magnitudes stays one: 7.4 vs 6.8 stated to one decimal
    mags = [
        r("a", 7.4, unit="magnitude", precision=0.05),
        r("b", 6.8, unit="magnitude", precision=0.05),
    ]
    assert len(assess(mags, FIXED).disagreeing) == 2


def test_two_roundings_one_step_apart_disagree_and_a_point_on_an_edge_agrees() -> None:
    # "7.4" stands for 7.35 up to 7.45, "7.5" from 7.45: widened, they only touch
    mags = [
        r("a", 7.4, unit="magnitude", precision=0.05),
        r("b", 7.5, unit="magnitude", precision=0.05),
        r("c", 7.5, unit="magnitude", precision=0.05),
    ]
    sides = consistent_sides(assess(mags, FIXED).disagreeing)
    assert [sorted(x.source for x in side) for side in sides] == [["a"], ["b", "c"]]
    # an exact 8 on the edge of "about 8 to 10" is inside it
    edge = [r("a", 8, 10), r("b", 8)]
    assert assess(edge, FIXED).disagreeing == ()


def test_a_magnitude_far_from_the_main_one_is_another_quake() -> None:
    # two outlets lead with a later 5.9 quake, four with the main 7.2 (one giving 7.3)
    mags = [r(s, 5.9, unit="magnitude", precision=0.05) for s in ("a", "b")]
    mags += [r(s, 7.2, unit="magnitude", precision=0.05) for s in ("c", "d", "e")]
    mags.append(r("f", 7.3, unit="magnitude", precision=0.05))
    by_ratio = assess(mags, FIXED)
    by_difference = assess(mags, Rules(WINDOW, cumulative=False, scale_difference=1.0))
    assert {x.source for x in by_ratio.disagreeing} >= {"a", "b"}
    sides = consistent_sides(by_difference.disagreeing)
    assert [sorted(x.source for x in side) for side in sides] == [["c", "d", "e"], ["f"]]


def test_a_toll_that_rises_over_the_day_is_an_update_with_a_timeline() -> None:
    found = assess([r("a", 60, None), r("b", 77, hours=5), r("d", 84, hours=9)], GROWING)
    assert found.disagreeing == ()
    assert [(s.reports[0].source, s.reports[0].value.low) for s in found.timeline] == [
        ("a", 60),
        ("b", 77),
        ("d", 84),
    ]


def test_a_rise_within_the_window_is_a_disagreement_unless_worded_as_one() -> None:
    plain = assess([r("a", 25), r("b", 27, hours=1.5)], GROWING)
    assert values(plain.disagreeing) == [(25, 25), (27, 27)] and plain.timeline == ()
    worded = assess([r("a", 25), r("b", 27, hours=1.5, cue=FigureCue.RISE)], GROWING)
    assert worded.disagreeing == () and len(worded.timeline) == 2


def test_a_figure_that_goes_down_without_a_revision_is_a_disagreement() -> None:
    found = assess([r("a", 32), r("a", 29, hours=30)], GROWING)
    assert found.went_down and found.self_contradicting == ["a"]
    # a few hours on, a lower toll is an outlet repeating an earlier figure: a timeline
    stale = assess([r("a", 84), r("b", 77, hours=6)], GROWING)
    assert stale.disagreeing == () and len(stale.timeline) == 2
    # a figure that need not grow disagrees whenever it goes down
    assert assess([r("a", 32), r("b", 29, hours=6)], FIXED).went_down
    revised = assess([r("a", 32), r("b", 29, hours=30, cue=FigureCue.REVISED)], GROWING)
    assert revised.disagreeing == () and len(revised.timeline) == 2


def test_a_figure_that_cannot_only_grow_disagrees_whenever_it_changes() -> None:
    found = assess([r("a", 7.4, unit="magnitude"), r("b", 6.8, hours=20, unit="magnitude")], FIXED)
    assert len(found.disagreeing) == 2 and found.timeline == ()


def test_a_date_without_a_time_cannot_be_ordered_within_its_day() -> None:
    early = r("a", 5, day_only=True)  # 2026-03-04, time of day unknown
    later = r("b", 7, hours=2)  # 11:00 the same day
    found = assess([early, later], GROWING)
    assert found.disagreeing == () and [s.reports[0].value.low for s in found.timeline] == [5, 7]
    # a figure that need not grow still disagrees, and so does a growing one timed to the hour
    assert len(assess([early, later], FIXED).disagreeing) == 2
    assert len(assess([r("a", 5), later], GROWING).disagreeing) == 2
    # a date-only report the next day is later, but not known to be simultaneous
    next_day = r("b", 77, hours=16, day_only=True)  # 2026-03-05
    assert assess([r("a", 84, hours=14.5), next_day], GROWING).disagreeing == ()


def test_now_on_one_of_two_same_day_amounts_is_no_move_when_their_order_is_unknown() -> None:
    """Two outlets' sums of one day (dates only), one "now": which came first is not known,
    so "now" does not say the figure moved from the other's value; "raised to" does."""
    asked = r("a", 4.2e9, unit="USD", day_only=True, precision=5e7)
    now = r("b", 4.4e9, unit="USD", day_only=True, precision=5e7, cue=FigureCue.SO_FAR)
    found = assess([asked, now], FIXED)
    assert values(found.disagreeing) == [(4.2e9, 4.2e9), (4.4e9, 4.4e9)] and found.timeline == ()
    raised = r("b", 4.4e9, unit="USD", day_only=True, precision=5e7, cue=FigureCue.RISE)
    assert assess([asked, raised], FIXED).disagreeing == ()
    # a day later, "now" places it after the first: the figure moved
    next_day = r("b", 4.4e9, unit="USD", hours=24, day_only=True, cue=FigureCue.SO_FAR)
    assert assess([asked, next_day], FIXED).disagreeing == ()


def test_undated_reports_of_a_growing_count_stated_as_open_are_an_update() -> None:
    # no publication dates: the order is unknown, and each pair has one value given as open
    estimate = r("a", 18, 22, undated=True)  # "some 20 were killed"
    exact = r("b", 26, undated=True, hours=0.2)  # "26 were killed"
    floor = r("d", 31, None, undated=True, hours=0.4)  # "at least 31 were killed"
    found = assess([floor, exact, estimate], GROWING)
    assert found.disagreeing == ()
    # shown from lowest to highest: arrival order says nothing about when they were written
    assert [s.reports[0].value.low for s in found.timeline] == [18, 26, 31]


def test_undated_exact_counts_that_differ_still_disagree() -> None:
    found = assess([r("a", 26, undated=True), r("b", 31, undated=True, hours=0.3)], GROWING)
    assert values(found.disagreeing) == [(26, 26), (31, 31)] and found.timeline == ()
    # with publication dates the wording alone makes no update: 26 then "at least 31" within
    # the hour is outlets disagreeing
    dated = assess([r("a", 26), r("b", 31, None, hours=0.3)], GROWING)
    assert len(dated.disagreeing) == 2
    # nor for a figure that need not grow (a count of countries, a magnitude)
    share = [r("a", 81, 90, unit="percent", undated=True), r("b", 93, unit="percent", undated=True)]
    assert len(assess(share, FIXED).disagreeing) == 2


DAILY = Rules(WINDOW, cumulative=True, least_gap=timedelta(hours=12))


def test_a_figure_that_grows_by_the_day_moves_only_between_reports_known_days_apart() -> None:
    """People sheltering: more arrive as more homes are lost, day by day, not hour by hour."""
    # two days apart, higher: the figure moved, shown as a timeline
    grown = assess([r("a", 800), r("b", 2600, hours=50)], DAILY)
    assert grown.disagreeing == () and [s.reports[0].value.low for s in grown.timeline] == [
        800,
        2600,
    ]
    # on consecutive dates with only the date known: different days too
    dates = assess([r("a", 800, day_only=True), r("b", 2600, hours=24, day_only=True)], DAILY)
    assert dates.disagreeing == () and len(dates.timeline) == 2
    # hours apart, a growing toll's estimate would be a count in progress; this is not
    hours = assess([r("a", 380, 420), r("b", 900, hours=6)], DAILY)
    assert values(hours.disagreeing) == [(380, 420), (900, 900)] and hours.timeline == ()
    # no publication date: how far apart is not known, even when one is an estimate
    undated = [r("a", 400, undated=True), r("b", 900, 1100, undated=True, hours=0.2)]
    assert len(assess(undated, DAILY).disagreeing) == 2
    assert assess(undated, GROWING).disagreeing == ()  # a toll: a count in progress
    # one date, only the date known: disagree; a floor then a higher count is no news either
    same_day = [r("a", 800, day_only=True), r("b", 2600, hours=9)]
    assert len(assess(same_day, DAILY).disagreeing) == 2
    assert assess([r("a", 300, None), r("b", 350, hours=3)], DAILY).timeline == ()
    # wording that says it moved still does, however soon
    worded = assess([r("a", 800), r("b", 950, hours=3, cue=FigureCue.RISE)], DAILY)
    assert worded.disagreeing == () and len(worded.timeline) == 2


def test_a_growing_figure_stated_as_open_then_higher_within_the_window_is_an_update() -> None:
    # "about 100 injured" at 21:30, "around 200 injured" at 23:20: an estimate is not the
    # final count, so a higher one later is the count moving, however soon
    estimate = r("a", 90, 110)
    later = r("b", 180, 220, hours=1.8)
    found = assess([estimate, later], GROWING)
    assert found.disagreeing == () and [s.reports[0].value.low for s in found.timeline] == [90, 180]
    # an exact count after "some 20" within the half hour is the count moving too
    soon = assess([r("a", 18, 22), r("b", 26, hours=0.5)], GROWING)
    assert soon.disagreeing == () and len(soon.timeline) == 2
    # not at the same instant (no order), not lower later, and not a figure that need not grow
    assert len(assess([estimate, r("b", 180, 220)], GROWING).disagreeing) == 2
    assert len(assess([r("a", 180, 220), r("b", 90, 110, hours=1)], GROWING).disagreeing) == 2
    assert len(assess([estimate, later], FIXED).disagreeing) == 2


def test_a_growing_figure_stated_more_precisely_later_is_an_update() -> None:
    found = assess([r("a", 400, None), r("b", 500, None, hours=6), r("d", 527, hours=20)], GROWING)
    assert found.disagreeing == ()
    assert [s.reports[0].value.low for s in found.timeline] == [400, 500, 527]
    # a vaguer restatement later is not news, and a fixed figure never "grows"
    assert assess([r("a", 527), r("b", 500, None, hours=6)], GROWING).timeline == ()
    assert assess([r("a", 400, None), r("b", 527, hours=20)], FIXED).timeline == ()
    # with only their date, one day: a headline's 527 may be read first, yet either came
    # later; the floor and the higher count are still the figure growing, shown in value order
    day = [r("a", 527, day_only=True), r("b", 400, None, day_only=True, position=900)]
    assert [s.reports[0].value.low for s in assess(day, GROWING).timeline] == [400, 527]
    # timed to the hour, a vaguer report after the exact count is not news
    assert assess([r("a", 527), r("b", 400, None, hours=2)], GROWING).timeline == ()


def test_reports_about_two_kinds_of_event_are_never_compared() -> None:
    riot = Report(**{**r("a", 3).__dict__, "event_kind": "conflict"})
    strike = Report(**{**r("b", 40).__dict__, "event_kind": "attack"})
    assert assess([riot, strike], FIXED).disagreeing == ()


def test_an_article_states_a_figure_once() -> None:
    lead = r("a", 7, article="x", position=10)
    aside = r("a", 2, article="x", position=400)  # another fact the extractor could not tell apart
    agreeing = r("a", 7, None, article="x", position=200)
    assert stated_by_article([aside, lead, agreeing], GROWING) == [lead, agreeing]
    assert assess([lead, aside, agreeing], GROWING).disagreeing == ()


def test_a_fact_that_names_one_thing_is_stated_by_every_mention() -> None:
    # "a 35 minute call" and "a call lasting 45 minutes" in one article: the call is one
    one_thing = Rules(WINDOW, cumulative=False, every_mention=True)
    first = r("a", 40, article="x", position=300, unit="minute")
    later = r("a", 50, article="x", position=2400, unit="minute")
    assert stated_by_article([later, first], one_thing) == [first, later]
    found = assess([first, later], one_thing)
    assert values(found.disagreeing) == [(40, 40), (50, 50)] and found.self_contradicting == ["a"]
    assert assess([first, later], FIXED).disagreeing == ()  # elsewhere: the first mention


def test_a_headline_that_disagrees_with_its_body_is_the_outlet_contradicting_itself() -> None:
    head = r("a", 5, article="x", position=0, headline=True)
    body = r("a", 7, article="x", position=120)
    found = assess([head, body], GROWING)
    assert values(found.disagreeing) == [(5, 5), (7, 7)] and found.self_contradicting == ["a"]
    # a mention far down the article is more likely another fact than the lead's figure,
    # and so is a value far from the headline's
    deep = r("a", 7, article="x", position=5000)
    assert assess([head, deep], GROWING).disagreeing == ()
    far = r("a", 40, article="x", position=120)
    assert assess([head, far], GROWING).disagreeing == ()


def test_different_units_are_not_compared() -> None:
    assert assess([r("a", 24), r("b", 26, unit="troop")], FIXED).disagreeing == ()


def test_a_value_far_off_the_figure_s_scale_is_another_fact() -> None:
    reports = [
        r("a", 1, article="a1"),
        r("b", 5, article="b1"),
        r("d", 4, None, article="d1"),
        r("e", 230000, article="e1"),  # a past disaster's toll, recalled
    ]
    found = assess(reports, FIXED)
    sides = consistent_sides(found.disagreeing)
    assert [sorted(x.source for x in side) for side in sides] == [["a"], ["b", "d"]]


def test_the_scale_most_articles_lead_with_is_the_figure_s() -> None:
    # Two articles lead with today's toll; three recall a past disaster's toll further down
    # (one of them after its own, smaller, figure). The leads decide the scale.
    reports = [
        r("a", 2, article="a1", position=10),
        r("a", 160000, article="a1", position=900),
        r("b", 6, article="b1", position=20),
        r("b", 230000, article="b1", position=700),
        r("d", 225000, article="d1", position=800),
    ]
    found = assess(reports, FIXED)
    assert values(found.disagreeing) == [(2, 2), (6, 6)]


def test_an_article_repeating_a_value_is_judged_once_and_every_mention_stays_a_side() -> None:
    """A long story stays cheap: the headline, lead and body of one article stating 24 are
    one group; all three still stand on their side of the disagreement."""
    mentions = [r("a", 24, article="a1", position=p, headline=p == 0) for p in (0, 90, 900)]
    tied = [r("b", 26, article="b1", hours=3, position=5), r("c", 26, article="c1", hours=3)]
    groups = _alike([*mentions, *tied])
    assert [len(g) for g in groups] == [1, 2, 1, 1]  # headline apart; tied instants apart
    found = assess([*mentions, r("d", 26, article="d1", hours=0.5)], FIXED)
    assert sorted(x.position for x in found.disagreeing if x.source == "a") == [0, 90, 900]


def test_a_stated_none_against_a_count_is_a_disagreement_not_a_growing_figure() -> None:
    # "nobody was hurt" on one day, "14 were hurt" the next: not a toll that grew
    found = assess([r("a", 0), r("b", 14, hours=26)], GROWING)
    assert values(found.disagreeing) == [(0, 0), (14, 14)] and found.timeline == ()
    # nor when neither is dated and the count is given as open ("at least 14")
    undated = assess([r("a", 0, undated=True), r("b", 14, None, undated=True)], GROWING)
    assert len(undated.disagreeing) == 2
    # and the other way round, a count of dead followed hours later by "no one died"
    assert len(assess([r("a", 6), r("b", 0, hours=5)], GROWING).disagreeing) == 2
    # a count that grows from a few to more is still an update
    grew = assess([r("a", 4), r("b", 14, hours=26)], GROWING)
    assert grew.disagreeing == () and len(grew.timeline) == 2


TALLIED = Rules(WINDOW, cumulative=True, stale_repeats=False)


def test_a_tallied_figure_grows_but_is_never_a_stale_repeat() -> None:
    # a turnout given as "nearly 70 percent" and as 74.2 percent, neither dated: it moved
    nearly = r("a", 63, 70, unit="percent", undated=True)
    found = assess([nearly, r("b", 74.2, unit="percent", undated=True)], TALLIED)
    assert found.disagreeing == () and len(found.timeline) == 2
    # dated, later and higher: the tally moved on
    later = [r("a", 52, unit="percent"), r("b", 66, unit="percent", hours=9)]
    assert assess(later, TALLIED).timeline
    # lower a few hours later: a toll would be a stale repeat, a tally disagrees
    lower = [r("a", 66, unit="percent"), r("b", 62, unit="percent", hours=9)]
    assert assess(lower, GROWING).disagreeing == ()
    assert len(assess(lower, TALLIED).disagreeing) == 2


def test_a_lower_figure_on_a_later_date_without_times_is_not_a_stale_repeat() -> None:
    # only dates, a day apart: the second may have been written two days after the first,
    # so a lower count is not known to be an outlet repeating an earlier one
    first = r("a", 3200, day_only=True)
    later = r("b", 2600, hours=24, day_only=True)
    found = assess([first, later], GROWING)
    assert found.went_down and values(found.disagreeing) == [(2600, 2600), (3200, 3200)]
    # timed to the hour, six hours on, it still is one
    timed = assess([r("a", 3200), r("b", 2600, hours=6)], GROWING)
    assert timed.disagreeing == () and len(timed.timeline) == 2


SHRINKING = Rules(WINDOW, cumulative=False, shrinking=True)


def test_a_count_of_people_still_held_goes_down_as_they_are_freed() -> None:
    # 40 hostages held, then 28 the next day after a release: an update, not a disagreement
    freed = assess([r("a", 40), r("b", 28, hours=26)], SHRINKING)
    assert freed.disagreeing == () and [s.low for s in freed.timeline] == [40, 28]
    # higher later, with no wording that says more were taken: outlets disagree
    more = assess([r("a", 28), r("b", 40, hours=26)], SHRINKING)
    assert values(more.disagreeing) == [(28, 28), (40, 40)]
    # two outlets at the same time with different counts disagree, as for any figure
    assert len(assess([r("a", 40), r("b", 28, hours=1)], SHRINKING).disagreeing) == 2


def test_an_article_telling_how_many_were_held_before_a_release_stands_behind_the_after() -> None:
    # one article: 40 were held last month, 28 remain now; another outlet said 28 a day
    # earlier. The article's 40 is an earlier step, never held against the other's 28.
    before = r("a", 40, article="x", position=10, hours=24)
    after = r("a", 28, article="x", position=90, hours=24)
    found = assess([r("b", 28), before, after], SHRINKING)
    assert found.disagreeing == ()
    assert [(s.low, {x.source for x in s.reports}) for s in found.timeline] == [
        (40, {"a"}),
        (28, {"a", "b"}),
    ]
    # a growing figure's article keeps its first mention, as before
    assert stated_by_article([before, after], FIXED) == [before]


def test_an_article_s_own_revision_of_a_ceiling_is_an_update() -> None:
    # "the airline previously said up to 300 passengers were stranded; now about 40": one
    # outlet reports the revision. The ceiling never disagrees with anything, but it is the
    # step before the count that replaced it.
    ceiling = r("a", 0, 300, article="x", position=5, earlier=True)
    count = r("a", 36, 44, article="x", position=5)
    found = assess([count, ceiling], FIXED)
    assert found.disagreeing == ()
    assert [(s.low, s.high) for s in found.timeline] == [(0, 300), (36, 44)]
    # an earlier value the article's own figure agrees with is no move
    assert (
        assess([r("a", 40, article="y", earlier=True), r("a", 40, article="y")], FIXED).timeline
        == ()
    )
    # an earlier value alone, its article stating nothing now, is no alert
    assert assess([ceiling, r("b", 36, 44, hours=30)], FIXED).timeline == ()
