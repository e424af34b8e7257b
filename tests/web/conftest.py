"""Fixtures of the web tests: the real pipeline on the session broker, a real PostgreSQL, the
`claimwatch web` service on SQLite and on PostgreSQL, and Debian's Chromium under Playwright.

The sample stories (samples/) go through ingest's publisher, the extract and alert workers
(`claimwatch extract|alert` children) onto a fresh topic prefix once per session; each web
service then starts on an empty database and rebuilds its read model from those topics.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimwatch.broker import EmbeddedBroker

sys.path.insert(0, str(Path(__file__).parent))

from pg_server import PostgresServer
from web_support import (
    REPO,
    Browser,
    Pipeline,
    WebServer,
    start_pipeline,
    start_web,
)

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pipeline(
    broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    running = start_pipeline(broker.bootstrap, tmp_path_factory.mktemp("web-pipeline"))
    try:
        running.publish_one_by_one(REPO / "samples")
        asyncio.run(running.publish_extra())
        running.wait_processed()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def web_servers(
    pipeline: Pipeline, postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, WebServer]]:
    """One `claimwatch web` per backend, each rebuilt from the topics into an empty database."""
    logs = tmp_path_factory.mktemp("web-logs")
    urls = {
        "sqlite": f"sqlite:///{tmp_path_factory.mktemp('web-sqlite') / 'web.sqlite3'}",
        "postgresql": postgres.create_database("claimwatch_web"),
    }
    servers: dict[str, WebServer] = {}
    try:
        for backend in BACKENDS:
            servers[backend] = start_web(pipeline, urls[backend], logs, name=f"web-{backend}")
        for server in servers.values():
            server.wait_caught_up(pipeline)
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(params=BACKENDS)
def web(request: pytest.FixtureRequest, web_servers: dict[str, WebServer]) -> WebServer:
    return web_servers[request.param]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread while
    the browser is open, which would break ``asyncio.run`` in tests collected after these."""
    with Browser.launch() as running:
        yield running


@pytest.fixture(scope="session")
def screenshots() -> Path | None:
    """Folder to save page screenshots in (CLAIMWATCH_SCREENSHOTS=docs/img), else none."""
    folder = os.environ.get("CLAIMWATCH_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
