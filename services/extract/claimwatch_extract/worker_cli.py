"""``claimwatch extract``: the extract worker command that docker-compose and `run` start."""

from __future__ import annotations

import typer


def extract() -> None:
    """Run the extract worker: articles -> spaCy -> entities and claims topics."""
    from claimwatch.settings import Settings
    from claimwatch.worker import run_faust_worker
    from claimwatch_extract.agent import build_app

    settings = Settings()
    run_faust_worker(build_app(settings), settings, "extract", default_port=9102)


def register(app: typer.Typer) -> None:
    app.command(name="extract")(extract)
