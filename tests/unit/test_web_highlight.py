"""Finding the number in an evidence sentence, cutting text at overlapping marks, and the
chart's geometry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from claimwatch_web.chart import Observation, figure_chart
from claimwatch_web.highlight import mark_numbers, phrase_value, segments


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("4,000", 4000),
        ("1.2 million", 1_200_000),
        ("twenty-six", 26),
        ("two dozen", 24),
        ("fourth", 4),
        ("3rd", 3),
        ("thousands", 1000),
        ("one hundred and twelve", 112),
    ],
)
def test_phrase_values(phrase: str, value: float) -> None:
    assert phrase_value(phrase) == value


def _marked(sentence: str, low: float | None, high: float | None) -> list[str]:
    return [s.text for s in mark_numbers(sentence, low, high) if s.marked]


def test_the_number_saying_the_interval_is_marked_with_its_qualifier() -> None:
    text = "Officials said at least 300 of the 4,000 residents died in 2 towns."
    assert _marked(text, 300, None) == ["at least 300"]
    assert _marked("More than two dozen countries agreed.", 24, None) == ["More than two dozen"]
    assert _marked("The war is in its fourth year.", 4, 4) == ["fourth"]
    # no end matches: a number inside the interval ("about 60" read as [54, 66])
    assert _marked("The quake hit 10 km deep, about 60 km away.", 54, 66) == ["about 60"]
    # "more than 1,200" is stored as 1201
    assert _marked("They treated more than 1,200 people.", 1201, None) == ["more than 1,200"]
    # nothing fits: every number is shown rather than none
    assert _marked("A 7.4 quake hit 3 towns.", 9, 9) == ["7.4", "3"]


def test_overlapping_and_out_of_range_spans() -> None:
    parts = segments("abcdefgh", [(0, 4, 1), (2, 6, 2), (7, 99, 3)])
    assert [(p.text, p.marks) for p in parts] == [
        ("ab", (1,)),
        ("cd", (1, 2)),
        ("ef", (2,)),
        ("g", ()),
        ("h", (3,)),
    ]


def test_a_chart_needs_two_values_and_follows_time() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert figure_chart([Observation(t0, 5, 5, "a")]) is None
    chart = figure_chart(
        [
            Observation(t0 + timedelta(hours=2), 12, 12, "b"),
            Observation(t0, 10, None, "a"),
        ],
        "person",
    )
    assert chart is not None
    first, second = chart.points
    assert first.x < second.x  # time order
    assert first.y > second.y  # 10 is drawn below 12
    assert first.open_up and not second.open_up
    assert first.title.startswith("a: ≥ 10 person")
