"""The quantity normalisation table (pure: no spaCy)."""

from __future__ import annotations

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
    ("hundreds", (100, 999)),
    ("tens of thousands", (10000, 99999)),
    ("several thousand", (1000, 9999)),
    ("two-thirds of", (63.7, 69.7)),
    ("nearly two-thirds of", (60.0, 66.7)),
]


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_count_table(text: str, expected: tuple[float | None, float | None]) -> None:
    assert normalise(text) == pytest.approx(expected)


def test_measurements_keep_exclusive_bounds_and_relative_spread() -> None:
    assert normalise("more than 7.4", counted=False) == (7.4, None)
    assert normalise("about 40", counted=False) == pytest.approx((36.0, 44.0))
    assert normalise("up to 90", counted=False) == (None, 90)


@pytest.mark.parametrize("text", ["0800 555 0142", "3-1", "112-104", "a", "the"])
def test_non_counts(text: str) -> None:
    found = [m for m in scan_numbers(split_words(text)) if m.kind != "score"]
    assert found == []
