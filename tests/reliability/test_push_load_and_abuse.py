"""The push API under a flood and under abuse, with extract and alert running behind it.

- 10,000 requests (short generated articles, 64 at a time): every answer is 202 or 429 with
  Retry-After; every accepted article gets its ArticleProcessed marker (count in = count out);
  peak RSS (VmHWM) of every service is reported and bounded.
- Token: 401 without, 403 wrong; probes and /metrics stay open.
- Header abuse and slow (slowloris-style) clients: answers are 4xx, never 5xx, and the API
  keeps answering others while 100 slow connections hang.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from reliability_support import (
    INGEST_TOKEN,
    Watcher,
    filler_article,
    start_service,
    wait_for,
    wait_http_ok,
)

from claimwatch.ports import free_port
from claimwatch.settings import Settings

REQUESTS = 10_000
CONCURRENCY = 64
RSS_BOUND_MIB = 600  # per service; spaCy's extract is the largest at ~200 MiB


async def flood(api: str, rng: random.Random) -> tuple[Counter[int], list[str], int]:
    """Send REQUESTS single-article pushes; count statuses, collect accepted ids."""
    statuses: Counter[int] = Counter()
    accepted: list[str] = []
    missing_retry_after = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(REQUESTS):
        queue.put_nowait(n)
    headers = {"Authorization": f"Bearer {INGEST_TOKEN}"}
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(timeout=60, limits=limits, headers=headers) as client:

        async def worker() -> None:
            nonlocal missing_retry_after
            while not queue.empty():
                n = queue.get_nowait()
                body = filler_article(n, rng)
                try:
                    resp = await client.post(f"{api}/articles", json=body)
                except httpx.TransportError:
                    # a reset keep-alive connection: the id is idempotent, so resend once
                    statuses[0] += 1
                    resp = await client.post(f"{api}/articles", json=body)
                statuses[resp.status_code] += 1
                if resp.status_code == 202:
                    accepted.append(resp.json()["articles"][0]["id"])
                elif resp.status_code == 429 and not resp.headers.get("retry-after", "").isdigit():
                    missing_retry_after += 1

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return statuses, accepted, missing_retry_after


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
        return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else 0


@pytest.mark.timeout(420)
def test_flood_abuse_and_auth_on_the_push_api(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(
        ingest_token=INGEST_TOKEN, ingest_rate_per_s=10.0, ingest_rate_burst=50
    )
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"
    logs = tmp_path / "logs"
    ingest = start_service("ingest", settings, logs, ingest_port=api_port)
    extract = start_service("extract", settings, logs)
    alert = start_service("alert", settings, logs)
    watcher = Watcher(settings)
    try:
        wait_http_ok(f"{api}/readyz", ingest)
        one = {"source": "valley-times", "text": "The council met on Monday, officials said."}

        # --- auth: 401 without, 403 wrong; probes and metrics open
        resp = httpx.post(f"{api}/articles", json=one, timeout=10)
        assert resp.status_code == 401 and resp.headers["www-authenticate"] == "Bearer"
        assert resp.json()["reason"] == "unauthorized"
        resp = httpx.post(
            f"{api}/articles/batch",
            json={"articles": [one]},
            headers={"Authorization": "Bearer not-the-token"},
            timeout=10,
        )
        assert resp.status_code == 403 and resp.json()["reason"] == "forbidden"
        for path in ("/healthz", "/readyz", "/metrics/"):
            assert httpx.get(f"{api}{path}", timeout=10).status_code == 200, path

        # --- header abuse: never a 5xx, never a hang
        huge = b"X-Junk: " + b"a" * 200_000 + b"\r\n"
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
        abusive = [
            b"POST /articles HTTP/1.1\r\nHost: x\r\n" + huge + b"\r\n",
            b"POST /articles HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n",
            b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n"
            b"Authorization: Bearer " + INGEST_TOKEN.encode() + b"\r\n"
            b"Content-Type: application/json\r\n\r\n{}",
            b"POST /articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 3\r\n\r\nabc",
            b"GARBAGE\x00\x01\x02 / HTTP/9.9\r\n\r\n",
        ]
        answers = [status_of(raw_request(api_port, data)) for data in abusive]
        assert all(a == 0 or 400 <= a < 500 for a in answers), answers

        # --- slow clients: 100 connections trickling headers; others are still served
        slow = []
        for _ in range(100):
            sock = socket.create_connection(("127.0.0.1", api_port), timeout=10)
            sock.sendall(b"POST /articles HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            slow.append(sock)
        assert httpx.get(f"{api}/healthz", timeout=10).status_code == 200
        resp = httpx.post(
            f"{api}/articles",
            json=one,
            headers={"Authorization": f"Bearer {INGEST_TOKEN}"},
            timeout=10,
        )
        assert resp.status_code == 202, resp.text
        first_id = resp.json()["articles"][0]["id"]
        for sock in slow:
            sock.close()

        # --- the flood
        statuses, accepted, missing_retry_after = asyncio.run(flood(api, random.Random(10)))
        assert set(statuses) - {0} <= {202, 429}, statuses
        assert statuses[202] == len(accepted) and statuses[202] > 0 and statuses[429] > 0
        assert missing_retry_after == 0
        ids = set(accepted) | {first_id}
        wait_for(
            f"markers for {len(ids)} accepted articles",
            lambda: all(watcher.markers[i] for i in ids),
            240,
            ingest,
            extract,
            alert,
        )
        rss = {s.proc.name: round(s.peak_rss_mb(), 1) for s in (ingest, extract, alert)}
        assert all(v < RSS_BOUND_MIB for v in rss.values()), rss
        assert ingest.proc.alive() and extract.proc.alive() and alert.proc.alive()
        refused = ingest.metrics()
        assert 'claimwatch_ingest_refused_requests_total{reason="rate_limited"}' in refused
        print(
            "reliability-figures",
            json.dumps(
                {
                    "requests": REQUESTS,
                    "accepted_202": statuses[202],
                    "refused_429": statuses[429],
                    "transport_retries": statuses[0],
                    "articles_marked": sum(1 for i in ids if watcher.markers[i]),
                    "distinct_accepted_ids": len(ids),
                    "abuse_answers": answers,
                    "peak_rss_mib": rss,
                }
            ),
        )
    finally:
        watcher.stop()
        for service in (ingest, extract, alert):
            service.proc.stop()
