"""The story page: reports, key claims, facts by outlet and time, and every alert version."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from claimwatch.display import format_interval
from claimwatch.models import ClaimType
from claimwatch_web.chart import Observation, figure_chart
from claimwatch_web.highlight import mark_numbers, segments
from claimwatch_web.queries.common import article_time, interval_text
from claimwatch_web.queries.stories import top_entities
from claimwatch_web.records import AlertRecord
from claimwatch_web.schema import ALERTS, ARTICLES, CLAIMS, PLACEMENTS, utc
from claimwatch_web.views import (
    AlertHistory,
    AlertVersionView,
    Evidence,
    Fact,
    FactValue,
    KeyClaim,
    Report,
    SideView,
    StoryPage,
    TimelineStep,
)

KEY_CLAIM_KIND = "key_claim"
CONTRADICTION_KIND = "contradiction"
FIGURE_UPDATE_KIND = "figure_update"


def story_page(conn: Connection, story: str) -> StoryPage | None:
    """Everything the story page shows, or ``None`` for a story the read model does not know."""
    articles = conn.execute(
        select(
            ARTICLES.c.id,
            ARTICLES.c.source,
            ARTICLES.c.url,
            ARTICLES.c.title,
            ARTICLES.c.published_at,
            ARTICLES.c.ingested_at,
            ARTICLES.c.duplicate_of,
            ARTICLES.c.duplicate_kind,
        )
        .join(PLACEMENTS, PLACEMENTS.c.article_id == ARTICLES.c.id)
        .where(PLACEMENTS.c.story == story)
    ).all()
    alert_rows = conn.execute(
        select(ALERTS.c.body).where(ALERTS.c.story == story).order_by(ALERTS.c.fired_at)
    ).all()
    if not articles and not alert_rows:
        return None
    ids = [a.id for a in articles]
    claim_rows = (
        conn.execute(
            select(CLAIMS).where(CLAIMS.c.article_id.in_(ids)).order_by(CLAIMS.c.seq)
        ).all()
        if ids
        else []
    )
    by_id = {a.id: a for a in articles}
    sources_by_id = {a.id: a.source for a in articles}
    claims_per_article: dict[str, int] = defaultdict(int)
    for c in claim_rows:
        claims_per_article[c.article_id] += 1
    reports = sorted(
        (_report(a, sources_by_id, claims_per_article[a.id]) for a in articles),
        key=lambda r: (r.at, r.source),
    )
    alerts = _alert_histories(AlertRecord.model_validate_json(r.body) for r in alert_rows)
    facts = _facts(claim_rows, by_id, alerts)
    key_types = {ClaimType.THREAT.value} | {
        a.latest.claim_type for a in alerts if a.kind == KEY_CLAIM_KIND and a.latest.claim_type
    }
    times = [r.at for r in reports] + [a.latest.fired_at for a in alerts]
    last_seen = [utc(a.ingested_at) for a in articles] + [a.latest.fired_at for a in alerts]
    return StoryPage(
        id=story,
        title=_title(reports) or (alerts[0].latest.title if alerts else "(untitled)"),
        reports=reports,
        outlets=sorted({r.source for r in reports}),
        first_at=min(times) if times else None,
        last_update=max(last_seen) if last_seen else None,
        entities=top_entities(conn, [story]).get(story, []),
        key_claims=_key_claims(claim_rows, by_id, key_types),
        facts=facts,
        contradictions=[a for a in alerts if a.kind == CONTRADICTION_KIND],
        figure_updates=[a for a in alerts if a.kind == FIGURE_UPDATE_KIND],
        alerts=alerts,
        claims=len(claim_rows),
    )


def _report(a: Any, sources: dict[str, str], claims: int) -> Report:
    return Report(
        article_id=a.id,
        source=a.source,
        url=a.url,
        title=a.title,
        at=article_time(a),
        published=a.published_at is not None,
        ingested_at=utc(a.ingested_at),
        copy_of=a.duplicate_of,
        copy_of_source=sources.get(a.duplicate_of) if a.duplicate_of else None,
        copy_kind=a.duplicate_kind,
        claims=claims,
    )


def _title(reports: Sequence[Report]) -> str | None:
    originals = [r for r in reports if r.title and r.copy_of is None]
    chosen = originals or [r for r in reports if r.title]
    return chosen[0].title if chosen else None


def _key_claims(claims: Sequence[Any], articles: dict[str, Any], types: set[str]) -> list[KeyClaim]:
    """Key-type claims grouped by who made them against what kind of target, with every
    report's sentence as evidence (the same threat in other words stays one entry)."""
    grouped: dict[tuple[str, str | None, str], list[Any]] = defaultdict(list)
    for c in claims:
        if c.type in types:
            known_class = c.target_class not in (None, "unknown")
            kind = c.target_class if known_class else f"target:{(c.target or '').lower()}"
            grouped[(c.type, c.actor, kind)].append(c)
    merged: dict[tuple[str, str | None, str], list[Any]] = defaultdict(list)
    for (ctype, actor, kind), group in grouped.items():
        key = (ctype, actor, kind if not kind.startswith("target:") else "unknown")
        merged[key].extend(group)
    out = []
    for (ctype, actor, kind), group in merged.items():
        evidence = sorted(
            (
                Evidence(
                    source=articles[c.article_id].source,
                    article_id=c.article_id,
                    at=article_time(articles[c.article_id]),
                    segments=segments(c.text, []),
                    is_copy=articles[c.article_id].duplicate_of is not None,
                )
                for c in group
            ),
            key=lambda e: (e.at, e.source),
        )
        out.append(
            KeyClaim(
                type=ctype,
                actor=actor,
                actor_class=group[0].actor_class,
                target_class=None if kind == "unknown" else kind,
                targets=list(dict.fromkeys(c.target for c in group if c.target)),
                conditions=list(dict.fromkeys(c.condition for c in group if c.condition)),
                evidence=evidence,
            )
        )
    return sorted(out, key=lambda k: (-len(k.outlets), k.evidence[0].at))


def fact_label(slot: str) -> str:
    """``quantity:person:killed`` -> ``person killed``: the slot in plain words."""
    words = slot.split(":")[1:] or [slot]
    return " ".join(w.replace("-", " ").replace("_", " ") for w in words)


def _facts(
    claims: Sequence[Any], articles: dict[str, Any], alerts: Sequence[AlertHistory]
) -> list[Fact]:
    by_slot: dict[str, list[Any]] = defaultdict(list)
    for c in claims:
        if c.slot and (c.value_low is not None or c.value_high is not None):
            by_slot[c.slot].append(c)
    named = {a.slot: a.latest.fact for a in alerts if a.slot and a.latest.fact}
    disputed = {a.slot for a in alerts if a.slot and a.kind == CONTRADICTION_KIND}
    facts = []
    for slot, group in by_slot.items():
        unit = next((c.value_unit for c in group if c.value_unit), "") or ""
        values = sorted(
            (
                FactValue(
                    source=articles[c.article_id].source,
                    article_id=c.article_id,
                    at=article_time(articles[c.article_id]),
                    shown=interval_text(c.value_low, c.value_high, c.value_unit),
                    low=c.value_low,
                    high=c.value_high,
                    segments=mark_numbers(c.text, c.value_low, c.value_high),
                    is_copy=articles[c.article_id].duplicate_of is not None,
                    aside=_aside(c),
                )
                for c in group
            ),
            key=lambda v: (v.at, v.source),
        )
        own = [v for v in values if v.aside is None]  # the story's own, whole figure
        distinct = list(dict.fromkeys(v.shown for v in own))
        moving = len(distinct) > 1
        chart = (
            figure_chart(
                [Observation(v.at, v.low, v.high, v.source) for v in own if not v.is_copy],
                unit,
            )
            if moving
            else None
        )
        described = Counter(c.fact_description for c in group if c.fact_description)
        facts.append(
            Fact(
                slot=slot,
                label=named.get(slot)
                or (described.most_common(1)[0][0] if described else fact_label(slot)),
                unit=unit,
                values=values,
                distinct=distinct,
                moving=moving,
                disputed=slot in disputed,
                chart=chart,
            )
        )
    return sorted(facts, key=lambda f: (not f.disputed, not f.moving, -len(f.values), f.slot))


def _aside(claim: Any) -> str | None:
    """Why a value is not the story's own current figure ("earlier", "background", "part")."""
    if claim.fact_time not in (None, "current"):
        return str(claim.fact_time)
    return "part" if claim.fact_scope == "part" else None


def _alert_histories(records: Iterable[AlertRecord]) -> list[AlertHistory]:
    versions: dict[str, list[AlertRecord]] = defaultdict(list)
    for record in records:
        versions[record.id].append(record)
    out = []
    for alert_id, group in versions.items():
        unique = {r.version: r for r in group}
        ordered = [unique[v] for v in sorted(unique, reverse=True)]
        views = [_alert_version(r) for r in ordered]
        latest = ordered[0]
        out.append(
            AlertHistory(
                id=alert_id,
                kind=latest.kind,
                rule=latest.rule,
                slot=latest.slot,
                label=latest.fact or (fact_label(latest.slot) if latest.slot else latest.title),
                latest=views[0],
                versions=views,
            )
        )
    return sorted(out, key=lambda a: a.latest.fired_at, reverse=True)


def _alert_version(r: AlertRecord) -> AlertVersionView:
    sides = [
        SideView(
            shown=format_interval(s.value),
            sources=s.sources,
            segments=mark_numbers(s.text, s.value.low, s.value.high),
            more_texts=[mark_numbers(t, s.value.low, s.value.high) for t in s.texts if t != s.text],
        )
        for s in r.sides or []
    ]
    timeline = [
        TimelineStep(
            shown=format_interval(p.value),
            sources=p.sources,
            published_at=utc(p.published_at) if p.published_at else None,
            segments=mark_numbers(p.text, p.value.low, p.value.high),
        )
        for p in r.timeline or []
    ]
    return AlertVersionView(
        version=r.version,
        fired_at=utc(r.fired_at),
        severity=r.severity,
        title=r.title,
        explanation=r.explanation,
        independent_sources=r.independent_sources,
        sources=r.sources,
        claim_actor=r.claim.actor if r.claim else None,
        claim_target=r.claim.target if r.claim else None,
        claim_type=r.claim.type if r.claim else None,
        claim_segments=segments(r.claim.text, []) if r.claim else [],
        sides=sides,
        timeline=timeline,
        fact=r.fact,
    )
