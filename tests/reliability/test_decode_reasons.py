"""The decode reasons a dead letter carries, and the cut of an oversized value (unit level)."""

from __future__ import annotations

import pytest

from claimwatch.deadletter import DEAD_LETTER_VALUE_MAX, dead_letter_record
from claimwatch.kafka import DecodeError, decode
from claimwatch.models import Subscription

GOOD = b'{"id": "s1", "url": "https://hooks.example.org/", "secret": "whsec_x"}'


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            b'{"id": "s1", "url": "u", "secret": "x", "schema_version": 2}',
            "unsupported_schema_version",
        ),
        (b'{"id": "s1", "url": "u", "secret": "x", "schema_version": 0}', "schema_mismatch"),
        (b'{"id": "s1", "url": "u", "secret": "x", "schema_version": "2"}', "schema_mismatch"),
        (b'[{"schema_version": 2}]', "schema_mismatch"),
        (b"{nope", "invalid_json"),
        (b"\xff\xfe", "not_utf8"),
        (b'{"pad": "' + b"x" * 200 + b'"}', "oversized"),
    ],
)
def test_reason(value: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(Subscription, value, max_bytes=100)
    assert caught.value.reason == reason


def test_good_record_under_the_limit_decodes() -> None:
    assert decode(Subscription, GOOD, max_bytes=len(GOOD)).id == "s1"


def test_oversized_value_is_cut_in_the_dead_letter_without_a_broken_character() -> None:
    value = b"x" * (DEAD_LETTER_VALUE_MAX - 1) + "é".encode() * 10  # é cut in half at the limit
    dead = dead_letter_record(
        service="t", origin_topic="o", key=b"k", value=value, reason="oversized", detail="big"
    )
    assert dead.value == "x" * (DEAD_LETTER_VALUE_MAX - 1)
    assert f"first {DEAD_LETTER_VALUE_MAX} of {len(value)} bytes" in dead.detail
