"""How a person reads a value: one wording for alert titles, explanations, Slack and the terminal.

An alert's title and the Slack card built from it must say a value the same way, so every
stage formats an ``Interval`` here and nowhere else.
"""

from __future__ import annotations

import math
import re

from claimwatch.models import Interval


def format_number(x: float) -> str:
    """``26`` not ``26.0``, ``7.4``, and ``1000000`` rather than ``1e+06``; a strict bound
    (the float next to a number, see ``Interval``) as that number."""
    x = _as_written(x)
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _as_written(x: float) -> float:
    """The number a strict bound was written as: 5.000000000000001 -> 5."""
    written = float(f"{x:.12g}")
    return written if math.nextafter(written, x) == x else x


def _strict(x: float) -> bool:
    return _as_written(x) != x


def format_interval(value: Interval) -> str:
    """``26 country``, ``≥ 300 dead``, ``≤ 12 dead``, ``24–30 country``; an open end as ≥/≤,
    or as >/< when the bound is strict ("more than 5 percent": ``> 5 percent``)."""
    low, high, unit = value.low, value.high, value.unit
    if low is not None and high is not None:
        core = format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
    elif low is not None:
        core = f"{'>' if _strict(low) else '≥'} {format_number(low)}"
    elif high is not None:
        core = f"{'<' if _strict(high) else '≤'} {format_number(high)}"
    else:
        core = "?"
    return f"{core} {unit}".strip()


PERIOD_UNITS = frozenset({"day", "week", "month", "year"})
BARE_UNITS = frozenset({"magnitude"})
ORDINAL_UNIT = "ordinal"
"""A place in a series: "the 12th test this year" is 15 of unit ``ordinal``."""
CLOCK_UNIT = "hour of day"
"""A time of day in hours since midnight: "9:40 p.m." is 21.67."""


def _ordinal(n: float) -> str:
    k = int(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def format_figure(value: Interval, counted: bool) -> str:
    """A figure as an alert title says it: a count bare ("7", "≥ 51", a person's age "32"),
    since the fact already names what is counted; a period as an ordinal ("4th year"); a
    magnitude bare ("6.8"); anything else as ``format_interval`` ("58 percent", "25 km")."""
    low, high = value.low, value.high
    if counted and low == 0 and high is not None and high > 0:
        low = None  # "up to 50,000": a count is never below none, so [0, N] reads "≤ N"
    if counted or value.unit in BARE_UNITS:
        return format_interval(value.model_copy(update={"low": low, "unit": ""}))
    if value.unit in PERIOD_UNITS and low is not None and low == high:
        return f"{_ordinal(low)} {value.unit}"
    if value.unit == ORDINAL_UNIT and low is not None and low == high:
        return _ordinal(low)  # "the 12th test this year": "12th"
    if value.unit == CLOCK_UNIT and low is not None and low == high:
        minutes = round(low * 60)  # hours since midnight: 21.67 -> "21:40"
        return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    if _CURRENCY.fullmatch(value.unit):
        return _format_money(value)
    return format_interval(_readable(value))


def _readable(value: Interval) -> Interval:
    """A converted measurement at the precision a person reads: "84 yards" becomes 76.8096 m,
    shown as 76.81 m. Only the shown value is rounded; comparisons use the exact one."""

    def shown(x: float | None) -> float | None:
        if x is None or not math.isfinite(x) or _strict(x) or abs(x) < 1:
            return x
        return round(x, 2)

    return value.model_copy(update={"low": shown(value.low), "high": shown(value.high)})


_CURRENCY = re.compile(r"[A-Z]{3}(/\w+)?")
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _format_money(value: Interval) -> str:
    """An amount in its scale word: ``145.5–146.5 billion USD``, ``> 5 billion USD``."""
    ends = [abs(x) for x in (value.low, value.high) if x is not None and math.isfinite(x)]
    top = max(ends, default=0.0)
    for size, word in _SCALES:
        if top >= size:
            low = _scaled(value.low, size, math.inf)
            high = _scaled(value.high, size, -math.inf)
            return f"{format_interval(Interval(low=low, high=high, unit=''))} {word} {value.unit}"
    return format_interval(value)


def _scaled(x: float | None, size: float, inward: float) -> float | None:
    """``x`` in units of ``size``, a strict bound kept strict (nudged towards ``inward``)."""
    if x is None:
        return None
    shown = round(x / size, 6)
    return math.nextafter(shown, inward) if _strict(x) else shown
