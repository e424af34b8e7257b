"""How an alert looks in a terminal (``claimwatch receive``): rich panels a person can scan."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimwatch.display import format_interval
from claimwatch.models import Alert

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "bold yellow",
    "low": "cyan",
    "info": "dim",
}


def render_alert(alert: Alert, duplicate_of_version: int | None = None) -> Panel:
    sev = alert.severity.value
    head = Text.assemble(
        (f" {sev.upper()} ", SEVERITY_STYLE.get(sev, "")),
        "  ",
        (alert.title, "bold"),
    )
    meta = Text(
        f"{alert.kind.value} · rule {alert.rule} · v{alert.version} · "
        f"{alert.independent_sources} independent source(s)",
        style="dim",
    )
    parts: list[RenderableType] = [head, meta]
    if alert.claim is not None:
        who = f"{alert.claim.actor}: " if alert.claim.actor else ""
        parts.append(Text.assemble((who, "bold"), f"“{alert.claim.text}”"))
        parts.append(Text(f"sources: {', '.join(alert.claim.sources)}", style="green"))
    if alert.sides:
        table = Table(show_header=True, header_style="bold", expand=True)
        table.add_column("value", no_wrap=True)
        table.add_column("evidence")
        table.add_column("sources", style="green")
        for side in alert.sides:
            table.add_row(format_interval(side.value), f"“{side.text}”", ", ".join(side.sources))
        parts.append(table)
    if alert.timeline:
        steps = Table(show_header=True, header_style="bold", expand=True)
        steps.add_column("first reported", no_wrap=True)
        steps.add_column("value", no_wrap=True)
        steps.add_column("evidence")
        steps.add_column("sources", style="green")
        for entry in alert.timeline:
            steps.add_row(
                f"{entry.published_at:%Y-%m-%d %H:%M}",
                format_interval(entry.value),
                f"“{entry.text}”",
                ", ".join(entry.sources),
            )
        parts.append(steps)
    if alert.explanation:
        parts.append(Text(alert.explanation, style="italic"))
    if alert.story_url:
        parts.append(Text(f"story: {alert.story_url}", style="link " + alert.story_url))
    return Panel(Group(*parts), title=f"alert {alert.id}", title_align="left")


def render_other(text: str) -> Panel:
    """A body that is not an Alert (e.g. a Slack-format subscription pointed here)."""
    return Panel(Text(text[:4000]), title="webhook (not an alert)", title_align="left")
