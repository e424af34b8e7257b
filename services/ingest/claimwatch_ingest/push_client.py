"""Send article files to a running ingest's push API (``claimwatch push``; the compose demo).

Each file is read as the folder watcher reads it (front matter: source, title, url,
published_at) and posted as one ``ArticleIn``. A push API that is still starting (connection
refused, 503) or busy (429) is retried with backoff until ``wait_s``: the demo starts this next
to a pipeline that is still booting. Any other answer is an error that names the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from claimwatch_ingest.files import RawArticle, iter_article_paths, read_article_file

RETRIED_STATUSES = frozenset({429, 502, 503, 504})


class PushError(RuntimeError):
    """The push API refused a file for good (4xx other than 429, or retries ran out)."""


class _NotYet(Exception):
    """An answer worth retrying (the API is starting or busy)."""


@dataclass(frozen=True)
class Pushed:
    path: Path
    article_id: str
    status: str  # accepted | duplicate | already_accepted


def article_json(raw: RawArticle) -> dict[str, Any]:
    """The push API's ``ArticleIn`` for one article read from a file."""
    body: dict[str, Any] = {
        "source": raw.source,
        "text": raw.body,
        "content_type": raw.content_type,
    }
    if raw.title:
        body["title"] = raw.title
    if raw.url:
        body["url"] = raw.url
    if raw.published_at:
        body["published_at"] = raw.published_at.isoformat()
    return body


def push_paths(
    api_url: str, token: str | None, paths: list[Path], wait_s: float = 120.0
) -> list[Pushed]:
    """Push every article file under ``paths`` (files or folders), in name order."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    retrying = Retrying(
        retry=retry_if_exception(lambda exc: isinstance(exc, _NotYet | httpx.TransportError)),
        stop=stop_after_delay(wait_s),
        wait=wait_exponential(multiplier=0.2, max=5.0),
        reraise=True,
    )
    out: list[Pushed] = []
    with httpx.Client(base_url=api_url.rstrip("/"), timeout=30.0, trust_env=False) as client:
        for path in iter_article_paths(paths):
            body = article_json(read_article_file(path))
            try:
                resp = retrying(_post, client, headers, body)
            except (_NotYet, httpx.TransportError) as exc:
                raise PushError(
                    f"{path}: push API not available after {wait_s:.0f} s ({exc})"
                ) from None
            if resp.status_code != 202:
                raise PushError(f"{path}: HTTP {resp.status_code}: {resp.text[:300]}")
            [accepted] = resp.json()["articles"]
            out.append(Pushed(path, str(accepted["id"]), str(accepted["status"])))
    return out


def _post(client: httpx.Client, headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
    resp = client.post("/articles", json=body, headers=headers)
    if resp.status_code in RETRIED_STATUSES:
        raise _NotYet(f"HTTP {resp.status_code}")
    return resp
