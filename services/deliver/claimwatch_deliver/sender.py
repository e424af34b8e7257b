"""One webhook attempt: guard the target, sign, POST to the checked address, time it.

Never raises for anything the target or network does: every outcome becomes an
``AttemptResult`` the retry policy can judge. The full target URL is never logged (Slack-style
URLs carry credentials in their path).
"""

from __future__ import annotations

import asyncio
import time

import httpx
from prometheus_client import Gauge, Histogram

from claimwatch_deliver.policy import AttemptResult, parse_retry_after
from claimwatch_deliver.signing import sign_headers
from claimwatch_deliver.ssrf import AllowList, Resolver, TargetRefused, check_target
from claimwatch_deliver.transport import ConnectHook, PinnedTransport

IN_FLIGHT = Gauge(
    "claimwatch_webhook_attempts_in_flight",
    "Webhook attempts open now (at most CLAIMWATCH_WEBHOOK_MAX_IN_FLIGHT). At the limit for "
    "long: receivers are slow; deliveries queue in their lanes.",
)
ATTEMPT_SECONDS = Histogram(
    "claimwatch_webhook_attempt_seconds",
    "Duration of one webhook HTTP attempt, from connect to response (or failure).",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

USER_AGENT = "claimwatch-webhooks/1"
DEFAULT_MAX_IN_FLIGHT = 64


class Sender:
    """Sends signed webhook bodies; one short-lived pinned connection per attempt, at most
    ``max_in_flight`` at once, all sharing one TLS configuration.

    Why both bounds: every open attempt held its own SSL context (the CA bundle loaded again,
    about 0.8 MB of native memory that the allocator keeps after it is freed), and a burst of
    alerts opens one lane per alert, so deliver's peak RSS followed the largest burst it had
    seen (120, 300, then 459 MB over three bench runs; bench/bench_deliver_memory.py).
    """

    def __init__(
        self,
        allow: AllowList,
        timeout_s: float,
        resolver: Resolver | None = None,
        on_connect: ConnectHook | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    ) -> None:
        self.allow = allow
        self.timeout_s = timeout_s
        self._resolver = resolver
        self._on_connect = on_connect
        self._ssl = httpx.create_ssl_context()
        self._slots = asyncio.Semaphore(max_in_flight)

    async def attempt(self, url: str, body: bytes, secret: str, msg_id: str) -> AttemptResult:
        async with self._slots:
            IN_FLIGHT.inc()
            try:
                return await self._attempt(url, body, secret, msg_id)
            finally:
                IN_FLIGHT.dec()

    async def _attempt(self, url: str, body: bytes, secret: str, msg_id: str) -> AttemptResult:
        try:
            if self._resolver is not None:
                target = await check_target(url, self.allow, self._resolver)
            else:
                target = await check_target(url, self.allow)
        except TargetRefused as exc:
            return AttemptResult(error="refused", detail=f"{exc.reason}: {exc.detail}")
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **sign_headers(body, secret, msg_id),
        }
        transport = PinnedTransport(target, ssl_context=self._ssl, on_connect=self._on_connect)
        started = time.perf_counter()
        try:
            async with httpx.AsyncClient(
                transport=transport, follow_redirects=False, trust_env=False
            ) as client:
                response = await client.post(
                    url, content=body, headers=headers, timeout=self.timeout_s
                )
        except httpx.TimeoutException as exc:
            return self._failed("timeout", exc, started)
        except (httpx.TransportError, OSError) as exc:
            return self._failed("connection_error", exc, started)
        latency = time.perf_counter() - started
        ATTEMPT_SECONDS.observe(latency)
        return AttemptResult(
            status_code=response.status_code,
            retry_after_s=parse_retry_after(response.headers.get("retry-after")),
            latency_seconds=latency,
            detail=f"HTTP {response.status_code}",
        )

    @staticmethod
    def _failed(code: str, exc: BaseException, started: float) -> AttemptResult:
        latency = time.perf_counter() - started
        ATTEMPT_SECONDS.observe(latency)
        return AttemptResult(
            error=code, detail=f"{type(exc).__name__}: {exc}"[:500], latency_seconds=latency
        )
