"""The article page: the normalised text with every claim marked and typed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select

from claimwatch_web.highlight import number_spans, segments
from claimwatch_web.queries.common import interval_text
from claimwatch_web.schema import ARTICLES, CLAIMS, PLACEMENTS, utc
from claimwatch_web.views import ArticlePage, ArticleSegment, ClaimView

NUMBER_MARK = 0  # claim marks are numbered from 1


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
                interval_text(c.value_low, c.value_high, c.value_unit)
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
