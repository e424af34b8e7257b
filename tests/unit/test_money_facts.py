"""What an amount of money is, read from the parse (money_facts.py), and how precisely an
approximate amount was stated. Sentences written for these tests (invented companies,
councils and people)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from claimwatch.models import Article, Claim, FactTime
from claimwatch_extract.pipeline import extract_batch

PUBLISHED = datetime(2026, 5, 14, 9, 30, tzinfo=UTC)


def amounts(nlp: Any, text: str) -> list[Claim]:
    art = Article(id="m", source="s", published_at=PUBLISHED, text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    return [c for c in out.claims if c.slot and ":money:" in c.slot and c.fact is not None]


def key_of(nlp: Any, text: str, low: float) -> str:
    (claim,) = [c for c in amounts(nlp, text) if c.value and c.value.low == low]
    assert claim.fact is not None
    return claim.fact.key


@pytest.mark.parametrize(
    ("text", "low", "key"),
    [
        # a deal is told apart by what it buys
        (
            "Northwind raised its bid for Fabrikam Holdings to $12 billion on Friday.",
            12e9,
            "measurement:money:deal|by Northwind,for Fabrikam",
        ),
        (
            "The offer depends on Fabrikam's pending $4 billion purchase of Contoso Ltd.",
            4e9,
            "measurement:money:deal|by Fabrikam,for Contoso",
        ),
        # a deal amount that does not name what it buys takes the one the sentence names
        (
            "Northwind agreed to buy Contoso in a deal valued at $5 billion.",
            5e9,
            "measurement:money:deal|for Contoso",
        ),
        (
            "The bid assumed Fabrikam would acquire Contoso Ltd, or that the $6 billion "
            "transaction would collapse.",
            6e9,
            "measurement:money:deal|for Contoso",
        ),
        # a price per share is a fact of its own, never the value of the whole deal
        (
            "Northwind raised its offer for Fabrikam to $31 a share.",
            31,
            "measurement:money:deal|by Northwind,for Fabrikam,per share",
        ),
        # the first of several offers is a fact of its own
        (
            "The board turned down Northwind's original $9 billion takeover approach.",
            9e9,
            "measurement:money:deal|initial",
        ),
        # a value with the debt taken on is not the price of the shares
        (
            "The takeover, which comes to $14.2 billion including debt, would be the "
            "insurer's biggest.",
            14.2e9,
            "measurement:money:deal|including debt",
        ),
        # a forecast result is not the reported one
        (
            "Analysts had expected the airline to post net income of $1.4 billion.",
            1.4e9,
            "measurement:money:profit|expected",
        ),
        ("The airline reported net income of $1.1 billion.", 1.1e9, "measurement:money:profit"),
        # two bidders for one company make two offers: the bidder joins a named target
        (
            "Contoso made a rival $14 billion offer for Fabrikam on Monday.",
            14e9,
            "measurement:money:deal|by Contoso,for Fabrikam",
        ),
        (
            "Directors said Northwind's $12 billion bid for Fabrikam undervalued the insurer.",
            12e9,
            "measurement:money:deal|by Northwind,for Fabrikam",
        ),
        # the period a forecast result covers: a quarter's is not the full year's
        (
            "Analysts had expected the airline to post quarterly net income of $1.4 billion.",
            1.4e9,
            "measurement:money:profit|expected,quarterly",
        ),
        (
            "The airline had been expected to post third-quarter net income of $1.4 billion.",
            1.4e9,
            "measurement:money:profit|expected,quarterly",
        ),
        (
            "The airline is expected to report full-year net income of $5.2 billion.",
            5.2e9,
            "measurement:money:profit|expected,full-year",
        ),
        # a verb of asking over the amount's clause makes it a demand
        (
            "The governor insisted that lawmakers approve $3.2 billion for the dam.",
            3.2e9,
            "measurement:money:demand",
        ),
        (
            "The union's demand for $800 million in back pay stands.",
            800e6,
            "measurement:money:demand",
        ),
    ],
)
def test_the_parse_says_what_an_amount_is(nlp: Any, text: str, low: float, key: str) -> None:
    assert key_of(nlp, text, low) == key


def test_plain_words_name_the_amount(nlp: Any) -> None:
    text = "Northwind raised its bid for Fabrikam Holdings to $12 billion on Friday."
    (claim,) = amounts(nlp, text)
    assert claim.fact is not None
    assert claim.fact.description == "value of the deal by Northwind for Fabrikam"


def test_the_first_offer_is_a_current_fact_not_an_earlier_value(nlp: Any) -> None:
    (claim,) = amounts(nlp, "Northwind made an initial $9 billion offer for the insurer.")
    assert claim.fact is not None and claim.fact.time == FactTime.CURRENT


def test_a_pending_deal_s_would_is_not_an_unrealised_amount(nlp: Any) -> None:
    text = "With the insurer's debt included, the deal's value would be $15 billion."
    (claim,) = amounts(nlp, text)
    assert claim.fact is not None and claim.fact.time == FactTime.CURRENT
    cost = amounts(nlp, "The strike would cost the port $30 million a week.")
    assert cost and all(c.fact and c.fact.time == FactTime.UNREALISED for c in cost)


def test_a_denied_amount_is_not_a_value_of_the_fact(nlp: Any) -> None:
    cs = amounts(nlp, '"Not $2 billion, no, we are asking for $4.5" billion, the governor said.')
    by_low = {c.value.low: c for c in cs if c.value}
    assert by_low[2e9].fact and by_low[2e9].fact.time == FactTime.UNREALISED
    # the closing quote inside the amount does not cut "billion" off its number
    assert by_low[4.5e9].fact and by_low[4.5e9].fact.time == FactTime.CURRENT


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        # rounded to the unit: give or take half a unit (the alert stage adds the other half)
        ("The deal is worth about $146 billion.", 145.5e9, 146.5e9),
        ("The couple earned roughly $3.6 million.", 3.55e6, 3.65e6),
        # rounded to the hundred: the relative spread is the narrower one
        ("Repairs will cost about $200 million.", 180e6, 220e6),
    ],
)
def test_an_approximate_amount_is_as_wide_as_its_rounding(
    nlp: Any, text: str, low: float, high: float
) -> None:
    (claim,) = amounts(nlp, text)
    assert claim.value is not None
    assert claim.value.low == pytest.approx(low) and claim.value.high == pytest.approx(high)
