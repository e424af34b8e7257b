"""Money on real spaCy parses: ISO 4217 currency, major-unit values, the same interval table
as other real values. Every sentence is written for this test."""

from __future__ import annotations

import math
from typing import Any

import pytest
from extracting import claims

from claimwatch.models import Article, ClaimType
from claimwatch_extract.pipeline import extract_batch


def money(nlp: Any, text: str) -> list[tuple[float | None, float | None, str]]:
    art = Article(id="t", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    return [
        (c.value.low, c.value.high, c.value.unit)
        for c in out.claims
        if c.type == ClaimType.MEASUREMENT and c.value and c.slot and ":money:" in c.slot
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The regulator fined the bank $7.5m on Tuesday.", (7_500_000, 7_500_000, "USD")),
        ("The ministry set aside €2.1 billion for the repairs.", (2.1e9, 2.1e9, "EUR")),
        ("The painting sold for £950,000 at auction.", (950_000, 950_000, "GBP")),
        ("Exports fell to 4.2 billion Hong Kong dollars.", (4.2e9, 4.2e9, "HKD")),
        ("The deal is worth US$3.6 billion.", (3.6e9, 3.6e9, "USD")),
        ("Tickets cost 45 euros each.", (45, 45, "EUR")),
        ("The fare rose to 70 cents.", (0.7, 0.7, "USD")),
        ("The loan of Rs 500 crore was approved.", (500, 500, "INR")),
        ("Its budget is 12 million Swiss francs.", (12e6, 12e6, "CHF")),
        ("The company was valued at USD4bn last year.", (4e9, 4e9, "USD")),
    ],
)
def test_currency_and_amount(nlp: Any, text: str, expected: tuple[float, float, str]) -> None:
    assert expected in money(nlp, text)


def test_strict_and_inclusive_bounds_like_every_real_value(nlp: Any) -> None:
    """ "more than $5 billion" excludes 5 billion; "at least" keeps it; "about" spreads."""
    (more,) = money(nlp, "The airline lost more than $5 billion last year.")
    assert more[0] is not None and more[0] > 5e9 and more[1] is None
    assert more[0] == math.nextafter(5e9, math.inf)
    assert money(nlp, "The hospital needs at least $5 billion.") == [(5e9, None, "USD")]
    assert money(nlp, "The bridge will cost about €3m.") == [(2.7e6, 3.3e6, "EUR")]
    assert money(nlp, "Donors pledged up to $40 million.") == [(None, 40e6, "USD")]


def test_ranges_and_alternatives(nlp: Any) -> None:
    assert money(nlp, "Flats sell for $400,000 to $1.2 million.") == [(400_000, 1.2e6, "USD")]
    assert money(nlp, "Analysts expect $20 to $25 billion in sales.") == [(20e9, 25e9, "USD")]
    assert sorted(money(nlp, "A taxi costs six or seven euros.")) == [
        (6, 6, "EUR"),
        (7, 7, "EUR"),
    ]


def test_pounds_of_weight_are_not_money(nlp: Any) -> None:
    assert money(nlp, "The parcel weighed 40 pounds.") == []
    assert money(nlp, "The striker joined for 60 million pounds.") == [(60e6, 60e6, "GBP")]


def test_pounds_near_a_mass_noun_or_a_mass_conversion_are_weight(nlp: Any) -> None:
    """What a vehicle carries or pushes, and a bracketed kilogram figure, make pounds mass."""
    assert money(nlp, "The new launcher can lift a payload of 90,000 pounds to orbit.") == []
    assert money(nlp, "Its engines give 2 million pounds of thrust at takeoff.") == []
    assert money(nlp, "The truck hauled its 40,000-pound load uphill.") == []
    assert money(nlp, "The crane can hoist 12,000 pounds (5,440kg) on its longest arm.") == []
    assert money(nlp, "The club paid 45 million pounds for the winger in June.") == [
        (45e6, 45e6, "GBP")
    ]


def test_money_is_a_measurement_never_a_count(nlp: Any) -> None:
    cs = claims(nlp, "The charity raised $2 million from 3,000 donors.")
    units = {(c.type, c.value.unit) for c in cs if c.value}
    assert (ClaimType.MEASUREMENT, "USD") in units
    assert (ClaimType.QUANTITY, "USD") not in units


def test_what_the_amount_is_names_the_slot(nlp: Any) -> None:
    cs = claims(nlp, "The court ordered the firm to pay a fine of $12 million.")
    (fine,) = [c for c in cs if c.value and c.value.unit == "USD"]
    assert fine.slot == "measurement:money:fine"
    assert fine.confidence >= 0.6
    (bare,) = [
        c for c in claims(nlp, "He moved $3 million abroad.") if c.value and c.value.unit == "USD"
    ]
    assert bare.slot == "measurement:money:unknown" and bare.confidence < 0.6


def test_an_article_before_a_dollar_sign_is_not_australian(nlp: Any) -> None:
    assert money(nlp, "The carrier expects a $2 billion charge.") == [(2e9, 2e9, "USD")]
    assert money(nlp, "Tickets cost A$40 at the gate.") == [(40, 40, "AUD")]
