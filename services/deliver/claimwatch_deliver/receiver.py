"""``claimwatch receive``: a local webhook receiver that trusts only signed deliveries.

It verifies each request with the ``standardwebhooks`` library and the subscription's secret
(401 on a bad or missing signature, or a stale timestamp), answers duplicates (same
``webhook-id``, i.e. a retry of something already accepted) with 200 without showing them
again, and prints each new alert with rich. ``make run`` points a subscription at it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path

from fastapi import FastAPI, Request, Response
from pydantic import ValidationError
from rich.console import Console
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claimwatch.models import Alert
from claimwatch_deliver.render import render_alert, render_other

DEDUP_CAPACITY = 10_000


class SeenIds:
    """Bounded memory of accepted webhook ids (oldest forgotten first)."""

    def __init__(self, capacity: int = DEDUP_CAPACITY) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, msg_id: str) -> bool:
        """True when ``msg_id`` is new."""
        if msg_id in self._ids:
            self._ids.move_to_end(msg_id)
            return False
        self._ids[msg_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True


def create_receiver(
    secret: str, console: Console | None = None, out: Path | None = None
) -> FastAPI:
    """The receiver app; ``out`` (optional) gets one JSON line per accepted new body."""
    webhook = Webhook(secret)
    seen = SeenIds()
    console = console or Console()
    app = FastAPI(title="claimwatch webhook receiver", docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/{path:path}")
    async def receive(path: str, request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items()}
        try:
            webhook.verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError, UnicodeDecodeError) as exc:
            console.print(f"[red]rejected webhook: {exc}[/red]")
            return Response('{"detail":"invalid signature"}', 401, media_type="application/json")
        msg_id = headers.get("webhook-id", "")
        if not seen.add(msg_id):
            return Response('{"duplicate":true}', 200, media_type="application/json")
        text = body.decode("utf-8")
        try:
            console.print(render_alert(Alert.model_validate_json(text)))
        except ValidationError:
            console.print(render_other(text))
        if out is not None:
            with out.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"webhook_id": msg_id, "body": json.loads(text)}) + "\n")
        return Response('{"ok":true}', 200, media_type="application/json")

    return app
