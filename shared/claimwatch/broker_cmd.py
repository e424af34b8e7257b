"""``claimwatch broker``: the embedded broker in the foreground, with its topics created."""

from __future__ import annotations

import asyncio
import signal
import threading

import typer

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.settings import Settings


def run_broker(port: int) -> None:
    settings = Settings()
    broker = EmbeddedBroker(port=port or None)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with broker:
        asyncio.run(ensure_topics(broker.bootstrap, settings.topics.specs()))
        typer.echo(f"broker ready on {broker.bootstrap} (memory storage: lost on exit)")
        stop.wait()
    typer.echo("broker stopped")
