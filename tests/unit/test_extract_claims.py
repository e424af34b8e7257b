"""Claim extractors on real spaCy parses: quantities + slots, ordinals, measurements, threats,
quotes, entity canonicalisation. Each case is a sentence written for this test."""

from __future__ import annotations

from typing import Any

import pytest

from claimwatch.models import Article, Claim, ClaimType
from claimwatch_extract.entities import canonicalise, fold
from claimwatch_extract.pipeline import extract_batch


def claims(nlp: Any, text: str) -> list[Claim]:
    art = Article(id="t", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    for c in out.claims:  # every evidence span points into the text
        assert text[c.start : c.end] == c.text
    return out.claims


def of(cs: list[Claim], t: ClaimType) -> list[Claim]:
    return [c for c in cs if c.type == t]


def test_same_fact_in_different_words_shares_a_slot(nlp: Any) -> None:
    texts = [
        "Officials said 26 countries had formally committed troops.",
        "A coalition of 24 nations has pledged forces.",
        "More than two dozen countries are prepared to send troops.",
    ]
    slots = {of(claims(nlp, t), ClaimType.QUANTITY)[0].slot for t in texts}
    assert slots == {"quantity:country:commit"}


def test_coalition_size_is_a_different_fact(nlp: Any) -> None:
    qs = of(
        claims(nlp, "The 26 allies in the 35-nation coalition have promised troops."),
        ClaimType.QUANTITY,
    )
    by_low = {q.value.low: q.slot for q in qs if q.value}
    assert by_low[26] == "quantity:country:commit"
    assert by_low[35] == "quantity:country:size:coalition"


def test_unknown_frame_has_low_confidence(nlp: Any) -> None:
    (q,) = of(claims(nlp, "The ship was carrying 22 crew."), ClaimType.QUANTITY)
    assert q.slot == "quantity:crew:unknown"
    assert q.confidence < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "The 54-year-old was born in 1970 and paid $4 million for the house on 3 May.",
        "Call 0800 555 0142 for details; the match ended 3-1 at 4:15 p.m.",
        "Two officials said the talks under Article 5 would resume.",
    ],
)
def test_dates_ages_money_phones_are_not_quantities(nlp: Any, text: str) -> None:
    assert of(claims(nlp, text), ClaimType.QUANTITY) == []


def test_casualty_tally_and_ellipsis(nlp: Any) -> None:
    cs = of(
        claims(nlp, "At least 43 people were killed and 120 injured. The death toll rose to 212."),
        ClaimType.QUANTITY,
    )
    got = {(c.value.low, c.value.high, c.slot) for c in cs if c.value}
    assert got == {
        (43, None, "quantity:person:killed"),
        (120, 120, "quantity:person:injured"),
        (212, 212, "quantity:person:killed"),
    }


@pytest.mark.parametrize(
    ("text", "value", "slot"),
    [
        ("The war, now in its fourth year, goes on.", 4, "ordinal_period:war:year"),
        (
            "As the blockade entered its third week, food ran short.",
            3,
            "ordinal_period:blockade:week",
        ),
        ("The strike, which entered its second day, closed ports.", 2, "ordinal_period:strike:day"),
    ],
)
def test_ordinal_periods(nlp: Any, text: str, value: int, slot: str) -> None:
    (o,) = of(claims(nlp, text), ClaimType.ORDINAL_PERIOD)
    assert (o.value.low if o.value else None, o.slot) == (value, slot)


def test_ordinal_non_periods(nlp: Any) -> None:
    text = "Profits rose in the third quarter, and the team won its fifth straight game."
    assert of(claims(nlp, text), ClaimType.ORDINAL_PERIOD) == []


@pytest.mark.parametrize(
    ("text", "low", "unit", "slot"),
    [
        ("A magnitude 7.4 earthquake struck.", 7.4, "magnitude", "measurement:magnitude"),
        ("The 6.8-magnitude quake hit hard.", 6.8, "magnitude", "measurement:magnitude"),
        ("The 5.7 magnitude quake cut power.", 5.7, "magnitude", "measurement:magnitude"),
        ("A 6.1 tremor rattled the port.", 6.1, "magnitude", "measurement:magnitude"),
        ("It struck at a depth of 10 kilometres.", 10, "km", "measurement:depth"),
        ("It was centred 12 miles south of the city.", 19.31, "km", "measurement:distance"),
        ("Inflation rose to 4.9 percent in May.", 4.9, "percent", "measurement:percent:inflation"),
    ],
)
def test_measurements(nlp: Any, text: str, low: float, unit: str, slot: str) -> None:
    (m,) = of(claims(nlp, text), ClaimType.MEASUREMENT)
    assert m.value is not None
    assert (m.value.low, m.value.unit, m.slot) == (pytest.approx(low), unit, slot)


def test_a_whole_number_of_quakes_is_a_count_not_a_magnitude(nlp: Any) -> None:
    assert of(claims(nlp, "Three quakes rattled the port overnight."), ClaimType.MEASUREMENT) == []


def test_head_of_state_threat_against_foreign_troops(nlp: Any) -> None:
    text = (
        'President Arkady Voronin said that any foreign troops sent to the region "will be '
        'legitimate targets".'
    )
    (t,) = of(claims(nlp, text), ClaimType.THREAT)
    assert t.actor == "Arkady Voronin"
    assert (t.actor_class, t.target_class) == ("state_official", "foreign_forces")
    assert t.attribution.value == "direct_quote"


@pytest.mark.parametrize(
    "text",
    [
        "The prime minister threatened to resign if the deal failed.",
        "The company threatened to sue the regulator.",
        "The union threatened to strike next month.",
        "Nurses threatened to walk out over pay.",
        "The president threatened to veto the bill and impose tariffs.",
        "She said she would go to court.",
        "Artillery destroyed the bridge on Monday.",
    ],
)
def test_not_force_threats(nlp: Any, text: str) -> None:
    assert of(claims(nlp, text), ClaimType.THREAT) == []


def test_armed_group_threat_with_condition(nlp: Any) -> None:
    text = (
        "The rebel commander, Idris Kamau, threatened to attack army positions unless troops left."
    )
    (t,) = of(claims(nlp, text), ClaimType.THREAT)
    assert (t.actor, t.actor_class, t.target_class) == ("Idris Kamau", "armed_group", "military")
    assert t.condition and "unless" in t.condition


def test_quote_inside_quote_is_one_quote_of_the_outer_speaker(nlp: Any) -> None:
    text = (
        "\"He told me, 'I will ruin you,' and hung up,\" the witness, Carla Munoz, told the jury."
    )
    (q,) = of(claims(nlp, text), ClaimType.QUOTE)
    assert q.actor == "Carla Munoz"
    assert q.quote is not None and "'I will ruin you,'" in q.quote


def test_entity_aliases_demonyms_surnames_transliterations(nlp: Any) -> None:
    doc = nlp(
        "President Arkady Voronin met British officials in the U.S. on Friday. Voronin said "
        "Britain and the UK agreed. President Volodymyr Zelenskyy spoke; Zelensky later added "
        "more. Ali Karimi came, and Karimy left."
    )
    index = canonicalise(doc)
    ids = {m.text: e.id for e in index.entities() for m in e.mentions}
    assert ids["British"] == ids["Britain"] == ids["UK"] == "wd:Q145"
    assert ids["U.S."] == "wd:Q30"
    assert ids["Voronin"] == ids["Arkady Voronin"] == "person:arkadi-voronin"
    assert ids["Volodymyr Zelenskyy"] == ids["Zelensky"]
    assert ids["Karimy"] == ids["Ali Karimi"]
    assert fold("Karimy") == fold("Karimi")


def test_a_datelines_place_is_a_place_entity_of_the_article(nlp: Any) -> None:
    """A report that names its city only in the dateline still names the place (story
    grouping compares places); a place the tagger also reads is one entity, first in rank."""
    text = (
        "MIRNA BAY — Ferry services were halted on Tuesday after a storm damaged two piers, "
        "the harbour authority said."
    )
    article = Article(id="d", source="s", text=text, original_text=text)
    ((entities, out),) = extract_batch(nlp, [article])
    assert out.entity_ids[0] == "gpe:mirna-bay"
    (bay,) = [e for e in entities.entities if e.id == "gpe:mirna-bay"]
    assert (bay.mentions[0].text, bay.mentions[0].start) == ("MIRNA BAY", 0)
    twice = "KESSLO — Police in Kesslo closed the old bridge on Monday, the city council said."
    index = canonicalise(nlp(twice), doc_text=twice)
    kesslo = [e for e in index.entities() if e.id.endswith(":kesslo")]
    assert len(kesslo) == 1 and kesslo[0].mentions[0].start == 0
    assert index.entities()[0].id.endswith(":kesslo")
    plain = "Police closed the old bridge on Monday, the city council said."
    assert not any(e.type == "GPE" for e in canonicalise(nlp(plain)).entities())


@pytest.mark.parametrize(
    "opener",
    [
        "FILE — Police closed the old bridge on Monday, the city council said.",
        "UPDATE — Police closed the old bridge on Monday, the city council said.",
        "RIVER TOWNS FLOOD AGAIN AS DAMS FAIL — Police closed the old bridge on Monday.",
        "NB — Police closed the old bridge on Monday, the city council said.",
    ],
)
def test_a_newsroom_label_headline_or_initialism_set_like_a_dateline_is_no_place(
    nlp: Any, opener: str
) -> None:
    found = canonicalise(nlp(opener), doc_text=opener).entities()
    assert not any(m.start == 0 for e in found for m in e.mentions if e.type == "GPE")


def test_one_claims_event_per_article_even_without_claims(nlp: Any) -> None:
    arts = [
        Article(id=str(i), source="s", text=t, original_text=t)
        for i, t in enumerate(["Nothing to see here.", "At least 300 people died."])
    ]
    out = extract_batch(nlp, arts)
    assert [c.article_id for _, c in out] == ["0", "1"]
    assert out[0][1].claims == [] and len(out[1][1].claims) == 1


def test_claims_in_later_sentences_of_a_long_article(nlp: Any) -> None:
    """Token indexes are doc-absolute: claims deep in an article must still be right."""
    text = (
        "The talks ended on Friday. Ministers met again. "
        * 5
        + "More than two dozen countries are prepared to send troops. "
        "A magnitude 7.4 quake struck at a depth of 10 kilometres."
    )
    cs = claims(nlp, text)
    got = {(c.type.value, c.value.low if c.value else None, c.slot) for c in cs}
    assert got == {
        ("quantity", 25, "quantity:country:commit"),
        ("measurement", 7.4, "measurement:magnitude"),
        ("measurement", 10, "measurement:depth"),
    }


def test_evidence_is_the_sentence_without_surrounding_blank_lines() -> None:
    from claimwatch_extract.core import evidence_bounds

    text = "First paragraph ends here.\n\nSecond one says 26 countries committed.\n\n"
    start, end = evidence_bounds(text, 28, len(text))
    assert text[start:end] == "Second one says 26 countries committed."
    assert evidence_bounds("  \n", 0, 3) == (0, 0)


def test_a_spaced_thousands_figure_is_one_number_but_not_after_a_name_it_labels(
    nlp: Any,
) -> None:
    """A feed that sets every comma apart writes "1, 874"; "Route 66, 140 miles" and "Game
    7, 112 fans" are a name's number and then a figure of their own."""
    spaced = claims(nlp, "About 1, 874 homes were flooded when the river rose.")
    assert [c.value.low for c in spaced if c.value is not None] == [1687]  # about 1874
    labelled = claims(nlp, "In Game 7, 112 fans were hurt when a stand gave way.")
    assert [c.value.low for c in labelled if c.value is not None] == [112]
    road = claims(nlp, "The van left Route 66, 140 miles from the coast, and crashed.")
    assert all(c.value is None or c.value.low < 1000 for c in road)
