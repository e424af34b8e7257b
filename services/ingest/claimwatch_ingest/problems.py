"""How the push API says no: one ``Problem`` body for every refusal, with a reason code.

Every 4xx/5xx of the push API is a ``Problem`` (``detail`` a person can act on, ``reason`` a
short code, ``errors`` naming each bad input such as ``articles[2].published_at``); each
refused input is counted once under its reason (``metrics.count_rejection``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from claimwatch.models import SourceKind
from claimwatch_ingest.metrics import count_rejection

PUSH = SourceKind.PUSH


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


def problem_response(exc: ProblemError) -> JSONResponse:
    return JSONResponse(exc.problem.model_dump(), status_code=exc.status)


def unsupported(request: Request, why: str) -> ProblemError:
    count_rejection(PUSH, "unsupported_media_type")
    return ProblemError(415, "unsupported_media_type", f"unsupported media type: {why}")


def too_large(size: int, limit: int) -> ProblemError:
    count_rejection(PUSH, "too_large")
    return ProblemError(
        413, "too_large", f"body is {size} bytes or more; the limit is {limit} bytes"
    )


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


def from_errors(errors: Any, root: str, reason: str = "invalid_field") -> ProblemError:
    """A 422 listing pydantic's validation errors by input path."""
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
