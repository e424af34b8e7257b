"""``claimwatch ingest``: folder watch, feed polling and the push API in one process.

This exact command is what docker-compose and Kubernetes run. Prometheus metrics are served
on their own port (``Settings.metrics_port``, default 9101, like every claimwatch service has
its own) and also on the API at ``/metrics``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

DEFAULT_METRICS_PORT = 9101


def ingest(
    watch: list[Path] = typer.Option(
        [], "--watch", help="Folder to watch (repeatable; added to CLAIMWATCH_WATCH_DIRS)."
    ),
    feed: list[str] = typer.Option(
        [], "--feed", help="Feed URL or SOURCE=URL to poll (repeatable; added to CLAIMWATCH_FEEDS)."
    ),
    port: int | None = typer.Option(
        None, "--port", help="Push API port (default CLAIMWATCH_INGEST_PORT, 8081)."
    ),
    no_api: bool = typer.Option(False, "--no-api", help="Run without the push API."),
) -> None:
    """Run the ingest service until SIGINT/SIGTERM: files, feeds and HTTP push -> articles."""
    from claimwatch.logging import configure_logging
    from claimwatch.metrics import serve_metrics
    from claimwatch.settings import Settings
    from claimwatch_ingest.feeds import parse_feed_spec

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    for spec in feed:
        try:
            parse_feed_spec(spec)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--feed") from None
    for folder in watch:
        if not folder.is_dir():
            raise typer.BadParameter(f"{folder} is not a folder", param_hint="--watch")
    metrics_port = serve_metrics(
        settings.metrics_port or DEFAULT_METRICS_PORT, settings.metrics_host
    )
    asyncio.run(_run(settings, watch, feed, port, not no_api, metrics_port))


async def _run(
    settings: object, watch: list[Path], feed: list[str], port: int | None, api: bool, mport: int
) -> None:
    from claimwatch.logging import get_logger
    from claimwatch.serving import install_stop_handlers
    from claimwatch.settings import Settings
    from claimwatch_ingest.service import IngestService

    assert isinstance(settings, Settings)
    log = get_logger("claimwatch_ingest")
    stop = asyncio.Event()
    install_stop_handlers(stop, settings.shutdown_grace_s)
    service = IngestService(settings, watch_dirs=watch, feeds=feed, api_port=port, api=api)
    async with service:
        log.info("ingest_ready", api_port=service.api_port, metrics_port=mport)
        await stop.wait()
        log.info("ingest_stopping")


def push(
    paths: list[Path] = typer.Argument(..., help="Article files or folders (recursively)."),
    api: str | None = typer.Option(
        None, help="Push API base URL (default http://127.0.0.1:<CLAIMWATCH_INGEST_PORT>)."
    ),
    wait: float = typer.Option(
        120.0, help="Seconds to keep retrying while the API starts (refused, 503, 429)."
    ),
) -> None:
    """Push article files to a running ingest's API (bearer CLAIMWATCH_INGEST_TOKEN)."""
    from claimwatch.settings import Settings
    from claimwatch_ingest.files import ArticleSourceError
    from claimwatch_ingest.push_client import PushError, push_paths

    settings = Settings()
    token = settings.ingest_token.get_secret_value() if settings.ingest_token else None
    try:
        pushed = push_paths(
            api or f"http://127.0.0.1:{settings.ingest_port}", token, paths, wait_s=wait
        )
    except (PushError, ArticleSourceError) as exc:
        typer.echo(f"push failed: {exc}", err=True)
        raise typer.Exit(1) from None
    for item in pushed:
        typer.echo(f"{item.status}\t{item.article_id}\t{item.path}")
    typer.echo(f"pushed {len(pushed)} article(s)", err=True)


def register(app: typer.Typer) -> None:
    app.command(name="ingest")(ingest)
    app.command(name="push")(push)
