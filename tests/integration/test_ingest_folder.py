"""Folder watch through the real broker: new files, changed files, copies and bad files."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from test_ingest_push import read_articles  # same folder, on sys.path (rootdir import mode)

from claimwatch.models import Article, DuplicateKind, SourceKind
from claimwatch.settings import Settings
from claimwatch_ingest.service import IngestService

SYNDICATION = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "syndication"


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory(watch_interval_s=0.1)


def file_rejections(reason: str) -> float:
    labels = {"source_kind": "file", "reason": reason}
    return REGISTRY.get_sample_value("claimwatch_ingest_rejected_total", labels) or 0.0


async def wait_for(predicate: Callable[[], bool], timeout_s: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        assert loop.time() < deadline, "condition not met before the deadline"
        await asyncio.sleep(0.05)


async def test_folder_watch_new_changed_copied_and_bad_files(
    settings: Settings, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SYNDICATION / "force-eurowire.md", inbox)
    (inbox / "capital-post.txt").write_text(  # no front matter: source is the file name
        (SYNDICATION / "force-capital-post.md").read_text().split("---\n", 2)[2]
    )
    before = {r: file_rejections(r) for r in ("not_utf8", "binary", "empty_text", "invalid_field")}

    async with IngestService(settings, watch_dirs=[inbox], api=False) as service:
        index = service.index
        await wait_for(lambda: len(index) == 2)

        # a syndicated copy arriving later is produced with duplicate_of
        shutil.copy(SYNDICATION / "force-the-ledger.md", inbox)
        await wait_for(lambda: len(index) == 3)

        # bad files are counted and skipped; the service keeps going
        (inbox / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
        (inbox / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4)
        (inbox / "empty.html").write_text("<html><script>x()</script></html>")
        (inbox / "baddate.md").write_text("---\npublished_at: someday\n---\nText.\n")
        await wait_for(lambda: file_rejections("invalid_field") == before["invalid_field"] + 1)
        await wait_for(lambda: file_rejections("empty_text") == before["empty_text"] + 1)
        assert file_rejections("not_utf8") == before["not_utf8"] + 1
        assert file_rejections("binary") == before["binary"] + 1

        # rewriting a file with the same text produces nothing; changing its text does
        wire = inbox / "force-eurowire.md"
        wire.write_text(wire.read_text())
        edited = inbox / "capital-post.txt"
        edited.write_text(edited.read_text() + "\nThis story has been updated with reaction.\n")
        await wait_for(lambda: len(index) == 4)
        await asyncio.sleep(5 * settings.watch_interval_s)  # room for a wrong extra article

    articles = await read_articles(settings, expect=4)
    assert len(articles) == 4
    assert all(a.source_kind is SourceKind.FILE for a in articles)
    # partitions do not keep production order across keys: identify articles by content
    by_source: dict[str, list[Article]] = {}
    for article in articles:
        by_source.setdefault(article.source, []).append(article)
    assert sorted(by_source) == ["capital-post", "eurowire", "the-ledger"]
    (eurowire,) = by_source["eurowire"]
    (copy,) = by_source["the-ledger"]
    capital, update = sorted(by_source["capital-post"], key=lambda a: len(a.text))
    assert copy.duplicate_of == eurowire.id and copy.duplicate_kind is DuplicateKind.NEAR
    assert capital.duplicate_of is None and eurowire.duplicate_of is None
    # the updated story is the same source's article again: a near copy of its first version
    assert update.text.endswith("updated with reaction.") and update.duplicate_of == capital.id
    assert eurowire.title == "Twenty-six countries commit to postwar reassurance force, Paris says"
    assert eurowire.published_at is not None and eurowire.url is not None

    # a restart re-reads the folder but the rebuilt index stops every repeat
    async with IngestService(settings, watch_dirs=[inbox], api=False) as service:
        assert len(service.index) == 4
        await asyncio.sleep(10 * settings.watch_interval_s)  # several full scans
    assert len(await read_articles(settings, expect=4)) == 4
