"""The ``claimwatch`` command.

Whole-system commands (broker, run, replay, eval, claims, schemas) live in this application
package, the one floor above the services; each service package contributes its own commands
through ``<package>.cli.register(app)``. The shared library imports no service and no service
imports another: only this package sees them all.
"""

from __future__ import annotations

from pathlib import Path

import typer

from claimwatch_alert import cli as alert_cli
from claimwatch_app import claims_cli
from claimwatch_deliver import cli as deliver_cli
from claimwatch_extract import worker_cli as extract_worker_cli
from claimwatch_ingest import cli as ingest_cli
from claimwatch_web import cli as web_cli

app = typer.Typer(
    name="claimwatch",
    help="Alerts on key claims and cross-source contradictions in news, within seconds.",
    no_args_is_help=True,
    add_completion=False,
)

SERVICE_CLI_MODULES = (
    "claimwatch_ingest.cli",
    "claimwatch_app.claims_cli",
    "claimwatch_extract.worker_cli",
    "claimwatch_alert.cli",
    "claimwatch_deliver.cli",
    "claimwatch_web.cli",
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
    stories: Path | None = typer.Option(
        None,
        "--stories",
        help="Also write one JSON line per article file: path, article_id, story.",
    ),
    article_timeout: float = typer.Option(
        300.0,
        "--article-timeout",
        help="Report articles still pending as not processed (exit 1) once no article has "
        "made progress for this many seconds.",
    ),
) -> None:
    """Run ingest -> extract -> alert over files and write every alert as one JSON line."""
    from claimwatch_app.replay import replay_cmd

    raise typer.Exit(replay_cmd(paths, out, bootstrap, timeout, stories, article_timeout))


@app.command()
def run(
    samples: list[Path] = typer.Option(
        [Path("samples")], "--samples", help="Folders replayed once everything is up."
    ),
    port: int = typer.Option(9092, help="Embedded broker port (0 = any free port)."),
) -> None:
    """Start the broker, every service and a local webhook receiver; Ctrl-C stops them all."""
    from claimwatch_app.supervisor import run_all

    raise typer.Exit(run_all(samples, port))


@app.command(name="eval")
def eval_cmd(
    corpus: Path = typer.Argument(
        Path("tests/corpus"), help="Corpus folder (one folder per story)."
    ),
    bootstrap: str | None = typer.Option(None, "--bootstrap", help="HOST:PORT of a broker."),
    timeout: float = typer.Option(600.0, help="Give up after this many seconds."),
) -> None:
    """Replay the evaluation corpus and print a scored table; exit 1 on any miss or extra."""
    from claimwatch_app.evaluation import run_eval_cmd

    raise typer.Exit(run_eval_cmd(corpus, bootstrap, timeout))


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
    """The full command: these core commands plus every service's own."""
    for module in (ingest_cli, extract_worker_cli, alert_cli, deliver_cli, web_cli, claims_cli):
        module.register(app)
    return app


def main() -> None:
    build_app()()
