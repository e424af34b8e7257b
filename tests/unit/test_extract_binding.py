"""Who and what a claim is about: context words bind to their own number, datelines are never
actors, a reported warning belongs to the one who warned, tallies value a count. Each case is
a sentence written for this test (invented places and people)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from claimwatch.models import Article, Claim, ClaimType
from claimwatch_extract.attribution import dateline_spans
from claimwatch_extract.lexicon import Datelines, load_lexicon
from claimwatch_extract.pipeline import extract_batch


def claims(nlp: Any, text: str, t: ClaimType) -> list[Claim]:
    art = Article(id="b", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    for c in out.claims:
        assert text[c.start : c.end] == c.text
    return [c for c in out.claims if c.type == t]


def slots_by_low(cs: list[Claim]) -> dict[float | None, str | None]:
    return {c.value.low if c.value else None: c.slot for c in cs}


def test_depth_word_binds_only_to_its_own_number(nlp: Any) -> None:
    text = (
        "Seismologists said the shock came from a depth of 22 kilometres, some 75 kilometres "
        "west of the harbour town."
    )
    ms = claims(nlp, text, ClaimType.MEASUREMENT)
    assert slots_by_low(ms) == {22: "measurement:depth", 67.5: "measurement:distance"}


def test_context_word_after_the_number_binds_to_the_nearer_one(nlp: Any) -> None:
    text = "The fault ruptured 30 miles inland, and the quake was 12 km deep."
    ms = claims(nlp, text, ClaimType.MEASUREMENT)
    assert slots_by_low(ms) == {48.28: "measurement:distance", 12: "measurement:depth"}


def test_compared_value_shares_the_subject_of_the_first(nlp: Any) -> None:
    text = "Turnout reached 71 percent, compared with 66 percent four years ago."
    ms = claims(nlp, text, ClaimType.MEASUREMENT)
    assert {c.slot for c in ms} == {"measurement:percent:turnout"}
    assert len(ms) == 2


def test_dateline_spans_find_paragraph_openings_only() -> None:
    lex = load_lexicon()
    text = (
        "OSTRAVIK, Feb 9 (Baltic Line) - The mayor said the bridge would reopen.\n\n"
        "KELM — Officials said so too.\n\nThe TV - radio split was noted."
    )
    spans = [text[a:b] for a, b in dateline_spans(text, lex)]
    assert spans == ["OSTRAVIK, Feb 9 (Baltic Line) - ", "KELM — "]


def test_dateline_pattern_is_validated() -> None:
    with pytest.raises(ValidationError):
        Datelines(pattern="([unclosed")


@pytest.mark.parametrize(
    "text",
    [
        "RASKOV, Jan 14 (Eastwire) - Marrenia's foreign minister, Tomas Eklund, said on Friday "
        "that foreign warships in the bay would be legitimate targets.",
        "RASKOV (Eastwire) — Marrenia's foreign minister, Tomas Eklund, said on Friday that "
        "foreign warships in the bay would be legitimate targets.",
    ],
)
def test_a_dateline_is_never_the_actor(nlp: Any, text: str) -> None:
    (t,) = claims(nlp, text, ClaimType.THREAT)
    assert t.actor is not None and "Eklund" in t.actor
    assert "RASKOV" not in (t.actor or "")


def test_warning_from_someone_is_their_threat(nlp: Any) -> None:
    text = (
        "Aid groups said they would keep their convoys running despite a warning from General "
        "Mara Ostrova that any foreign trucks crossing the border would be destroyed."
    )
    (t,) = claims(nlp, text, ClaimType.THREAT)
    assert t.actor is not None and "Ostrova" in t.actor
    assert t.attribution.value == "reported"


def test_possessive_warning_is_the_possessors_threat(nlp: Any) -> None:
    text = "Airlines cancelled flights after the militia's warning that planes would be shot down."
    (t,) = claims(nlp, text, ClaimType.THREAT)
    assert t.actor == "militia"
    assert t.actor_class == "armed_group"


def test_sentence_subject_is_the_actor_without_a_speech_noun(nlp: Any) -> None:
    text = "The commander said his artillery would strike any convoy that crossed the river."
    (t,) = claims(nlp, text, ClaimType.THREAT)
    assert t.actor == "commander"


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("The death toll from the landslide in the northern hills rose to 63 on Monday.", 63),
        ("By nightfall the toll stood at 28, the regional governor said.", 28),
        ("The number of dead from the fire had climbed to 14, officials said.", 14),
    ],
)
def test_a_tally_values_a_count_of_the_dead(nlp: Any, text: str, low: int) -> None:
    (q,) = claims(nlp, text, ClaimType.QUANTITY)
    assert q.value is not None and (q.value.low, q.value.high) == (low, low)
    assert q.slot == "quantity:person:killed"


def test_a_toll_road_price_is_not_a_death_count(nlp: Any) -> None:
    text = "The toll on the new bridge rose to $4 on Monday."
    assert claims(nlp, text, ClaimType.QUANTITY) == []


def test_missing_after_a_copula_is_the_missing_frame(nlp: Any) -> None:
    text = "The barge sank near the locks, and more than 12 workers were missing, police said."
    (q,) = claims(nlp, text, ClaimType.QUANTITY)
    assert q.value is not None and (q.value.low, q.value.high) == (13, None)
    assert q.slot == "quantity:worker:missing"


def test_arriving_for_an_event_is_attending_it(nlp: Any) -> None:
    arrived = "Eleven governors arrived in the port city on Monday for the trade summit."
    (q,) = claims(nlp, arrived, ClaimType.QUANTITY)
    assert q.slot is not None and q.slot.endswith(":attend")
    attended = "Eleven governors attended the trade summit."
    (q2,) = claims(nlp, attended, ClaimType.QUANTITY)
    assert q2.slot == q.slot


def test_passive_threat_finds_the_target_the_parser_detached(nlp: Any) -> None:
    text = (
        "Korvan's army chief said on Tuesday that foreign instructors posted to the capital "
        "would be treated as legitimate targets."
    )
    (t,) = claims(nlp, text, ClaimType.THREAT)
    assert t.target is not None and "instructors" in t.target
    assert t.target_class == "foreign_forces"
