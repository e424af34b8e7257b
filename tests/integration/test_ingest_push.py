"""The push API through the real broker: accept, idempotency, syndication, restart, bad input."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from prometheus_client import REGISTRY

from claimwatch.follow import is_marker
from claimwatch.kafka import decode, headers_dict
from claimwatch.models import Article, DuplicateKind, SourceKind
from claimwatch.settings import Settings
from claimwatch_ingest.files import read_article_file
from claimwatch_ingest.push_client import PushError, push_paths
from claimwatch_ingest.service import IngestService

SYNDICATION = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "syndication"


async def read_articles(settings: Settings, expect: int, timeout_s: float = 20.0) -> list[Article]:
    """Every Article on the topic: polls until ``expect`` arrived, then 1 s more for extras."""
    consumer = AIOKafkaConsumer(
        settings.topics.articles,
        bootstrap_servers=settings.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    out: list[Article] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        quiet_until = None
        while loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=250)
            for records in batches.values():
                for record in records:
                    if is_marker(record.key, record.value):
                        continue  # the ingest service's catch-up marker, not an article
                    article = decode(Article, record.value)
                    assert record.key == article.id.encode()
                    assert headers_dict(record.headers)["ce_id"] == article.id
                    out.append(article)
            if len(out) >= expect:
                quiet_until = quiet_until or loop.time() + 1.0
                if loop.time() >= quiet_until:
                    break
    finally:
        await consumer.stop()
    return out


def as_json(path: Path) -> dict[str, object]:
    raw = read_article_file(path)
    return {
        "source": raw.source,
        "text": raw.body,
        "content_type": "text/plain",
        "title": raw.title,
        "url": raw.url,
        "published_at": raw.published_at.isoformat() if raw.published_at else None,
    }


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    """Made outside the test's event loop: the factory creates topics with asyncio.run."""
    return settings_factory()


def rejected(reason: str) -> float:
    labels = {"source_kind": "push", "reason": reason}
    return REGISTRY.get_sample_value("claimwatch_ingest_rejected_total", labels) or 0.0


async def test_push_is_acked_idempotent_syndication_aware_and_survives_restart(
    settings: Settings,
) -> None:
    wire = as_json(SYNDICATION / "quake-northwire.md")
    copy = as_json(SYNDICATION / "quake-daily-courier.md")
    other = as_json(SYNDICATION / "quake-coastal-times.md")

    async with IngestService(settings, api_port=0) as service:
        base = f"http://127.0.0.1:{service.api_port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            first = await client.post("/articles", json=wire)
            assert first.status_code == 202, first.text
            (accepted,) = first.json()["articles"]
            assert accepted["status"] == "accepted"
            again = await client.post("/articles", json=wire)
            assert again.status_code == 202
            assert again.json()["articles"][0] == {**accepted, "status": "already_accepted"}

            batch = await client.post("/articles/batch", json={"articles": [copy, other, wire]})
            assert batch.status_code == 202, batch.text
            dup, new, seen = batch.json()["articles"]
            assert dup["status"] == "duplicate"
            assert dup["duplicate_of"] == accepted["id"] and dup["duplicate_kind"] == "near"
            assert new["status"] == "accepted" and new["duplicate_of"] is None
            assert seen == {**accepted, "status": "already_accepted"}

            text_push = await client.post(
                "/articles",
                params={"source": "metro-herald", "published_at": "2025-03-03T09:30:00Z"},
                content=read_article_file(SYNDICATION / "quake-metro-herald.md").body.encode(),
                headers={"Content-Type": "text/plain; charset=utf-8"},
            )
            assert text_push.status_code == 202, text_push.text
            assert (await client.get("/readyz")).json()["status"] == "ready"

    articles = await read_articles(settings, expect=4)
    assert len(articles) == 4
    by_source = {a.source: a for a in articles}
    assert set(by_source) == {"northwire", "daily-courier", "coastal-times", "metro-herald"}
    assert by_source["daily-courier"].duplicate_of == by_source["northwire"].id
    assert by_source["daily-courier"].duplicate_kind is DuplicateKind.NEAR
    assert by_source["coastal-times"].duplicate_of is None
    assert all(a.source_kind is SourceKind.PUSH for a in articles)
    # the published text is kept as received; the normalised text has no hard wraps
    assert by_source["northwire"].original_text == wire["text"]
    assert "coast\nearly" in str(wire["text"]) and "coast early" in by_source["northwire"].text

    # a new process rebuilds its duplicate index from the topic: nothing is produced twice
    async with IngestService(settings, api_port=0) as service:
        assert len(service.index) == 4
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.api_port}") as client:
            replayed = await client.post("/articles/batch", json={"articles": [wire, copy]})
            assert [a["status"] for a in replayed.json()["articles"]] == ["already_accepted"] * 2
            assert replayed.json()["articles"][1]["duplicate_of"] == by_source["northwire"].id
            near = dict(copy, source="harbour-gazette")  # same wire copy, a third outlet
            third = (await client.post("/articles", json=near)).json()["articles"][0]
            assert third["status"] == "duplicate"
            assert third["duplicate_of"] == by_source["northwire"].id
    assert len(await read_articles(settings, expect=5)) == 5


BAD_INPUTS = [
    # (name, request kwargs, status, reason)
    ("empty body", {"content": b"", "headers": {"Content-Type": "application/json"}}, 422,
     "missing_field"),
    ("empty text", {"json": {"source": "x", "text": ""}}, 422, "invalid_field"),
    ("whitespace text", {"json": {"source": "x", "text": " \n\t "}}, 422, "empty_text"),
    ("not UTF-8", {"content": "Café".encode("latin-1"), "params": {"source": "x"},
                   "headers": {"Content-Type": "text/plain"}}, 422, "not_utf8"),
    ("binary", {"content": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "params": {"source": "x"},
                "headers": {"Content-Type": "text/plain"}}, 422, "binary"),
    ("binary in JSON", {"json": {"source": "x", "text": "abc\u0000\u0001\u0002def"}}, 422,
     "binary"),
    ("20 MB", {"content": b"a" * 20_000_000, "params": {"source": "x"},
               "headers": {"Content-Type": "text/plain"}}, 413, "too_large"),
    ("missing text", {"json": {"source": "x", "title": "Headline only"}}, 422, "missing_field"),
    ("missing source", {"json": {"text": "Some article text."}}, 422, "missing_field"),
    ("text without source", {"content": b"Some article text.",
                             "headers": {"Content-Type": "text/plain"}}, 422, "missing_field"),
    ("bad date", {"json": {"source": "x", "text": "Text.", "published_at": "last Tuesday"}}, 422,
     "invalid_field"),
    ("bad date in query", {"content": b"Text.", "params": {"source": "x", "published_at": "soon"},
                           "headers": {"Content-Type": "text/plain"}}, 422, "invalid_field"),
    ("far-future date", {"json": {"source": "x", "text": "Text.",
                                  "published_at": "9999-12-31T23:59:59Z"}}, 422, "invalid_field"),
    ("year 0001", {"json": {"source": "x", "text": "Text.", "published_at": "0001-01-01"}}, 422,
     "invalid_field"),
    ("far-future date in query", {"content": b"Text.",
                                  "params": {"source": "x", "published_at": "2999-01-01"},
                                  "headers": {"Content-Type": "text/plain"}}, 422,
     "invalid_field"),
    ("javascript: URL", {"json": {"source": "x", "text": "Text.", "url": "javascript:alert(1)"}},
     422, "invalid_field"),
    ("URL with a password", {"json": {"source": "x", "text": "Text.",
                                      "url": "https://ed:secret@news.example/a"}}, 422,
     "invalid_field"),
    ("HTML with only scripts", {"json": {"source": "x", "content_type": "text/html",
                                         "text": "<script>track()</script><style>p{}</style>"}},
     422, "empty_text"),
    ("invalid JSON", {"content": b'{"source": "x", "text": ',
                      "headers": {"Content-Type": "application/json"}}, 422, "invalid_field"),
    ("JSON array", {"json": ["not", "an", "object"]}, 422, "invalid_field"),
    ("unknown field", {"json": {"source": "x", "text": "T.", "txet": "typo"}}, 422,
     "invalid_field"),
    ("PDF", {"content": b"%PDF-1.7", "headers": {"Content-Type": "application/pdf"}}, 415,
     "unsupported_media_type"),
    ("no content type", {"content": b"Text.", "headers": {"Content-Type": ""}}, 415,
     "unsupported_media_type"),
    ("latin-1 charset", {"content": b"Text.", "params": {"source": "x"},
                         "headers": {"Content-Type": "text/plain; charset=iso-8859-1"}}, 415,
     "unsupported_media_type"),
]  # fmt: skip


async def test_bad_inputs_get_a_clear_4xx_are_counted_and_lose_nothing(settings: Settings) -> None:
    good = as_json(SYNDICATION / "force-eurowire.md")
    async with IngestService(settings, api_port=0) as service:
        base = f"http://127.0.0.1:{service.api_port}"
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            assert (await client.post("/articles", json=good)).status_code == 202
            for name, kwargs, status, reason in BAD_INPUTS:
                before = rejected(reason)
                response = await client.post("/articles", **kwargs)
                assert response.status_code == status, (name, response.text)
                problem = response.json()
                assert problem["reason"] == reason, (name, problem)
                assert len(problem["detail"]) > 15, (name, problem)
                assert rejected(reason) == before + 1, name
            # a batch with one bad article is refused whole and says which one
            batch = {"articles": [good, {"source": "y", "text": "<script>x()</script>",
                                         "content_type": "text/html"}]}  # fmt: skip
            refused = await client.post("/articles/batch", json=batch)
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["where"] == "articles[1].text"
            # an out-of-window date names its field (the window: Settings.date_window)
            future = dict(good, published_at="9999-12-31T23:59:59Z")
            refused = await client.post("/articles/batch", json={"articles": [good, future]})
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["where"] == "articles[1].published_at"
            assert "after now" in refused.json()["errors"][0]["message"]
            # so does a URL that is not plain http(s)
            bad_url = dict(good, url="javascript:alert(1)")
            refused = await client.post("/articles/batch", json={"articles": [bad_url]})
            assert refused.json()["errors"][0]["where"] == "articles[0].url"
            too_many = {"articles": [good] * (settings.ingest_max_batch + 1)}
            assert (await client.post("/articles/batch", json=too_many)).status_code == 422
            assert (await client.get("/readyz")).status_code == 200
    articles = await read_articles(settings, expect=1)
    assert [a.source for a in articles] == ["eurowire"]


async def test_push_client_sends_folders_retries_a_starting_api_and_names_a_refused_file(
    settings: Settings, tmp_path: Path
) -> None:
    """`claimwatch push`: every file under a folder, in name order, as the folder watcher reads
    it; a second push is idempotent; nothing listening yet is retried until the deadline."""
    async with IngestService(settings, api_port=0) as service:
        base = f"http://127.0.0.1:{service.api_port}"
        first = await asyncio.to_thread(push_paths, base, None, [SYNDICATION])
        again = await asyncio.to_thread(push_paths, base, None, [SYNDICATION])
        bad = tmp_path / "empty.md"
        bad.write_text("---\nsource: nowhere\n---\n", encoding="utf-8")
        with pytest.raises(PushError, match=r"empty\.md: HTTP 422"):
            await asyncio.to_thread(push_paths, base, None, [bad])
    files = sorted(p for p in SYNDICATION.iterdir() if p.suffix == ".md")
    assert [p.path for p in first] == files
    assert {p.status for p in first} <= {"accepted", "duplicate"}
    assert [p.status for p in again] == ["already_accepted"] * len(files)
    assert [p.article_id for p in again] == [p.article_id for p in first]
    with pytest.raises(PushError, match="not available after 1 s"):
        await asyncio.to_thread(push_paths, base, None, [files[0]], 1.0)  # nobody listens now
