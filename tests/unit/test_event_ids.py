"""CloudEvents ``ce_id`` is the event's own id: the same on a re-send (consumers de-duplicate
on it), different for distinct events of one type and source — never a random uuid."""

from __future__ import annotations

from datetime import UTC, datetime

from claimwatch.kafka import ce_headers, headers_dict
from claimwatch.models import (
    Alert,
    AlertKind,
    Article,
    ArticleProcessed,
    ClaimsExtracted,
    DeadLetter,
    DeliveryOutcome,
    DeliveryRecord,
    EntitiesExtracted,
    Severity,
    Subscription,
)

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def ce_id(event: object) -> str:
    return headers_dict(ce_headers(event, "test"))["ce_id"]  # type: ignore[arg-type]


def alert(version: int) -> Alert:
    return Alert(
        id="ct-1",
        version=version,
        kind=AlertKind.CONTRADICTION,
        rule="contradiction",
        severity=Severity.HIGH,
        title="t",
        sources=["a", "b"],
        story="st-1",
        independent_sources=2,
        explanation="e",
        ingested_at=AT,
        fired_at=AT,
    )


def test_natural_ids() -> None:
    article = Article(id="art-9", source="wire", text="x", original_text="x", ingested_at=AT)
    assert ce_id(article) == "art-9"
    claims = ClaimsExtracted(article_id="art-9", source="wire", ingested_at=AT, extracted_at=AT)
    entities = EntitiesExtracted(article_id="art-9", source="wire", extracted_at=AT)
    marker = ArticleProcessed(article_id="art-9", story="st-1", processed_at=AT)
    # one article's events from one source are distinct events: distinct ids
    assert len({ce_id(claims), ce_id(entities), ce_id(marker)}) == 3
    assert ce_id(alert(1)) != ce_id(alert(2)), "every version is its own event"
    assert ce_id(alert(2)) == ce_id(alert(2).model_copy(update={"fired_at": datetime.now(UTC)}))


def test_ids_are_stable_on_resend() -> None:
    record = DeliveryRecord(
        alert_id="ct-1",
        alert_version=1,
        subscription_id="sub",
        webhook_id="msg_1",
        attempt=2,
        outcome=DeliveryOutcome.RETRY,
        at=AT,
    )
    sub = Subscription(id="sub", url="https://example.org/hook", secret="whsec_abc")
    dead = DeadLetter(origin_topic="x", service="extract", reason="r", detail="d", value="{", at=AT)
    for event in (record, sub, dead):
        assert ce_id(event) == ce_id(event.model_copy()), type(event).__name__
    assert ce_id(sub) != ce_id(sub.model_copy(update={"disabled": True}))
