"""``claimwatch deliver``, ``claimwatch receive`` and ``claimwatch subscribe``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command()(deliver)
    app.command()(receive)
    app.command()(subscribe)


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
    create_secret: bool = typer.Option(
        False, help="Write a new secret to --secret-file when it does not exist (mode 0600)."
    ),
    out: Path | None = typer.Option(None, help="Also append each accepted body as a JSON line."),
) -> None:
    """Receive claimwatch webhooks locally: verify signatures, print alerts, skip duplicates.

    With --create-secret the receiver makes its own secret, as a receiver's owner would, and
    `claimwatch subscribe --secret-file` hands the same file to the subscription.
    """
    from claimwatch.serving import install_stop_handlers, make_server, serve_until
    from claimwatch_deliver.receiver import create_receiver
    from claimwatch_deliver.signing import write_new_secret

    if create_secret and secret_file is not None and not secret_file.exists():
        write_new_secret(secret_file)
        typer.echo(f"wrote a new webhook secret to {secret_file}", err=True)
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


def subscribe(
    url: str = typer.Argument(..., help="The receiver's URL (deliver POSTs alerts there)."),
    secret_file: Path = typer.Option(
        ..., help="File with the receiver's whsec_ secret (see `receive --create-secret`)."
    ),
    api: str | None = typer.Option(
        None, help="Subscriptions API base URL (default http://127.0.0.1:<delivery_port>)."
    ),
    format: str = typer.Option("standard", help="standard (signed JSON) or slack."),
    wait: float = typer.Option(120.0, help="Seconds to wait for the API to be ready."),
) -> None:
    """Subscribe a receiver with the secret it holds (idempotent; bearer CLAIMWATCH_API_TOKEN).

    The receiver reads the same --secret-file (`claimwatch receive --secret-file`), so both
    sides agree without the secret ever being printed. The subscription id is remembered in
    <secret-file>.subscription, which makes a rerun a no-op.
    """
    from claimwatch.settings import Settings
    from claimwatch_deliver.client import SubscriptionApiError, ensure_subscription, wait_ready
    from claimwatch_deliver.signing import BadSecret

    settings = Settings()
    base = api or f"http://127.0.0.1:{settings.delivery_port}"
    try:
        wait_ready(base, timeout_s=wait)
        sub_id, created = ensure_subscription(
            base, settings.api_token.get_secret_value(), url, secret_file, format=format
        )
    except (SubscriptionApiError, BadSecret, OSError) as exc:
        typer.echo(f"subscribe failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{'subscribed' if created else 'already subscribed'}\t{sub_id}\t{url}")
