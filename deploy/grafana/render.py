"""Draws a Grafana dashboard's panels to one PNG with matplotlib, from Prometheus range-query
results. Why: no Grafana runs where the tests run, yet the docs should show what the
dashboards show; the live observability test feeds this the very query results it checked.

Usage from code: ``render_dashboard(dashboard_json, results, out_path)`` where ``results``
maps ``(panel id, refId)`` to the ``data.result`` list of a ``/api/v1/query_range`` answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display where tests and CI run

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

LEGEND_FIELD = re.compile(r"\{\{\s*(\w+)\s*\}\}")
UNIT_LABELS = {"s": "seconds", "short": ""}


def unit_label(unit: str) -> str:
    """The axis label for a Grafana unit id (``suffix:records/s`` reads ``records/s``)."""
    if unit.startswith("suffix:"):
        return unit.removeprefix("suffix:")
    return UNIT_LABELS.get(unit, unit)


Series = Sequence[Mapping[str, Any]]


def legend(template: str, labels: Mapping[str, str]) -> str:
    """Grafana's ``{{label}}`` legend templating."""
    text = LEGEND_FIELD.sub(lambda m: labels.get(m.group(1), ""), template).strip()
    return text or "{" + ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}"


def _points(series: Mapping[str, Any]) -> tuple[list[datetime], list[float]]:
    times, values = [], []
    for ts, raw in series.get("values", []):
        value = float(raw)
        if math.isnan(value) or math.isinf(value):
            continue
        times.append(datetime.fromtimestamp(float(ts), UTC))
        values.append(value)
    return times, values


def render_dashboard(
    dashboard: Mapping[str, Any],
    results: Mapping[tuple[int, str], Series],
    out: Path,
    time_range: tuple[float, float] | None = None,
) -> Path:
    panels = list(dashboard["panels"])
    cols = 2
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(14, 3.2 * rows), squeeze=False)
    fig.suptitle(dashboard["title"], fontsize=14, x=0.01, ha="left")
    for index, ax in enumerate(axes.flat):
        if index >= len(panels):
            ax.set_visible(False)
            continue
        panel = panels[index]
        ax.set_title(panel["title"], fontsize=10, loc="left")
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
        ax.set_ylabel(unit_label(unit), fontsize=8)
        drawn = 0
        for target in panel["targets"]:
            for series in results.get((panel["id"], target["refId"]), []):
                times, values = _points(series)
                if not times:
                    continue
                ax.plot(
                    times,
                    values,
                    linewidth=1.2,
                    label=legend(target.get("legendFormat", ""), series.get("metric", {})),
                )
                drawn += 1
        if drawn:
            ax.legend(fontsize=7, loc="upper left", ncol=2, frameon=False)
        else:
            ax.text(0.5, 0.5, "no finite values", ha="center", va="center", transform=ax.transAxes)
        if time_range is not None:
            ax.set_xlim(*(datetime.fromtimestamp(t, UTC) for t in time_range))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out
