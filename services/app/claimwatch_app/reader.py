"""Articles for ``claimwatch claims`` (no broker), built exactly as ingest builds them.

Why reuse ingest instead of reading files here: every evidence span points into
``Article.text``, and the article id is a hash of it. If this command normalised text its own
way, its spans and ids would differ from what replay produces for the same file, and a rule
writer comparing the two would chase phantom differences. So files are read by
``claimwatch_ingest.files`` and turned into Articles by ``build_article`` — the same
calls replay makes (build is the publisher's pure part: no producer is used).

``-`` reads one article from stdin: it is handed to the same file reader under the name
``stdin`` with a suffix guessed from its first character (``<`` html, ``{`` json, else
markdown with optional front matter), so its source id is ``stdin`` unless the front matter
says otherwise.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from claimwatch.models import Article, SourceKind
from claimwatch.settings import Settings
from claimwatch_ingest.files import (
    ArticleSourceError,
    RawArticle,
    iter_article_paths,
    read_article_file,
)
from claimwatch_ingest.publisher import RejectedArticle, build_article

STDIN = "-"

__all__ = ["ArticleSourceError", "RejectedArticle", "read_paths", "read_stdin"]


def _stdin_suffix(text: str) -> str:
    head = text.lstrip()[:1]
    return {"<": ".html", "{": ".json"}.get(head, ".md")


def read_stdin(text: str) -> RawArticle:
    """One article from stdin text, parsed by ingest's file reader (front matter, JSON, HTML)."""
    with tempfile.TemporaryDirectory(prefix="claimwatch-claims-") as tmp:
        path = Path(tmp) / f"stdin{_stdin_suffix(text)}"
        path.write_text(text, encoding="utf-8")
        raw = read_article_file(path)
    return dataclasses.replace(raw, origin=STDIN)


def read_raw(paths: list[str]) -> Iterator[RawArticle]:
    """Raw articles from files, folders (recursively, sorted) and ``-``, in argument order.

    Raises ``ArticleSourceError`` for a missing path or a file that is not an article."""
    for p in paths:
        if p == STDIN:
            yield read_stdin(sys.stdin.read())
            continue
        for path in iter_article_paths([Path(p)]):
            yield read_article_file(path)


def read_paths(paths: list[str], settings: Settings | None = None) -> Iterator[Article]:
    """Articles as ingest would publish them (same normalised text, same ids).

    Raises ``ArticleSourceError`` or ``RejectedArticle`` (with a reason) for bad input."""
    max_bytes = (settings or Settings()).ingest_max_bytes
    for raw in read_raw(paths):
        try:
            yield build_article(raw, SourceKind.FILE, max_bytes)
        except RejectedArticle as exc:
            where = raw.origin or raw.source
            raise RejectedArticle(exc.reason, f"{where}: {exc.detail}") from exc
