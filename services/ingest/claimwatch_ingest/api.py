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

This module is the wiring: the app, its error handlers and OpenAPI document. The routes are
``routes.py``, the front door (token, rate, in-flight) ``limits.py``, reading and checking a
body ``push_body.py``, and the ``Problem`` answers ``problems.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from prometheus_client import make_asgi_app
from pydantic.json_schema import models_json_schema

from claimwatch.settings import Settings
from claimwatch_ingest.limits import FrontDoor, Refused, refused_response
from claimwatch_ingest.metrics import count_rejection
from claimwatch_ingest.problems import PUSH, ProblemError, from_errors, problem_response
from claimwatch_ingest.publisher import ArticlePublisher
from claimwatch_ingest.push_body import ArticleIn, BatchIn
from claimwatch_ingest.routes import ReadyCheck, probe_routes, push_routes


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

    @app.exception_handler(Refused)
    async def _on_refused(request: Request, exc: Refused) -> JSONResponse:
        return refused_response(exc)

    @app.exception_handler(ProblemError)
    async def _on_problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        count_rejection(PUSH, "invalid_field")
        return problem_response(from_errors(exc.errors(), "query"))

    app.include_router(push_routes(publisher, settings, FrontDoor(settings)))
    app.include_router(probe_routes(ready))
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the input models (the routes read their bodies by hand)."""
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
