"""The quantity normalisation table (pure: no spaCy)."""

from __future__ import annotations

import math

import pytest

from claimwatch_extract.numbers import normalise, scan_numbers, split_words

COUNTS = [
    ("26", (26, 26)),
    ("twenty-six", (26, 26)),
    ("two hundred and fifty", (250, 250)),
    ("1,200", (1200, 1200)),
    ("1.2 million", (1_200_000, 1_200_000)),
    ("a dozen", (12, 12)),
    ("two dozen", (24, 24)),
    ("more than two dozen", (25, None)),
    ("more than 24", (25, None)),
    ("at least 300", (300, None)),
    ("50 or more", (50, None)),
    ("nearly a dozen", (10, 11)),
    ("nearly 6,000", (5100, 5999)),
    ("about 2,000", (1800, 2200)),
    ("an estimated 80,000", (72000, 88000)),
    ("up to 30,000", (0, 30000)),
    ("fewer than 10", (0, 9)),
    ("between 40 and 50", (40, 50)),
    ("40 to 50", (40, 50)),
    ("dozens", (20, 199)),
    ("hundreds", (100, 1000)),
    ("tens of thousands", (10000, 100000)),
    ("several thousand", (1000, 10000)),
    ("three to four thousand", (3000, 4000)),
    ("410K", (410_000, 410_000)),
    ("2.5bn", (2_500_000_000, 2_500_000_000)),
    ("two and a half", (2.5, 2.5)),
    ("10 000", (10_000, 10_000)),
    ("more than 31, 000", (31_001, None)),  # tokenised text sets the separator apart
    ("4, 062", (4062, 4062)),
    ("1, 000, 000", (1_000_000, 1_000_000)),
    ("two-thirds of", (63.7, 69.7)),
    ("nearly two-thirds of", (60.0, 66.7)),
]


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_count_table(text: str, expected: tuple[float | None, float | None]) -> None:
    assert normalise(text) == pytest.approx(expected)


def test_real_values_keep_strict_bounds_strict() -> None:
    """ "more than 7.4" excludes 7.4 as "more than 24" excludes 24: its end is the next float."""
    more = normalise("more than 7.4", counted=False)
    assert more is not None and more[1] is None and more[0] is not None
    assert more[0] > 7.4 and more[0] == math.nextafter(7.4, math.inf)
    less = normalise("less than 8", counted=False)
    assert less is not None and less[0] is None and less[1] == math.nextafter(8, -math.inf)
    assert normalise("at least 7.4", counted=False) == (7.4, None)
    assert normalise("up to 90", counted=False) == (None, 90)
    assert normalise("below 3.5", counted=False) == (None, math.nextafter(3.5, -math.inf))
    assert normalise("about 40", counted=False) == pytest.approx((36.0, 44.0))


def test_strict_bound_is_disjoint_from_its_value_and_meets_a_larger_one() -> None:
    low, _ = normalise("more than 50", counted=False) or (None, None)
    assert low is not None and low > 50 and low < 50.001


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("between 4% and 6%", (4, 6)),
        ("1.5 per cent to 2 per cent", (1.5, 2)),
        ("from 9 miles to 12 miles", (9, 12)),
        ("from -12 to -30", (-30, -12)),
    ],
)
def test_ranges_with_the_unit_on_both_ends(text: str, interval: tuple[float, float]) -> None:
    assert normalise(text, counted=False) == interval


@pytest.mark.parametrize(
    "text",
    [
        "climbed from 40 to 55",  # a move, not a range
        "grew by 40 to 55",
        "in 2017 to 80",  # a year, then a value
        "lost 12 sen to 4.10",
    ],
)
def test_a_move_or_a_year_is_not_a_range(text: str) -> None:
    found = [m for m in scan_numbers(split_words(text)) if m.kind != "score"]
    assert found and all(m.kind != "range" for m in found), found


def test_minus_and_tilde() -> None:
    assert normalise("minus 12", counted=False) == (-12, -12)
    assert normalise("~30", counted=False) == pytest.approx((27, 33))


def test_an_ambiguous_abbreviation_needs_money_or_a_plural_noun() -> None:
    """ "5m" alone may be metres: it is left for the unit reader."""
    (m,) = scan_numbers(split_words("a 5 m wall"))
    assert (m.low, m.scale) == (5, None)
    (m,) = scan_numbers(split_words("5 m visitors"), tags=["CD", "CD", "NNS"])
    assert (m.low, m.scale) == (5_000_000, "m")


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$7.5m", 7_500_000, "USD"),
        ("more than €2bn", 2_000_000_000, "EUR"),
        ("US $4.1 billion", 4_100_000_000, "USD"),
        ("£950", 950, "GBP"),
        ("Rs 300", 300, "INR"),
        ("EUR 12", 12, "EUR"),
    ],
)
def test_currency_in_front_of_the_number(text: str, value: float, currency: str) -> None:
    (m,) = scan_numbers(split_words(text))
    assert (m.low, m.currency) == (value, currency)


def test_money_range_shares_the_scale_of_its_upper_end() -> None:
    (m,) = scan_numbers(split_words("$20 to $25 billion"))
    assert (m.kind, m.low, m.high, m.currency) == ("range", 20e9, 25e9, "USD")
    (m,) = scan_numbers(split_words("from $600,000 to $1.1 million"))
    assert (m.low, m.high) == (600_000, 1_100_000)


@pytest.mark.parametrize("text", ["0800 555 0142", "3-1", "112-104", "a", "the"])
def test_non_counts(text: str) -> None:
    found = [m for m in scan_numbers(split_words(text)) if m.kind != "score"]
    assert found == []


WRITTEN = [
    # a share written in digits is exact as written, with or without spaces
    ("3/8 of the seats", "fraction", (37.5, 37.5)),
    ("3 / 8 of the seats", "fraction", (37.5, 37.5)),
    ("1/3 of the staff", "fraction", (32.8, 33.8)),  # not a whole tenth: the rounding of 33%
    ("the ratio of nurses to doctors is 5:2", "ratio", (2.5, 2.5)),
    ("the ratio of nurses to doctors is 5 : 2", "ratio", (2.5, 2.5)),
]


@pytest.mark.parametrize(("text", "kind", "expected"), WRITTEN)
def test_fractions_and_ratios_written_in_digits(
    text: str, kind: str, expected: tuple[float, float]
) -> None:
    assert [m.kind for m in scan_numbers(split_words(text))] == [kind]
    assert normalise(text, counted=False) == pytest.approx(expected)


def test_a_strict_bound_on_a_written_fraction_or_ratio_excludes_it() -> None:
    less = normalise("less than 3/8 of the seats", counted=False)
    assert less == (None, math.nextafter(37.5, -math.inf))
    more = normalise("the ratio of nurses to doctors rose to more than 5:2", counted=False)
    assert more == (math.nextafter(2.5, math.inf), None)


@pytest.mark.parametrize(
    "text",
    [
        "the meeting starts at 10:30 on Monday",  # a time: no ratio named before it
        "the ratio of their stakes is 2:3:5",  # three parts: not one value
        "the service runs 24/7",  # no "of": not a share
        "the ruling of 12/11 stands",  # a date-like pair, not followed by "of"
    ],
)
def test_pairs_that_are_not_fractions_or_ratios(text: str) -> None:
    kinds = {m.kind for m in scan_numbers(split_words(text))}
    assert not kinds & {"fraction", "ratio"}


def test_a_currency_name_or_code_before_a_modifier() -> None:
    """ "US Dollar 5", "Rupees 250", "USD more than 5": the currency opens the phrase."""
    words = split_words("a fee of US Dollar more than 5 per call")
    (m,) = scan_numbers(words)
    assert (m.currency, m.op, m.low) == ("USD", "gt", 5)
    assert words[m.start : m.start + 2] == ["us", "dollar"]
    (r,) = scan_numbers(split_words("tickets cost Rupees 250 each"))
    assert (r.currency, r.low, r.op) == ("INR", 250, None)


def test_a_currency_code_before_a_modifier_does_not_open_an_amount() -> None:
    """ "figures in USD over 5 years": the code ends one phrase, "over 5 years" is another."""
    (m,) = scan_numbers(split_words("figures in USD over 5 years"))
    assert m.currency is None


def test_a_spaced_separator_after_a_month_is_a_date_and_a_count() -> None:
    """ "On May 5, 200 marched": a date and a count, not 5,200."""
    words = split_words("on may 5, 200 people marched")
    assert [(m.low, m.high) for m in scan_numbers(words)] == [(5, 5), (200, 200)]
    words = split_words("on sept. 5, 200 people marched")
    assert [(m.low, m.high) for m in scan_numbers(words)] == [(5, 5), (200, 200)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("she broke the mark of 1, 874 points", 1874),
        ("about 2, 350 homes were flooded", 2350),
        ("a crowd of 14, 210 watched", 14210),
        ("the 412, 660 votes counted", 412660),
        ("the mark of 2, 116 or more", 2116),
    ],
)
def test_a_thousands_figure_with_its_comma_set_apart_is_one_number(text: str, value: int) -> None:
    """Some feeds' text conversion puts a space after every comma, thousands ones too."""
    (m,) = scan_numbers(split_words(text))
    assert m.num_end - m.num_start == 3
    assert m.low <= value <= (m.high or value)


def test_a_range_of_two_spaced_thousands_figures_is_one_range() -> None:
    found = scan_numbers(split_words("between 1, 874 and 2, 116 fans"))
    assert [(m.low, m.high) for m in found] == [(1874, 2116)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("marks of 1, 2, 340 and 5", [1, 2, 340, 5]),  # a list
        ("she scored 3, 4, 105 and 6", [3, 4, 105, 6]),
        ("a list of 12, 145, 9", [12, 145, 9]),
        ("some 300, 400 metres away", [300, 400]),  # two round hundreds: a list
        ("the 6-11, 240 forward", [(6, 11), 240]),  # a height and a weight
        ("of the 150, 100 were children", [150, 100]),  # a whole, then its part
        ("among the 240, 130 were freed", [240, 130]),
        ("the tallies were 12, 140 and 9", [12, 140, 9]),  # a list's last two
        ("by 9, 300 people were queuing", [9, 300]),  # an hour, then a count
        ("at 4 : 43, 200 fans had left", [4, 43, 200]),  # a clock time, then a count
    ],
)
def test_a_list_a_pair_of_round_hundreds_or_a_height_is_not_one_thousands_figure(
    text: str, values: list[float | tuple[float, float]]
) -> None:
    found = [(m.low, m.high) for m in scan_numbers(split_words(text))]
    want = [v if isinstance(v, tuple) else (v, v) for v in values]
    assert found == want
