"""The subscriptions HTTP API (FastAPI; OpenAPI at /docs and /openapi.json).

Bearer-token auth from ``Settings.api_token`` on every /subscriptions route; /healthz, /readyz
and /metrics are open (probes and Prometheus). The signing secret is generated here, or chosen
by the client (a receiver deployed with its subscription already holds one), and returned once,
in the creation response; no other response model has a secret field, so it cannot leak
through list or get.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Literal, TypeVar

from aiokafka.errors import KafkaError
from fastapi import Depends, FastAPI, HTTPException, Path, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from pydantic import BaseModel, ConfigDict, Field

from claimwatch.logging import get_logger
from claimwatch.models import Subscription, SubscriptionFilters
from claimwatch.settings import Settings
from claimwatch.urls import MAX_URL_LENGTH, without_credentials
from claimwatch_deliver.signing import (
    MAX_SECRET_BYTES,
    SECRET_PATTERN,
    BadSecret,
    check_secret,
    new_secret,
)
from claimwatch_deliver.ssrf import (
    AllowList,
    Resolver,
    TargetRefused,
    check_target,
    system_resolver,
)
from claimwatch_deliver.store import SubscriptionStore

log = get_logger(__name__)
T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False)
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
SubscriptionId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class SubscriptionCreate(BaseModel):
    """What a client sends to subscribe."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1, max_length=MAX_URL_LENGTH, description="http(s) URL to POST alerts to."
    )
    filters: SubscriptionFilters = Field(default_factory=SubscriptionFilters)
    format: Literal["standard", "slack"] = "standard"
    secret: str | None = Field(
        default=None,
        pattern=SECRET_PATTERN,
        max_length=len("whsec_") + 4 * (MAX_SECRET_BYTES // 3 + 1),
        description="Optional `whsec_` + base64 of 24-64 random bytes, for a receiver that "
        "already holds its secret; omitted: a new one is generated.",
    )


class SubscriptionView(BaseModel):
    """A subscription as the API shows it: never with its secret, nor with credentials in
    its URL (refused since; a subscription stored before keeps working but is shown
    without them)."""

    id: str
    url: str
    filters: SubscriptionFilters
    format: Literal["standard", "slack"]
    created_at: datetime
    disabled: bool
    disabled_reason: str | None = None

    @classmethod
    def of(cls, sub: Subscription) -> SubscriptionView:
        shown = sub.model_dump(exclude={"secret", "schema_version"})
        return cls(**{**shown, "url": without_credentials(sub.url)})


class SubscriptionCreated(SubscriptionView):
    """The creation response: the only time the signing secret is shown."""

    secret: str = Field(description="`whsec_...` signing secret. Store it now: never shown again.")


class Problem(BaseModel):
    detail: str | dict[str, str]


class Health(BaseModel):
    status: str
    subscriptions_loaded: bool = True
    worker_assigned: bool = True


_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "Missing or wrong bearer token."},
    503: {"model": Problem, "description": "The broker did not acknowledge the write."},
}


def create_api(
    settings: Settings,
    store: SubscriptionStore,
    *,
    resolver: Resolver = system_resolver,
    ready: Callable[[], bool] | None = None,
    assigned: Callable[[], bool] | None = None,
) -> FastAPI:
    app = FastAPI(
        title="claimwatch subscriptions",
        version="1",
        description="Subscribe to signed (Standard Webhooks) claimwatch alert deliveries.",
    )
    allow = AllowList.parse(settings.webhook_allow_hosts)
    token = settings.api_token.get_secret_value().encode("utf-8")

    def authorised(creds: BearerCredentials) -> None:
        given = (creds.credentials if creds else "").encode("utf-8")
        if not creds or not hmac.compare_digest(given, token):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "missing or wrong bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    auth = [Depends(authorised)]

    @app.post(
        "/subscriptions",
        status_code=201,
        response_model=SubscriptionCreated,
        dependencies=auth,
        responses={
            **_ERRORS,
            422: {"description": "Invalid body, unusable secret or refused target URL."},
        },
    )
    async def create(body: SubscriptionCreate) -> SubscriptionCreated | JSONResponse:
        """Create a subscription; the response carries its signing secret, once."""
        try:
            secret = new_secret() if body.secret is None else check_secret(body.secret)
        except BadSecret as exc:
            return JSONResponse(
                {"detail": {"reason": "bad_secret", "message": str(exc)}}, status_code=422
            )
        try:
            await check_target(body.url, allow, resolver)
        except TargetRefused as exc:
            return JSONResponse(
                {"detail": {"reason": exc.reason, "message": exc.detail}}, status_code=422
            )
        sub = Subscription(
            id=f"sub_{uuid.uuid4().hex[:20]}",
            url=body.url,
            filters=body.filters,
            format=body.format,
            secret=secret,
        )
        await _write(store.put(sub))
        log.info("subscription_created", subscription_id=sub.id, format=sub.format)
        return SubscriptionCreated(**SubscriptionView.of(sub).model_dump(), secret=sub.secret)

    @app.get(
        "/subscriptions",
        response_model=list[SubscriptionView],
        dependencies=auth,
        responses=_ERRORS,
    )
    async def list_subscriptions() -> list[SubscriptionView]:
        return [SubscriptionView.of(s) for s in store.all()]

    @app.get(
        "/subscriptions/{sub_id}",
        response_model=SubscriptionView,
        dependencies=auth,
        responses={**_ERRORS, 404: {"model": Problem, "description": "No such subscription."}},
    )
    async def get_subscription(sub_id: SubscriptionId) -> SubscriptionView:
        sub = store.get(sub_id)
        if sub is None:
            raise HTTPException(404, "no such subscription")
        return SubscriptionView.of(sub)

    @app.delete(
        "/subscriptions/{sub_id}",
        status_code=204,
        dependencies=auth,
        responses={**_ERRORS, 404: {"model": Problem, "description": "No such subscription."}},
    )
    async def delete_subscription(sub_id: SubscriptionId) -> Response:
        """Delete: writes a tombstone to the compacted topic."""
        if not await _write(store.delete(sub_id)):
            raise HTTPException(404, "no such subscription")
        log.info("subscription_deleted", subscription_id=sub_id)
        return Response(status_code=204)

    @app.get("/healthz", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, responses={503: {"model": Health}})
    async def readyz() -> Health | JSONResponse:
        is_ready = store.loaded and (ready() if ready else True)
        health = Health(
            status="ready" if is_ready else "starting",
            subscriptions_loaded=store.loaded,
            worker_assigned=assigned() if assigned else False,
        )
        if is_ready:
            return health
        return JSONResponse(health.model_dump(), status_code=503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return app


async def _write(write: Awaitable[T]) -> T:
    """Await a topic write; a broker that does not acknowledge is a 503, not a 500."""
    try:
        return await write
    except KafkaError as exc:
        log.error("subscription_write_failed", error=type(exc).__name__)
        raise HTTPException(
            503, f"broker did not acknowledge the write ({type(exc).__name__})"
        ) from None
