"""The HTTP push API: one article or a batch, accepted only once the broker has it.

Contract (also in /docs and /openapi.json):

- ``POST /articles`` with ``application/json`` (an ``ArticleIn``), or with a ``text/plain``,
  ``text/markdown`` or ``text/html`` body and ``?source=...`` (curl-friendly);
  ``POST /articles/batch`` with ``{"articles": [...]}``.
- ``202`` only after the broker acknowledged every record; the answer lists each article's
  id and whether it was new, a copy (``duplicate_of``) or already accepted earlier
  (idempotent: pushing the same article again produces nothing).
- ``413`` over ``Settings.ingest_max_bytes``, ``415`` for a media type or charset we do not
  read, ``422`` for anything else wrong with the input, each with a ``detail`` a person can
  act on. A batch with one bad article is refused whole, so a client can fix and resend it.
- ``503`` when the broker does not acknowledge in time (nothing was accepted: retry).
- ``401``/``403`` without / with a wrong bearer token when ``Settings.ingest_token`` is set;
  ``429`` with ``Retry-After`` over the per-client rate or when too many requests already
  wait for the broker (backpressure; see ``limits.py``). Checked before the body is read.
- ``GET /healthz`` (the process answers) and ``GET /readyz`` (broker reachable, duplicate
  index loaded) for container probes; ``GET /metrics`` for Prometheus.

The body is read by hand (not by FastAPI's body parameter) so the size limit applies while
reading and every error, including JSON syntax, comes back in one ``Problem`` shape.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from aiokafka.errors import KafkaError
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from prometheus_client import make_asgi_app
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import models_json_schema

from claimwatch.logging import get_logger
from claimwatch.models import Article, SourceKind
from claimwatch.settings import Settings
from claimwatch_ingest.files import ArticleSourceError, RawArticle, decode_text, parse_datetime
from claimwatch_ingest.limits import InFlight, RateLimiter, Refused, check_token
from claimwatch_ingest.metrics import count_rejection
from claimwatch_ingest.publisher import ArticlePublisher, PublishResult, RejectedArticle

log = get_logger(__name__)

M = TypeVar("M", bound=BaseModel)
ReadyCheck = Callable[[], Awaitable[tuple[bool, str]]]
TEXT_TYPES = ("text/plain", "text/markdown", "text/html")
PUSH = SourceKind.PUSH


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


class Accepted(BaseModel):
    id: str = Field(description="The article id (stable: same source and text, same id).")
    status: Literal["accepted", "duplicate", "already_accepted"] = Field(
        description="`accepted`: new; `duplicate`: produced as a copy of `duplicate_of`; "
        "`already_accepted`: this very article was accepted before, nothing new produced."
    )
    duplicate_of: str | None = None
    duplicate_kind: Literal["exact", "near"] | None = None


class PushResponse(BaseModel):
    articles: list[Accepted]


class ProblemItem(BaseModel):
    where: str = Field(description="Which input, e.g. `articles[2].published_at` or `body`.")
    message: str


class Problem(BaseModel):
    detail: str = Field(description="What is wrong and what to do about it.")
    reason: str = Field(description="Short machine-readable code, e.g. `too_large`.")
    errors: list[ProblemItem] = Field(default_factory=list)


class ProblemError(Exception):
    def __init__(
        self, status: int, reason: str, detail: str, errors: list[ProblemItem] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.problem = Problem(detail=detail, reason=reason, errors=errors or [])


def _problem_response(exc: ProblemError) -> JSONResponse:
    return JSONResponse(exc.problem.model_dump(), status_code=exc.status)


_PROBLEM = {"model": Problem}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": PushResponse, "description": "Accepted: the broker has every article."},
    401: {**_PROBLEM, "description": "No bearer token (when the API requires one)."},
    403: {**_PROBLEM, "description": "Wrong bearer token."},
    413: {**_PROBLEM, "description": "Body over the size limit."},
    429: {**_PROBLEM, "description": "Too many requests: wait `Retry-After` seconds."},
    415: {**_PROBLEM, "description": "Media type or charset not read by this API."},
    422: {**_PROBLEM, "description": "Input that is not an article we can use."},
    503: {**_PROBLEM, "description": "Broker unavailable: nothing accepted, retry."},
}


def _body_spec(*content: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {m: {"schema": s} for m, s in content}}}


def create_app(
    publisher: ArticlePublisher, settings: Settings, ready: ReadyCheck | None = None
) -> FastAPI:
    """The push API around one publisher (tests build it the same way the service does)."""
    app = FastAPI(
        title="claimwatch ingest",
        version="1",
        description="Push news articles into claimwatch. See docs/ingest.md.",
    )
    app.mount("/metrics", make_asgi_app())
    max_bytes = settings.ingest_max_bytes
    token = settings.ingest_token.get_secret_value() if settings.ingest_token else None
    limiter = RateLimiter(settings.ingest_rate_per_s, settings.ingest_rate_burst)
    inflight = InFlight(settings.ingest_max_inflight)

    @app.exception_handler(Refused)
    async def _on_refused(request: Request, exc: Refused) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        body = Problem(detail=exc.detail, reason=exc.reason)
        return JSONResponse(body.model_dump(), status_code=exc.status, headers=headers)

    def admit(request: Request) -> None:
        """Token, then rate: both before the body is read."""
        check_token(token, request.headers.get("authorization"))
        limiter.take(request.client.host if request.client else "unknown")

    @app.exception_handler(ProblemError)
    async def _on_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return _problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        count_rejection(PUSH, "invalid_field")
        return _problem_response(_from_errors(exc.errors(), "query"))

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(int(declared), max_bytes)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(size, max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)

    async def accept(articles: list[Article]) -> JSONResponse:
        try:
            results = await asyncio.wait_for(
                publisher.publish_many(articles), timeout=settings.session_timeout_s * 5
            )
        except (TimeoutError, OSError, KafkaError) as exc:
            # nothing is accepted that the broker did not acknowledge: safe to retry
            raise ProblemError(
                503, "broker_unavailable", f"the broker did not acknowledge ({exc!r}); retry"
            ) from exc
        body = PushResponse(articles=[_accepted(r) for r in results])
        return JSONResponse(body.model_dump(mode="json"), status_code=202)

    @app.post(
        "/articles",
        status_code=202,
        response_model=PushResponse,
        responses=_RESPONSES,
        summary="Push one article (JSON, or a text/HTML/Markdown body with ?source=)",
        openapi_extra=_body_spec(
            ("application/json", {"$ref": "#/components/schemas/ArticleIn"}),
            *((t, {"type": "string", "minLength": 1}) for t in TEXT_TYPES),
        ),
    )
    async def push_article(
        request: Request,
        source: str | None = Query(
            None, max_length=200, description="Source id (required for text bodies)."
        ),
        title: str | None = Query(None, max_length=1000),
        url: str | None = Query(None, max_length=2048),
        published_at: str | None = Query(None, description="ISO 8601 date or date-time."),
    ) -> JSONResponse:
        admit(request)
        with inflight:
            media = _media_type(request)
            body = await read_body(request)
            if media == "application/json":
                item = _parse(ArticleIn, body, "")
            else:
                item = _from_text(body, media, source, title, url, published_at)
            return await accept([_prepare(publisher, item, "")])

    @app.post(
        "/articles/batch",
        status_code=202,
        response_model=PushResponse,
        responses=_RESPONSES,
        summary="Push several articles; all are accepted or none",
        openapi_extra=_body_spec(("application/json", {"$ref": "#/components/schemas/BatchIn"})),
    )
    async def push_batch(request: Request) -> JSONResponse:
        admit(request)
        with inflight:
            if _media_type(request) != "application/json":
                raise _unsupported(request, "a batch must be application/json")
            batch = _parse(BatchIn, await read_body(request), "")
            if len(batch.articles) > settings.ingest_max_batch:
                count_rejection(PUSH, "invalid_field")
                raise ProblemError(
                    422,
                    "invalid_field",
                    f"batch has {len(batch.articles)} articles; at most "
                    f"{settings.ingest_max_batch}: split it",
                )
            prepared: list[Article] = []
            errors: list[ProblemItem] = []
            for n, item in enumerate(batch.articles):
                try:
                    prepared.append(_prepare(publisher, item, f"articles[{n}]"))
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
            return await accept(prepared)

    @app.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Readiness: broker reachable and duplicate index loaded",
        responses={503: {"description": "Not ready", "model": dict[str, str]}},
    )
    async def readyz() -> JSONResponse:
        ok, detail = (await ready()) if ready is not None else (True, "ok")
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "detail": detail},
            status_code=200 if ok else 503,
        )

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            _, defs = models_json_schema(
                [(ArticleIn, "validation"), (BatchIn, "validation")],
                ref_template="#/components/schemas/{model}",
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
    return app


# --------------------------------------------------------------------------- helpers


def _media_type(request: Request) -> str:
    header = request.headers.get("content-type")
    if not header:
        raise _unsupported(request, "no Content-Type: send application/json or text/plain")
    media, _, params = header.partition(";")
    media = media.strip().lower()
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset and charset not in ("utf-8", "utf8"):
        raise _unsupported(request, f"charset {charset!r}: only UTF-8 is read")
    if media not in ("application/json", *TEXT_TYPES):
        raise _unsupported(
            request, f"{media!r} is not read here: use application/json, " + ", ".join(TEXT_TYPES)
        )
    return media


def _unsupported(request: Request, why: str) -> ProblemError:
    count_rejection(PUSH, "unsupported_media_type")
    return ProblemError(415, "unsupported_media_type", f"unsupported media type: {why}")


def _too_large(size: int, limit: int) -> ProblemError:
    count_rejection(PUSH, "too_large")
    return ProblemError(
        413, "too_large", f"body is {size} bytes or more; the limit is {limit} bytes"
    )


def _decode(body: bytes, where: str) -> str:
    try:
        return decode_text(body, "body")
    except ArticleSourceError as exc:
        count_rejection(PUSH, exc.reason)
        items = [ProblemItem(where=where, message=exc.detail)]
        raise ProblemError(422, exc.reason, exc.detail, items) from None


def _parse(model: type[M], body: bytes, where: str) -> M:
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
        raise _from_errors(exc.errors(), "body", reason) from None


def _where(loc: Any) -> str:
    """``("articles", 2, "published_at")`` -> ``articles[2].published_at``."""
    out = ""
    for part in loc:
        if part == "body":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _from_errors(errors: Any, root: str, reason: str = "invalid_field") -> ProblemError:
    items: list[ProblemItem] = []
    for error in errors:
        where = _where(error.get("loc", ())) or root
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "json_invalid":
            message = f"not valid JSON ({error.get('ctx', {}).get('error', 'syntax error')})"
        elif error.get("type") == "extra_forbidden":
            message = "unknown field (check its spelling)"
        items.append(ProblemItem(where=where, message=message))
    summary = "; ".join(f"{i.where}: {i.message}" for i in items[:5])
    return ProblemError(422, reason, f"the request cannot be used: {summary}", items)


def _from_text(
    body: bytes,
    media: str,
    source: str | None,
    title: str | None,
    url: str | None,
    published_at: str | None,
) -> ArticleIn:
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


def _prepare(publisher: ArticlePublisher, item: ArticleIn, where: str) -> Article:
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
        raise ProblemError(
            422, exc.reason, f"{at}: {exc.detail}", [ProblemItem(where=at, message=exc.detail)]
        ) from None


def _accepted(result: PublishResult) -> Accepted:
    if not result.produced:
        status: Literal["accepted", "duplicate", "already_accepted"] = "already_accepted"
    elif result.duplicate_of:
        status = "duplicate"
    else:
        status = "accepted"
    kind = result.duplicate_kind.value if result.duplicate_kind else None
    return Accepted(
        id=result.article_id,
        status=status,
        duplicate_of=result.duplicate_of,
        duplicate_kind=kind,
    )
