"""The alert stage's pure core: one article's claims + a story's state -> alert versions.

No Kafka here: ``apply_article`` is what the faust agent calls per article and what unit tests
call directly. The story is re-evaluated from its stored claims each time (stories are small),
so a late original of a syndicated copy, or a restart, yields the same answer as an
uninterrupted run. Alerts are grouped like Alertmanager: one id per (story, rule, speaker) and
per (story, slot); a new version only when independent corroboration grows or a side changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from claimwatch.models import (
    Alert,
    AlertClaim,
    AlertKind,
    Claim,
    ClaimsExtracted,
)
from claimwatch_alert.config import DetectionConfig
from claimwatch_alert.figure_alerts import figure_drafts
from claimwatch_alert.rules import Rule
from claimwatch_alert.state import SentAlert, StoredArticle, StoredClaim, StoryState

MAX_ALERT_ENTITIES = 32
ID_PREFIX = {
    AlertKind.KEY_CLAIM: "kc",
    AlertKind.CONTRADICTION: "ct",
    AlertKind.FIGURE_UPDATE: "fu",
}


def alert_id(kind: str, story: str, key: str) -> str:
    prefix = ID_PREFIX[AlertKind(kind)]
    return f"{prefix}-" + hashlib.sha256(f"{story}\x00{key}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Draft:
    """An alert as the story stands now, before versioning."""

    alert: Alert
    fingerprint: list[int]
    """Independent origins per side (one entry for a key claim): a new version is sent only
    when this changes — corroboration grew or a side appeared — not when a copy or an
    already-counted outlet adds an article, or a copy's origin is resolved later."""


def _keeps(claim: Claim, rules: list[Rule]) -> bool:
    return (claim.slot is not None and claim.value is not None) or any(
        claim.type in r.claim_types for r in rules
    )


def _articles_meta(state: StoryState, article_ids: set[str]) -> tuple[datetime, list[str]]:
    earliest = min(state.articles[a].ingested_at for a in article_ids)
    entities: list[str] = []
    for a in sorted(article_ids):
        for e in state.articles[a].entity_ids:
            if e not in entities and len(entities) < MAX_ALERT_ENTITIES:
                entities.append(e)
    return earliest, entities


def _speaker_key(claim: Claim) -> str:
    """Who makes a key claim: its canonical entity id, else its name (lower case)."""
    return claim.actor_id or (claim.actor or "").strip().lower()


def key_claim_drafts(state: StoryState, rules: list[Rule], now: datetime) -> list[Draft]:
    """One alert per (story, rule, speaker): in one story "A threatens B" and "B threatens A"
    are two key claims, each with its own corroboration; more outlets reporting one speaker's
    threat make new versions of that speaker's alert."""
    drafts = []
    for rule in rules:
        by_speaker: dict[str, list[StoredClaim]] = {}
        for s in state.claims:
            if rule.matches(s.claim):
                by_speaker.setdefault(_speaker_key(s.claim), []).append(s)
        for speaker, matched in by_speaker.items():
            draft = _key_claim_draft(state, rule, speaker, matched, now)
            if draft is not None:
                drafts.append(draft)
    return drafts


def _key_claim_draft(
    state: StoryState, rule: Rule, speaker: str, matched: list[StoredClaim], now: datetime
) -> Draft | None:
    origins = sorted({state.origin_of(s.article_id) for s in matched})
    if len(origins) < rule.min_sources:
        return None
    first = matched[0].claim
    sources = sorted({state.articles[s.article_id].source for s in matched})
    article_ids = {s.article_id for s in matched}
    ingested, entities = _articles_meta(state, article_ids)
    n = len(origins)
    target = first.target or first.target_class or "an unnamed target"
    explanation = (
        f"{first.actor or 'An unnamed speaker'} ({first.actor_class or 'unknown role'}) "
        f"made a {first.type.value} against {target}, "
        f"reported by {n} independent outlet{'s' if n != 1 else ''} ({', '.join(origins)}): "
        f'"{first.text.strip()}"'
    )
    alert = Alert(
        id=alert_id(AlertKind.KEY_CLAIM, state.story, f"{rule.id}\x00{speaker}"),
        version=1,
        kind=AlertKind.KEY_CLAIM,
        rule=rule.id,
        severity=rule.severity,
        title=rule.render_title(first),
        sources=sources,
        claim=AlertClaim(
            type=first.type,
            actor=first.actor,
            target=first.target,
            text=first.text,
            sources=sources,
        ),
        story=state.story,
        independent_sources=n,
        explanation=explanation,
        entity_ids=entities,
        article_ids=sorted(article_ids),
        ingested_at=ingested,
        fired_at=now,
    )
    return Draft(alert, [len(origins)])


def figure_alerts(state: StoryState, config: DetectionConfig, now: datetime) -> list[Draft]:
    """Contradiction and figure-update alerts (figure_alerts.py), with the story's fields."""
    drafts = []
    for fig in figure_drafts(state, config):
        article_ids = {r.article_id for r in fig.reports}
        ingested, entities = _articles_meta(state, article_ids)
        alert = Alert(
            id=alert_id(fig.kind, state.story, fig.key),
            version=1,
            kind=fig.kind,
            rule=fig.rule,
            severity=fig.severity,
            title=fig.title,
            sources=sorted({r.source for r in fig.reports}),
            sides=fig.sides,
            timeline=fig.timeline,
            fact=fig.fact,
            story=state.story,
            slot=fig.slot,
            independent_sources=len(fig.origins),
            explanation=fig.explanation,
            entity_ids=entities,
            article_ids=sorted(article_ids),
            ingested_at=ingested,
            fired_at=now,
        )
        drafts.append(Draft(alert, fig.fingerprint))
    return drafts


def _grew(sent: list[int], now: list[int]) -> bool:
    """Whether a draft is news against what was sent: a side or step appeared, or one gained
    outlets. The same sides with the same or fewer outlets are not (fewer happens when a
    copy's origin is resolved to an outlet already counted, or old claims were trimmed,
    ``budget.py``): a page must never say less than the one before."""
    if len(now) != len(sent):
        return True
    return any(n > s for n, s in zip(now, sent, strict=True))


def apply_article(
    state: StoryState,
    event: ClaimsExtracted,
    rules: list[Rule],
    config: DetectionConfig,
    now: datetime,
    origin: str | None = None,
) -> tuple[StoryState, list[Alert]]:
    """Fold one article into its story; return the new state and the alert versions to send.

    Idempotent: an article already in the state changes nothing and yields no alerts (a
    redelivery after a crash must not page twice).
    """
    if event.article_id in state.articles:
        return state, []
    # A new state that shares the stored articles and claims with the old one: they are
    # never changed in place, only added to (a deep copy cost a third of a long story's time)
    state = state.model_copy(
        update={
            "articles": dict(state.articles),
            "claims": list(state.claims),
            "sent": dict(state.sent),
        }
    )
    state.articles[event.article_id] = StoredArticle(
        source=event.source,
        published_at=event.published_at,
        duplicate_of=event.duplicate_of,
        origin=origin,
        ingested_at=event.ingested_at,
        entity_ids=list(event.entity_ids),
    )
    state.claims.extend(
        StoredClaim(article_id=event.article_id, claim=c) for c in event.claims if _keeps(c, rules)
    )
    drafts = key_claim_drafts(state, rules, now) + figure_alerts(state, config, now)
    out: list[Alert] = []
    for draft in drafts:
        previous = state.sent.get(draft.alert.id)
        if previous is not None and not _grew(previous.fingerprint, draft.fingerprint):
            continue
        version = 1 if previous is None else previous.version + 1
        alert = draft.alert.model_copy(update={"version": version})
        state.sent[alert.id] = SentAlert(version=version, fingerprint=draft.fingerprint)
        out.append(alert)
    state.articles[event.article_id].alerts = [f"{a.id}:{a.version}" for a in out]
    return state, out
