"""One wording for values: alert titles and the Slack card say an interval the same way."""

from __future__ import annotations

import math

from claimwatch.display import format_figure, format_interval
from claimwatch.models import Interval


def test_format_interval() -> None:
    assert format_interval(Interval(low=300, high=None, unit="dead")) == "≥ 300 dead"
    assert format_interval(Interval(low=7.4, high=7.4, unit="magnitude")) == "7.4 magnitude"
    assert format_interval(Interval(low=10, high=11, unit="")) == "10–11"


def test_format_interval_open_upper_end_and_whole_numbers() -> None:
    assert format_interval(Interval(low=None, high=12, unit="dead")) == "≤ 12 dead"
    assert format_interval(Interval(low=1e6, high=1e6, unit="people")) == "1000000 people"
    assert format_interval(Interval(low=None, high=None, unit="country")) == "? country"


def test_strict_bounds_read_as_more_or_less_than() -> None:
    more = Interval(low=math.nextafter(5.0, math.inf), high=None, unit="percent")
    less = Interval(low=None, high=math.nextafter(8.0, -math.inf), unit="USD")
    assert format_interval(more) == "> 5 percent"
    assert format_interval(less) == "< 8 USD"
    assert format_interval(Interval(low=5.0, high=None, unit="percent")) == "≥ 5 percent"


def test_a_count_up_to_a_ceiling_reads_as_the_ceiling() -> None:
    # "up to 50,000 customers" is [0, 50000]: a count never goes below none
    assert format_figure(Interval(low=0, high=50000, unit="person"), counted=True) == "≤ 50000"
    assert format_figure(Interval(low=0, high=0, unit="person"), counted=True) == "0"
    assert format_figure(Interval(low=36, high=44, unit="person"), counted=True) == "36–44"


def test_a_converted_measurement_is_shown_at_a_readable_precision() -> None:
    # "a 90-yard kick return" is stored as 82.296 m: the title says 82.3 m, not every digit
    assert format_figure(Interval(low=82.296, high=82.296, unit="m"), counted=False) == "82.3 m"
    assert format_figure(Interval(low=76.8096, high=76.8096, unit="m"), counted=False) == "76.81 m"
    # small values (a calibre, a share) and whole numbers keep what was stated
    assert format_figure(Interval(low=0.357, high=0.357, unit="caliber"), counted=False) == (
        "0.357 caliber"
    )
    assert format_figure(Interval(low=24.14, high=25.75, unit="km"), counted=False) == (
        "24.14–25.75 km"
    )
