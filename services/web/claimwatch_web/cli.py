"""``claimwatch web``."""

from __future__ import annotations

import asyncio

import typer


def register(app: typer.Typer) -> None:
    app.command()(web)


def web(
    port: int | None = typer.Option(
        None, help="Port of the pages and /metrics (default: settings.web_port)."
    ),
) -> None:
    """Follow the topics into the read model and serve the story pages until SIGINT/SIGTERM.

    The database is CLAIMWATCH_WEB_DATABASE_URL (default: a SQLite file under the data dir); a
    new one is rebuilt from the topics. /metrics and /healthz are served on the same port.
    """
    from claimwatch.logging import configure_logging
    from claimwatch.settings import Settings
    from claimwatch_web.auth import OpenBeyondLoopback
    from claimwatch_web.service import serve

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    try:
        code = asyncio.run(serve(settings, port=port))
    except OpenBeyondLoopback as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)
