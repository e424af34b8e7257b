"""Pure cores of webhook delivery: signing, filters, payloads, retry policy, offset tracking."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claimwatch.models import (
    Alert,
    AlertClaim,
    AlertKind,
    AlertSide,
    ClaimType,
    Interval,
    Severity,
    SubscriptionFilters,
    TimelineEntry,
)
from claimwatch_deliver.filters import matches
from claimwatch_deliver.offsets import OffsetTracker
from claimwatch_deliver.payloads import body_for, slack_payload
from claimwatch_deliver.policy import (
    AttemptResult,
    Verdict,
    classify,
    next_delay,
    parse_retry_after,
    reason_of,
)
from claimwatch_deliver.receiver import SeenIds
from claimwatch_deliver.signing import new_secret, sign_headers, webhook_id

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def contradiction(version: int = 1, **kw: object) -> Alert:
    values: dict[str, object] = {
        "id": "al-coalition-size",
        "version": version,
        "kind": AlertKind.CONTRADICTION,
        "rule": "quantity_disjoint",
        "severity": Severity.HIGH,
        "title": "Outlets disagree on how many countries joined the reassurance force",
        "sources": ["harbour-times", "northern-ledger", "wire-east"],
        "sides": [
            AlertSide(
                value=Interval(low=24, high=24, unit="country"),
                text="a coalition of 24 nations signed the declaration on Tuesday",
                sources=["harbour-times"],
            ),
            AlertSide(
                value=Interval(low=26, high=26, unit="country"),
                text="26 countries had formally committed troops, officials said",
                sources=["northern-ledger", "wire-east"],
            ),
        ],
        "story": "st-1",
        "independent_sources": 3,
        "explanation": "24 and 26 cannot both be the count of committed countries.",
        "entity_ids": ["gpe:france", "org:coalition"],
        "ingested_at": T0,
        "fired_at": T0,
    }
    values.update(kw)
    return Alert(**values)  # type: ignore[arg-type]


def figure_update() -> Alert:
    """A toll that rose over the day: a timeline, not two sides."""
    return contradiction(
        id="fu-toll",
        kind=AlertKind.FIGURE_UPDATE,
        rule="figure_update",
        severity=Severity.INFO,
        title="Update on how many people were killed in the ferry sinking: ≥ 12 → 19",
        sides=None,
        fact="people killed in the ferry sinking",
        timeline=[
            TimelineEntry(
                value=Interval(low=12, high=None, unit="person"),
                sources=["harbour-times"],
                published_at=T0,
                text="At least 12 people died when the ferry sank.",
            ),
            TimelineEntry(
                value=Interval(low=19, high=19, unit="person"),
                sources=["wire-east"],
                published_at=T0 + timedelta(hours=6),
                text="The death toll rose to 19.",
            ),
        ],
    )


def key_claim() -> Alert:
    return Alert(
        id="al-threat",
        version=1,
        kind=AlertKind.KEY_CLAIM,
        rule="threat_foreign_forces",
        severity=Severity.CRITICAL,
        title="Head of state calls foreign troops legitimate targets",
        sources=["capital-daily"],
        claim=AlertClaim(
            type=ClaimType.THREAT,
            actor="President Arlen Voss",
            text="Any foreign soldier on our soil will be a legitimate target, Voss said.",
            sources=["capital-daily"],
        ),
        story="st-2",
        independent_sources=1,
        explanation="Threat of force against foreign forces by a head of state.",
        ingested_at=T0,
        fired_at=T0,
    )


# ---------------------------------------------------------------- signing


def test_signature_verifies_with_standardwebhooks_library() -> None:
    secret = new_secret()
    body = body_for(contradiction(), "standard")
    headers = sign_headers(body, secret, "msg_1")
    assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_signature_fails_for_tampered_body_or_other_secret() -> None:
    secret = new_secret()
    body = body_for(contradiction(), "standard")
    headers = sign_headers(body, secret, "msg_1")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"24", b"25"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_secrets_are_fresh_whsec_values() -> None:
    a, b = new_secret(), new_secret()
    assert a.startswith("whsec_") and b.startswith("whsec_") and a != b
    Webhook(a)  # decodes as a Standard Webhooks secret


def test_webhook_id_stable_per_alert_version_and_subscriber() -> None:
    assert webhook_id("al-1", 1, "sub_a") == webhook_id("al-1", 1, "sub_a")
    ids = {
        webhook_id("al-1", 1, "sub_a"),
        webhook_id("al-1", 2, "sub_a"),
        webhook_id("al-1", 1, "sub_b"),
    }
    assert len(ids) == 3


def test_timestamp_header_is_the_signing_time() -> None:
    when = T0 + timedelta(seconds=7)
    headers = sign_headers(b"{}", new_secret(), "msg_x", now=when)
    assert headers["webhook-timestamp"] == str(int(when.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SubscriptionFilters(), True),
        (SubscriptionFilters(kinds=[AlertKind.CONTRADICTION]), True),
        (SubscriptionFilters(kinds=[AlertKind.KEY_CLAIM]), False),
        (SubscriptionFilters(rules=["quantity_disjoint", "other"]), True),
        (SubscriptionFilters(rules=["other"]), False),
        (SubscriptionFilters(min_severity=Severity.HIGH), True),
        (SubscriptionFilters(min_severity=Severity.CRITICAL), False),
        (SubscriptionFilters(entity_ids=["gpe:france"]), True),
        (SubscriptionFilters(entity_ids=["gpe:chile"]), False),
    ],
)
def test_filters(filters: SubscriptionFilters, expected: bool) -> None:
    assert matches(contradiction(), filters) is expected


def test_figure_updates_reach_only_subscriptions_that_ask_for_them() -> None:
    assert not matches(figure_update(), SubscriptionFilters())
    assert not matches(figure_update(), SubscriptionFilters(kinds=[AlertKind.CONTRADICTION]))
    assert matches(figure_update(), SubscriptionFilters(kinds=[AlertKind.FIGURE_UPDATE]))


def test_slack_payload_for_a_figure_update_lists_its_timeline() -> None:
    blocks = json.dumps(slack_payload(figure_update())["blocks"], ensure_ascii=False)
    for needle in ("≥ 12 person", "19 person", "harbour-times", "wire-east", "rose to 19"):
        assert needle in blocks


# ---------------------------------------------------------------- payloads


def test_standard_body_is_the_alert_json() -> None:
    alert = contradiction()
    assert Alert.model_validate_json(body_for(alert, "standard")) == alert


def test_slack_payload_for_contradiction_has_both_sides_and_sources() -> None:
    payload = json.loads(body_for(contradiction(), "slack"))
    assert payload["text"].startswith("[HIGH] Outlets disagree")
    blocks = json.dumps(payload["blocks"], ensure_ascii=False)
    assert payload["blocks"][0]["type"] == "header"
    for needle in (
        "24 country",
        "26 country",
        "harbour-times",
        "northern-ledger, wire-east",
        "high",
    ):
        assert needle in blocks


def test_slack_payload_for_key_claim_has_actor_claim_and_sources() -> None:
    blocks = json.dumps(slack_payload(key_claim())["blocks"], ensure_ascii=False)
    assert "President Arlen Voss" in blocks and "legitimate target" in blocks
    assert "capital-daily" in blocks and "critical" in blocks


def test_bodies_link_to_the_story_page_when_the_pages_have_a_url() -> None:
    alert = contradiction()
    assert Alert.model_validate_json(body_for(alert, "standard")).story_url is None
    linked = Alert.model_validate_json(body_for(alert, "standard", "https://cw.example/"))
    assert linked.story_url == f"https://cw.example/stories/{alert.story}"
    assert linked.model_copy(update={"story_url": None}) == alert
    slack = json.dumps(json.loads(body_for(alert, "slack", "https://cw.example")))
    assert f"<https://cw.example/stories/{alert.story}|Open the story>" in slack


def test_slack_payload_respects_block_limits() -> None:
    payload = slack_payload(contradiction(title="x" * 400))
    assert len(payload["blocks"][0]["text"]["text"]) == 150


# ---------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        (AttemptResult(status_code=200), Verdict.DELIVERED),
        (AttemptResult(status_code=204), Verdict.DELIVERED),
        (AttemptResult(status_code=410), Verdict.GONE),
        (AttemptResult(status_code=429), Verdict.RETRY),
        (AttemptResult(status_code=503), Verdict.RETRY),
        (AttemptResult(error="timeout"), Verdict.RETRY),
        (AttemptResult(error="connection_error"), Verdict.RETRY),
        (AttemptResult(status_code=400), Verdict.RETRY),
        (AttemptResult(status_code=401), Verdict.RETRY),
        (AttemptResult(status_code=404), Verdict.RETRY),
        (AttemptResult(status_code=302), Verdict.RETRY),
        (AttemptResult(error="refused"), Verdict.REFUSED),
    ],
)
def test_classify(result: AttemptResult, verdict: Verdict) -> None:
    assert classify(result) is verdict


def test_reason_codes_are_bounded() -> None:
    assert reason_of(AttemptResult(status_code=503)) == "http_5xx"
    assert reason_of(AttemptResult(status_code=429)) == "http_429"
    assert reason_of(AttemptResult(error="timeout")) == "timeout"


def test_next_delay_follows_schedule_with_jitter_and_ends() -> None:
    schedule = [0, 5, 300]
    rng = random.Random(7)
    delays = [next_delay(schedule, 1, rng=rng) for _ in range(200)]
    assert all(d is not None and 4.0 <= d <= 6.0 for d in delays)
    assert len({round(d or 0, 6) for d in delays}) > 100  # jittered, not constant
    assert next_delay(schedule, 3) is None
    assert next_delay([0, 0], 1) == 0.0


def test_retry_after_is_a_floor() -> None:
    assert next_delay([0, 1], 1, retry_after_s=30, rng=random.Random(1)) == 30
    assert (next_delay([0, 100], 1, retry_after_s=3, rng=random.Random(1)) or 0) >= 80


def test_parse_retry_after() -> None:
    assert parse_retry_after("12") == 12
    assert parse_retry_after("Fri, 20 Nov 2026 08:01:00 GMT", now=T0) == 60
    assert parse_retry_after("Fri, 20 Nov 2026 07:00:00 GMT", now=T0) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("99999999") == 24 * 3600


# ---------------------------------------------------------------- offsets


def test_offsets_commit_only_past_finished_prefix() -> None:
    t: OffsetTracker[str] = OffsetTracker()
    t.add("p0", 10, 2)
    t.add("p0", 11, 1)
    t.add("p0", 13, 0)  # a gap in offsets, and an alert nobody subscribed to
    assert t.committable() == {}
    t.done("p0", 11)
    assert t.committable() == {}  # 10 still open
    t.done("p0", 10)
    assert t.committable() == {}
    t.done("p0", 10)
    assert t.committable() == {"p0": 14}
    t.committed({"p0": 14})
    assert t.committable() == {}
    assert t.open_count() == 0


def test_offsets_partitions_are_independent_and_forgettable() -> None:
    t: OffsetTracker[str] = OffsetTracker()
    t.add("p0", 0, 1)
    t.add("p1", 5, 0)
    assert t.committable() == {"p1": 6}
    assert t.open_count() == 1
    t.forget("p0")
    t.done("p0", 0)  # a late finish of a revoked partition is ignored
    assert t.committable() == {"p1": 6}
    assert t.open_count() == 0


def test_seen_ids_dedup_and_bound() -> None:
    seen = SeenIds(capacity=2)
    assert seen.add("a") and not seen.add("a")
    assert seen.add("b") and seen.add("c")
    assert seen.add("a")  # forgotten after two newer ids
