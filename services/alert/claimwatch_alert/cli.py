"""Commands of the alert service: the worker and a rule checker."""

from __future__ import annotations

from pathlib import Path

import typer


def alert() -> None:
    """Run the alert worker: claims -> stories -> key-claim and contradiction alerts."""

    from claimwatch.settings import Settings
    from claimwatch.worker import run_faust_worker
    from claimwatch_alert.agent import build_app

    settings = Settings()
    app = build_app(settings)  # loads and validates the rules first: a bad rule file stops here
    run_faust_worker(app, settings, "alert", default_port=9103)


def rules(
    folders: list[Path] = typer.Argument(None, help="Extra rule folders (default: settings)."),
) -> None:
    """Validate the default and user rule files and list the rules."""
    from claimwatch.settings import Settings
    from claimwatch.yamlload import ConfigFileError
    from claimwatch_alert.rules import load_rules

    try:
        loaded = load_rules(folders or Settings().rules_dirs)
    except ConfigFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    for rule in loaded:
        typer.echo(
            f"{rule.id}\t{rule.severity.value}\t{','.join(t.value for t in rule.claim_types)}"
        )


def register(app: typer.Typer) -> None:
    app.command(name="alert")(alert)
    app.command(name="rules")(rules)
