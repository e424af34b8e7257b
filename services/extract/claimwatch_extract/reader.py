"""Read article files for ``claimwatch claims`` (no broker): txt, md, html, json, with optional
YAML front matter (source, url, title, published_at); ``-`` reads one article from stdin.

Why a reader here: the command must work on its own; when the shared ingest normaliser is
available it is used instead so the evidence spans point at the same normalised text that
replay would produce.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import frontmatter

from claimwatch.models import Article

SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".json"})


def _html_text(raw: str) -> str:
    try:
        import trafilatura

        text = trafilatura.extract(raw)
        if text:
            return str(text)
    except Exception:
        pass
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def _normalise(text: str) -> str:
    """Unwrap hard-wrapped lines inside paragraphs and trim; keep paragraph breaks."""
    paras = [re.sub(r"\s*\n\s*", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


def article_from(raw: str, name: str, suffix: str) -> Article:
    meta: dict[str, Any] = {}
    body = raw
    if suffix == ".json":
        data = json.loads(raw)
        meta, body = data, str(data.get("text", ""))
    else:
        post = frontmatter.loads(raw)
        meta, body = dict(post.metadata), post.content
        if suffix in (".html", ".htm"):
            body = _html_text(body)
    text = _normalise(body)
    source = str(meta.get("source") or name)
    published = meta.get("published_at")
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    digest = hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()[:16]
    return Article(
        id=digest,
        source=source,
        url=meta.get("url"),
        title=meta.get("title"),
        published_at=published if isinstance(published, datetime) else None,
        text=text,
        original_text=raw,
    )


def read_paths(paths: list[str]) -> Iterator[Article]:
    for p in paths:
        if p == "-":
            yield article_from(sys.stdin.read(), "stdin", ".txt")
            continue
        path = Path(p)
        files = (
            sorted(f for f in path.rglob("*") if f.suffix.lower() in SUFFIXES)
            if (path.is_dir())
            else [path]
        )
        for f in files:
            yield article_from(f.read_text("utf-8", errors="replace"), f.stem, f.suffix.lower())
