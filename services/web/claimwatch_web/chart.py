"""A small chart of one figure over time, as plain numbers for an inline SVG.

Why not a charting library: a handful of points and two axes are all a fact-checker needs next
to the evidence, and an inline SVG needs no script and no build step. The template draws what
this computes; nothing here touches article text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from claimwatch.display import format_interval, format_number
from claimwatch.models import Interval

WIDTH = 420
HEIGHT = 150
PAD_LEFT = 56
PAD_RIGHT = 16
PAD_TOP = 14
PAD_BOTTOM = 28


@dataclass(frozen=True)
class Observation:
    at: datetime
    low: float | None
    high: float | None
    label: str


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    y_top: float
    """Top of the interval's bar (equal to ``y`` for an exact value)."""
    open_up: bool
    open_down: bool
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[ChartPoint]
    path: str
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    baseline: float
    left: float
    right: float


def figure_chart(observations: Sequence[Observation], unit: str = "") -> Chart | None:
    """The chart of these observations in time order, or ``None`` with fewer than two values."""
    points = sorted((o for o in observations if o.low is not None or o.high is not None),
                    key=lambda o: o.at)  # fmt: skip
    if len(points) < 2:
        return None
    values = [v for o in points for v in (o.low, o.high) if v is not None]
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    margin = (hi - lo) * 0.12
    lo, hi = lo - margin, hi + margin
    t0, t1 = points[0].at.timestamp(), points[-1].at.timestamp()
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x_of(i: int, o: Observation) -> float:
        if t1 == t0:
            return PAD_LEFT + inner_w * (i / (len(points) - 1))
        return PAD_LEFT + inner_w * ((o.at.timestamp() - t0) / (t1 - t0))

    def y_of(v: float) -> float:
        return PAD_TOP + inner_h * (1 - (v - lo) / (hi - lo))

    out: list[ChartPoint] = []
    for i, o in enumerate(points):
        known = o.low if o.low is not None else o.high
        assert known is not None
        top = o.high if o.high is not None else known
        shown = format_interval(Interval(low=o.low, high=o.high, unit=unit))
        out.append(
            ChartPoint(
                x=round(x_of(i, o), 1),
                y=round(y_of(known), 1),
                y_top=round(y_of(top), 1),
                open_up=o.high is None,
                open_down=o.low is None,
                title=f"{o.label}: {shown} ({o.at:%Y-%m-%d %H:%M} UTC)",
            )
        )
    path = "M " + " L ".join(f"{p.x} {p.y}" for p in out)
    mid = (min(values) + max(values)) / 2
    y_ticks = [(round(y_of(v), 1), format_number(round(v, 6))) for v in
               sorted({min(values), mid, max(values)})]  # fmt: skip
    x_ticks = [
        (out[0].x, f"{points[0].at:%d %b %H:%M}"),
        (out[-1].x, f"{points[-1].at:%d %b %H:%M}"),
    ]
    return Chart(WIDTH, HEIGHT, out, path, y_ticks, x_ticks, HEIGHT - PAD_BOTTOM, PAD_LEFT,
                 WIDTH - PAD_RIGHT)  # fmt: skip
