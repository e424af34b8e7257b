"""Webhook bodies: the alert JSON of the replay contract, or a Slack incoming-webhook payload.

Slack limits (header text 150 chars, section text 3000) are respected by truncation so a long
evidence sentence never makes Slack reject the whole message.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from claimwatch.display import format_interval
from claimwatch.links import story_url
from claimwatch.models import Alert, AlertSide, TimelineEntry

Format = Literal["standard", "slack"]

_HEADER_MAX = 150
_SECTION_MAX = 3000
_SEVERITY_EMOJI = {
    "critical": ":rotating_light:",
    "high": ":red_circle:",
    "medium": ":large_orange_circle:",
    "low": ":large_yellow_circle:",
    "info": ":information_source:",
}


def with_story_link(alert: Alert, base_url: str | None) -> Alert:
    """The alert with ``story_url`` pointing at its story page, when the pages have a URL."""
    if not base_url:
        return alert
    return alert.model_copy(update={"story_url": story_url(base_url, alert.story)})


def body_for(alert: Alert, fmt: Format, base_url: str | None = None) -> bytes:
    """The exact bytes to sign and send; ``base_url`` (the story pages') adds the story link."""
    alert = with_story_link(alert, base_url)
    if fmt == "slack":
        text: str = json.dumps(slack_payload(alert), ensure_ascii=False)
        return text.encode("utf-8")
    json_text: str = alert.model_dump_json()
    return json_text.encode("utf-8")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _side_text(side: AlertSide) -> str:
    return f"*{format_interval(side.value)}* — “{side.text}”\n_sources: {', '.join(side.sources)}_"


def _entry_text(entry: TimelineEntry) -> str:
    """One step of a figure update: when it was first reported, the value, who said it."""
    return (
        f"{entry.published_at:%Y-%m-%d %H:%M} *{format_interval(entry.value)}* — “{entry.text}”"
        f"\n_sources: {', '.join(entry.sources)}_"
    )


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Text plus Block Kit blocks: title, severity, and the claim or both sides with sources."""
    sev = alert.severity.value
    text = f"[{sev.upper()}] {alert.title}"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(alert.title, _HEADER_MAX)}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Severity*\n{_SEVERITY_EMOJI.get(sev, '')} {sev}"},
                {"type": "mrkdwn", "text": f"*Kind*\n{alert.kind.value} ({alert.rule})"},
            ],
        },
    ]
    if alert.claim is not None:
        who = f"*{alert.claim.actor}*: " if alert.claim.actor else ""
        claim_text = f"{who}“{alert.claim.text}”\n_sources: {', '.join(alert.claim.sources)}_"
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(claim_text, _SECTION_MAX)}}
        )
    for body in [_side_text(s) for s in alert.sides or []] + [
        _entry_text(e) for e in alert.timeline or []
    ]:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(body, _SECTION_MAX)}}
        )
    if alert.story_url:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"<{alert.story_url}|Open the story>"},
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": _cut(
                        f"alert {alert.id} v{alert.version} · sources: {', '.join(alert.sources)}",
                        _SECTION_MAX,
                    ),
                }
            ],
        }
    )
    return {"text": text, "blocks": blocks}
