"""Article dates: the window ingest accepts, and date arithmetic that cannot overflow.

A date is untrusted input. "9999-12-31T23:59:59Z" is valid ISO 8601, but adding a story
window to it overflows ``datetime`` — that once crash-looped the alert stage for good. So
ingest refuses a ``published_at`` outside a window around now (``DateWindow``, from
``Settings.published_at_max_age_days`` and ``published_at_max_ahead_h``), and stages that
compute with dates read from a topic (which any producer can write) use ``shift``, which
saturates at ``datetime``'s limits instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

LATEST = datetime.max.replace(tzinfo=UTC)
EARLIEST = datetime.min.replace(tzinfo=UTC)


def aware(at: datetime) -> datetime:
    """``at`` with a time zone; a naive time is taken as UTC (the ingest contract)."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def shift(at: datetime, delta: timedelta) -> datetime:
    """``at + delta``, saturating at ``datetime``'s limits instead of raising OverflowError."""
    try:
        return at + delta
    except OverflowError:
        limit = LATEST if delta > timedelta(0) else EARLIEST
        return limit if at.tzinfo else limit.replace(tzinfo=None)


@dataclass(frozen=True)
class DateWindow:
    """Publication dates a news article can plausibly carry, relative to now.

    Wide into the past (archives are replayed: real corpora reach back decades), narrow into
    the future (time-zone slips and embargoes, not years).
    """

    max_age: timedelta
    max_ahead: timedelta

    @classmethod
    def of(cls, max_age_days: float, max_ahead_h: float) -> DateWindow:
        return cls(timedelta(days=max_age_days), timedelta(hours=max_ahead_h))

    def bounds(self, now: datetime) -> tuple[datetime, datetime]:
        return shift(now, -self.max_age), shift(now, self.max_ahead)

    def contains(self, at: datetime, now: datetime | None = None) -> bool:
        return self.problem(at, now) is None

    def problem(self, at: datetime, now: datetime | None = None) -> str | None:
        """Why ``at`` is outside the window around ``now`` (a sentence), or ``None``."""
        now = aware(now or datetime.now(UTC))
        at = aware(at)
        earliest, latest = self.bounds(now)
        if at > latest:
            hours = self.max_ahead.total_seconds() / 3600
            return (
                f"{at.isoformat()} is more than {hours:g} h after now ({now:%Y-%m-%dT%H:%MZ}); "
                "send the real publication time (or none)"
            )
        if at < earliest:
            days = self.max_age.total_seconds() / 86400
            return (
                f"{at.isoformat()} is more than {days:g} days before now; "
                "send the real publication time (or none)"
            )
        return None
