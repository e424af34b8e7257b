"""Metrics helpers: the /metrics endpoint and the per-stage counters every service shares.

Stage-specific metrics live next to the code they measure; this module only holds what every
stage has (records in/out/failed, processing latency, batch size, end-to-end latency), so the
dashboards can treat stages uniformly. Label values are bounded: stage names and short reason
codes, never entity names or URLs.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server

RECORDS_IN = Counter(
    "claimwatch_records_in_total",
    "Records a stage read. Flat while upstream produces: the stage is stalled.",
    ["stage"],
)
RECORDS_OUT = Counter(
    "claimwatch_records_out_total",
    "Records a stage produced.",
    ["stage"],
)
RECORDS_FAILED = Counter(
    "claimwatch_records_failed_total",
    "Records a stage could not process, by short reason code. Rising: read the dead-letter "
    "topic or the service log for that reason.",
    ["stage", "reason"],
)
PROCESSING_SECONDS = Histogram(
    "claimwatch_processing_seconds",
    "Time a stage spends on one batch of records.",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
BATCH_SIZE = Histogram(
    "claimwatch_batch_size",
    "Records per processed batch.",
    ["stage"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
END_TO_END_SECONDS = Histogram(
    "claimwatch_end_to_end_seconds",
    "From an article's ingest to the alert it caused being produced.",
    ["kind"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300),
)

STAGES = ("ingest", "extract", "alert", "deliver")


def init_stage(stage: str) -> None:
    """Create the stage's series up front so dashboards see zeros, not gaps."""
    RECORDS_IN.labels(stage)
    RECORDS_OUT.labels(stage)
    PROCESSING_SECONDS.labels(stage)
    BATCH_SIZE.labels(stage)


def serve_metrics(
    port: int, host: str = "127.0.0.1", registry: CollectorRegistry = REGISTRY
) -> int:
    """Serve /metrics on ``port`` (0 picks a free one); returns the bound port."""
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return int(server.server_port)
