"""Key-claim rules on extracted claims: threats of force by states, armies and armed groups
page; non-force threats and unknown speakers do not. Sentences written for this test."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc

from claimwatch.models import Article, ClaimType
from claimwatch_alert.rules import load_rules
from claimwatch_extract.attribution import phrase
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


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("The army chief vowed to defeat the insurgents before the rains.", "armed-group"),
        ("The president vowed to eradicate terrorism in the northern provinces.", "armed-group"),
        (
            "The defence minister said her troops were waiting at the pass to take on the "
            "invaders.",
            "foreign-military",
        ),
        ("The rebel commander gave a defiant speech threatening attacks on the capital.", "civil"),
        (
            "If Kestria crosses the river, we have the capability to destroy them, the general "
            "said.",
            "threat-of-force-state",
        ),
        (
            "If our bases are attacked, the army will retaliate, the defence minister warned.",
            "threat-of-force-if-attacked",
        ),
        (
            "The admiral said the navy would retaliate whenever its patrol boats came under fire.",
            "if-attacked",
        ),
    ],
)
def test_combat_capability_and_if_attacked_forms_page(nlp: Any, text: str, rule: str) -> None:
    rules = paging_rules(nlp, text)
    assert any(rule in r for r in rules), rules


@pytest.mark.parametrize(
    "text",
    [
        "The finance minister vowed to defeat the bill before the recess.",
        "The club captain said his players were waiting to take on the visitors.",
        "The mayor vowed to eradicate poverty in the northern districts.",
        "The company has the capability to double its output if demand rises.",
        "If the talks fail, the trade minister said, the country will retaliate.",
        "The minister said the funds would be used if the harvest failed again.",
        "The foreign secretary vowed to punish the tyrant Marek Valdo for defying the world.",
    ],
)
def test_their_twins_do_not_page(nlp: Any, text: str) -> None:
    assert paging_rules(nlp, text) == []


def test_a_threat_carried_out_before_is_no_threat(nlp: Any) -> None:
    assert threat_claims(nlp, "Kestria mounted its long-threatened invasion of the province.") == []


def test_the_name_given_in_an_apposition_is_the_actor(nlp: Any) -> None:
    got = threat_claims(
        nlp,
        "Another militia figure, a commander called Abu Karim, said his fighters would attack "
        "the foreign troops.",
    )
    assert got == [("Abu Karim", "armed_group", "foreign_forces")]


def test_a_stray_quote_mark_stays_in_its_paragraph(nlp: Any) -> None:
    text = (
        'A caption left over from the page: "Troops at the border\n\n'
        "Kestria threatened to sink Norway's ships in the gulf."
    )
    assert threat_claims(nlp, text) == [("Kestria", "state_official", "military")]


def test_a_family_name_alone_is_the_person_named_before(nlp: Any) -> None:
    text = (
        "President Park Min-ho spoke in the capital on Monday.\n\n"
        "Mr Park said his forces would destroy the rebel camps."
    )
    assert threat_claims(nlp, text) == [("Park Min-ho", "state_official", "armed_group")]


@pytest.mark.parametrize(
    "text",
    [
        "The president accused the Valdorian government of threatening to invade Kestria.",
        "The envoy blamed the Valdorian government for threatening what she called a lightning "
        "invasion of Kestria's border provinces.",
    ],
)
def test_an_accused_threat_is_the_accused_ones(nlp: Any, text: str) -> None:
    assert threat_claims(nlp, text) == [("Valdorian government", "state_official", "state")]


def test_an_accusation_of_a_non_force_threat_is_none(nlp: Any) -> None:
    text = 'The minister denounced the union for threatening what she called a "crippling strike".'
    assert threat_claims(nlp, text) == []


def test_a_country_named_before_a_name_makes_him_its_official(nlp: Any) -> None:
    text = (
        "Kestria's Valdo Says Talks Are Possible\n\n"
        '"Our warplanes will be used if the rebels attack the valley again," he said.'
    )
    assert threat_claims(nlp, text) == [("Valdo", "state_official", "armed_group")]


def test_a_paragraph_break_hung_on_the_target_stays_out_of_its_name(nlp: Any) -> None:
    words = ["the", "Pacific", "fleet", "\n\n"]  # a headline the parser ran into the body
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=[True, True, False, False],
        heads=[2, 2, 2, 2],
        deps=["det", "compound", "ROOT", "dep"],
    )
    assert phrase(doc[2]) == "Pacific fleet"


def threat_targets(nlp: Any, text: str) -> list[str | None]:
    art = Article(id="t", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    return [c.target for c in out.claims if c.type == ClaimType.THREAT]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            "Valdoria vowed to wipe out the U.S. mainland if the embargo holds.",
            "United States mainland",
        ),
        ("The general said Moscow would be struck if the treaty collapsed.", "Russia"),
        ("The minister said the army would hit ISIS harder than before.", "Islamic State"),
        ("Iran threatened to sink Norway's ships in the gulf.", "Norway's ships"),
        ("The general said his forces would attack the American base.", "United States' base"),
        ("The rebels vowed to kill Americans wherever they hide.", "Americans"),
    ],
)
def test_a_target_is_named_by_its_canonical_entity(nlp: Any, text: str, target: str) -> None:
    assert threat_targets(nlp, text) == [target]


def test_the_further_targets_of_one_speaker_join_the_threat(nlp: Any) -> None:
    text = (
        "The regime warned that its missiles would destroy Kestria and would sink the U.S. fleet."
    )
    assert threat_targets(nlp, text) == ["Kestria and United States fleet"]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            'Hours before the test, the regime said it was time to "flatten" Kestria, to "sink" '
            'the Valdorian navy and to "crush" Norway.',
            "Kestria, Valdorian navy and Norway",
        ),
        ("Valdoria threatened to invade Kestria and to bomb Norway.", "Kestria and Norway"),
    ],
)
def test_a_list_of_threats_names_every_target(nlp: Any, text: str, target: str) -> None:
    assert threat_targets(nlp, text) == [target]


def test_a_listed_clause_with_its_own_subject_is_not_the_first_speakers(nlp: Any) -> None:
    text = "Valdoria said it would invade Kestria, and the rebels said they would burn the ports."
    assert threat_targets(nlp, text) == ["Kestria", "ports"]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            '"We are ready to fight and press on until we reach Dravensk," said Omar Dalil, one '
            "of the militia commanders.",
            "Dravensk",
        ),
        (
            "The rebel commander said his fighters were ready to fight until they capture the "
            "capital.",
            "capital",
        ),
    ],
)
def test_fighting_on_until_a_place_is_won_threatens_that_place(
    nlp: Any, text: str, target: str
) -> None:
    assert threat_targets(nlp, text) == [target]
    assert paging_rules(nlp, text) != []


@pytest.mark.parametrize(
    "text",
    [
        "The senator said her party would fight until they take power in the autumn.",
        "The union leader said his members were ready to fight until they reach a fair deal.",
        "The rebel commander said his fighters were ready to fight until they are paid.",
    ],
)
def test_fighting_on_until_something_else_is_won_is_no_threat(nlp: Any, text: str) -> None:
    assert threat_targets(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            "He'd order air strikes on the rebel camps if they moved, the defence minister said.",
            "rebel camps",
        ),
        ("The president said he would seek a declaration of war against Kestria.", "Kestria"),
        (
            "The interior minister said the army would not hesitate to use force against the "
            "separatists.",
            "separatists",
        ),
    ],
)
def test_contracted_would_declared_war_and_no_hesitation_are_threats(
    nlp: Any, text: str, target: str
) -> None:
    assert threat_targets(nlp, text) == [target]
    assert paging_rules(nlp, text) != []


@pytest.mark.parametrize(
    "text",
    [
        "The defence minister said he'd already ordered the troops home.",
        "The senator said she would seek a declaration of war on poverty.",
        "The interior minister said the army would hesitate to use force against the crowds.",
        "The coach said he would not hesitate to use his bench players against the champions.",
    ],
)
def test_had_a_war_on_a_cause_and_hesitation_are_no_threats(nlp: Any, text: str) -> None:
    assert threat_targets(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("The president threatened Kestria with military action.", "Kestria"),
        (
            "The militia leader called on his followers to attack Kestrian soldiers.",
            "Kestrian soldiers",
        ),
        ("The rebel commander urged his men to burn the army's fuel depots.", "army fuel depots"),
    ],
)
def test_threatening_a_target_with_force_and_calls_to_force_are_threats(
    nlp: Any, text: str, target: str
) -> None:
    assert threat_targets(nlp, text) == [target]
    assert paging_rules(nlp, text) != []


@pytest.mark.parametrize(
    "text",
    [
        "The president threatened Kestria with sanctions.",
        "Analysts say only being able to threaten Kestria with a nuclear strike can deter it.",
        "The columnist urged the government to bomb the rebel camps.",
        "The coach urged his players to attack the champions from the first whistle.",
        "The rebel commander did not urge his men to attack the convoy.",
        "The minister called for calm and urged residents to stay indoors.",
    ],
)
def test_other_threats_and_calls_are_no_threats_of_force(nlp: Any, text: str) -> None:
    assert threat_targets(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Kestria vowed retaliation against Valdoria after the border raid.", "Valdoria"),
        ("The general pledged a fresh offensive against the rebels.", "rebels"),
    ],
)
def test_a_vowed_force_noun_with_a_target_is_a_threat(nlp: Any, text: str, target: str) -> None:
    assert threat_targets(nlp, text) == [target]
    assert paging_rules(nlp, text) != []


@pytest.mark.parametrize(
    "text",
    [
        "The governor promised a war on corruption before the vote.",
        "The president promised a swift military response to any attack on the port.",
        "The company vowed legal action against the newspaper.",
    ],
)
def test_a_vowed_force_noun_without_a_target_or_of_a_cause_is_none(nlp: Any, text: str) -> None:
    assert threat_targets(nlp, text) == []


def test_military_means_read_as_written_in_a_response(nlp: Any) -> None:
    text = "The foreign minister said Kestria would respond with military means to the deployment."
    assert [c[1] for c in threat_claims(nlp, text)] == ["state_official"]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("The Valdorian army threatened to fire rockets into the sea near Kestria.", "Kestria"),
        ("The navy said it would fire missiles into the waters off Kestria.", "Kestria"),
        ("The general threatened to shell the area around Dravensk.", "Dravensk"),
        ("Valdoria threatened to fire missiles into the Sea of Kestria.", "Sea of Kestria"),
    ],
)
def test_a_stretch_of_sea_or_land_is_aimed_at_the_place_it_lies_by(
    nlp: Any, text: str, target: str
) -> None:
    assert threat_targets(nlp, text) == [target]
