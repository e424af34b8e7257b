"""Per-story state kept in the ``story-state`` faust table (changelog-backed).

Everything needed to re-evaluate a story from scratch after a restart: which articles it has
seen (and which alert versions each caused, so a redelivered article re-sends the same
progress marker instead of new pages), the claims that can fire, and what was last sent per
alert so an unchanged alert is never re-sent.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from claimwatch.models import Claim


class StoredArticle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    duplicate_of: str | None = None
    origin: str | None = Field(
        default=None, description="Outlet of the original, resolved by the story index."
    )
    ingested_at: datetime
    published_at: datetime | None = None
    entity_ids: list[str] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list, description="`id:version` it caused.")


class StoredClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: str
    claim: Claim


class SentAlert(BaseModel):
    """The last version sent and what it was sent for (its corroboration fingerprint)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    fingerprint: list[int]


class StoryState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    story: str
    articles: dict[str, StoredArticle] = Field(default_factory=dict)
    claims: list[StoredClaim] = Field(default_factory=list)
    sent: dict[str, SentAlert] = Field(default_factory=dict)
    trimmed_articles: int = Field(
        0, description="Articles whose claims were dropped to keep the state in one record."
    )

    def origin_of(self, article_id: str, _depth: int = 0) -> str:
        """Independence key: the outlet, or for a copy the outlet of its original."""
        article = self.articles[article_id]
        if article.duplicate_of is None:
            return article.source
        original = self.articles.get(article.duplicate_of)
        if original is not None and _depth < 8:
            return self.origin_of(article.duplicate_of, _depth + 1)
        return article.origin or f"copy-of:{article.duplicate_of}"
