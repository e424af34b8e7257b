"""Retry policy: what an attempt's result means, and how long to wait before the next one.

The policy is the Standard Webhooks one (spec 1.0, "Delivery success and failure"), which Svix
and Stripe follow too: a delivery succeeds on a 2xx and every other answer is a failure that is
retried on the schedule until it succeeds or the schedule ends. That includes 4xx other than
410 and 3xx (never followed): a receiver answering 401 because it holds an old secret, or 404
during a deploy, is the common case, and it recovers once its owner fixes it. Only two answers
end a delivery early:

- 410 Gone: the receiver asks us to stop, so the subscription is disabled (the spec's rule);
- our own SSRF guard refused the target: nothing was sent, and retrying cannot change that.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

JITTER = 0.2  # +-20 %: retries of many deliveries that failed together spread out
MAX_RETRY_AFTER_S = 24 * 3600.0


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GONE = "gone"
    REFUSED = "refused"


@dataclass(frozen=True)
class AttemptResult:
    """What one HTTP attempt did; ``error`` is a short code when no response arrived."""

    status_code: int | None = None
    error: str | None = None
    detail: str | None = None
    retry_after_s: float | None = None
    latency_seconds: float | None = None


def classify(result: AttemptResult) -> Verdict:
    if result.error == "refused":
        return Verdict.REFUSED
    code = result.status_code
    if code is None:
        return Verdict.RETRY  # timeout / connection error
    if 200 <= code < 300:
        return Verdict.DELIVERED
    if code == 410:
        return Verdict.GONE
    return Verdict.RETRY  # 3xx, 4xx, 429, 5xx: a failure, retried on the schedule


def reason_of(result: AttemptResult) -> str:
    """A short bounded reason code (for metrics labels and dead letters)."""
    if result.error:
        return result.error
    code = result.status_code or 0
    return "http_429" if code == 429 else f"http_{code // 100}xx"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def next_delay(
    schedule: Sequence[float],
    attempt: int,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait before attempt ``attempt + 1`` (1-based), or ``None`` when none is left.

    The schedule gives the base delay; jitter spreads it; a receiver's ``Retry-After`` is a
    floor (we never call back sooner than asked).
    """
    if attempt >= len(schedule):
        return None
    base = float(schedule[attempt])
    jittered = base * (1 + (rng or random).uniform(-JITTER, JITTER)) if base > 0 else 0.0
    return max(jittered, retry_after_s or 0.0)
