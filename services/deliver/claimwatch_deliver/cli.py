"""``claimwatch deliver`` and ``claimwatch receive``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command()(deliver)
    app.command()(receive)


def deliver(
    port: int | None = typer.Option(
        None, help="Port of the subscriptions API and /metrics (default: settings.delivery_port)."
    ),
) -> None:
    """Run the subscriptions API and the webhook delivery worker until SIGINT/SIGTERM.

    /metrics, /healthz and /readyz are served on the API port.
    """
    from claimwatch.logging import configure_logging
    from claimwatch.settings import Settings
    from claimwatch_deliver.service import serve

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    asyncio.run(serve(settings, port=port))


def receive(
    port: int = typer.Option(8090, help="Port on --host to listen on."),
    host: str = typer.Option("127.0.0.1", help="Bind address."),
    secret: str | None = typer.Option(
        None, help="The subscription's whsec_... secret (prefer --secret-file: argv is visible)."
    ),
    secret_file: Path | None = typer.Option(None, help="File holding the whsec_... secret."),
    out: Path | None = typer.Option(None, help="Also append each accepted body as a JSON line."),
) -> None:
    """Receive claimwatch webhooks locally: verify signatures, print alerts, skip duplicates."""
    from claimwatch.serving import install_stop_handlers, make_server, serve_until
    from claimwatch_deliver.receiver import create_receiver

    if secret_file is not None:
        secret = secret_file.read_text(encoding="utf-8").strip()
    if not secret:
        raise typer.BadParameter("give --secret or --secret-file")
    try:
        app = create_receiver(secret, out=out)
    except Exception as exc:  # wrong base64 etc.; never echo the secret itself
        raise typer.BadParameter(f"not a usable webhook secret ({type(exc).__name__})") from None

    async def main() -> None:
        stop = asyncio.Event()
        install_stop_handlers(stop)
        typer.echo(f"receiving webhooks on http://{host}:{port}/", err=True)
        await serve_until(make_server(app, host, port), stop)

    asyncio.run(main())
