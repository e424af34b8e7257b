"""The stories list: newest first, filtered by alert kind and by entity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, or_, select

from claimwatch_web.schema import ALERTS, ARTICLES, ENTITIES, PLACEMENTS, utc
from claimwatch_web.views import StoryList, StoryListItem

PER_PAGE = 50
TOP_ENTITIES = 5


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
    entities = top_entities(conn, ids)
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


def top_entities(conn: Connection, stories: Sequence[str]) -> dict[str, list[str]]:
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
