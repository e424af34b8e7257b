"""One wording for values: alert titles and the Slack card say an interval the same way."""

from __future__ import annotations

import math

from claimwatch.display import format_interval
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
