"""Reading article files: txt, md, html, json, with optional YAML front matter.

The source id is the front-matter ``source``, else the file name without extension — the
replay contract depends on this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import frontmatter

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json"}


class ArticleSourceError(Exception):
    """A path that cannot be read as an article, with a message for a person."""


@dataclass(frozen=True)
class RawArticle:
    source: str
    body: str
    content_type: str = "text/plain"
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    origin: str | None = None


def iter_article_paths(paths: list[Path]) -> list[Path]:
    """Expand files and folders (recursively) into article files, sorted for determinism."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ArticleSourceError(f"{path}: no such file or folder")
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                and not p.name.startswith(".")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ArticleSourceError(f"{path}: not a regular file or folder")
    return found


def _parse_datetime(value: object, where: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ArticleSourceError(f"{where}: published_at {value!r} is not an ISO 8601 date") from exc


def _content_type(suffix: str) -> str:
    return {".html": "text/html", ".htm": "text/html", ".md": "text/markdown"}.get(
        suffix, "text/plain"
    )


def read_article_file(path: Path) -> RawArticle:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleSourceError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleSourceError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _from_json(text, path)
    try:
        post = frontmatter.loads(text)
    except Exception as exc:
        raise ArticleSourceError(f"{path}: front matter is not valid YAML ({exc})") from exc
    meta = post.metadata
    return RawArticle(
        source=str(meta.get("source") or path.stem),
        body=post.content,
        content_type=_content_type(suffix),
        url=str(meta["url"]) if meta.get("url") else None,
        title=str(meta["title"]) if meta.get("title") else None,
        published_at=_parse_datetime(meta.get("published_at"), str(path)),
        origin=str(path),
    )


def _from_json(text: str, path: Path) -> RawArticle:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleSourceError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ArticleSourceError(f'{path}: JSON article needs an object with a "text" string')
    return RawArticle(
        source=str(obj.get("source") or path.stem),
        body=obj["text"],
        content_type=str(obj.get("content_type") or "text/plain"),
        url=obj.get("url"),
        title=obj.get("title"),
        published_at=_parse_datetime(obj.get("published_at"), str(path)),
        origin=str(path),
    )
