"""Turning raw articles into Article events on the articles topic, once each.

Every ingest door (folders, feeds, push API, replay) goes through ``ArticlePublisher`` so
validation, normalisation, identity, de-duplication and metrics are the same whichever way an
article arrives. An article counts as produced only once the broker acknowledged it; the
duplicate index learns about it only then, so a failed send can simply be retried.
"""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from claimwatch.dates import DateWindow
from claimwatch.kafka import EventProducer, encode
from claimwatch.metrics import RECORDS_IN, RECORDS_OUT
from claimwatch.models import Article, DuplicateKind, SourceKind
from claimwatch.settings import Settings
from claimwatch.urls import http_url_problem
from claimwatch_ingest.dedup import DuplicateIndex
from claimwatch_ingest.files import RawArticle, looks_binary
from claimwatch_ingest.identity import article_id
from claimwatch_ingest.metrics import (
    ARTICLES,
    ARTICLES_RECEIVED,
    BYTES_PRODUCED,
    BYTES_RECEIVED,
    DUPLICATES,
    INDEX_SIZE,
    NEAR_SIMILARITY,
    PRODUCE_SECONDS,
    count_rejection,
)
from claimwatch_ingest.normalise import normalise

MAX_SOURCE_CHARS = 200


class RejectedArticle(Exception):
    """An input that is not an article we can use; ``reason`` is a metrics reason code and
    ``field`` the input field at fault (``None``: the text or the article as a whole)."""

    def __init__(self, reason: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.field = field


@dataclass(frozen=True)
class PublishResult:
    article_id: str
    produced: bool
    duplicate_of: str | None = None
    duplicate_kind: DuplicateKind | None = None
    similarity: float | None = None


def build_article(
    raw: RawArticle, kind: SourceKind, max_bytes: int, dates: DateWindow | None = None
) -> Article:
    """The Article for ``raw`` (no duplicate fields yet), or ``RejectedArticle``.

    Pure but for the clock (``dates`` is checked against now; ``None``: any date, for offline
    readers): the claims inspector and the evaluation use it to get the very ids and text
    that ingest produces.
    """
    source = raw.source.strip()
    if not source:
        raise RejectedArticle("missing_field", "source is empty: say which outlet this is")
    if len(source) > MAX_SOURCE_CHARS:
        raise RejectedArticle(
            "invalid_field", f"source is {len(source)} characters; at most {MAX_SOURCE_CHARS}"
        )
    if any(unicodedata.category(ch).startswith("C") for ch in source):
        raise RejectedArticle("invalid_field", "source contains control characters")
    if raw.url is not None:
        problem = http_url_problem(raw.url)
        if problem is not None:
            raise RejectedArticle("invalid_field", f"url {problem}", "url")
    if dates is not None and raw.published_at is not None:
        problem = dates.problem(raw.published_at)
        if problem is not None:
            raise RejectedArticle("invalid_field", f"published_at {problem}", "published_at")
    body_bytes = raw.body.encode("utf-8", "surrogatepass")
    if len(body_bytes) > max_bytes:
        raise RejectedArticle(
            "too_large",
            f"text is {len(body_bytes)} bytes; the limit is {max_bytes}",
        )
    if looks_binary(body_bytes):
        raise RejectedArticle("binary", "text contains binary data (NUL or control bytes)")
    text = normalise(raw.body, raw.content_type)
    if not text:
        raise RejectedArticle(
            "empty_text",
            "no article text left after removing markup, scripts and page furniture",
        )
    return Article(
        id=article_id(source, text),
        source=source,
        source_kind=kind,
        url=raw.url,
        title=raw.title,
        published_at=raw.published_at,
        text=text,
        original_text=raw.body,
    )


class ArticlePublisher:
    """Validates, normalises, identifies and produces articles; one per ingest process."""

    def __init__(
        self,
        producer: EventProducer,
        settings: Settings,
        index: DuplicateIndex | None = None,
    ) -> None:
        self.producer = producer
        self.settings = settings
        self.index = (
            index if index is not None else DuplicateIndex(settings.near_duplicate_threshold)
        )
        self._inflight: dict[str, asyncio.Future[PublishResult]] = {}
        # match -> send -> index.add must not interleave: two copies in one batch (or two
        # concurrent requests) would both miss each other and count as independent outlets
        self._order = asyncio.Lock()

    # ----------------------------------------------------------------- pure part

    def build(self, raw: RawArticle, kind: SourceKind) -> Article:
        """``build_article`` plus the record budget: an Article record (text, original text,
        JSON escaping) over ``Settings.max_record_bytes`` is refused here, not by a producer."""
        limits = self.settings
        article = build_article(raw, kind, limits.ingest_max_bytes, limits.date_window)
        size = len(encode(article))
        if size > self.settings.max_record_bytes:
            raise RejectedArticle(
                "too_large",
                f"the article's record would be {size} bytes; the record budget is "
                f"{self.settings.max_record_bytes} (CLAIMWATCH_MAX_RECORD_BYTES)",
                "text",
            )
        return article

    # ----------------------------------------------------------------- with the broker

    def prepare(self, raw: RawArticle, kind: SourceKind) -> Article:
        """``build`` plus counting it as received (and as rejected if it is)."""
        ARTICLES_RECEIVED.labels(kind.value).inc()
        RECORDS_IN.labels("ingest").inc()
        BYTES_RECEIVED.labels(kind.value).inc(len(raw.body.encode("utf-8", "surrogatepass")))
        try:
            return self.build(raw, kind)
        except RejectedArticle as exc:
            count_rejection(kind, exc.reason, received=False)
            raise

    async def publish(self, raw: RawArticle, kind: SourceKind = SourceKind.FILE) -> PublishResult:
        """Produce ``raw`` unless it was produced before; ``RejectedArticle`` for bad input."""
        return await self.publish_article(self.prepare(raw, kind))

    async def publish_many(self, articles: Sequence[Article]) -> list[PublishResult]:
        """Produce prepared articles one after another (each sees the ones before it)."""
        return list(await asyncio.gather(*(self.publish_article(a) for a in articles)))

    async def publish_article(self, article: Article) -> PublishResult:
        """Produce a prepared article once; concurrent calls for one id share one send."""
        pending = self._inflight.get(article.id)
        if pending is not None:
            return await asyncio.shield(pending)
        if article.id in self.index:
            ARTICLES.labels(article.source_kind.value, "seen").inc()
            root = self.index.root_of(article.id)
            return PublishResult(article.id, False, root if root != article.id else None)
        future: asyncio.Future[PublishResult] = asyncio.get_running_loop().create_future()
        self._inflight[article.id] = future
        try:
            result = await self._produce(article)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: only concurrent callers care
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._inflight[article.id]

    async def _produce(self, article: Article) -> PublishResult:
        async with self._order:
            return await self._produce_in_order(article)

    async def _produce_in_order(self, article: Article) -> PublishResult:
        match = self.index.match(article.text)
        if match is not None:
            article = article.model_copy(
                update={"duplicate_of": match.original_id, "duplicate_kind": match.kind}
            )
        started = time.perf_counter()
        await self.producer.send_and_wait(self.settings.topics.articles, article.id, article)
        PRODUCE_SECONDS.observe(time.perf_counter() - started)
        self.index.add(article.id, article.text, article.duplicate_of)
        INDEX_SIZE.set(len(self.index))
        BYTES_PRODUCED.inc(len(encode(article)))
        RECORDS_OUT.labels("ingest").inc()
        kind = article.source_kind.value
        if match is None:
            ARTICLES.labels(kind, "new").inc()
            return PublishResult(article.id, True)
        ARTICLES.labels(kind, "duplicate").inc()
        DUPLICATES.labels(match.kind.value).inc()
        if match.kind is DuplicateKind.NEAR:
            NEAR_SIMILARITY.observe(match.similarity)
        return PublishResult(article.id, True, match.original_id, match.kind, match.similarity)
