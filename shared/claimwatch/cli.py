"""The ``claimwatch`` command.

Core commands (broker, run, replay, schemas) live here; each service package contributes its
own commands through ``<package>.cli.register(app)``, imported lazily so the shared library
never depends on the services.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import typer

app = typer.Typer(
    name="claimwatch",
    help="Alerts on key claims and cross-source contradictions in news, within seconds.",
    no_args_is_help=True,
    add_completion=False,
)

SERVICE_CLI_MODULES = (
    "claimwatch_ingest.cli",
    "claimwatch_extract.cli",
    "claimwatch_extract.worker_cli",
    "claimwatch_alert.cli",
    "claimwatch_alert.delivery.cli",
)


@app.command()
def broker(
    port: int = typer.Option(9092, help="Port on 127.0.0.1 to listen on (0 = any free port)."),
) -> None:
    """Run the embedded Kafka-protocol broker (Tansu, memory storage) until Ctrl-C."""
    from claimwatch.broker_cmd import run_broker

    run_broker(port)


@app.command()
def topics() -> None:
    """Create every topic with its partitions and configs (idempotent; a one-shot job)."""
    import asyncio

    from claimwatch.kafka import ensure_topics
    from claimwatch.settings import Settings

    settings = Settings()
    asyncio.run(ensure_topics(settings.bootstrap, settings.topics.specs()))
    for spec in settings.topics.specs():
        typer.echo(f"{spec.name}\t{spec.partitions}\t{spec.config or ''}")


@app.command()
def replay(
    paths: list[Path] = typer.Argument(..., help="Article files or folders."),
    out: Path | None = typer.Option(None, "--out", help="Write alert lines here (default stdout)."),
    bootstrap: str | None = typer.Option(
        None, "--bootstrap", help="HOST:PORT of a running broker (default: embedded)."
    ),
    timeout: float = typer.Option(600.0, help="Give up after this many seconds."),
) -> None:
    """Run ingest -> extract -> alert over files and write every alert as one JSON line."""
    from claimwatch.replay import replay_cmd

    raise typer.Exit(replay_cmd(paths, out, bootstrap, timeout))


@app.command()
def run(
    samples: list[Path] = typer.Option(
        [Path("samples")], "--samples", help="Folders replayed once everything is up."
    ),
    port: int = typer.Option(9092, help="Embedded broker port (0 = any free port)."),
) -> None:
    """Start the broker, every service and a local webhook receiver; Ctrl-C stops them all."""
    from claimwatch.supervisor import run_all

    raise typer.Exit(run_all(samples, port))


@app.command()
def config(
    markdown: bool = typer.Option(False, "--markdown", help="Print the reference table instead."),
) -> None:
    """Show the effective settings (from CLAIMWATCH_* variables), secrets hidden."""
    from claimwatch.settings import Settings, redacted, settings_markdown

    if markdown:
        typer.echo(settings_markdown(), nl=False)
        return
    for name, value in redacted(Settings()).items():
        typer.echo(f"CLAIMWATCH_{name.upper()}={value}")


@app.command()
def schemas(
    out: Path = typer.Option(Path("schemas"), help="Folder for the generated JSON Schemas."),
) -> None:
    """Regenerate the JSON Schemas of every event model."""
    from claimwatch.schemas import write_schemas

    for path in write_schemas(out):
        typer.echo(str(path))


def build_app() -> typer.Typer:
    for name in SERVICE_CLI_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)
    return app


def main() -> None:
    build_app()()
