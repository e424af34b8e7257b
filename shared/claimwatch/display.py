"""How a person reads a value: one wording for alert titles, explanations, Slack and the terminal.

An alert's title and the Slack card built from it must say a value the same way, so every
stage formats an ``Interval`` here and nowhere else.
"""

from __future__ import annotations

from claimwatch.models import Interval


def format_number(x: float) -> str:
    """``26`` not ``26.0``, ``7.4``, and ``1000000`` rather than ``1e+06``."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def format_interval(value: Interval) -> str:
    """``26 country``, ``≥ 300 dead``, ``≤ 12 dead``, ``24–30 country`` (an open end as ≥/≤)."""
    low, high, unit = value.low, value.high, value.unit
    if low is not None and high is not None:
        core = format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
    elif low is not None:
        core = f"≥ {format_number(low)}"
    elif high is not None:
        core = f"≤ {format_number(high)}"
    else:
        core = "?"
    return f"{core} {unit}".strip()
