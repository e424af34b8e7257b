"""Ingest metrics: what came in through which door, what went out, and what was turned away.

Labels are bounded: ``source_kind`` is file|feed|push, ``outcome`` and ``reason`` are the
short codes listed here. Never a URL, a source name or a file name as a label.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from claimwatch.metrics import RECORDS_FAILED, RECORDS_IN, init_stage
from claimwatch.models import SourceKind

# Outcomes of one received article (articles_total{outcome}):
#   new        produced, an original
#   duplicate  produced, with duplicate_of set (exact or near copy of another source's article)
#   seen       not produced: this very article (same id) was produced before
#   rejected   not produced: bad input, see rejected_total{reason}
OUTCOMES = ("new", "duplicate", "seen", "rejected")

# Rejection reasons (rejected_total{reason}); keep this list closed.
REASONS = (
    "too_large",  # over Settings.ingest_max_bytes
    "not_utf8",  # bytes that are not UTF-8 text
    "binary",  # NUL or control bytes: an image, a PDF, an archive
    "empty_text",  # nothing left after normalisation (empty, whitespace, only scripts)
    "missing_field",  # a required field (text, source) absent
    "invalid_field",  # a field of the wrong type or shape (bad date, bad URL, bad JSON)
    "unsupported_media_type",  # a Content-Type the push API does not read
    "unreadable",  # a file that cannot be read
)

ARTICLES_RECEIVED = Counter(
    "claimwatch_ingest_articles_received_total",
    "Articles received, by door. Compare with articles_total to see what became of them.",
    ["source_kind"],
)
ARTICLES = Counter(
    "claimwatch_ingest_articles_total",
    "Articles handled, by door and outcome (new|duplicate|seen|rejected). A rising `seen` "
    "share is normal for feeds; a rising `rejected` share: read rejected_total.",
    ["source_kind", "outcome"],
)
DUPLICATES = Counter(
    "claimwatch_ingest_duplicates_total",
    "Articles produced as copies of another source's article (duplicate_of set), by kind.",
    ["kind"],
)
REJECTED = Counter(
    "claimwatch_ingest_rejected_total",
    "Inputs turned away, by door and reason. Rising: a client or feed sends something we "
    "cannot read; the service log has the detail.",
    ["source_kind", "reason"],
)
BYTES_RECEIVED = Counter(
    "claimwatch_ingest_received_bytes_total",
    "Bytes of article bodies received, by door.",
    ["source_kind"],
)
BYTES_PRODUCED = Counter(
    "claimwatch_ingest_produced_bytes_total",
    "Bytes of Article records produced to the articles topic.",
)
PRODUCE_SECONDS = Histogram(
    "claimwatch_ingest_produce_seconds",
    "From sending an article to the broker's acknowledgement. High: the broker is slow.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
NEAR_SIMILARITY = Histogram(
    "claimwatch_ingest_near_duplicate_similarity",
    "Estimated Jaccard similarity of each near duplicate to its original (for tuning the "
    "threshold: mass just above it means the threshold may be too low).",
    buckets=(0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0),
)
INDEX_SIZE = Gauge(
    "claimwatch_ingest_index_articles",
    "Articles in the duplicate index (rebuilt from the articles topic at start-up).",
)
FEED_POLLS = Counter(
    "claimwatch_ingest_feed_polls_total",
    "Feed polls by outcome (changed|not_modified|error).",
    ["outcome"],
)
PAGE_FETCHES = Counter(
    "claimwatch_ingest_page_fetches_total",
    "Article pages fetched for summary-only feed entries, by outcome (ok|error|empty).",
    ["outcome"],
)


def init_metrics() -> None:
    """Create every known series up front so dashboards see zeros, not gaps."""
    init_stage("ingest")
    for kind in SourceKind:
        ARTICLES_RECEIVED.labels(kind.value)
        BYTES_RECEIVED.labels(kind.value)
        for outcome in OUTCOMES:
            ARTICLES.labels(kind.value, outcome)
        for reason in REASONS:
            REJECTED.labels(kind.value, reason)
    for dup in ("exact", "near"):
        DUPLICATES.labels(dup)
    for outcome in ("changed", "not_modified", "error"):
        FEED_POLLS.labels(outcome)
    for outcome in ("ok", "error", "empty"):
        PAGE_FETCHES.labels(outcome)


def count_rejection(kind: SourceKind, reason: str, *, received: bool = True) -> None:
    """One input turned away; ``received=False`` when it was already counted as received."""
    reason = reason if reason in REASONS else "invalid_field"
    if received:
        ARTICLES_RECEIVED.labels(kind.value).inc()
        RECORDS_IN.labels("ingest").inc()
    RECORDS_FAILED.labels("ingest", reason).inc()
    REJECTED.labels(kind.value, reason).inc()
    ARTICLES.labels(kind.value, "rejected").inc()
