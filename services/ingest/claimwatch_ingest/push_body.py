"""What a client pushes, read and checked: the body becomes ``Article``s or a ``Problem``.

The body is read by hand (not by FastAPI's body parameter) so the size limit applies while
reading and every error, including JSON syntax, comes back in one ``Problem`` shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from claimwatch.models import Article
from claimwatch_ingest.files import ArticleSourceError, RawArticle, decode_text, parse_datetime
from claimwatch_ingest.metrics import count_rejection
from claimwatch_ingest.problems import (
    PUSH,
    ProblemError,
    ProblemItem,
    from_errors,
    too_large,
    unsupported,
)
from claimwatch_ingest.publisher import ArticlePublisher, RejectedArticle

M = TypeVar("M", bound=BaseModel)
TEXT_TYPES = ("text/plain", "text/markdown", "text/html")


class ArticleIn(BaseModel):
    """One article as a client pushes it."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description="Source id: the outlet, e.g. `northwire` (alerts list these).",
    )
    text: str = Field(min_length=1, description="The article as published.")
    content_type: Literal["text/plain", "text/markdown", "text/html"] = Field(
        "text/plain", description="How to read `text`."
    )
    url: str | None = Field(None, max_length=2048)
    title: str | None = Field(None, max_length=1000)
    published_at: datetime | None = Field(
        None, description="ISO 8601; without an offset it is taken as UTC."
    )


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(
        min_length=1, description="At most `Settings.ingest_max_batch` articles."
    )


def media_type(request: Request) -> str:
    """The request's media type, if it is one we read (UTF-8 only), else a 415."""
    header = request.headers.get("content-type")
    if not header:
        raise unsupported(request, "no Content-Type: send application/json or text/plain")
    media, _, params = header.partition(";")
    media = media.strip().lower()
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset and charset not in ("utf-8", "utf8"):
        raise unsupported(request, f"charset {charset!r}: only UTF-8 is read")
    if media not in ("application/json", *TEXT_TYPES):
        raise unsupported(
            request, f"{media!r} is not read here: use application/json, " + ", ".join(TEXT_TYPES)
        )
    return media


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The body, refused with a 413 as soon as it is over ``max_bytes`` (declared or read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(int(declared), max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large(size, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, where: str) -> str:
    try:
        return decode_text(body, "body")
    except ArticleSourceError as exc:
        count_rejection(PUSH, exc.reason)
        items = [ProblemItem(where=where, message=exc.detail)]
        raise ProblemError(422, exc.reason, exc.detail, items) from None


def parse(model: type[M], body: bytes) -> M:
    """A JSON body as ``model``, or a 422 naming every bad field."""
    text = _decode(body, "body")
    if not text.strip():
        count_rejection(PUSH, "missing_field")
        raise ProblemError(422, "missing_field", "the body is empty: send a JSON object")
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        reason = (
            "missing_field"
            if any(e["type"] == "missing" for e in exc.errors())
            else "invalid_field"
        )
        count_rejection(PUSH, reason)
        raise from_errors(exc.errors(), "body", reason) from None


def from_text(
    body: bytes,
    media: str,
    source: str | None,
    title: str | None,
    url: str | None,
    published_at: str | None,
) -> ArticleIn:
    """A text/Markdown/HTML body plus its query parameters as one article."""
    text = _decode(body, "body")
    if not source or not source.strip():
        count_rejection(PUSH, "missing_field")
        raise ProblemError(
            422, "missing_field", "a text body needs ?source=<outlet id> in the URL",
            [ProblemItem(where="source", message="required for text bodies")],
        )  # fmt: skip
    try:
        when = parse_datetime(published_at, "published_at")
    except ArticleSourceError as exc:
        count_rejection(PUSH, exc.reason)
        raise ProblemError(
            422, exc.reason, exc.detail, [ProblemItem(where="published_at", message=exc.detail)]
        ) from None
    if not text.strip():
        count_rejection(PUSH, "empty_text")
        raise ProblemError(422, "empty_text", "the body is empty: send the article text")
    return ArticleIn.model_construct(
        source=source,
        text=text,
        content_type=media,  # type: ignore[arg-type]  # checked against TEXT_TYPES
        url=url,
        title=title,
        published_at=when,
    )


def prepare(publisher: ArticlePublisher, item: ArticleIn, where: str) -> Article:
    """The normalised article, or a 422 naming the field (``where`` prefixes it in a batch)."""
    when = item.published_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    raw = RawArticle(
        source=item.source,
        body=item.text,
        content_type=item.content_type,
        url=item.url,
        title=item.title,
        published_at=when,
        origin="push",
    )
    try:
        return publisher.prepare(raw, PUSH)
    except RejectedArticle as exc:
        field = exc.field or (
            "text" if exc.reason in ("empty_text", "binary", "too_large") else "source"
        )
        at = f"{where}.{field}" if where else field
        status = 413 if exc.reason == "too_large" else 422
        raise ProblemError(
            status, exc.reason, f"{at}: {exc.detail}", [ProblemItem(where=at, message=exc.detail)]
        ) from None


def prepare_batch(publisher: ArticlePublisher, batch: BatchIn, max_batch: int) -> list[Article]:
    """Every article of the batch, or one 422 listing every bad one (none is accepted)."""
    if len(batch.articles) > max_batch:
        count_rejection(PUSH, "invalid_field")
        raise ProblemError(
            422,
            "invalid_field",
            f"batch has {len(batch.articles)} articles; at most {max_batch}: split it",
        )
    prepared: list[Article] = []
    errors: list[ProblemItem] = []
    for n, item in enumerate(batch.articles):
        try:
            prepared.append(prepare(publisher, item, f"articles[{n}]"))
        except ProblemError as exc:
            errors.extend(exc.problem.errors)
    if errors:
        raise ProblemError(
            422,
            "invalid_article",
            f"{len(errors)} of {len(batch.articles)} articles cannot be used; "
            "nothing was accepted: fix them and send the batch again",
            errors,
        )
    return prepared
