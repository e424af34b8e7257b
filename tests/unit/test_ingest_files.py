"""Reading article files: front matter, source ids, and every bad file with its reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimwatch_ingest.feeds import parse_feed_spec
from claimwatch_ingest.files import ArticleSourceError, iter_article_paths, read_article_file


def test_front_matter_fields_and_source(tmp_path: Path) -> None:
    path = tmp_path / "ignored-name.md"
    path.write_text(
        "---\nsource: northwire\ntitle: Quake\nurl: https://n.example/q\n"
        "published_at: 2025-03-03T06:12:00+01:00\n---\nA quake struck.\n"
    )
    raw = read_article_file(path)
    assert (raw.source, raw.title, raw.url, raw.body.strip()) == (
        "northwire", "Quake", "https://n.example/q", "A quake struck.",
    )  # fmt: skip
    assert raw.published_at == datetime(2025, 3, 3, 5, 12, tzinfo=UTC)
    assert raw.content_type == "text/markdown"


def test_source_defaults_to_file_stem_and_naive_dates_are_utc(tmp_path: Path) -> None:
    path = tmp_path / "coastal-times.txt"
    path.write_text("---\npublished_at: 2025-03-03\n---\nText.\n")
    raw = read_article_file(path)
    assert raw.source == "coastal-times"
    assert raw.published_at == datetime(2025, 3, 3, tzinfo=UTC)


def test_json_and_html_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        json.dumps({"text": "<p>Hi.</p>", "content_type": "text/html"})
    )
    (tmp_path / "b.html").write_text("<p>Hello.</p>")
    (tmp_path / ".partial.txt").write_text("being written")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    paths = iter_article_paths([tmp_path])
    assert [p.name for p in paths] == ["a.json", "b.html"]
    assert read_article_file(paths[0]).source == "a"
    assert read_article_file(paths[1]).content_type == "text/html"


@pytest.mark.parametrize(
    ("name", "data", "reason", "says"),
    [
        ("latin1.txt", "Café crème".encode("latin-1"), "not_utf8", "not UTF-8"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", "binary"),
        ("date.md", b"---\npublished_at: last Tuesday\n---\nText.", "invalid_field", "ISO 8601"),
        ("notext.json", b'{"source": "x", "body": "wrong key"}', "missing_field", '"text"'),
        ("broken.json", b'{"text": "unterminated', "invalid_field", "invalid JSON"),
        ("yaml.md", b"---\nsource: [unclosed\n---\nText.", "invalid_field", "front matter"),
    ],
)
def test_bad_files_raise_with_reason(
    tmp_path: Path, name: str, data: bytes, reason: str, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ArticleSourceError) as err:
        read_article_file(path)
    assert err.value.reason == reason
    assert says in str(err.value)


def test_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1000)
    with pytest.raises(ArticleSourceError) as err:
        read_article_file(path, max_bytes=4000)
    assert err.value.reason == "too_large"
    assert read_article_file(path, max_bytes=5000).source == "big"


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleSourceError, match="no such file"):
        iter_article_paths([tmp_path / "nope"])


@pytest.mark.parametrize(
    ("spec", "url", "source"),
    [
        ("https://feeds.example/world.xml", "https://feeds.example/world.xml", None),
        ("northwire=http://127.0.0.1:8000/rss", "http://127.0.0.1:8000/rss", "northwire"),
    ],
)
def test_feed_specs(spec: str, url: str, source: str | None) -> None:
    parsed = parse_feed_spec(spec)
    assert (parsed.url, parsed.source) == (url, source)


def test_bad_feed_spec_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match="SOURCE=URL"):
        parse_feed_spec("ftp://nope")
