"""SSRF through redirects and DNS, at the delivery attempt (the code every webhook goes through).

An allow-listed target on 127.0.0.1 answers 302 to a private, metadata or (allow-listed,
recording) local address: the sender must not follow it — the attempt is a failure like any
other non-2xx (retried on the schedule against the subscribed URL, never into the redirect) and
the redirect target sees no connection. A DNS name resolving to a private address is refused
before any connect. Real HTTP servers on 127.0.0.1; names resolve through a resolver function
(no DNS query out).
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from claimwatch_deliver.policy import Verdict, classify
from claimwatch_deliver.sender import Sender
from claimwatch_deliver.ssrf import AllowList


class Recording:
    """An HTTP server on 127.0.0.1 that records each request and answers ``status``."""

    def __init__(self, status: int, location: str | None = None) -> None:
        self.hits: list[str] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                owner.hits.append(self.command)
                self.send_response(status)
                if location:
                    self.send_header("location", location)
                self.send_header("content-length", "0")
                self.end_headers()

            do_POST = do_GET = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def second_local() -> Iterator[Recording]:
    """An allow-listed redirect target that records whether anything reached it."""
    server = Recording(204)
    yield server
    server.close()


ALLOW = AllowList.parse(["127.0.0.1"])


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "SECOND_LOCAL"],
)
async def test_redirect_is_not_followed(
    second_local: Recording, status: int, location: str
) -> None:
    target = location.replace("SECOND_LOCAL", second_local.url)
    first = Recording(status, target)
    connects: list[tuple[str, int]] = []
    try:
        sender = Sender(ALLOW, timeout_s=3, on_connect=lambda h, p: connects.append((h, p)))
        result = await sender.attempt(first.url, b"{}", "whsec_" + "A" * 32, "msg_redirect")
    finally:
        first.close()
    assert result.status_code == status
    assert classify(result) is Verdict.RETRY  # retried at the subscribed URL, never followed
    assert first.hits == ["POST"]
    assert second_local.hits == []
    assert connects == [("127.0.0.1", first.server.server_address[1])]


async def test_dns_name_resolving_to_private_address_is_refused_without_connecting() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"hooks.internal.example": ["10.0.0.7"], "meta.example": ["169.254.169.254"]}[host]

    connects: list[tuple[str, int]] = []
    sender = Sender(
        ALLOW, timeout_s=3, resolver=resolver, on_connect=lambda h, p: connects.append((h, p))
    )
    for url, reason in [
        ("http://hooks.internal.example/hook", "private"),
        ("http://meta.example/latest/", "metadata_address"),
    ]:
        result = await sender.attempt(url, b"{}", "whsec_" + "A" * 32, "msg_dns")
        assert result.error == "refused" and reason in (result.detail or ""), result
        assert classify(result) is Verdict.REFUSED
    assert connects == []
