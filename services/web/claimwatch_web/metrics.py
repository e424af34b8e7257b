"""Metrics of the web service, next to the shared per-stage series (stage ``web``).

Label values are bounded: topic short names, page names and status classes, never a story id,
an article id or a search term.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

STAGE = "web"
PAGES = ("stories", "story", "article", "login", "events")
TOPICS = ("articles", "entities", "claims", "processed", "alerts")

APPLY_DELAY_SECONDS = Histogram(
    "claimwatch_web_apply_delay_seconds",
    "From a record's write to its topic to the read model committing it: how far the pages lag "
    "behind the pipeline. Rising: the database is slow or the web service is starved of CPU.",
    ["topic"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
PAGE_SECONDS = Histogram(
    "claimwatch_web_page_seconds",
    "Time to build and render one page (database queries included).",
    ["page"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
REQUESTS = Counter(
    "claimwatch_web_requests_total",
    "Page requests by page and status class (2xx, 3xx, 4xx, 5xx). 5xx rising: read the log.",
    ["page", "status"],
)
LIVE_CLIENTS = Gauge(
    "claimwatch_web_live_clients",
    "Browsers following live updates (open server-sent event streams).",
)
ROWS = Gauge(
    "claimwatch_web_rows",
    "Rows the read model holds, per table (measured every few seconds).",
    ["table"],
)


def init_metrics() -> None:
    """Create every series up front so dashboards see zeros, not gaps."""
    for topic in TOPICS:
        APPLY_DELAY_SECONDS.labels(topic)
    for page in PAGES:
        PAGE_SECONDS.labels(page)
        for status in ("2xx", "3xx", "4xx", "5xx"):
            REQUESTS.labels(page, status)
