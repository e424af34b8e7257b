"""Feed polling through the real broker, against feeds and pages served from 127.0.0.1."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_ingest_push import read_articles

from claimwatch.models import SourceKind
from claimwatch.settings import Settings
from claimwatch_ingest.feeds import FeedPoller, FeedSpec
from claimwatch_ingest.files import read_article_file
from claimwatch_ingest.service import IngestService

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
POLITENESS_S = 0.3


def rss(base: str, version: int) -> bytes:
    """An RSS 2.0 feed: one entry with full content, one with only a summary (+ one in v2)."""
    wire = read_article_file(FIXTURES / "syndication" / "quake-northwire.md")
    full = "".join(f"<p>{escape(p)}</p>" for p in wire.body.split("\n\n"))
    items = [
        f"""<item><title>{escape(wire.title or "")}</title>
        <link>{base}/story/quake-northwire</link><guid>nw-0303-quake</guid>
        <pubDate>Mon, 03 Mar 2025 06:12:00 GMT</pubDate>
        <description>A magnitude 7.4 earthquake struck off the southern coast.</description>
        <content:encoded><![CDATA[{full}]]></content:encoded></item>""",
        f"""<item><title>At least 12 dead as powerful earthquake shakes southern ports</title>
        <link>{base}/story/coastal-times</link><guid>ct-quake-ports</guid>
        <pubDate>Mon, 03 Mar 2025 08:05:00 GMT</pubDate>
        <description>Rescuers dig through rubble in Coronel.</description></item>""",
    ]
    if version >= 2:
        items.append(
            f"""<item><title>Aftershock rattles coast</title>
            <link>{base}/story/missing</link><guid>aftershock-1</guid>
            <pubDate>Tue, 04 Mar 2025 07:00:00 GMT</pubDate>
            <description>A magnitude 5.9 aftershock shook the southern coast on Tuesday
            morning, the seismological centre said. No new damage was reported.</description>
            </item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Northwire World</title><link>{base}/</link><description>News</description>
{"".join(items)}
</channel></rss>""".encode()


@dataclass
class Site:
    """What the local web server serves, and every request it saw."""

    base: str = ""
    version: int = 1
    requests: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)

    def etag(self) -> str:
        return f'"feed-v{self.version}"'

    def last_modified(self) -> str:
        return formatdate(1741000000 + self.version * 3600, usegmt=True)


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    page = (FIXTURES / "feed" / "page-coastal-times.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((time.monotonic(), self.path, dict(self.headers.items())))
            if self.path == "/feed.xml":
                if self.headers.get("If-None-Match") == state.etag():
                    self.send_response(304)
                    self.end_headers()
                    return
                validators = {"ETag": state.etag(), "Last-Modified": state.last_modified()}
                self._send(200, rss(state.base, state.version), "application/rss+xml", validators)
            elif self.path == "/story/coastal-times":
                self._send(200, page, "text/html; charset=utf-8")
            else:
                self._send(404, b"not found", "text/plain")

        def _send(
            self, code: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory(host_politeness_s=POLITENESS_S, feed_interval_s=3600)


async def test_feed_poll_conditional_get_politeness_and_page_extraction(
    settings: Settings, site: Site
) -> None:
    spec = FeedSpec(f"{site.base}/feed.xml", source=None)
    async with IngestService(settings, api=False) as service:
        poller = FeedPoller([spec], service.publisher, settings, service.http)

        first = await poller.poll_once(spec)
        assert (first.status, first.entries, first.produced) == (200, 2, 2)

        # second poll: validators sent back, 304, nothing produced, no page fetched
        second = await poller.poll_once(spec)
        assert (second.status, second.produced) == (304, 0)
        _, path, headers = site.requests[-1]
        assert path == "/feed.xml"
        assert headers.get("If-None-Match") == site.etag()
        assert headers.get("If-Modified-Since") == site.last_modified()

        # the feed changes: only the new entry is handled; its page is gone, so its
        # summary is published rather than losing it
        site.version = 2
        third = await poller.poll_once(spec)
        assert (third.status, third.entries, third.produced) == (200, 3, 1)
        assert [p for _, p, _ in site.requests].count("/story/coastal-times") == 1

    # politeness: one request at a time per host, at least POLITENESS_S apart
    times = [t for t, _, _ in site.requests]
    paths = [p for _, p, _ in site.requests]
    assert paths == [
        "/feed.xml",
        "/story/coastal-times",
        "/feed.xml",
        "/feed.xml",
        "/story/missing",
    ]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= POLITENESS_S * 0.95, gaps

    articles = await read_articles(settings, expect=3)
    assert len(articles) == 3
    by_url = {a.url: a for a in articles}
    assert all(a.source == "northwire-world" and a.source_kind is SourceKind.FEED for a in articles)
    wire = by_url[f"{site.base}/story/quake-northwire"]
    assert "magnitude 7.4 earthquake struck off the southern coast" in wire.text
    assert wire.published_at is not None and wire.published_at.isoformat().startswith("2025-03-03")
    page = by_url[f"{site.base}/story/coastal-times"]
    # main text extracted from the page; navigation, ads and footer left behind
    assert "firefighters and neighbours worked with their bare hands" in page.text
    assert '"We can hear someone knocking,"' in page.text
    assert "Subscribe" not in page.text and "All rights reserved" not in page.text
    assert "Most read" not in page.text
    aftershock = by_url[f"{site.base}/story/missing"]
    assert aftershock.text.startswith("A magnitude 5.9 aftershock")


async def test_named_feed_runs_inside_the_service(settings: Settings, site: Site) -> None:
    """`SOURCE=URL` from settings: the service polls it on start-up and names the source."""
    async with IngestService(settings, feeds=[f"northwire={site.base}/feed.xml"], api=False) as svc:
        index = svc.index
        articles = await read_articles(settings, expect=2)
        assert len(index) == 2
    assert {a.source for a in articles} == {"northwire"}
