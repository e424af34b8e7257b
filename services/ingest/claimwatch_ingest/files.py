"""Reading article files: txt, md, html, json, with optional YAML front matter.

The source id is the front-matter ``source``, else the file name without extension — the
replay contract depends on this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import frontmatter

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json"}


class ArticleSourceError(Exception):
    """A path that cannot be read as an article, with a message for a person.

    ``reason`` is one of the short codes of ``claimwatch_ingest.metrics.REASONS``.
    """

    def __init__(self, detail: str, reason: str = "unreadable") -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = reason


@dataclass(frozen=True)
class RawArticle:
    """An article as received, before normalisation (``body`` is kept as original_text)."""

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
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in ARTICLE_SUFFIXES
                and not p.name.startswith(".")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ArticleSourceError(f"{path}: not a regular file or folder")
    return found


def parse_datetime(value: object, where: str) -> datetime | None:
    """An ISO 8601 date or date-time; a time without offset is taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ArticleSourceError(
                f"{where}: published_at {value!r} is not an ISO 8601 date "
                "(e.g. 2025-03-03 or 2025-03-03T06:12:00+00:00)",
                "invalid_field",
            ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes: an image, PDF or archive, not article text."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bool(sample) and controls / len(sample) > 0.05


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 text (a BOM is dropped) or an ``ArticleSourceError`` saying why not."""
    if looks_binary(data):
        raise ArticleSourceError(f"{where}: binary data, not article text", "binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleSourceError(
            f"{where}: not UTF-8 text (invalid byte at offset {exc.start}); save the file as UTF-8",
            "not_utf8",
        ) from exc


def _content_type(suffix: str) -> str:
    return {".html": "text/html", ".htm": "text/html", ".md": "text/markdown"}.get(
        suffix, "text/plain"
    )


def read_article_file(path: Path, max_bytes: int | None = None) -> RawArticle:
    """Read one article file; ``ArticleSourceError`` (with a reason code) if it is not one."""
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise ArticleSourceError(
                f"{path}: {path.stat().st_size} bytes is over the {max_bytes}-byte limit",
                "too_large",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleSourceError(f"{path}: cannot read ({exc.strerror})") from exc
    text = decode_text(data, str(path))
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _from_json(text, path)
    try:
        post = frontmatter.loads(text)
    except Exception as exc:  # yaml raises many types; all mean the same to the user
        raise ArticleSourceError(
            f"{path}: front matter is not valid YAML ({exc})", "invalid_field"
        ) from exc
    meta = post.metadata
    return RawArticle(
        source=str(meta.get("source") or "").strip() or path.stem,
        body=post.content,
        content_type=_content_type(suffix),
        url=str(meta["url"]) if meta.get("url") else None,
        title=str(meta["title"]) if meta.get("title") else None,
        published_at=parse_datetime(meta.get("published_at"), str(path)),
        origin=str(path),
    )


def _from_json(text: str, path: Path) -> RawArticle:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleSourceError(
            f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})", "invalid_field"
        ) from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ArticleSourceError(
            f'{path}: JSON article needs an object with a "text" string', "missing_field"
        )
    return RawArticle(
        source=str(obj.get("source") or "").strip() or path.stem,
        body=obj["text"],
        content_type=str(obj.get("content_type") or "text/plain"),
        url=_opt_str(obj.get("url")),
        title=_opt_str(obj.get("title")),
        published_at=parse_datetime(obj.get("published_at"), str(path)),
        origin=str(path),
    )


def _opt_str(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
