"""Numeric claims on real spaCy parses: the error classes of issue 16, each on sentences
written for this test (years, names, suffixes, demonyms, speeds, percentage ranges, strict
bounds, change vs level)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from extracting import claims, values

from claimwatch.models import ClaimType, ValueKind


@pytest.mark.parametrize(
    "text",
    [
        "Turnout in the 2016 referendum was never matched.",
        "A category 4 hurricane is heading for the islands.",
        "Traffic was stopped on Highway 12 for the night.",
        "The new Boeing 787 made its first flight.",
        "The FTSE 250 index ended the session flat.",
    ],
)
def test_years_and_numbers_in_names_are_not_counts(nlp: Any, text: str) -> None:
    assert [c for c in claims(nlp, text) if c.type == ClaimType.QUANTITY] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The firm added 310K jobs in May.", (310_000, 310_000)),
        ("The app now has 2.5 B users.", (2.5e9, 2.5e9)),
        ("Organisers expected five to six thousand runners.", (5000, 6000)),
        ("Officials said 3,100 Canadians were evacuated.", (3100, 3100)),
        ("The channel has more than 4 million subscribers.", (4_000_001, None)),
        ("Tens of thousands of people marched.", (10_000, 100_000)),
    ],
)
def test_counts_with_suffixes_ranges_and_demonyms(
    nlp: Any, text: str, expected: tuple[float, float | None]
) -> None:
    qs = [c.value for c in claims(nlp, text) if c.type == ClaimType.QUANTITY and c.value]
    assert expected in {(v.low, v.high) for v in qs}


def test_demonyms_count_people(nlp: Any) -> None:
    (q,) = [c for c in claims(nlp, "About 900 Peruvians were flown home.") if c.value]
    assert q.value is not None and q.value.unit == "person"


def test_a_number_that_refers_back_takes_the_counted_class(nlp: Any) -> None:
    got = values(nlp, "Some 5,200 people lost power on Monday and 1,800 who live nearby left.")
    assert (1800, 1800, "person") in got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gusts reached 12 to 20 miles per hour.", (19.31, 32.19, "km/h")),
        ("The storm moved at 150 kilometres per hour.", (150, 150, "km/h")),
        ("Prices should rise between 3% and 4% next year.", (3, 4, "percent")),
        ("Fees range from 2 per cent to 2.5 per cent.", (2, 2.5, "percent")),
        ("The coast saw a 2.5-metre swell.", (2.5, 2.5, "m")),
    ],
)
def test_speeds_ranges_and_hyphenated_units(
    nlp: Any, text: str, expected: tuple[float, float, str]
) -> None:
    assert expected in values(nlp, text)


def test_strict_bounds_for_measurements(nlp: Any) -> None:
    """ "less than 8%" does not contain 8 %; "at most 8%" does."""
    (strict,) = values(nlp, "Support for the plan fell to less than 8% in the poll.")
    assert strict[1] is not None and strict[1] < 8 and strict[1] == math.nextafter(8, 0)
    (inclusive,) = values(nlp, "Support for the plan was at most 8% in the poll.")
    assert inclusive[:2] == (None, 8)


def test_a_conversion_in_brackets_keeps_the_bound(nlp: Any) -> None:
    got = values(nlp, "The convoy travelled more than 50 kilometres (31 miles) overnight.")
    lows = sorted(v[0] for v in got if v[0] is not None)
    assert lows[0] > 49.88 and lows[1] > 50, got
    assert all(v[1] is None for v in got)


@pytest.mark.parametrize(
    "text",
    [
        "The death toll rose by 14,000 to 295,000 on Sunday.",
        "Registered voters increased by 14,000 voters to 295,000.",
    ],
)
def test_change_and_total_are_two_facts(nlp: Any, text: str) -> None:
    cs = [c for c in claims(nlp, text) if c.value]
    kinds = {(c.value.low, c.value_kind, c.direction) for c in cs if c.value}
    assert (14_000, ValueKind.CHANGE, "up") in kinds
    assert (295_000, ValueKind.LEVEL, None) in kinds
    change = next(c for c in cs if c.value_kind == ValueKind.CHANGE)
    level = next(c for c in cs if c.value_kind == ValueKind.LEVEL)
    assert change.slot != level.slot and (change.slot or "").endswith(":change")


@pytest.mark.parametrize(
    ("text", "amount", "direction"),
    [
        ("The shares slid 3.2 percent to $41.10.", 3.2, "down"),
        ("The index was up 0.8% at the close.", 0.8, "up"),
        ("Oil gained 45 cents to $71.20 a barrel.", 0.45, "up"),
        ("The bank reported a 6 percent drop in profit.", 6, "down"),
        ("Exports recorded a rise of 4.5 percent.", 4.5, "up"),
    ],
)
def test_changes_are_marked_with_their_direction(
    nlp: Any, text: str, amount: float, direction: str
) -> None:
    changes = [
        (c.value.low, c.direction)
        for c in claims(nlp, text)
        if c.value and c.value_kind == ValueKind.CHANGE
    ]
    assert (amount, direction) in changes


def test_a_level_is_not_a_change(nlp: Any) -> None:
    cs = [c for c in claims(nlp, "Unemployment stood at 5.1 percent in June.") if c.value]
    assert [c.value_kind for c in cs] == [ValueKind.LEVEL]
    cs = [c for c in claims(nlp, "The carmaker cut 800 jobs at the plant.") if c.value]
    assert [c.value_kind for c in cs] == [ValueKind.LEVEL]


def test_a_rate_is_not_a_total(nlp: Any) -> None:
    assert (600, 600, "person/day") in values(nlp, "Officials said 600 refugees a day crossed.")
    assert (18, 18, "USD/hour") in values(nlp, "Porters at the depot earn $18 an hour.")
    units = {v[2] for v in values(nlp, "About 3,000 refugees crossed a year ago.")}
    assert units == {"person"}  # "a year ago" is a time, not a period


def test_others_are_counted_as_what_came_before(nlp: Any) -> None:
    got = values(nlp, "Police detained four suspects, and nine others were questioned.")
    assert (9, 9, "defendant") in got


def test_over_before_an_amount_that_qualifies_a_noun_is_a_preposition(nlp: Any) -> None:
    (v,) = values(nlp, "The airline clashed with pilots over $40 million bonus scheme.")
    assert v == (40e6, 40e6, "USD")
    (v,) = values(nlp, "The airline was fined over $40 million.")
    assert v[0] is not None and v[0] > 40e6 and v[1] is None


def test_just_shy_of_is_an_upper_bound(nlp: Any) -> None:
    (v,) = values(nlp, "The top bid was just shy of $2 million.")
    assert v[0] is None and v[1] is not None and v[1] < 2e6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks lasted for 14 hours.", (14, 14, "hour")),
        ("He was sentenced to nine years in prison.", (9, 9, "year")),
        ("Dockers began a 72-hour strike on Monday.", (72, 72, "hour")),
    ],
)
def test_durations_are_measured_in_their_own_unit(
    nlp: Any, text: str, expected: tuple[float, float, str]
) -> None:
    got = [c for c in claims(nlp, text) if c.value and c.value.unit == expected[2]]
    assert [(c.value.low, c.value.high, c.value.unit) for c in got if c.value] == [expected]
    assert all(c.confidence < 0.6 for c in got)  # measured, never paged


def test_how_long_a_jury_deliberated_is_a_checked_duration(nlp: Any) -> None:
    texts = [
        "The panel returned its verdict after 19 hours of deliberations.",
        "Jurors deliberated for about 19 hours over three days.",
    ]
    for text in texts:
        got = [c for c in claims(nlp, text) if c.value and c.value.unit == "hour"]
        assert [c.slot for c in got] == ["measurement:deliberation"], text
        assert got[0].confidence >= 0.6, text


@pytest.mark.parametrize(
    "text",
    [
        "The ferry sank three days ago.",
        "Officials reported 40 new cases in the past 24 hours.",
        "Exports posted their biggest fall in 11 months.",
        "The 52-year-old was detained at the airport.",
        "Turnout hit its lowest level in 30 years.",
    ],
)
def test_time_anchors_and_ages_are_not_durations(nlp: Any, text: str) -> None:
    units = {c.value.unit for c in claims(nlp, text) if c.value}
    assert not units & {"hour", "day", "week", "month", "year"}


def test_an_increment_is_a_change(nlp: Any) -> None:
    (c,) = [x for x in claims(nlp, "The banks may need another $90 billion.") if x.value]
    assert (c.value_kind, c.direction) == (ValueKind.CHANGE, "up")


def test_a_compound_noun_is_counted_by_its_head(nlp: Any) -> None:
    assert (14, 14, "record") in values(nlp, "The swimmer has set 14 world records.")


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("Nobody was hurt when the old footbridge gave way, the council said.", "injured"),
        ("No one died in the warehouse blaze on Tuesday night.", "killed"),
        ("No injuries were reported among the festival staff.", "injured"),
        ("None of the bus passengers were injured in the collision.", "injured"),
    ],
)
def test_a_stated_none_is_a_count_of_zero(nlp: Any, text: str, slot: str) -> None:
    """ "Nobody was hurt" states the figure that "three were hurt" states: 0 on the same slot,
    so outlets that disagree on it are compared."""
    zeros = [c for c in claims(nlp, text) if c.value and c.value.high == 0]
    assert [(c.slot, c.value.low if c.value else None) for c in zeros] == [
        (f"quantity:person:{slot}", 0)
    ]


def test_no_casualties_is_none_dead_and_none_hurt(nlp: Any) -> None:
    """A casualty is dead or hurt: "no casualties" states both figures as 0, while a count of
    casualties stays a death count."""
    none = claims(nlp, "The coastguard said there were no casualties after the trawler sank.")
    assert sorted(c.slot or "" for c in none if c.value and c.value.high == 0) == [
        "quantity:person:injured",
        "quantity:person:killed",
    ]
    some = claims(nlp, "The coastguard counted nine casualties after the trawler sank.")
    assert [c.slot for c in some if c.value] == ["quantity:person:killed"]


@pytest.mark.parametrize(
    "text",
    [
        "No one has claimed responsibility for the attack on the depot.",
        "No one was arrested after the march through the old town.",
        "There is no sign of the missing hikers, the rangers said.",
        "Nobody expects the talks to end before the weekend.",
    ],
)
def test_a_none_on_another_frame_is_not_a_count(nlp: Any, text: str) -> None:
    """Only a none on a tally frame (killed, injured) is a figure; "no one was arrested" or
    "no group claimed it" states an open state, not a count outlets compare."""
    assert not [c for c in claims(nlp, text) if c.value and c.value.high == 0]


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("The inspectors filed a 64-page report with the ministry.", "page:size:report", 64),
        ("She read a 29-word pledge before the assembly.", "word:size:pledge", 29),
        ("A two-car crash closed the ring road for an hour.", "vehicle:size:crash", 2),
    ],
)
def test_a_hyphenated_count_sizes_the_thing_it_qualifies(
    nlp: Any, text: str, slot: str, value: int
) -> None:
    """ "A 64-page report" states how long the report is, on a fact of its own (the report's
    pages), so "a 63-page report" elsewhere is compared with it and a 12-page letter is not."""
    found = {(c.slot, c.value.low) for c in claims(nlp, text) if c.value}
    assert (f"quantity:{slot}", value) in found
    fact_keys = {c.fact.key for c in claims(nlp, text) if c.fact and c.slot and "size" in c.slot}
    assert fact_keys == {f"quantity:{slot}"}


@pytest.mark.parametrize(
    "text",
    [
        "He was handed a 12-year sentence for the fraud.",
        "The talks ended after a 90-minute meeting.",
        "A 16-year-old boy was taken to hospital.",
    ],
)
def test_a_hyphenated_duration_or_age_is_not_a_size(nlp: Any, text: str) -> None:
    assert not [c for c in claims(nlp, text) if c.slot and ":size:" in c.slot]
