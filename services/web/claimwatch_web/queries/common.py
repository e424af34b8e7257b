"""What every page's query reads the same way: an article's time and how a value reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from claimwatch.display import format_interval
from claimwatch.models import Interval
from claimwatch_web.schema import utc


def article_time(a: Any) -> datetime:
    """Published time, or the time claimwatch saw it when the outlet gave none."""
    return utc(a.published_at if a.published_at is not None else a.ingested_at)


def interval_text(low: float | None, high: float | None, unit: str | None) -> str:
    return format_interval(Interval(low=low, high=high, unit=unit or ""))
