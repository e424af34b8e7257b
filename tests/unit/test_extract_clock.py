"""Durations keyed by what lasted, clock times of a named event, and an event's place in its
period's series (issue 15): sentences written for this test, about invented events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from extracting import claims

from claimwatch.display import format_figure
from claimwatch.models import Article, Claim, FactTime, Interval
from claimwatch_extract.lexicon import load_lexicon
from claimwatch_extract.numbers import scan_numbers, split_words
from claimwatch_extract.pipeline import extract_batch


def keyed(nlp: Any, text: str, unit: str) -> list[tuple[str, float | None, float | None]]:
    """(fact key, low, high) of the claims in ``unit``."""
    got: list[Claim] = [c for c in claims(nlp, text) if c.value and c.value.unit == unit]
    return [(c.fact.key if c.fact else "", c.value.low, c.value.high) for c in got if c.value]


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Fans sat through a 25-minute rain delay before the eighth inning.", "delay", 25),
        ("The opener was delayed 40 minutes by a storm.", "delay", 40),
        ("The two presidents spoke in a phone call lasting 35 minutes.", "call", 35),
        ("The premier held a 45 minute phone conversation with the king.", "call", 45),
        ("Their call lasted 20 minutes.", "call", 20),
    ],
)
def test_a_duration_is_keyed_by_what_lasted(nlp: Any, text: str, key: str, value: int) -> None:
    (got,) = keyed(nlp, text, "minute")
    assert got == (f"measurement:{key}", value, value)
    (claim,) = [c for c in claims(nlp, text) if c.value and c.value.unit == "minute"]
    assert claim.confidence >= 0.6  # checked: a delay or a call pages like a deliberation


@pytest.mark.parametrize(
    "text",
    [
        "Callers can ring a 24-hour phone line for news of relatives.",
        "The mayor called for a 30-minute silence at noon.",
        "The ministers spoke for 20 minutes by phone.",
    ],
)
def test_a_duration_of_something_else_is_no_call_or_delay(nlp: Any, text: str) -> None:
    keys = {c.fact.key for c in claims(nlp, text) if c.fact}
    assert not keys & {"measurement:call", "measurement:delay"}


def test_half_an_hour_is_thirty_minutes_of_the_delay(nlp: Any) -> None:
    got = keyed(nlp, "Rain meant the final was delayed for about half an hour.", "minute")
    assert got == [("measurement:delay", 27.0, 33.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half a million people", (500_000, 500_000)),
        ("half a dozen boats", (6, 6)),
        ("an hour and a half later", (1.5, 1.5)),
        ("half an hour", (0.5, 0.5)),
    ],
)
def test_halves_are_read(text: str, expected: tuple[float, float]) -> None:
    (m,) = scan_numbers(split_words(text), load_lexicon())
    assert (m.low, m.high) == expected


@pytest.mark.parametrize(
    ("text", "round_", "seconds"),
    [
        ("The referee stopped the bout 50 seconds into the fourth round.", 4, 50),
        ("She won after 50 seconds of the fourth round, when the referee ended it.", None, 0),
        ("He was down again in the fifth, and the referee stopped it at 2 : 41.", 5, 161),
        ("The referee halted the contest at 1:35 of the ninth round.", 9, 95),
    ],
)
def test_a_time_into_a_round_is_the_stoppage_of_that_round(
    nlp: Any, text: str, round_: int | None, seconds: int
) -> None:
    got = [g for g in keyed(nlp, text, "second") if "stoppage" in g[0]]
    expected = [(f"measurement:stoppage_time:round {round_}", seconds, seconds)]
    assert got == (expected if round_ is not None else [])  # "won" dates no stoppage


def test_a_clock_time_without_a_round_is_not_a_stoppage(nlp: Any) -> None:
    assert keyed(nlp, "The referee stopped the bout at the 1:35 mark.", "second") == []


@pytest.mark.parametrize(
    ("text", "key", "hours"),
    [
        ("The jet landed in Lisbon at 9:40 p.m. on Monday.", "arrival_time", 21.6667),
        ("The ferry's passengers arrived in port at 21:05.", "arrival_time", 21.0833),
        ("The plane took off from Oslo at 12:10 a.m. on Friday.", "departure_time", 0.1667),
        ("The train left the station at 6:45 am ET.", "departure_time:et", 6.75),
    ],
)
def test_a_time_of_day_is_keyed_by_its_event(nlp: Any, text: str, key: str, hours: float) -> None:
    assert keyed(nlp, text, "hour of day") == [(f"measurement:{key}", hours, hours)]


@pytest.mark.parametrize(
    "text",
    [
        "The jet landed in Lisbon at 9:40 on Monday.",  # a.m. or p.m.?
        "The plane was due to take off at 11:50 pm.",  # planned, not kept
        "The plane will land at 8:40 am on Sunday.",
        "He left his flat at 10:30 p.m. and walked to the bar.",  # no vehicle
        "The council met at 7:30 p.m. and voted at 9:15 p.m.",  # a timeline
    ],
)
def test_other_clock_times_are_not_read(nlp: Any, text: str) -> None:
    assert keyed(nlp, text, "hour of day") == []


@pytest.mark.parametrize(
    "text",
    [
        "This is the 12th rocket test this year and the first since the summit.",
        "Officials said it was the 12th launch of a cruise missile by the regime this year.",
        "The rocket was the third to fly over the island in a month and the 12th test this year.",
    ],
)
def test_an_event_ranked_in_its_years_series(nlp: Any, text: str) -> None:
    (got,) = keyed(nlp, text, "ordinal")
    assert got == ("ordinal_period:test:series:year", 12, 12)


@pytest.mark.parametrize(
    "text",
    [
        "It was his 5th touchdown drive this season.",
        "The 12th test of the engine is planned for May.",
        "The third attack in a week hit the market.",
    ],
)
def test_other_ordinals_rank_no_series(nlp: Any, text: str) -> None:
    assert keyed(nlp, text, "ordinal") == []


def test_clock_and_series_values_read_as_written() -> None:
    assert format_figure(Interval(low=21.67, high=21.67, unit="hour of day"), False) == "21:40"
    assert format_figure(Interval(low=0.1667, high=0.1667, unit="hour of day"), False) == "00:10"
    assert format_figure(Interval(low=12, high=12, unit="ordinal"), False) == "12th"


def test_a_stoppage_takes_the_round_of_its_own_clause(nlp: Any) -> None:
    text = (
        "After flooring her rival in the second round, she finished the job in the third with "
        "a burst of hooks that forced the official to step between them and halt the contest "
        "at the 1:50 mark."
    )
    assert keyed(nlp, text, "second") == [("measurement:stoppage_time:round 3", 110, 110)]


@pytest.mark.parametrize(
    ("date", "time"), [("Dec. 31, 2029", FactTime.CURRENT), ("Oct. 3, 2029", FactTime.BACKGROUND)]
)
def test_the_last_days_of_the_previous_year_are_the_story_s(
    nlp: Any, date: str, time: FactTime
) -> None:
    text = f"The jet landed in Lisbon at 9:40 p.m. on {date}."
    at = datetime(2030, 1, 1, 9, tzinfo=UTC)
    art = Article(id="t", source="s", text=text, original_text=text, published_at=at)
    ((_, out),) = extract_batch(nlp, [art])
    assert [c.fact.time for c in out.claims if c.fact] == [time]
