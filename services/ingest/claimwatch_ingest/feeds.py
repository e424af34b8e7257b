"""RSS/Atom feed polling: conditional GET, per-host politeness, full text for summary-only entries.

- httpx fetches (so we control validators, timeouts and size limits) and feedparser parses
  the bytes (it knows every RSS/Atom dialect and date format).
- Conditional GET: the ``ETag`` and ``Last-Modified`` of the last 200 are sent back as
  ``If-None-Match`` / ``If-Modified-Since``; a ``304`` produces nothing and costs no parsing.
- Politeness: one request per host at a time and ``Settings.host_politeness_s`` seconds from
  the end of one to the start of the next, whether a feed or an article page
  (``HostThrottle``).
- An entry with full content (``content:encoded`` / Atom ``content``) is used as is; an entry
  with only a summary gets its page fetched and its main text extracted with trafilatura. If
  the page cannot be fetched, the summary is published (and counted) rather than losing
  the entry.
- Entries already handled (by guid, else link) are not fetched again on the next poll.

A feed spec is ``URL`` or ``SOURCE=URL``; without ``SOURCE`` the feed's title (slugified) is
the source id, else the host name.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
import trafilatura

from claimwatch.logging import get_logger
from claimwatch.models import SourceKind
from claimwatch.settings import Settings
from claimwatch_ingest.files import RawArticle
from claimwatch_ingest.metrics import FEED_POLLS, PAGE_FETCHES
from claimwatch_ingest.publisher import ArticlePublisher, RejectedArticle

log = get_logger(__name__)

USER_AGENT = "claimwatch-ingest/0.1 (+https://github.com/claimwatch)"
_SPEC = re.compile(r"^(?P<source>[\w.\-]+)=(?P<url>https?://\S+)$")


@dataclass(frozen=True)
class FeedSpec:
    url: str
    source: str | None = None


def parse_feed_spec(spec: str) -> FeedSpec:
    """``URL`` or ``SOURCE=URL``; ``ValueError`` with a readable reason otherwise."""
    spec = spec.strip()
    m = _SPEC.match(spec)
    if m:
        return FeedSpec(m["url"], m["source"])
    if re.match(r"^https?://\S+$", spec):
        return FeedSpec(spec)
    raise ValueError(f"feed {spec!r}: expected URL or SOURCE=URL with an http(s) URL")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:80]


class HostThrottle:
    """One request per host at a time, and ``interval_s`` from the end of one to the start of
    the next: measured from the end, a slow or late-arriving request can never leave the
    host a shorter gap than promised (measured from the start, it could)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def hold(self, url: str) -> AsyncIterator[None]:
        host = urlsplit(url).netloc.lower()
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            last = self._last.get(host)
            if last is not None:
                delay = last + self.interval_s - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


@dataclass
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    handled: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PollResult:
    status: int
    entries: int = 0
    produced: int = 0


class TooLarge(Exception):
    """A feed or page over ``Settings.ingest_max_bytes`` (reading stops at the limit)."""


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]  # lower-case names (httpx)
    content: bytes


class FeedPoller:
    """Polls feeds and hands their entries to the publisher."""

    def __init__(
        self,
        specs: list[FeedSpec],
        publisher: ArticlePublisher,
        settings: Settings,
        client: httpx.AsyncClient,
    ) -> None:
        self.specs = specs
        self.publisher = publisher
        self.settings = settings
        self.client = client
        self.throttle = HostThrottle(settings.host_politeness_s)
        self.state: dict[str, FeedState] = {s.url: FeedState() for s in specs}

    async def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        """GET with politeness and the size limit enforced while streaming."""
        limit = self.settings.ingest_max_bytes
        async with (
            self.throttle.hold(url),
            self.client.stream(
                "GET", url, headers={"User-Agent": USER_AGENT, **headers}
            ) as response,
        ):
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"{url}: more than {limit} bytes")
                chunks.append(chunk)
            return Fetched(response.status_code, dict(response.headers), b"".join(chunks))

    async def poll_once(self, spec: FeedSpec) -> PollResult:
        """One conditional GET of a feed and every new entry in it."""
        state = self.state.setdefault(spec.url, FeedState())
        headers: dict[str, str] = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            response = await self._get(spec.url, headers)
        except (httpx.HTTPError, TooLarge) as exc:
            FEED_POLLS.labels("error").inc()
            log.warning("feed_error", feed=spec.url, error=str(exc))
            return PollResult(status=0)
        if response.status == 304:
            FEED_POLLS.labels("not_modified").inc()
            return PollResult(status=304)
        if response.status != 200:
            FEED_POLLS.labels("error").inc()
            log.warning("feed_error", feed=spec.url, status=response.status)
            return PollResult(status=response.status)
        parsed = feedparser.parse(response.content, response_headers=response.headers)
        if parsed.bozo and not parsed.entries:
            FEED_POLLS.labels("error").inc()
            log.warning("feed_unparsable", feed=spec.url, error=str(parsed.get("bozo_exception")))
            return PollResult(status=200)
        FEED_POLLS.labels("changed").inc()
        source = spec.source or slug(parsed.feed.get("title", "")) or urlsplit(spec.url).hostname
        produced = 0
        for entry in parsed.entries:
            key = str(entry.get("id") or entry.get("link") or entry.get("title") or "")
            if not key or key in state.handled:
                continue
            try:
                raw = await self._entry_article(entry, str(source), spec.url)
                result = await self.publisher.publish(raw, SourceKind.FEED)
            except RejectedArticle as exc:
                log.warning("entry_rejected", feed=spec.url, reason=exc.reason, detail=exc.detail)
            else:
                produced += result.produced
            state.handled.add(key)  # not reached if the broker failed: retried next poll
        # validators only once every entry is handled, so a failed send is not hidden by a 304
        state.etag = response.headers.get("etag")
        state.last_modified = response.headers.get("last-modified")
        return PollResult(status=200, entries=len(parsed.entries), produced=produced)

    async def _entry_article(self, entry: Any, source: str, feed_url: str) -> RawArticle:
        link = entry.get("link")
        contents = entry.get("content") or []
        body = "\n\n".join(c.get("value", "") for c in contents if c.get("value"))
        content_type = "text/html"
        if not body.strip() and link:
            page_text = await self._page_text(link)
            if page_text:
                body, content_type = page_text, "text/plain"
        if not body.strip():
            body = entry.get("summary", "")
        return RawArticle(
            source=source,
            body=body,
            content_type=content_type,
            url=link,
            title=entry.get("title"),
            published_at=_entry_time(entry),
            origin=feed_url,
        )

    async def _page_text(self, url: str) -> str | None:
        """Main text of an article page (trafilatura), or None after counting why."""
        try:
            response = await self._get(url, {"Accept": "text/html,application/xhtml+xml"})
        except (httpx.HTTPError, TooLarge) as exc:
            PAGE_FETCHES.labels("error").inc()
            log.warning("page_fetch_failed", url=url, error=str(exc))
            return None
        if response.status != 200:
            PAGE_FETCHES.labels("error").inc()
            log.warning("page_fetch_failed", url=url, status=response.status)
            return None
        text = await asyncio.to_thread(
            trafilatura.extract,
            response.content,
            url=url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
        if not text:
            PAGE_FETCHES.labels("empty").inc()
            return None
        PAGE_FETCHES.labels("ok").inc()
        return str(text)

    async def run(self, spec: FeedSpec) -> None:
        """Poll one feed every ``feed_interval_s`` until cancelled; errors never end it."""
        while True:
            try:
                result = await self.poll_once(spec)
                log.info(
                    "feed_polled", feed=spec.url, status=result.status, produced=result.produced
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker down etc.: the next poll retries
                log.warning("feed_poll_failed", feed=spec.url, error=str(exc))
            await asyncio.sleep(self.settings.feed_interval_s)


def _entry_time(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
