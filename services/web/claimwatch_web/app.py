"""The pages: FastAPI routes that read the database and render Jinja2 templates.

Read-only: no route writes to the read model. Every value from an article or an alert reaches
the page through Jinja2's autoescaping (articles are untrusted input), links to original
articles are shown only for http(s) URLs, and a Content-Security-Policy allows scripts from
this site's /static only, so even a mistake in a template could not run an article's script.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import Engine
from starlette.responses import StreamingResponse

from claimwatch.display import format_number
from claimwatch.links import article_path, story_path
from claimwatch_web import queries
from claimwatch_web.auth import COOKIE, SESSION_MAX_AGE_S, Gate, safe_next
from claimwatch_web.live import ChangeHub
from claimwatch_web.metrics import LIVE_CLIENTS, PAGE_SECONDS, REQUESTS

STATIC = Path(__file__).parent / "static"
KEEPALIVE_S = 15.0
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
KIND_LABELS = {
    "key_claim": "key claim",
    "contradiction": "contradiction",
    "figure_update": "figure update",
}


def http_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else ``None``: a ``javascript:`` link is never rendered."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def make_templates() -> Environment:
    env = Environment(
        loader=PackageLoader("claimwatch_web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["http_url"] = http_url
    env.filters["number"] = format_number
    env.globals["story_path"] = story_path
    env.globals["article_path"] = article_path
    env.globals["kind_label"] = lambda kind: KIND_LABELS.get(kind, kind.replace("_", " "))
    return env


def _status_class(status: int) -> str:
    return f"{status // 100}xx"


def create_app(
    engine: Engine,
    hub: ChangeHub,
    gate: Gate,
    health: Callable[[], dict[str, Any]] | None = None,
) -> FastAPI:
    app = FastAPI(title="claimwatch web", docs_url=None, redoc_url=None, openapi_url=None)
    templates = make_templates()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def page(name: str, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("live_story", "")
        html = templates.get_template(template).render(auth=gate.required, **context)
        return HTMLResponse(html, status_code=status)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Any]) -> Response:
        path = request.url.path
        if not gate.allows(path, request.headers.get("authorization"), request.cookies.get(COOKIE)):
            wants_html = "text/html" in request.headers.get("accept", "")
            if wants_html and request.method == "GET":
                target = quote(path + (f"?{request.url.query}" if request.url.query else ""))
                return RedirectResponse(f"/login?next={target}", status_code=303)
            return JSONResponse(
                {"detail": "missing or wrong token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    def timed(name: str, build: Callable[[], HTMLResponse]) -> HTMLResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = build()
            status = response.status_code
            return response
        finally:
            PAGE_SECONDS.labels(name).observe(time.perf_counter() - started)
            REQUESTS.labels(name, _status_class(status)).inc()

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", **(health() if health else {})}

    @app.get("/", response_class=HTMLResponse)
    def stories(
        kind: str | None = Query(None, max_length=32),
        q: str | None = Query(None, max_length=200),
        page_no: int = Query(1, alias="page", ge=1, le=10_000),
    ) -> HTMLResponse:
        def build() -> HTMLResponse:
            with engine.connect() as conn:
                listing = queries.list_stories(conn, kind or None, q or None, page_no)
            return page("stories", "stories.html", listing=listing)

        return timed("stories", build)

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story(story_id: str) -> HTMLResponse:
        def build() -> HTMLResponse:
            with engine.connect() as conn:
                view = queries.story_page(conn, story_id[:64])
            if view is None:
                return page("story", "missing.html", 404, what="story", ident=story_id)
            sources: dict[str, list[str]] = {}
            for report in view.reports:
                sources.setdefault(report.source, []).append(report.article_id)
            return page("story", "story.html", story=view, by_source=sources, live_story=view.id)

        return timed("story", build)

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article(article_id: str) -> HTMLResponse:
        def build() -> HTMLResponse:
            with engine.connect() as conn:
                view = queries.article_page(conn, article_id[:64])
            if view is None:
                return page("article", "missing.html", 404, what="article", ident=article_id)
            return page("article", "article.html", article=view, live_story=view.story or "")

        return timed("article", build)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(next: str | None = Query(None, max_length=2000)) -> HTMLResponse:
        return timed(
            "login",
            lambda: page("login", "login.html", next=safe_next(next), failed=False),
        )

    @app.post("/login", response_class=HTMLResponse)
    async def login(
        token: str = Form("", max_length=1000), next: str = Form("/", max_length=2000)
    ) -> Response:
        if not gate.required:
            return RedirectResponse(safe_next(next), status_code=303)
        if not gate.token_matches(token):
            await asyncio.sleep(0.5)  # slows guessing down a little; the token is the real guard
            REQUESTS.labels("login", "4xx").inc()
            return page(
                "login",
                "login.html",
                401,
                next=safe_next(next),
                failed=True,
            )
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(
            COOKIE,
            gate.new_session(),
            max_age=SESSION_MAX_AGE_S,
            httponly=True,
            samesite="strict",
            path="/",
        )
        REQUESTS.labels("login", "3xx").inc()
        return response

    @app.post("/logout")
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/events")
    async def events(request: Request) -> StreamingResponse:
        queue = hub.subscribe()
        REQUESTS.labels("events", "2xx").inc()

        async def stream() -> AsyncIterator[str]:
            LIVE_CLIENTS.inc()
            try:
                yield f"retry: 2000\nevent: hello\ndata: {json.dumps({'version': hub.version})}\n\n"
                while not hub.closed:
                    try:
                        change = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                    except TimeoutError:
                        if await request.is_disconnected():
                            return
                        yield ": keep-alive\n\n"
                        continue
                    if change is None:
                        return
                    data = json.dumps({"stories": sorted(change.stories), "version": hub.version})
                    yield f"event: change\ndata: {data}\n\n"
            finally:
                LIVE_CLIENTS.dec()
                hub.unsubscribe(queue)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return app
