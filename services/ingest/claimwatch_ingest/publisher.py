"""Turning raw articles into Article events on the articles topic, once each.

Every ingest door (folders, feeds, push API, replay) goes through ``ArticlePublisher`` so
identity, de-duplication and metrics are the same whichever way an article arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimwatch.kafka import EventProducer
from claimwatch.metrics import RECORDS_OUT
from claimwatch.models import Article, SourceKind
from claimwatch.settings import Settings

from claimwatch_ingest.files import RawArticle
from claimwatch_ingest.identity import article_id
from claimwatch_ingest.normalise import normalise


class RejectedArticle(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class PublishResult:
    article_id: str
    produced: bool
    duplicate_of: str | None = None


class ArticlePublisher:
    def __init__(self, producer: EventProducer, settings: Settings) -> None:
        self.producer = producer
        self.settings = settings
        self._seen: set[str] = set()

    def build(self, raw: RawArticle, kind: SourceKind) -> Article:
        text = normalise(raw.body, raw.content_type)
        if not text:
            raise RejectedArticle("empty_text", "article has no text after normalisation")
        return Article(
            id=article_id(raw.source, text),
            source=raw.source,
            source_kind=kind,
            url=raw.url,
            title=raw.title,
            published_at=raw.published_at,
            text=text,
            original_text=raw.body,
        )

    async def publish(self, raw: RawArticle, kind: SourceKind = SourceKind.FILE) -> PublishResult:
        article = self.build(raw, kind)
        if article.id in self._seen:
            return PublishResult(article.id, produced=False)
        await self.producer.send_and_wait(self.settings.topics.articles, article.id, article)
        self._seen.add(article.id)
        RECORDS_OUT.labels("ingest").inc()
        return PublishResult(article.id, produced=True, duplicate_of=article.duplicate_of)
