"""How a person reads a value: one wording for alert titles, explanations, Slack and the terminal.

An alert's title and the Slack card built from it must say a value the same way, so every
stage formats an ``Interval`` here and nowhere else.
"""

from __future__ import annotations

import math

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
