"""The read side: the database rows a page needs, turned into ``views``.

A handful of indexed queries per page (a story's placements, its articles, their claims, its
alerts), then plain Python to group them: stories are small next to what a query planner is
good at, and the grouping rules (what is a copy, which values a fact took, which number to
mark) are easier to read and test here than in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from claimwatch.display import format_interval
from claimwatch.models import ClaimType, Interval
from claimwatch_web.chart import Observation, figure_chart
from claimwatch_web.highlight import mark_numbers, number_spans, segments
from claimwatch_web.records import AlertRecord
from claimwatch_web.schema import ALERTS, ARTICLES, CLAIMS, ENTITIES, PLACEMENTS, utc
from claimwatch_web.views import (
    AlertHistory,
    AlertVersionView,
    ArticlePage,
    ArticleSegment,
    ClaimView,
    Evidence,
    Fact,
    FactValue,
    KeyClaim,
    Report,
    SideView,
    StoryList,
    StoryListItem,
    StoryPage,
    TimelineStep,
)

PER_PAGE = 50
TOP_ENTITIES = 5
KEY_CLAIM_KIND = "key_claim"
CONTRADICTION_KIND = "contradiction"
FIGURE_UPDATE_KIND = "figure_update"
NUMBER_MARK = 0  # claim marks are numbered from 1


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_stories(
    conn: Connection, kind: str | None = None, q: str | None = None, page: int = 1
) -> StoryList:
    """Stories newest first (by their last article or alert), filtered by alert kind and by
    an entity name or id containing ``q``."""
    page = max(1, page)
    art_time = func.coalesce(ARTICLES.c.published_at, ARTICLES.c.ingested_at)
    per_story = (
        select(
            PLACEMENTS.c.story.label("story"),
            func.count(ARTICLES.c.id).label("articles"),
            func.count(func.distinct(ARTICLES.c.source)).label("outlets"),
            func.min(art_time).label("first_at"),
            func.max(ARTICLES.c.ingested_at).label("last_seen"),
        )
        .join(ARTICLES, ARTICLES.c.id == PLACEMENTS.c.article_id)
        .group_by(PLACEMENTS.c.story)
    )
    if kind:
        per_story = per_story.where(
            PLACEMENTS.c.story.in_(select(ALERTS.c.story).where(ALERTS.c.kind == kind))
        )
    if q and q.strip():
        pattern = _like(q.strip())
        matching = (
            select(PLACEMENTS.c.story)
            .join(ENTITIES, ENTITIES.c.article_id == PLACEMENTS.c.article_id)
            .where(
                or_(
                    func.lower(ENTITIES.c.name).like(pattern, escape="\\"),
                    func.lower(ENTITIES.c.entity_id).like(pattern, escape="\\"),
                )
            )
        )
        per_story = per_story.where(PLACEMENTS.c.story.in_(matching))
    stories = per_story.subquery()
    last_alert = (
        select(ALERTS.c.story.label("story"), func.max(ALERTS.c.fired_at).label("fired"))
        .group_by(ALERTS.c.story)
        .subquery()
    )
    last_update = case(
        (
            and_(last_alert.c.fired.is_not(None), last_alert.c.fired > stories.c.last_seen),
            last_alert.c.fired,
        ),
        else_=stories.c.last_seen,
    )
    rows = conn.execute(
        select(stories, last_update.label("last_update"))
        .outerjoin(last_alert, last_alert.c.story == stories.c.story)
        .order_by(last_update.desc(), stories.c.story)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    ).all()
    has_more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    ids = [r.story for r in rows]
    titles = _story_titles(conn, ids)
    badges = _badges(conn, ids)
    entities = _top_entities(conn, ids)
    items = [
        StoryListItem(
            id=r.story,
            title=titles.get(r.story) or "(untitled)",
            articles=r.articles,
            outlets=r.outlets,
            first_at=utc(r.first_at),
            last_update=utc(r.last_update),
            badges=badges.get(r.story, {}),
            entities=entities.get(r.story, []),
        )
        for r in rows
    ]
    kinds = sorted(conn.scalars(select(ALERTS.c.kind).distinct()))
    return StoryList(items, page, has_more, kind, q, kinds)


def _story_titles(conn: Connection, stories: Sequence[str]) -> dict[str, str]:
    """A story's title: the headline of its earliest report that is not a copy."""
    if not stories:
        return {}
    rows = conn.execute(
        select(
            PLACEMENTS.c.story,
            ARTICLES.c.title,
            ARTICLES.c.duplicate_of,
            func.coalesce(ARTICLES.c.published_at, ARTICLES.c.ingested_at).label("at"),
        )
        .join(ARTICLES, ARTICLES.c.id == PLACEMENTS.c.article_id)
        .where(PLACEMENTS.c.story.in_(stories), ARTICLES.c.title.is_not(None))
    ).all()
    best: dict[str, tuple[bool, datetime, str]] = {}
    for story, title, duplicate_of, at in rows:
        key = (duplicate_of is not None, utc(at), title)
        if story not in best or key < best[story]:
            best[story] = key
    return {story: key[2] for story, key in best.items()}


def _badges(conn: Connection, stories: Sequence[str]) -> dict[str, dict[str, int]]:
    if not stories:
        return {}
    rows = conn.execute(
        select(ALERTS.c.story, ALERTS.c.kind, func.count(func.distinct(ALERTS.c.id)))
        .where(ALERTS.c.story.in_(stories))
        .group_by(ALERTS.c.story, ALERTS.c.kind)
    ).all()
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for story, kind, count in rows:
        out[story][kind] = count
    return out


def _top_entities(conn: Connection, stories: Sequence[str]) -> dict[str, list[str]]:
    if not stories:
        return {}
    rows = conn.execute(
        select(PLACEMENTS.c.story, ENTITIES.c.name, func.count().label("n"))
        .join(ENTITIES, ENTITIES.c.article_id == PLACEMENTS.c.article_id)
        .where(PLACEMENTS.c.story.in_(stories))
        .group_by(PLACEMENTS.c.story, ENTITIES.c.name)
    ).all()
    ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for story, name, n in rows:
        ranked[story].append((-n, name))
    return {s: [name for _, name in sorted(r)[:TOP_ENTITIES]] for s, r in ranked.items()}


# ------------------------------------------------------------------------------ story page


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
        entities=_top_entities(conn, [story]).get(story, []),
        key_claims=_key_claims(claim_rows, by_id, key_types),
        facts=facts,
        contradictions=[a for a in alerts if a.kind == CONTRADICTION_KIND],
        figure_updates=[a for a in alerts if a.kind == FIGURE_UPDATE_KIND],
        alerts=alerts,
        claims=len(claim_rows),
    )


def _article_time(a: Any) -> datetime:
    return utc(a.published_at if a.published_at is not None else a.ingested_at)


def _report(a: Any, sources: dict[str, str], claims: int) -> Report:
    return Report(
        article_id=a.id,
        source=a.source,
        url=a.url,
        title=a.title,
        at=_article_time(a),
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


def _interval(low: float | None, high: float | None, unit: str | None) -> str:
    return format_interval(Interval(low=low, high=high, unit=unit or ""))


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
                    at=_article_time(articles[c.article_id]),
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


def _fact_label(slot: str) -> str:
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
                    at=_article_time(articles[c.article_id]),
                    shown=_interval(c.value_low, c.value_high, c.value_unit),
                    low=c.value_low,
                    high=c.value_high,
                    segments=mark_numbers(c.text, c.value_low, c.value_high),
                    is_copy=articles[c.article_id].duplicate_of is not None,
                )
                for c in group
            ),
            key=lambda v: (v.at, v.source),
        )
        distinct = list(dict.fromkeys(v.shown for v in values))
        moving = len(distinct) > 1
        chart = (
            figure_chart(
                [Observation(v.at, v.low, v.high, v.source) for v in values if not v.is_copy],
                unit,
            )
            if moving
            else None
        )
        facts.append(
            Fact(
                slot=slot,
                label=named.get(slot) or _fact_label(slot),
                unit=unit,
                values=values,
                distinct=distinct,
                moving=moving,
                disputed=slot in disputed,
                chart=chart,
            )
        )
    return sorted(facts, key=lambda f: (not f.disputed, not f.moving, -len(f.values), f.slot))


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
                label=latest.fact or (_fact_label(latest.slot) if latest.slot else latest.title),
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


# ---------------------------------------------------------------------------- article page


def article_page(conn: Connection, article_id: str) -> ArticlePage | None:
    a = conn.execute(select(ARTICLES).where(ARTICLES.c.id == article_id)).first()
    if a is None:
        return None
    story = conn.scalar(select(PLACEMENTS.c.story).where(PLACEMENTS.c.article_id == article_id))
    rows = conn.execute(
        select(CLAIMS).where(CLAIMS.c.article_id == article_id).order_by(CLAIMS.c.seq)
    ).all()
    claims = [
        ClaimView(
            index=i,
            type=c.type,
            text=c.text,
            shown_value=(
                _interval(c.value_low, c.value_high, c.value_unit)
                if c.value_low is not None or c.value_high is not None
                else None
            ),
            actor=c.actor,
            target=c.target or c.target_class,
            slot=c.slot,
            confidence=c.confidence,
            attribution=c.attribution,
            quote=c.quote,
            start=c.start,
            end=c.end,
            low=c.value_low,
            high=c.value_high,
        )
        for i, c in enumerate(rows, start=1)
    ]
    return ArticlePage(
        id=a.id,
        source=a.source,
        url=a.url,
        title=a.title,
        published_at=utc(a.published_at) if a.published_at else None,
        ingested_at=utc(a.ingested_at),
        story=story,
        copy_of=a.duplicate_of,
        copy_kind=a.duplicate_kind,
        segments=article_segments(a.text, claims),
        claims=claims,
        type_counts=dict(sorted(_count(c.type for c in claims).items())),
    )


def _count(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for item in items:
        out[item] += 1
    return out


def article_segments(text: str, claims: Sequence[ClaimView]) -> list[ArticleSegment]:
    """The text cut at claim edges; each piece knows its claims, their types, which claims
    start there, and whether it is the number a claim's value was read from."""
    types = {c.index: c.type for c in claims}
    starts_at: dict[int, list[int]] = defaultdict(list)
    spans = []
    for c in claims:
        start, end = max(0, min(c.start, len(text))), max(0, min(c.end, len(text)))
        starts_at[start].append(c.index)
        spans.append((start, end, c.index))
        if c.low is not None or c.high is not None:
            sentence = text[start:end]
            spans += [(start + s, start + e, NUMBER_MARK) for s, e in
                      number_spans(sentence, c.low, c.high)]  # fmt: skip
    out = []
    position = 0
    for piece in segments(text, spans):
        claim_marks = tuple(m for m in piece.marks if m != NUMBER_MARK)
        out.append(
            ArticleSegment(
                text=piece.text,
                claims=claim_marks,
                starts=tuple(starts_at.get(position, ())),
                types=tuple(dict.fromkeys(types[i] for i in claim_marks)),
                number=NUMBER_MARK in piece.marks,
            )
        )
        position += len(piece.text)
    return out
