"""Who may push, how fast, and how much at once: the push API's front door.

Three checks run before a body is read, so a refused request costs almost nothing:

- **Bearer token** (``Settings.ingest_token``): missing -> 401, wrong -> 403. Compared in
  constant time. Without a token configured the API is open (the embedded default, bound to
  127.0.0.1); docker-compose and Kubernetes set one.
- **Rate** (``ingest_rate_per_s`` / ``ingest_rate_burst``): a token bucket per client
  address -> 429 with ``Retry-After`` (whole seconds until a token is back). The bucket table
  is bounded (oldest client forgotten first), so a flood of addresses cannot grow memory.
- **In flight** (``ingest_max_inflight``): requests waiting for the broker's acknowledgement
  are counted; over the limit -> 429 ``busy``. This is the backpressure: the service never
  queues more than this many requests' articles in memory; the client is told to retry.

``FrontDoor`` is the three together, as each push route uses them.
"""

from __future__ import annotations

import hmac
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import Request
from fastapi.responses import JSONResponse
from prometheus_client import Counter

from claimwatch.settings import Settings
from claimwatch_ingest.problems import Problem

REFUSED = Counter(
    "claimwatch_ingest_refused_requests_total",
    "Push-API requests refused before reading the body, by reason (unauthorized: no token; "
    "forbidden: wrong token; rate_limited: over the per-client rate; busy: too many requests "
    "in flight). Rising rate_limited/busy: a client pushes faster than the pipeline takes.",
    ["reason"],
)
REFUSAL_REASONS = ("unauthorized", "forbidden", "rate_limited", "busy")
for _reason in REFUSAL_REASONS:
    REFUSED.labels(_reason)

MAX_CLIENTS = 10_000  # buckets remembered; the least recently seen client is forgotten first


class Refused(Exception):
    """A request turned away at the door; ``retry_after_s`` is set for 429s."""

    def __init__(self, status: int, reason: str, detail: str, retry_after_s: int | None = None):
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.retry_after_s = retry_after_s
        REFUSED.labels(reason).inc()


def check_token(expected: str | None, authorization: str | None) -> None:
    """Raise ``Refused`` unless ``authorization`` is ``Bearer <expected>`` (or no token is set)."""
    if expected is None:
        return
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Refused(401, "unauthorized", "missing bearer token: send Authorization: Bearer ...")
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise Refused(403, "forbidden", "wrong bearer token")


class RateLimiter:
    """Token buckets per client key: ``rate`` tokens per second, at most ``burst`` saved."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = rate
        self.burst = max(burst, 1)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> None:
        """Spend one token of ``client`` or raise a 429 saying when to come back."""
        if self.rate <= 0:
            return
        now = self.clock()
        tokens, last = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._remember(client, tokens, now)
            wait = max(1, math.ceil((1.0 - tokens) / self.rate))
            raise Refused(
                429,
                "rate_limited",
                f"over {self.rate:g} requests/s (burst {self.burst}) from this client; "
                f"retry after {wait} s",
                wait,
            )
        self._remember(client, tokens - 1.0, now)

    def _remember(self, client: str, tokens: float, now: float) -> None:
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


class InFlight:
    """Counts requests being published; refuses new ones over ``limit`` (backpressure)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.current = 0

    def __enter__(self) -> InFlight:
        if self.limit > 0 and self.current >= self.limit:
            raise Refused(
                429,
                "busy",
                f"{self.current} requests are waiting for the broker (limit {self.limit}); "
                "retry after 1 s",
                1,
            )
        self.current += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self.current -= 1


class FrontDoor:
    """Token, then rate, then a place among the requests in flight: all before the body."""

    def __init__(self, settings: Settings) -> None:
        self.token = settings.ingest_token.get_secret_value() if settings.ingest_token else None
        self.limiter = RateLimiter(settings.ingest_rate_per_s, settings.ingest_rate_burst)
        self.inflight = InFlight(settings.ingest_max_inflight)

    @contextmanager
    def admit(self, request: Request) -> Iterator[None]:
        """Hold a place in flight for the body of the ``with``, or raise ``Refused``."""
        check_token(self.token, request.headers.get("authorization"))
        self.limiter.take(request.client.host if request.client else "unknown")
        with self.inflight:
            yield


def refused_response(exc: Refused) -> JSONResponse:
    """The ``Problem`` for a refusal, with ``Retry-After`` (429) or ``WWW-Authenticate`` (401)."""
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    body = Problem(detail=exc.detail, reason=exc.reason)
    return JSONResponse(body.model_dump(), status_code=exc.status, headers=headers)
