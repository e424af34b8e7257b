"""The push API's routes: push one article or a batch, and the container probes.

Each push route is the same three steps: through the front door (``limits.FrontDoor``),
read and check the body (``push_body``), then ``accept``: 202 only once the broker has
acknowledged every article (503 otherwise, nothing accepted: safe to retry).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_ingest.limits import FrontDoor
from claimwatch_ingest.problems import Problem, ProblemError, unsupported
from claimwatch_ingest.publisher import ArticlePublisher, PublishResult
from claimwatch_ingest.push_body import (
    TEXT_TYPES,
    ArticleIn,
    BatchIn,
    from_text,
    media_type,
    parse,
    prepare,
    prepare_batch,
    read_body,
)

ReadyCheck = Callable[[], Awaitable[tuple[bool, str]]]


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


def push_routes(publisher: ArticlePublisher, settings: Settings, door: FrontDoor) -> APIRouter:
    router = APIRouter()
    max_bytes = settings.ingest_max_bytes

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

    @router.post(
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
        with door.admit(request):
            media = media_type(request)
            body = await read_body(request, max_bytes)
            if media == "application/json":
                item = parse(ArticleIn, body)
            else:
                item = from_text(body, media, source, title, url, published_at)
            return await accept([prepare(publisher, item, "")])

    @router.post(
        "/articles/batch",
        status_code=202,
        response_model=PushResponse,
        responses=_RESPONSES,
        summary="Push several articles; all are accepted or none",
        openapi_extra=_body_spec(("application/json", {"$ref": "#/components/schemas/BatchIn"})),
    )
    async def push_batch(request: Request) -> JSONResponse:
        with door.admit(request):
            if media_type(request) != "application/json":
                raise unsupported(request, "a batch must be application/json")
            batch = parse(BatchIn, await read_body(request, max_bytes))
            return await accept(prepare_batch(publisher, batch, settings.ingest_max_batch))

    return router


def probe_routes(ready: ReadyCheck | None) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
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

    return router


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
