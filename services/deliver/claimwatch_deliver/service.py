"""Wiring of ``claimwatch deliver``: topics, producer, subscriptions table, worker, API.

Start order matters: topics exist before any client touches them (the embedded broker would
auto-create them with the wrong partition count); the subscriptions table and the log of
webhook-ids already delivered are fully loaded before the worker reads its first alert, so a
restarted worker never skips a subscriber nor pages one twice for what it had delivered.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from claimwatch.kafka import EventProducer, ensure_topics
from claimwatch.lag import start_lag_exporter
from claimwatch.logging import get_logger
from claimwatch.metrics import init_stage
from claimwatch.serving import install_stop_handlers, make_server, serve_until
from claimwatch.settings import Settings
from claimwatch_deliver.api import create_api
from claimwatch_deliver.retrying import Deliverer
from claimwatch_deliver.sender import Sender
from claimwatch_deliver.ssrf import AllowList, Resolver, system_resolver
from claimwatch_deliver.store import SubscriptionStore
from claimwatch_deliver.worker import STAGE, DeliveryWorker

log = get_logger(__name__)

# Loggers that would print record values or request URLs at DEBUG: subscription records carry
# signing secrets and webhook URLs can carry credentials, so these never go below INFO here.
_VALUE_LOGGERS = ("aiokafka", "httpx", "httpcore", "uvicorn.access")


def quiet_value_loggers() -> None:
    """Keep libraries that log payloads from doing so, whatever the global log level."""
    import logging

    for name in _VALUE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


class DeliveryService:
    """The subscriptions table, the delivery worker and the API over one producer."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: Resolver = system_resolver,
        sender: Sender | None = None,
    ) -> None:
        quiet_value_loggers()
        self.settings = settings
        self.producer = EventProducer(
            settings.bootstrap, STAGE, idempotent=settings.producer_idempotence
        )
        self.store = SubscriptionStore(settings, self.producer)
        self.sender = sender or Sender(
            AllowList.parse(settings.webhook_allow_hosts),
            settings.webhook_timeout_s,
            resolver=resolver,
            max_in_flight=settings.webhook_max_in_flight,
        )
        self.deliverer = Deliverer(settings, self.store, self.producer, self.sender)
        self.worker = DeliveryWorker(settings, self.store, self.producer, self.deliverer.deliver)
        self._started = False
        self.app: FastAPI = create_api(
            settings,
            self.store,
            resolver=resolver,
            ready=lambda: self._started,
            assigned=lambda: self.worker.assigned,
        )

    async def start(self) -> None:
        await ensure_topics(self.settings.bootstrap, self.settings.topics.specs())
        init_stage(STAGE)
        await self.producer.start()
        await self.store.start()
        await self.deliverer.start()
        await self.worker.start()
        self._started = True
        log.info(
            "delivery_started",
            subscriptions=len(self.store.all()),
            alerts_topic=self.settings.topics.alerts,
        )

    async def stop(self) -> None:
        self._started = False
        await self.worker.stop()
        await self.deliverer.stop()
        await self.store.stop()
        await self.producer.stop()
        log.info("delivery_stopped")

    async def __aenter__(self) -> DeliveryService:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def serve(
    settings: Settings,
    *,
    port: int | None = None,
    stop: asyncio.Event | None = None,
    resolver: Resolver = system_resolver,
) -> None:
    """Run the service and its API until ``stop`` is set (SIGINT/SIGTERM when not given)."""
    if stop is None:
        stop = asyncio.Event()
        install_stop_handlers(stop, settings.shutdown_grace_s)
    service = DeliveryService(settings, resolver=resolver)
    await service.start()
    # per process, not per DeliveryService: tests start many services in one process
    start_lag_exporter(
        settings.bootstrap, settings.group(STAGE), [settings.topics.alerts], settings.lag_interval_s
    )
    try:
        server = make_server(
            service.app, settings.metrics_host, settings.delivery_port if port is None else port
        )
        log.info(
            "delivery_api_listening",
            host=settings.metrics_host,
            port=settings.delivery_port if port is None else port,
            metrics="/metrics on the API port",
        )
        await serve_until(server, stop)
    finally:
        await service.stop()
