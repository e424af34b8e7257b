"""Values that are not a count of a noun but are still checkable: shares written in digits,
ratios, multiples, lists of numbers sharing one noun, and an amount whose currency is named
before it. Each on sentences written for this test, in the style of exam questions and
headlines (issue 16, EQUATE misses)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from extracting import values


def test_a_share_in_digits_is_a_percentage_not_a_count_of_its_denominator(nlp: Any) -> None:
    assert values(nlp, "Exactly 2/5 of the horses in the stable are grey.") == {
        (40.0, 40.0, "percent")
    }
    assert values(nlp, "Exactly 2 / 5 of the horses in the stable are grey.") == {
        (40.0, 40.0, "percent")
    }


def test_less_than_a_share_is_disjoint_from_the_share(nlp: Any) -> None:
    assert values(nlp, "Less than 2/5 of the horses in the stable are grey.") == {
        (None, math.nextafter(40.0, -math.inf), "percent")
    }


def test_a_ratio_named_in_the_sentence_is_its_quotient(nlp: Any) -> None:
    assert values(nlp, "The ratio of apples to pears in the crate is 5:4.") == {
        (1.25, 1.25, "ratio")
    }
    below = values(nlp, "The ratio of apples to pears in the crate is less than 5: 4.")
    assert below == {(None, math.nextafter(1.25, -math.inf), "ratio")}


def test_a_time_or_a_three_part_ratio_is_not_a_ratio(nlp: Any) -> None:
    assert not any(u == "ratio" for _, _, u in values(nlp, "The train left at 9:45 on Friday."))
    timed = values(nlp, "Officials said the staffing ratio of 1:8 was met by 9:45 a.m. on Friday.")
    assert {(lo, u) for lo, _, u in timed if u == "ratio"} == {(0.125, "ratio")}
    shared = values(nlp, "The profit was shared in the ratio 3:4:5 among the partners.")
    assert not any(u == "ratio" for _, _, u in shared)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Oskar is 3 times as old as his niece.", 3.0),
        ("The new tower is four times taller than the old one.", 4.0),
        ("Lena is 2 times Karl's age.", 2.0),
        ("The lake is 5 times the size of the reservoir.", 5.0),
    ],
)
def test_a_multiple_of_another_value(nlp: Any, text: str, value: float) -> None:
    assert (value, value, "multiple") in values(nlp, text)


@pytest.mark.parametrize(
    "text",
    ["The pills are taken three times a day.", "She has visited the island 4 times."],
)
def test_occasions_are_not_multiples(nlp: Any, text: str) -> None:
    assert not any(u == "multiple" for _, _, u in values(nlp, text))


def test_a_list_of_numbers_counts_the_noun_of_its_last_number(nlp: Any) -> None:
    got = values(nlp, "Maria scored 71, 58, 90 and 64 points in the four rounds.")
    assert {(v, v, "point") for v in (71.0, 58.0, 90.0, 64.0)} <= got


def test_a_list_ending_in_a_measure_gives_no_counts(nlp: Any) -> None:
    got = values(nlp, "The trails are 3, 4 and 5 km long.")
    assert (5.0, 5.0, "km") in got
    assert {u for _, _, u in got} == {"km"}


@pytest.mark.parametrize(
    "text",
    ["On June 4, 12 people were hurt in the fire.", "Lot 7, 9 cars and a van were sold."],
)
def test_a_date_or_a_comma_before_a_count_is_not_a_list(nlp: Any, text: str) -> None:
    assert not any(low in (4.0, 7.0) for low, _, _ in values(nlp, text))


def test_a_year_in_a_list_is_not_counted(nlp: Any) -> None:
    got = values(nlp, "Sales in 2019, 2020 and 2021 fell to 40 cars a month.")
    assert not any(low in (2019.0, 2020.0) for low, _, _ in got)


def test_a_currency_named_before_the_amount_and_its_modifier(nlp: Any) -> None:
    assert (2.0, 2.0, "USD") in values(nlp, "The fee was US Dollar 2 for every 10 calls.")
    more = values(nlp, "The fee was US Dollar more than 2 for every 10 calls.")
    assert (math.nextafter(2.0, math.inf), None, "USD") in more
