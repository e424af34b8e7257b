"""Key-claim rules on extracted claims: threats of force by states, armies and armed groups
page; non-force threats and unknown speakers do not. Sentences written for this test."""

from __future__ import annotations

from typing import Any

import pytest

from claimwatch.models import Article, ClaimType
from claimwatch_alert.rules import load_rules
from claimwatch_extract.pipeline import extract_batch


def paging_rules(nlp: Any, text: str) -> list[str]:
    art = Article(id="t", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    threats = [c for c in out.claims if c.type == ClaimType.THREAT]
    return sorted({r.id for r in load_rules() for c in threats if r.matches(c)})


@pytest.mark.parametrize(
    "text",
    [
        "Iran has threatened to sink Norway's tankers if they enter the strait.",
        "Brazil's defence minister vowed to strike Mexico's border bases within days.",
        "Turkey warned it would bomb the rebel camps across the border.",
        "The rebel commander said his fighters would attack foreign troops at the airport.",
        "Russia said any convoy crossing the line would be destroyed.",
    ],
)
def test_threats_of_force_page(nlp: Any, text: str) -> None:
    assert paging_rules(nlp, text) != []


@pytest.mark.parametrize(
    "text",
    [
        "Iran has threatened to expel Norway's diplomats if the talks fail.",
        "Brazil's trade minister vowed to impose tariffs on Mexico's steel within days.",
        "Turkey warned it would boycott the summit across the border.",
        "The union leader said his members would strike at the airport.",
        "Analysts said a war over the islands would devastate the region.",
        "The president said the country would defend its borders and protect its people.",
    ],
)
def test_non_force_threats_and_forecasts_do_not_page(nlp: Any, text: str) -> None:
    assert paging_rules(nlp, text) == []


def threat_claims(nlp: Any, text: str) -> list[tuple[str | None, str | None, str | None]]:
    art = Article(id="t", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    return [
        (c.actor, c.actor_class, c.target_class) for c in out.claims if c.type == ClaimType.THREAT
    ]


def test_a_country_speaking_is_a_state_and_a_country_threatened_is_a_state(nlp: Any) -> None:
    assert threat_claims(nlp, "Iran threatened to sink Norway's ships in the gulf.") == [
        ("Iran", "state_official", "military")
    ]
    assert ("Iran", "state_official", "state") in threat_claims(
        nlp, "Iran has threatened to strike Norway if the drills go ahead."
    )


def test_two_speakers_in_one_sentence_make_two_threats(nlp: Any) -> None:
    got = threat_claims(
        nlp,
        "Turkey threatened to shell the border towns after the prime minister warned that "
        "Turkey would face fire if it crossed the river.",
    )
    assert [a for a, _, _ in got] == ["Turkey", "prime minister"]


@pytest.mark.parametrize(
    "text",
    [
        "When our ships are attacked, the navy is going to retaliate, the admiral said.",
        "The general warned that any incursion would be met with force.",
        "It is time to annihilate the rebel strongholds, the commander said.",
    ],
)
def test_future_and_response_forms(nlp: Any, text: str) -> None:
    assert threat_claims(nlp, text) != []


def test_shooting_down_munitions_is_not_paged(nlp: Any) -> None:
    assert paging_rules(nlp, "Norway vowed to shoot down any missiles fired at its coast.") == []
