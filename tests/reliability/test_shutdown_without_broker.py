"""Every service stops within its grace period after SIGTERM, even when the broker is gone.

With the broker gone a faust worker's orderly shutdown waits on broker timeouts (commit, leave
the group, flush): extract and alert were still alive 35 s after SIGTERM, three times out of
three. Now the first SIGTERM arms a watchdog (``claimwatch.lifecycle``) that ends the process
``CLAIMWATCH_SHUTDOWN_GRACE_S`` later whatever shutdown is doing. Here: the services run on a
broker of their own, process an article (so they are connected and in their groups), the
broker is stopped, then every service gets SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from pathlib import Path

import httpx
from reliability_support import Watcher, filler_article, start_service, wait_for, wait_http_ok

from claimwatch.broker import EmbeddedBroker
from claimwatch.kafka import ensure_topics
from claimwatch.ports import free_port
from claimwatch.settings import Settings

GRACE_S = 4.0
SLACK_S = 6.0  # interpreter exit, a loaded machine


def test_services_stop_within_their_grace_after_sigterm_with_the_broker_gone(
    tmp_path: Path,
) -> None:
    broker = EmbeddedBroker(log_file=tmp_path / "broker.log").start()
    settings = Settings(
        bootstrap=broker.bootstrap,
        topic_prefix="shutdown",
        session_timeout_s=3.0,
        data_dir=tmp_path / "data",
        shutdown_grace_s=GRACE_S,
    )
    asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
    api_port = free_port()
    services = [
        start_service("ingest", settings, tmp_path, ingest_port=api_port),
        start_service("extract", settings, tmp_path),
        start_service("alert", settings, tmp_path),
        start_service("deliver", settings, tmp_path),
    ]
    watcher = Watcher(settings)
    try:
        wait_http_ok(f"http://127.0.0.1:{api_port}/readyz", services[0])
        article = filler_article(1, random.Random(5))
        resp = httpx.post(f"http://127.0.0.1:{api_port}/articles", json=article, timeout=30)
        article_id = resp.json()["articles"][0]["id"]
        wait_for("the article's marker", lambda: bool(watcher.markers[article_id]), 120, *services)
        wait_http_ok(f"http://127.0.0.1:{services[3].port}/readyz", services[3])
        watcher.stop()
        broker.stop()
        time.sleep(1.0)  # the clients notice: connections refused from now on
        started = time.monotonic()
        for service in services:
            service.proc.terminate()
        took: dict[str, float] = {}
        while len(took) < len(services) and time.monotonic() - started < 60:
            for service in services:
                if service.proc.proc is not None and service.proc.proc.poll() is not None:
                    took.setdefault(service.proc.name, round(time.monotonic() - started, 1))
            time.sleep(0.05)
        print("shutdown-without-broker", json.dumps(took))
        late = {
            s.proc.name: took.get(s.proc.name)
            for s in services
            if took.get(s.proc.name, 99.0) > GRACE_S + SLACK_S
        }
        assert late == {}, (late, {s.proc.name: s.proc.log_tail(15) for s in services})
    finally:
        watcher.stop()
        for service in services:
            service.proc.stop()
        broker.stop()
