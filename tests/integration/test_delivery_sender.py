"""The webhook sender keeps at most ``max_in_flight`` attempts open, however many lanes ask.

A burst of alerts opens one delivery lane per alert; each open attempt used to carry its own
TLS context (about 0.8 MB of native memory, kept by the allocator afterwards), so deliver's
peak RSS followed the largest burst (bench/bench_deliver_memory.py). Here 40 attempts are
started at once against a receiver on 127.0.0.1 that holds each request for a moment.
"""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import REGISTRY

from claimwatch_deliver.sender import Sender
from claimwatch_deliver.signing import new_secret
from claimwatch_deliver.ssrf import AllowList


class SlowReceiver:
    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.answered = 0
        lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                with lock:
                    owner.in_flight += 1
                    owner.most = max(owner.most, owner.in_flight)
                time.sleep(0.1)
                with lock:
                    owner.in_flight -= 1
                    owner.answered += 1
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


async def test_attempts_in_flight_are_bounded_and_all_succeed() -> None:
    receiver = SlowReceiver()
    sender = Sender(AllowList.parse(["127.0.0.1/32"]), timeout_s=10, max_in_flight=4)
    secret = new_secret()
    seen: list[float] = []

    async def watch() -> None:
        while True:
            seen.append(REGISTRY.get_sample_value("claimwatch_webhook_attempts_in_flight") or 0)
            await asyncio.sleep(0.01)

    watcher = asyncio.create_task(watch())
    try:
        results = await asyncio.gather(
            *(sender.attempt(receiver.url, b'{"n": %d}' % n, secret, f"msg_{n}") for n in range(40))
        )
    finally:
        watcher.cancel()
        receiver.server.shutdown()
    assert [r.status_code for r in results] == [204] * 40
    assert receiver.answered == 40
    assert receiver.most <= 4 and max(seen) <= 4
    assert max(seen) == 4  # the bound was reached: the burst did queue
