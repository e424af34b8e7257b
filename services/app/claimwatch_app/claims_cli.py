"""``claimwatch claims PATH... [--json]``: run extraction on files without a broker.

Why: rule writers and fact-checkers need to see why something did or did not fire — which
claims, values, slots and actors the extractor found in a given article.
"""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer) -> None:
    """Add the ``claims`` command to the main ``claimwatch`` app."""
    app.command("claims")(claims)


def claims(
    paths: list[str] = typer.Argument(
        ..., help="Files or folders (txt, md, html, json; as replay reads them); - = stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per claim."),
    model: str | None = typer.Option(None, help="spaCy package (default: settings)."),
) -> None:
    """Print the claims found in articles: type, value, slot, actor, evidence, confidence."""
    from claimwatch.settings import Settings
    from claimwatch_app.reader import ArticleSourceError, RejectedArticle, read_paths
    from claimwatch_extract.pipeline import extract_batch, load_nlp

    settings = Settings()
    try:  # read everything first: a bad path fails before the model loads
        articles = list(read_paths(paths, settings))
    except (ArticleSourceError, RejectedArticle) as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    nlp = load_nlp(model or settings.spacy_model)
    results = extract_batch(nlp, articles, settings.extract_batch_size)
    if as_json:
        for _, event in results:
            for c in event.claims:
                value = c.value.model_dump() if c.value else None
                row = {
                    "source": event.source,
                    "article_id": event.article_id,
                    "type": c.type.value,
                    "value": value,
                    "slot": c.slot,
                    "value_kind": c.value_kind.value if c.value_kind else None,
                    "direction": c.direction,
                    "actor": c.actor,
                    "actor_id": c.actor_id,
                    "actor_class": c.actor_class,
                    "target": c.target,
                    "target_class": c.target_class,
                    "attribution": c.attribution.value,
                    "quote": c.quote,
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                    "confidence": c.confidence,
                    "precision": c.precision,
                    "fact": c.fact.model_dump(mode="json") if c.fact else None,
                }
                typer.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    from claimwatch.display import format_interval

    console = Console()
    for ents, event in results:
        table = Table(
            title=f"{event.source} ({len(event.claims)} claims, {len(ents.entities)} entities)",
            show_lines=True,
        )
        for col in ("type", "value", "slot", "actor", "conf", "evidence"):
            table.add_column(col, overflow="fold")
        for c in event.claims:
            v = c.value
            shown = "" if v is None else format_interval(v)
            actor = c.actor or ""
            if c.actor_class:
                actor += f" ({c.actor_class}"
                actor += f" → {c.target_class})" if c.type.value == "threat" else ")"
            table.add_row(
                c.type.value,
                shown,
                c.slot or "",
                actor,
                f"{c.confidence:.2f}",
                c.quote if c.type.value == "quote" else c.text,
            )
        console.print(table)
